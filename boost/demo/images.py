"""Pictures for the demo content, drawn here with Pillow (no third-party photos or artwork).

Two kinds, both PNG and both described in their alt text (the Wagtail image's ``description``):

* a community's banner: its members drawn as circles linked around a shared question, in its care
  area's colour, so each community page has its own picture;
* a write-up's timeline: the project's milestones (the annotations on its measures) on a line, with
  their dates and labels, so the picture says something the reader can use.

Each image is stored once in the collection of the page it belongs to (``boost.file_contexts``), so
it is served under the same rights as the page; reruns find it by title and leave it alone.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from datetime import date

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page

from boost.file_contexts import collection_for

WIDTH, HEIGHT = 960, 400
NHS_BLUE = (0, 94, 184)
PALE = (232, 241, 250)
DARK = (33, 43, 50)
# NHS.UK palette, one colour per community by its slug.
ACCENTS = [(0, 94, 184), (0, 125, 88), (51, 0, 114), (174, 37, 115), (237, 139, 0), (0, 144, 157)]


def _accent(key: str) -> tuple[int, int, int]:
    return ACCENTS[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(ACCENTS)]


def _png(image: PILImage.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def community_banner(slug: str, people: int) -> bytes:
    """Circles for ``people`` members around a central circle (the shared question), linked."""
    rng = random.Random(slug)  # the same picture for the same community, every run
    accent = _accent(slug)
    image = PILImage.new("RGB", (WIDTH, HEIGHT), PALE)
    draw = ImageDraw.Draw(image)
    centre = (WIDTH // 2, HEIGHT // 2)
    count = max(3, min(people, 12))
    spots = []
    for index in range(count):
        angle = 2 * math.pi * index / count + rng.uniform(-0.2, 0.2)
        radius_x, radius_y = rng.uniform(250, 380), rng.uniform(110, 150)
        spots.append((centre[0] + radius_x * math.cos(angle), centre[1] + radius_y * math.sin(angle)))
    for a, b in zip(spots, spots[1:] + spots[:1], strict=True):
        draw.line([a, b], fill=(174, 183, 189), width=3)
    for spot in spots:
        draw.line([spot, centre], fill=accent, width=4)
    draw.ellipse([centre[0] - 62, centre[1] - 62, centre[0] + 62, centre[1] + 62], fill=accent)
    draw.ellipse([centre[0] - 30, centre[1] - 30, centre[0] + 30, centre[1] + 30], fill=(255, 255, 255))
    for x, y in spots:
        size = rng.uniform(26, 38)
        draw.ellipse([x - size, y - size, x + size, y + size], fill=(255, 255, 255), outline=accent, width=6)
        draw.ellipse([x - size / 3, y - size / 2, x + size / 3, y + size / 6], fill=accent)  # head
        draw.pieslice([x - size / 1.6, y, x + size / 1.6, y + size * 1.2], 180, 360, fill=accent)  # shoulders
    return _png(image)


def community_banner_alt(title: str, people: int) -> str:
    count = max(3, min(people, 12))
    return (
        f"Illustration: {count} people, drawn as circles, each linked to a shared question in the middle "
        f"and to their neighbours: the members of {title} learning together."
    )


def _month(day: date) -> str:
    return day.strftime("%B %Y")


def timeline(milestones: list[tuple[date, str]], accent_key: str) -> bytes:
    """A horizontal timeline: one dot per milestone, its month above and its label below."""
    accent = _accent(accent_key)
    image = PILImage.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    # Large type: the picture is shown at about half its width in the page column.
    title_font = ImageFont.load_default(size=40)
    font = ImageFont.load_default(size=30)
    draw.text((40, 28), "Project timeline", fill=DARK, font=title_font)
    y = 170
    left, right = 60, WIDTH - 60
    draw.line([(left, y), (right, y)], fill=(174, 183, 189), width=6)
    milestones = sorted(milestones)[:4]
    step = (right - left) / max(1, len(milestones) - 1) if len(milestones) > 1 else 0
    for index, (day, label) in enumerate(milestones):
        x = left + step * index if len(milestones) > 1 else (left + right) / 2
        draw.ellipse([x - 16, y - 16, x + 16, y + 16], fill=accent)
        anchor = "la" if index == 0 else "ra" if index == len(milestones) - 1 and index else "ma"
        draw.text((x, y - 64), day.strftime("%b %Y"), fill=DARK, font=font, anchor=anchor)
        for line_no, text in enumerate(_wrap(label, 13 if len(milestones) > 2 else 24)[:4]):
            draw.text((x, y + 36 + line_no * 36), text, fill=DARK, font=font, anchor=anchor)
    return _png(image)


def timeline_alt(title: str, milestones: list[tuple[date, str]]) -> str:
    steps = "; ".join(f"{_month(day)}, {label}" for day, label in sorted(milestones)[:4])
    return f"Timeline of {title}: {steps}."[:255]


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def attach(page: Page, *, title: str, alt: str, draw) -> object:
    """The page's image called ``title`` in the page's own collection, drawn on first use."""
    Image = get_image_model()
    collection = collection_for(page)
    image = Image.objects.filter(collection=collection, title=title).first()
    if image is None:
        content = draw()
        image = Image(title=title, description=alt, collection=collection)
        image.file = ImageFile(io.BytesIO(content), name=f"{page.slug}.png")
        image.save()
    elif image.description != alt:
        image.description = alt
        image.save(update_fields=["description"])
    return image
