"""The value chart: annual spend (x) against total benefit (y), one numbered point per intervention
with its uncertainty range as a vertical bar. Server-drawn SVG, presentation attributes only (the
CSP allows no inline styles); the page gives the same figures as a table and a text summary."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from learning.value import RankedIntervention

# 600 units wide like the project charts (shown 528 to 600 px, projects.css), so 14-unit ticks
# stay at least 12 px and labels 14 px on a phone.
WIDTH, HEIGHT = 600, 400
LEFT, RIGHT, TOP, BOTTOM = 84, 20, 20, 64


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _money(value: float) -> str:
    if value >= 1_000_000:
        return f"£{value / 1_000_000:g}m"
    if value >= 1_000:
        return f"£{value / 1_000:g}k"
    return f"£{value:g}"


def value_chart_svg(ranked: list[RankedIntervention], unit: str, title: str) -> str:
    spend_max = _nice_max(float(max((r.intervention.annual_spend for r in ranked), default=Decimal(1))))
    benefit_max = _nice_max(float(max((r.total_high for r in ranked), default=Decimal(1))))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(value) -> float:
        return LEFT + plot_w * float(value) / spend_max

    def y(value) -> float:
        return TOP + plot_h - plot_h * float(value) / benefit_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="value-chart-title value-chart-desc" class="boost-value-chart">',
        f'<title id="value-chart-title">{escape(title)}</title>',
        f'<desc id="value-chart-desc">Annual spend against total benefit in {escape(unit)} for each intervention, '
        "numbered by value rank. The table below gives every figure.</desc>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#aeb7bd"/>',
    ]
    for i in range(5):
        fraction = i / 4
        gx, gy = LEFT + plot_w * fraction, TOP + plot_h - plot_h * fraction
        parts.append(f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{TOP + plot_h}" stroke="#e8edee"/>')
        parts.append(f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{LEFT + plot_w}" y2="{gy:.1f}" stroke="#e8edee"/>')
        parts.append(
            f'<text x="{gx:.1f}" y="{TOP + plot_h + 20}" font-size="14" text-anchor="middle" fill="#212b32">'
            f"{escape(_money(spend_max * fraction))}</text>"
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{gy + 5:.1f}" font-size="14" text-anchor="end" fill="#212b32">'
            f"{benefit_max * fraction:g}</text>"
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 14}" font-size="16" text-anchor="middle" fill="#212b32">'
        "Annual spend</text>"
    )
    parts.append(
        f'<text x="18" y="{TOP + plot_h / 2}" font-size="16" text-anchor="middle" fill="#212b32" '
        f'transform="rotate(-90 16 {TOP + plot_h / 2})">Total benefit ({escape(unit)})</text>'
    )
    for row in ranked:
        px, py = x(row.intervention.annual_spend), y(row.total_benefit)
        parts.append(
            f'<line x1="{px:.1f}" y1="{y(row.total_low):.1f}" x2="{px:.1f}" y2="{y(row.total_high):.1f}" '
            'stroke="#005eb8" stroke-width="2"/>'
        )
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="12" fill="#005eb8"/>')
        parts.append(
            f'<text x="{px:.1f}" y="{py + 5:.1f}" font-size="14" text-anchor="middle" fill="#ffffff">{row.rank}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
