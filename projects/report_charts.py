"""Server-drawn SVG for the priority report's stage funnel: stacked bars, one per month.

Like ``projects.charts`` it is pure Python and works with scripts off; the page shows the same
figures as a table and a sentence, so the drawing is never the only way to read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projects.charts import FONT, GRID, TEXT, _clean, _element, _nice_step

WIDTH = 600
HEIGHT = 320
LEFT = 48
RIGHT = 16
TOP = 16
BOTTOM = 96  # month labels and the legend
STAGE_COLOURS = ("#AEB7BD", "#41B6E6", "#005EB8", "#330072", "#007F3B")


def render_funnel_svg(rows: Sequence[dict[str, Any]], stage_labels: Sequence[str], summary: str) -> str:
    """Stacked bars of ``row["counts"]`` (one per stage, in ``stage_labels`` order) for each month."""
    top_value = max([row["total"] for row in rows] + [1])
    step = max(1, round(_nice_step(top_value, 4)))
    ceiling = -(-top_value // step) * step
    plot_bottom = HEIGHT - BOTTOM
    plot_height = plot_bottom - TOP
    slot = (WIDTH - LEFT - RIGHT) / max(len(rows), 1)
    bar = slot * 0.6
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="boost-funnel" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="funnel-title" aria-describedby="funnel-desc" font-family="{FONT}" font-size="14">'
        '<title id="funnel-title">Projects at each stage, month by month</title>'
        f'<desc id="funnel-desc">{_clean(summary)}</desc>'
    ]
    for tick in range(0, ceiling + 1, step):
        y = plot_bottom - tick / ceiling * plot_height
        parts.append(_element("line", {"x1": LEFT, "x2": WIDTH - RIGHT, "y1": y, "y2": y, "stroke": GRID}))
        parts.append(_element("text", {"x": LEFT - 8, "y": y + 5, "text-anchor": "end", "fill": TEXT}, str(tick)))
    for index, row in enumerate(rows):
        x = LEFT + index * slot + (slot - bar) / 2
        base = plot_bottom
        for count, colour, label in zip(row["counts"], STAGE_COLOURS, stage_labels, strict=False):
            if not count:
                continue
            height = count / ceiling * plot_height
            base -= height
            parts.append(
                _element(
                    "rect",
                    {"x": x, "y": base, "width": bar, "height": height, "fill": colour, "stroke": "#FFFFFF"},
                    f"<title>{_clean(row['label'])}: {count} at {_clean(label.lower())}</title>",
                )
            )
        month = row["month"]
        parts.append(
            _element(
                "text",
                {"x": x + bar / 2, "y": plot_bottom + 18, "text-anchor": "middle", "fill": TEXT},
                month.strftime("%b"),
            )
        )
        if index == 0 or month.month == 1:
            parts.append(
                _element(
                    "text",
                    {"x": x + bar / 2, "y": plot_bottom + 36, "text-anchor": "middle", "fill": TEXT},
                    str(month.year),
                )
            )
    x = LEFT
    y = HEIGHT - 24
    for colour, label in zip(STAGE_COLOURS, stage_labels, strict=False):
        parts.append(_element("rect", {"x": x, "y": y - 11, "width": 12, "height": 12, "fill": colour}))
        parts.append(_element("text", {"x": x + 16, "y": y, "fill": TEXT}, _clean(label)))
        x += 16 + 8.5 * len(label) + 16
    parts.append("</svg>")
    return "".join(parts)
