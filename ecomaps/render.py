"""Server-rendered SVG of a laid-out eco-map (see ``ecomaps.layout``).

Everything text-like is escaped; the drawing carries no scripts or style attributes (the site's
CSP allows neither), only presentation attributes. Every station and journey has a ``<title>``,
and the drawing points to the text alternative on the page for the full content.
"""

from __future__ import annotations

from django.utils.html import escape

from ecomaps.layout import FONT_SIZE, LINE_HEIGHT

# Line colours with at least 3:1 contrast on white (WCAG 1.4.11), NHS.UK palette first; past ten
# journeys the dash pattern tells lines apart as well as the colour.
COLOURS = ["#005eb8", "#d5281b", "#007f3b", "#330072", "#a35200", "#7c2855", "#00796b", "#425563", "#003087", "#6b5e00"]
DASHES = ["", "12 5", "3 4"]
LINE_WIDTH = 5
LINE_GAP = 4.5
MAX_OFFSET = 9
# Parallel lines on a shared step are shifted along this direction, which is at least 22.5° off
# every octilinear direction, so shifted copies never lie on top of each other.
SHIFT = (0.383, 0.924)
FONT = "Frutiger W01, Arial, sans-serif"
MARKERS = {
    "pain": ("#d5281b", "M0,-8 L7,5 L-7,5 Z", "Pain point"),
    "bright": ("#007f3b", "M0,-7 L7,0 L0,7 L-7,0 Z", "Bright spot"),
    "opportunity": ("#005eb8", "M-6,-6 L6,-6 L6,6 L-6,6 Z", "Opportunity"),
    "data": ("#425563", "M-7,-4 L7,-4 L7,4 L-7,4 Z", "Data"),
}


def journey_style(index: int) -> tuple[str, str]:
    return COLOURS[index % len(COLOURS)], DASHES[(index // len(COLOURS)) % len(DASHES)]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_svg(
    *, title: str, layout: dict, stations: dict[str, dict], journeys: list[dict], annotations: list[dict]
) -> str:
    """``stations``: key -> {name, organisation, kind}; ``journeys``: [{key, name}] in layout order;
    ``annotations``: [{kind, text, station|journey+position|link_from+link_to}]."""
    x0, y0, width, height = layout["box"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ecomap-svg" viewBox="{x0} {y0} {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="ecomap-svg-title ecomap-svg-desc">',
        f'<title id="ecomap-svg-title">{escape(title)}</title>',
        '<desc id="ecomap-svg-desc">A transit-map drawing: each journey is a coloured line through the stations it '
        "stops at; interchanges are larger circles. Every journey, step, station and annotation is also "
        "listed in the text version.</desc>",
        f'<rect id="ecomap-background" x="{x0}" y="{y0}" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    link_ids: set[str] = set()
    for link in layout["links"]:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in link["points"])
        # Station keys are slugs (no "."), so the id names the pair unambiguously; repeats count on.
        link_id = base = f"ecomap-link-{link['from']}.{link['to']}"
        while link_id in link_ids:
            link_id = f"{base}.{len(link_ids)}"
        link_ids.add(link_id)
        out.append(
            f'<polyline id="{escape(link_id)}" points="{points}" fill="none" stroke="#768692" stroke-width="2" '
            'stroke-dasharray="2 4"/>'
        )
    # Which journeys share each step (in either direction), to draw them side by side.
    sharing: dict[frozenset, list[str]] = {}
    for journey in layout["journeys"]:
        for segment in journey["segments"]:
            users = sharing.setdefault(frozenset((segment["from"], segment["to"])), [])
            if journey["key"] not in users:
                users.append(journey["key"])
    names = {j["key"]: j["name"] for j in journeys}
    for index, journey in enumerate(layout["journeys"]):
        colour, dash = journey_style(index)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts = []
        for segment in journey["segments"]:
            users = sharing[frozenset((segment["from"], segment["to"]))]
            offset = (users.index(journey["key"]) - (len(users) - 1) / 2) * LINE_GAP
            offset = max(-MAX_OFFSET, min(MAX_OFFSET, offset))
            dx, dy = SHIFT[0] * offset, SHIFT[1] * offset
            pts = segment["points"]
            parts.append(
                "M" + " L".join(f"{_num(x + dx)},{_num(y + dy)}" for x, y in pts),
            )
        out.append(
            f'<g class="ecomap-journey" id="ecomap-journey-{escape(journey["key"])}" '
            f'data-journey="{escape(journey["key"])}">'
            f"<title>{escape(names.get(journey['key'], ''))}</title>"
            f'<path d="{" ".join(parts)}" fill="none" stroke="{colour}" stroke-width="{LINE_WIDTH}" '
            f'stroke-linecap="round" stroke-linejoin="round"{dash_attr}/></g>'
        )
    for key, info in layout["stations"].items():
        station = stations.get(key, {})
        tip = station.get("name", key)
        if station.get("organisation"):
            tip += f" ({station['organisation']})"
        interchange = info["r"] > 7
        out.append(
            f'<g class="ecomap-station" id="ecomap-station-{escape(key)}" data-station="{escape(key)}">'
            f"<title>{escape(tip)}</title>"
            f'<circle cx="{_num(info["x"])}" cy="{_num(info["y"])}" r="{info["r"]}" fill="#ffffff" stroke="#212b32" '
            f'stroke-width="{4 if interchange else 3}"/></g>'
        )
        label = info.get("label")
        if label:
            lines = "".join(
                f'<tspan x="{_num(label["x"])}" y="{_num(label["y"] + (i + 1) * LINE_HEIGHT - 3)}">'
                f"{escape(line)}</tspan>"
                for i, line in enumerate(label["lines"])
            )
            if label.get("leader"):
                x1, y1, x2, y2 = (_num(v) for v in label["leader"])
                out.append(
                    f'<line id="ecomap-leader-{escape(key)}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
                    'stroke="#4c6272" stroke-width="1"/>'
                )
            out.append(
                f'<text id="ecomap-label-{escape(key)}" font-family="{FONT}" font-size="{FONT_SIZE}" '
                f'fill="#212b32">{lines}</text>'
            )
    out.append(_markers(layout, annotations))
    out.append("</svg>")
    return "\n".join(out)


def marker_positions(layout: dict, annotations: list[dict]) -> list[tuple[float, float] | None]:
    """Where each annotation's marker is drawn (``None``: not on the drawing), in the order given.
    Markers at the same spot step to the right, so the order matters: the stored drawing uses the
    annotations in creation order (``ecomaps.services.redraw``)."""
    segments = {}
    for journey in layout["journeys"]:
        for segment in journey["segments"]:
            segments[(journey["key"], segment["position"])] = segment["points"]
    links = {(link["from"], link["to"]): link["points"] for link in layout["links"]}
    placed: dict[tuple[float, float], int] = {}
    positions: list[tuple[float, float] | None] = []
    for note in annotations:
        if note.get("station") in layout["stations"]:
            info = layout["stations"][note["station"]]
            x, y = info["x"] + info["r"] + 6, info["y"] - info["r"] - 6
        else:
            points = segments.get((note.get("journey"), note.get("position"))) or links.get(
                (note.get("link_from"), note.get("link_to"))
            )
            if not points:
                positions.append(None)
                continue
            middle = points[len(points) // 2 - 1 : len(points) // 2 + 1] if len(points) > 1 else points
            x = sum(p[0] for p in middle) / len(middle)
            y = sum(p[1] for p in middle) / len(middle) - 10
        spot = (round(x), round(y))
        nth = placed.get(spot, 0)
        placed[spot] = nth + 1
        positions.append((x + nth * 15, y))
    return positions


def _markers(layout: dict, annotations: list[dict]) -> str:
    out = []
    for index, (note, position) in enumerate(zip(annotations, marker_positions(layout, annotations), strict=True)):
        if position is None:
            continue
        colour, shape, label = MARKERS[note["kind"]]
        out.append(
            f'<g class="ecomap-annotation" id="ecomap-note-{note.get("id", f"n{index}")}" '
            f'transform="translate({_num(position[0])},{_num(position[1])})">'
            f"<title>{escape(label)}: {escape(note['text'])}</title>"
            f'<path d="{shape}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/></g>'
        )
    return "\n".join(out)
