"""The certificate of completion as a PDF (fpdf2: pure Python, no system libraries)."""

from __future__ import annotations

from fpdf import FPDF

from learning.models import Certificate

NHS_BLUE = (0, 94, 184)
TEXT = (33, 43, 50)


def _latin1(text: str) -> str:
    # The PDF core fonts are Latin-1; curly quotes and dashes are mapped, anything else replaced.
    mapped = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"})
    return mapped.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf_bytes(certificate: Certificate, verify_url: str) -> bytes:
    """One A4 landscape page: who, what, when, and where anyone can check it."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_latin1(f"Certificate of completion: {certificate.programme_title}"))
    pdf.set_author("Boost")
    pdf.set_lang("en-GB")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(*NHS_BLUE)
    pdf.set_line_width(2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_text_color(*NHS_BLUE)
    pdf.set_font("Helvetica", "B", 30)
    pdf.set_y(40)
    pdf.cell(0, 14, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*TEXT)
    pdf.set_font("Helvetica", "", 16)
    pdf.ln(8)
    pdf.cell(0, 10, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 26)
    pdf.cell(0, 16, _latin1(certificate.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 16)
    pdf.cell(0, 10, "has completed every learning module of", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 12, _latin1(certificate.programme_title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    issued = certificate.issued_on
    pdf.cell(0, 10, f"on {issued.day} {issued:%B %Y}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(170)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Check this certificate at:", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _latin1(verify_url), align="C", link=verify_url, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
