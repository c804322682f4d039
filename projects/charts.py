"""Server-side SVG for SPC charts and the Making Data Count icons.

Pure Python, no Django and no JavaScript: :func:`render_svg` turns an
:class:`~projects.spc.SpcResult` into a self-contained ``<svg>`` string that works with
scripts off and prints cleanly. The page around it should still show the data table and
:func:`projects.spc.signals_text`; the chart is one view of the data, not the only one.

Accessibility
    * ``<svg role="img">`` is named by its ``<title>`` (``aria-labelledby``) and described
      by its ``<desc>`` (``aria-describedby``): chart type, period, centre line and
      limits, latest value, target, icons and every signal in words.
    * Special-cause points differ by shape as well as colour: common cause is a small
      grey circle, improvement a blue diamond, concern an orange square, neither (no
      direction set) a purple triangle. Special-cause markers have a dark outline so
      they keep a 3:1 contrast against the background whatever the fill.
    * Each marker carries a ``<title>`` (a tooltip in browsers) and
      ``class="point point--<classification>"`` plus ``data-rules``.
    * All user text (title, unit, annotation labels) is XML-escaped and stripped of
      characters XML cannot carry, so a title can never break out of the markup.

Determinism
    The same input always gives the same string: no clocks, no randomness, coordinates
    rounded to two decimals, ids derived from a hash of the input (or ``id_prefix``).

Icons
    :func:`render_variation_icon` and :func:`render_assurance_icon` return small inline
    SVGs (``role="img"`` with a ``<title>`` and ``aria-label`` taken from
    :data:`projects.spc.VARIATION_ICON_LABELS` / ``ASSURANCE_ICON_LABELS``), or ``""``
    when there is no icon. Templates that prefer their own artwork can use the icon
    keys on the result and those label dictionaries instead.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from projects.spc import (
    ASSURANCE_ICON_LABELS,
    VARIATION_ICON_LABELS,
    AssuranceIcon,
    ChartKind,
    Classification,
    PhaseResult,
    PointResult,
    Rule,
    SpcResult,
    VariationIcon,
    format_date,
    format_value,
    signals_text,
)

__all__ = ["render_assurance_icon", "render_svg", "render_variation_icon"]

TEXT = "#212B32"
GRID = "#E8EDEE"
AXIS = "#4C6272"
LIMIT = "#4C6272"
TARGET = "#DA291C"
ANNOTATION = "#425563"
DATA_LINE = "#768692"
FONT = "Frutiger, Arial, sans-serif"

COLOURS: dict[Classification, str] = {
    Classification.COMMON_CAUSE: "#768692",
    Classification.IMPROVEMENT: "#005EB8",
    Classification.CONCERN: "#ED8B00",
    Classification.NEUTRAL: "#330072",
}
LEGEND_LABELS: dict[Classification, str] = {
    Classification.COMMON_CAUSE: "Common cause",
    Classification.IMPROVEMENT: "Improvement",
    Classification.CONCERN: "Concern",
    Classification.NEUTRAL: "Special cause (no direction)",
}
RULE_TEXT: dict[Rule, str] = {
    Rule.BEYOND_LIMIT: "outside the process limits",
    Rule.SHIFT: "shift",
    Rule.TREND: "trend",
    Rule.TWO_OF_THREE: "two of three close to a limit",
}

# Sizes in SVG units. The chart is drawn 600 units wide, the width of the write-up's text
# column on a desktop, where one unit is one CSS pixel: text is the body size (16px) and
# tick labels 14px. The stylesheet never lets the chart shrink below 528px (text then
# 14px and 12.3px); a narrower screen scrolls it sideways (see projects.css).
WIDTH = 600
HEIGHT = 340
TEXT_SIZE = 16
TICK_SIZE = 14
CHAR_WIDTH = 0.55 * TEXT_SIZE  # an average Arial character, to lay out the legend
MARGIN_LEFT = 64
MARGIN_RIGHT = 128
MARGIN_TOP = 60
LEGEND_ROW = 24
LABEL_GAP = 18
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return escape(_INVALID_XML.sub("", str(text)), quote=True)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(attributes: dict[str, str | float]) -> str:
    parts = []
    for key, value in attributes.items():
        shown = _num(value) if isinstance(value, float | int) else _clean(value)
        parts.append(f'{key}="{shown}"')
    return " ".join(parts)


def _element(tag: str, attributes: dict[str, str | float], content: str = "") -> str:
    if content:
        return f"<{tag} {_attrs(attributes)}>{content}</{tag}>"
    return f"<{tag} {_attrs(attributes)}/>"


@dataclass(frozen=True)
class _Frame:
    """Maps dates and values to pixels inside the plot area."""

    left: float
    right: float
    top: float
    bottom: float
    first_day: int
    last_day: int
    low: float
    high: float

    def x(self, when: date) -> float:
        span = self.last_day - self.first_day
        return self.left + (when.toordinal() - self.first_day) / span * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)


def _short_unit(unit: str) -> str:
    """The unit when it fits next to a number on the axis (``%``, ``£``), else ``""``.

    Longer units ("patients", "days") are written once, along the y axis, instead.
    """
    unit = unit.strip()
    return unit if unit in {"%", "£", "$", "€"} else ""


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _y_ticks(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    # A little headroom so no marker sits on the plot's edge.
    pad = (high - low) * 0.05 or abs(low) * 0.1 or 1.0
    low, high = low - pad, high + pad
    step = _nice_step(high - low)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    count = round((last - first) / step)
    return [round(first + k * step, 10) for k in range(count + 1)]


def _x_domain(points: Sequence[PointResult], annotations: Sequence[tuple[date, str]]) -> tuple[int, int]:
    days = [p.date.toordinal() for p in points] + [d.toordinal() for d, _ in annotations]
    first, last = min(days), max(days)
    point_days = [p.date.toordinal() for p in points]
    gap = (point_days[-1] - point_days[0]) / (len(point_days) - 1) if len(point_days) > 1 else 30
    pad = max(1, round(gap / 2))
    return first - pad, last + pad


def _phase_spans(result: SpcResult, frame: _Frame) -> list[tuple[PhaseResult, float, float]]:
    spans = []
    points = result.points
    for phase in result.phases:
        start = frame.x(points[phase.start].date)
        end = frame.x(points[phase.end].date)
        if phase.index > 0:
            start = (frame.x(points[phase.start - 1].date) + start) / 2
        if phase.index < len(result.phases) - 1:
            end = (end + frame.x(points[phase.end + 1].date)) / 2
        if end - start < 16:
            middle = (start + end) / 2
            start, end = middle - 8, middle + 8
        spans.append((phase, start, end))
    return spans


def _shape(kind: Classification, x: float, y: float, attributes: dict[str, str | float], label: str) -> str:
    """One marker: circle (common cause), diamond, square or triangle, with a tooltip."""
    attributes = {**attributes, "fill": COLOURS[kind]}
    tooltip = f"<title>{_clean(label)}</title>"
    if kind is Classification.COMMON_CAUSE:
        return _element("circle", {**attributes, "cx": x, "cy": y, "r": 3.5}, tooltip)
    attributes |= {"stroke": TEXT, "stroke-width": 1}
    if kind is Classification.IMPROVEMENT:
        d = f"M{_num(x)} {_num(y - 6)}L{_num(x + 6)} {_num(y)}L{_num(x)} {_num(y + 6)}L{_num(x - 6)} {_num(y)}Z"
        return _element("path", {**attributes, "d": d}, tooltip)
    if kind is Classification.CONCERN:
        box = {"x": x - 4.5, "y": y - 4.5, "width": 9, "height": 9}
        return _element("rect", {**attributes, **box}, tooltip)
    d = f"M{_num(x)} {_num(y - 6)}L{_num(x + 6)} {_num(y + 4.5)}L{_num(x - 6)} {_num(y + 4.5)}Z"
    return _element("path", {**attributes, "d": d}, tooltip)


def _marker(point: PointResult, x: float, y: float, label: str) -> str:
    attributes: dict[str, str | float] = {
        "class": f"point point--{point.classification}",
        "data-index": str(point.index),
        "data-rules": " ".join(point.rules),
    }
    return _shape(point.classification, x, y, attributes, label)


def _legend_marker(kind: Classification, x: float, y: float) -> str:
    attributes: dict[str, str | float] = {"class": f"legend-marker legend-marker--{kind}"}
    return _shape(kind, x, y, attributes, LEGEND_LABELS[kind])


def _stat_decimals(decimals: int | None) -> int | None:
    """Statistics (centre lines, limits) get one decimal more than the data."""
    return None if decimals is None else decimals + 1


def _point_label(result: SpcResult, point: PointResult, unit: str, decimals: int | None) -> str:
    when = format_date(point.date, with_day=result.shows_day)
    text = f"{when}: {format_value(point.value, unit, decimals=decimals)}"
    if point.classification is Classification.COMMON_CAUSE:
        return f"{text}, common cause"
    kind = {
        Classification.IMPROVEMENT: "improvement",
        Classification.CONCERN: "concern",
        Classification.NEUTRAL: "special cause",
    }[point.classification]
    return f"{text}, {kind} ({', '.join(RULE_TEXT[r] for r in point.rules)})"


def _spread_labels(wanted: list[float], top: float, bottom: float) -> list[float]:
    """Nudge label baselines apart so no two are closer than ``LABEL_GAP``."""
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    placed = [0.0] * len(wanted)
    previous = -math.inf
    for i in order:
        placed[i] = max(wanted[i], previous + LABEL_GAP)
        previous = placed[i]
    overflow = (previous - bottom) if wanted else 0
    if overflow > 0:
        placed = [max(top, y - overflow) for y in placed]
    return placed


def _description(
    result: SpcResult, title: str, unit: str, annotations: Sequence[tuple[date, str]], decimals: int | None
) -> str:
    if not result.points:
        return f"{title}: no data yet."
    with_day = result.shows_day
    first, latest = result.points[0], result.points[-1]
    kind = "XmR (individuals) chart" if result.kind is ChartKind.XMR else "Run chart"
    centre = "median" if result.kind is ChartKind.RUN else "mean"
    sentences = [
        f"{kind} of {len(result.points)} points from "
        f"{format_date(first.date, with_day=with_day)} to "
        f"{format_date(latest.date, with_day=with_day)}."
    ]
    for phase in result.phases:
        scope = "All points" if len(result.phases) == 1 else f"From {format_date(phase.start_date, with_day=with_day)}"
        stats = _stat_decimals(decimals)
        text = f"{scope}: {centre} {format_value(phase.centre, unit, decimals=stats)}"
        if phase.ucl is not None and phase.lcl is not None:
            low, high = format_value(phase.lcl, unit, decimals=stats), format_value(phase.ucl, unit, decimals=stats)
            text += f", process limits {low} to {high}"
            if phase.trial:
                text += f" (trial limits: {phase.baseline_size} baseline points)"
        sentences.append(text + ".")
    sentences.append(
        f"Latest value {format_value(latest.value, unit, decimals=decimals)} "
        f"({format_date(latest.date, with_day=with_day)})."
    )
    if result.target is not None:
        sentences.append(f"Target {format_value(result.target, unit)}.")
    if result.variation_icon is not None:
        sentences.append(f"{VARIATION_ICON_LABELS[result.variation_icon]}.")
    if result.assurance_icon is not None:
        sentences.append(f"{ASSURANCE_ICON_LABELS[result.assurance_icon]}.")
    found = signals_text(result, unit=unit, decimals=decimals)
    if found:
        sentences.append("Signals: " + "; ".join(found) + ".")
    else:
        sentences.append("No signals of special-cause variation.")
    for when, label in sorted(annotations, key=lambda item: item[0]):
        sentences.append(f"Note {format_date(when, with_day=with_day)}: {label}.")
    return " ".join(sentences)


def _chart_id(result: SpcResult, title: str, annotations: Sequence[tuple[date, str]]) -> str:
    fingerprint = repr(
        (
            title,
            result.kind,
            [(p.date.isoformat(), p.value) for p in result.points],
            [(d.isoformat(), label) for d, label in annotations],
        )
    )
    return "spc-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:10]


def render_svg(
    result: SpcResult,
    *,
    title: str,
    unit: str = "",
    annotations: Sequence[tuple[date, str]] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
    id_prefix: str | None = None,
    decimals: int | None = None,
) -> str:
    """Render ``result`` as an accessible, self-contained SVG string.

    ``annotations`` are ``(date, label)`` pairs drawn as labelled vertical markers
    (the x axis widens to include them). ``id_prefix`` overrides the generated element
    ids when a page needs stable ones. ``decimals`` is the data's precision (see
    :func:`projects.spc.data_decimals`): values are shown with it, centre lines and
    limits with one decimal more; ``None`` keeps :func:`~projects.spc.format_value`'s
    own rounding.
    """
    if width < 240 or height < 160:
        raise ValueError("the chart needs at least 240 by 160 pixels")
    annotations = sorted(annotations, key=lambda item: item[0])
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix or "") or _chart_id(result, title, annotations)
    description = _description(result, title, unit, annotations, decimals)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'class="spc-chart spc-chart--{result.kind}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'font-family="{FONT}" font-size="{TEXT_SIZE}">'
        f'<title id="{chart_id}-title">{_clean(title)}</title>'
        f'<desc id="{chart_id}-desc">{_clean(description)}</desc>'
    )
    if not result.points:
        empty = _element(
            "text",
            {
                "class": "empty",
                "x": width / 2,
                "y": height / 2,
                "text-anchor": "middle",
                "fill": TEXT,
            },
            "No data yet",
        )
        return f"{head}{empty}</svg>"
    body = _plot(result, unit, annotations, width, height, decimals)
    return f"{head}{body}</svg>"


def _plot(
    result: SpcResult,
    unit: str,
    annotations: Sequence[tuple[date, str]],
    width: int,
    height: int,
    decimals: int | None,
) -> str:
    points = result.points
    legend, legend_rows = _legend(result, width, height)
    levels = [p.value for p in points]
    for phase in result.phases:
        levels += [v for v in (phase.centre, phase.ucl, phase.lcl) if v is not None]
    if result.target is not None:
        levels.append(result.target)
    ticks = _y_ticks(levels)
    first_day, last_day = _x_domain(points, annotations)
    frame = _Frame(
        left=MARGIN_LEFT,
        right=width - MARGIN_RIGHT,
        top=MARGIN_TOP,
        bottom=height - 44 - LEGEND_ROW * legend_rows,
        first_day=first_day,
        last_day=last_day,
        low=ticks[0],
        high=ticks[-1],
    )
    with_day = result.shows_day
    parts: list[str] = []

    for tick in ticks:
        y = frame.y(tick)
        parts.append(
            _element(
                "line",
                {
                    "class": "grid",
                    "x1": frame.left,
                    "x2": frame.right,
                    "y1": y,
                    "y2": y,
                    "stroke": GRID,
                },
            )
        )
        parts.append(
            _element(
                "text",
                {
                    "class": "tick-label tick-label--y",
                    "x": frame.left - 8,
                    "y": y + 5,
                    "text-anchor": "end",
                    "fill": TEXT,
                    "font-size": TICK_SIZE,
                },
                _clean(format_value(tick, _short_unit(unit))),
            )
        )
    axis = {"stroke": AXIS, "stroke-width": 1}
    parts.append(
        _element(
            "line",
            {
                "class": "axis axis--x",
                "x1": frame.left,
                "x2": frame.right,
                "y1": frame.bottom,
                "y2": frame.bottom,
                **axis,
            },
        )
    )
    parts.append(
        _element(
            "line",
            {
                "class": "axis axis--y",
                "x1": frame.left,
                "x2": frame.left,
                "y1": frame.top,
                "y2": frame.bottom,
                **axis,
            },
        )
    )
    if unit.strip() and not _short_unit(unit):
        middle = (frame.top + frame.bottom) / 2
        parts.append(
            _element(
                "text",
                {
                    "class": "axis-label",
                    "x": 14,
                    "y": middle,
                    "text-anchor": "middle",
                    "transform": f"rotate(-90 14 {_num(middle)})",
                    "fill": TEXT,
                },
                _clean(unit.strip()),
            )
        )

    most = max(2, int((frame.right - frame.left) // 90))
    step = max(1, math.ceil(len(points) / most))
    for point in points[::step]:
        x = frame.x(point.date)
        parts.append(
            _element(
                "line",
                {
                    "class": "tick",
                    "x1": x,
                    "x2": x,
                    "y1": frame.bottom,
                    "y2": frame.bottom + 5,
                    **axis,
                },
            )
        )
        parts.append(
            _element(
                "text",
                {
                    "class": "tick-label tick-label--x",
                    "x": x,
                    "y": frame.bottom + 21,
                    "text-anchor": "middle",
                    "fill": TEXT,
                    "font-size": TICK_SIZE,
                },
                _clean(format_date(point.date, with_day=with_day)),
            )
        )

    spans = _phase_spans(result, frame)
    for phase, start, _ in spans[1:]:
        parts.append(
            _element(
                "line",
                {
                    "class": "phase-boundary",
                    "x1": start,
                    "x2": start,
                    "y1": frame.top,
                    "y2": frame.bottom,
                    "stroke": AXIS,
                    "stroke-dasharray": "1 3",
                },
                f"<title>Limits recalculated from {format_date(phase.start_date, with_day=with_day)}</title>",
            )
        )
    for phase, start, end in spans:
        y = frame.y(phase.centre)
        parts.append(
            _element(
                "line",
                {
                    "class": "centre-line",
                    "data-phase": str(phase.index),
                    "x1": start,
                    "x2": end,
                    "y1": y,
                    "y2": y,
                    "stroke": TEXT,
                    "stroke-width": 1.5,
                },
            )
        )
        for name, level in (("upper", phase.ucl), ("lower", phase.lcl)):
            if level is None:
                continue
            y = frame.y(level)
            trial = " limit-line--trial" if phase.trial else ""
            parts.append(
                _element(
                    "line",
                    {
                        "class": f"limit-line limit-line--{name}{trial}",
                        "data-phase": str(phase.index),
                        "x1": start,
                        "x2": end,
                        "y1": y,
                        "y2": y,
                        "stroke": LIMIT,
                        "stroke-dasharray": "2 3" if phase.trial else "6 4",
                    },
                )
            )
    if result.target is not None:
        y = frame.y(result.target)
        parts.append(
            _element(
                "line",
                {
                    "class": "target-line",
                    "x1": frame.left,
                    "x2": frame.right,
                    "y1": y,
                    "y2": y,
                    "stroke": TARGET,
                    "stroke-width": 1.5,
                    "stroke-dasharray": "8 3 2 3",
                },
            )
        )

    line = " ".join(f"{_num(frame.x(p.date))},{_num(frame.y(p.value))}" for p in points)
    parts.append(
        _element(
            "polyline",
            {
                "class": "data-line",
                "points": line,
                "fill": "none",
                "stroke": DATA_LINE,
                "stroke-width": 1.5,
            },
        )
    )
    for point in points:
        parts.append(
            _marker(
                point,
                frame.x(point.date),
                frame.y(point.value),
                _point_label(result, point, unit, decimals),
            )
        )

    parts += _annotations(annotations, frame, with_day)
    parts += _right_labels(result, frame, unit, decimals)
    parts.append(legend)
    return "".join(parts)


def _annotations(annotations: Sequence[tuple[date, str]], frame: _Frame, with_day: bool) -> list[str]:
    """Each change as a dashed vertical line, labelled above the plot (two rows when close)."""
    parts = []
    last_x = -math.inf
    row = 0
    for when, label in annotations:
        x = frame.x(when)
        row = (1 - row) if x - last_x < 220 else 0
        last_x = x
        shown = label if len(label) <= 24 else label[:23].rstrip() + "…"
        near_right = x > frame.right - 160
        top = frame.top - 4 - 20 * row
        parts.append(
            _element(
                "g",
                {"class": "annotation"},
                _element(
                    "line",
                    {
                        "x1": x,
                        "x2": x,
                        "y1": top,
                        "y2": frame.bottom,
                        "stroke": ANNOTATION,
                        "stroke-width": 1.5,
                        "stroke-dasharray": "4 3",
                    },
                )
                + _element(
                    "text",
                    {
                        "x": x - 4 if near_right else x + 4,
                        "y": top - 4,
                        "text-anchor": "end" if near_right else "start",
                        "fill": TEXT,
                    },
                    f"<title>{_clean(format_date(when, with_day=with_day))}: {_clean(label)}</title>{_clean(shown)}",
                ),
            )
        )
    return parts


def _right_labels(result: SpcResult, frame: _Frame, unit: str, decimals: int | None) -> list[str]:
    unit = _short_unit(unit)
    stats = _stat_decimals(decimals)
    phase = result.phases[-1]
    centre = "Median" if result.kind is ChartKind.RUN else "Mean"
    labels: list[tuple[str, float, str]] = [
        ("centre", phase.centre, f"{centre} {format_value(phase.centre, unit, decimals=stats)}")
    ]
    if phase.ucl is not None and phase.lcl is not None:
        labels.append(("ucl", phase.ucl, f"UCL {format_value(phase.ucl, unit, decimals=stats)}"))
        labels.append(("lcl", phase.lcl, f"LCL {format_value(phase.lcl, unit, decimals=stats)}"))
    if result.target is not None:
        labels.append(("target", result.target, f"Target {format_value(result.target, unit)}"))
    wanted = [frame.y(level) + 5 for _, level, _ in labels]
    placed = _spread_labels(wanted, frame.top, frame.bottom + 5)
    return [
        _element(
            "text",
            {
                "class": f"line-label line-label--{name}",
                "x": frame.right + 6,
                "y": y,
                "fill": TARGET if name == "target" else TEXT,
            },
            _clean(text),
        )
        for (name, _, text), y in zip(labels, placed, strict=True)
    ]


def _legend(result: SpcResult, width: int, height: int) -> tuple[str, int]:
    """The legend as one ``<g>``, wrapped into as many rows as the width needs, and that count."""
    present = {p.classification for p in result.points}
    items: list[tuple[float, object]] = []
    for kind in Classification:
        if kind in present:
            items.append((26 + CHAR_WIDTH * len(LEGEND_LABELS[kind]), kind))
    lines = [("Median" if result.kind is ChartKind.RUN else "Mean", TEXT, "")]
    if any(p.ucl is not None for p in result.phases):
        trial = any(p.trial for p in result.phases)
        lines.append(("Process limits (trial)" if trial else "Process limits", LIMIT, "2 3" if trial else "6 4"))
    if result.target is not None:
        lines.append(("Target", TARGET, "8 3 2 3"))
    for line in lines:
        items.append((36 + CHAR_WIDTH * len(line[0]), line))
    rows: list[list[tuple[float, object]]] = [[]]
    used = 0.0
    for item in items:
        if rows[-1] and used + item[0] > width - 8 - MARGIN_LEFT / 2:
            rows.append([])
            used = 0.0
        rows[-1].append(item)
        used += item[0] + 12
    parts = []
    for number, row in enumerate(rows):
        x = MARGIN_LEFT / 2
        y = height - 12 - LEGEND_ROW * (len(rows) - 1 - number)
        for item_width, item in row:
            if isinstance(item, Classification):
                parts.append(_legend_marker(item, x + 6, y - 5))
                parts.append(_legend_text(LEGEND_LABELS[item], x + 16, y))
            else:
                label, colour, dash = item  # type: ignore[misc]
                style: dict[str, str | float] = {"stroke": colour, "stroke-width": 2}
                if dash:
                    style["stroke-dasharray"] = dash
                parts.append(
                    _element(
                        "line",
                        {"class": "legend-line", "x1": x, "x2": x + 24, "y1": y - 5, "y2": y - 5} | style,
                    )
                )
                parts.append(_legend_text(label, x + 30, y))
            x += item_width + 12
    return _element("g", {"class": "legend"}, "".join(parts)), len(rows)


def _legend_text(label: str, x: float, y: float) -> str:
    return _element("text", {"x": x, "y": y, "fill": TEXT}, _clean(label))


# --- icons ---------------------------------------------------------------------------

# Making Data Count's icon language: a coloured ring (grey common cause, blue improvement,
# orange concern, purple neither) round a small run chart; special-cause icons end in coloured
# dots that climb to an "H" or fall to an "L"; assurance icons show a dashed target line with
# the run above it ("P", passing), below it ("F", failing) or across it ("?", hit and miss).
# Letters are drawn in the text colour so they keep a 4.5:1 contrast whatever the ring.
_ICON_STYLE: dict[str, tuple[str, str]] = {
    VariationIcon.COMMON_CAUSE: (COLOURS[Classification.COMMON_CAUSE], ""),
    VariationIcon.IMPROVEMENT_HIGH: (COLOURS[Classification.IMPROVEMENT], "H"),
    VariationIcon.IMPROVEMENT_LOW: (COLOURS[Classification.IMPROVEMENT], "L"),
    VariationIcon.CONCERN_HIGH: (COLOURS[Classification.CONCERN], "H"),
    VariationIcon.CONCERN_LOW: (COLOURS[Classification.CONCERN], "L"),
    VariationIcon.NEUTRAL_HIGH: (COLOURS[Classification.NEUTRAL], "H"),
    VariationIcon.NEUTRAL_LOW: (COLOURS[Classification.NEUTRAL], "L"),
    AssuranceIcon.CONSISTENTLY_PASS: (COLOURS[Classification.IMPROVEMENT], "P"),
    AssuranceIcon.CONSISTENTLY_FAIL: (COLOURS[Classification.CONCERN], "F"),
    AssuranceIcon.HIT_AND_MISS: (COLOURS[Classification.COMMON_CAUSE], "?"),
}
_ICON_X = (11, 15.5, 20, 24.5, 29, 33.5, 38)
_FLAT = (27, 24, 28, 25, 27, 24, 26)


def _icon_run(heights: Sequence[float], colours: Sequence[str]) -> str:
    path = " ".join(f"{x},{y}" for x, y in zip(_ICON_X, heights, strict=True))
    line = _element("polyline", {"points": path, "fill": "none", "stroke": DATA_LINE, "stroke-width": 1.2})
    dots = "".join(
        _element("circle", {"cx": x, "cy": y, "r": 2.4, "fill": colour})
        for x, y, colour in zip(_ICON_X, heights, colours, strict=True)
    )
    return line + dots


def _icon_art(key: str, colour: str, letter: str) -> str:
    grey = COLOURS[Classification.COMMON_CAUSE]
    letter_at = {"H": 17, "L": 41, "P": 20, "F": 20, "?": 20}
    if isinstance(key, AssuranceIcon) or key in {icon.value for icon in AssuranceIcon}:
        heights = {
            AssuranceIcon.CONSISTENTLY_PASS: (28, 26, 29, 27, 28, 26, 27),
            AssuranceIcon.CONSISTENTLY_FAIL: (37, 35, 38, 36, 37, 35, 36),
            AssuranceIcon.HIT_AND_MISS: (28, 36, 30, 37, 29, 35, 31),
        }[AssuranceIcon(key)]
        target = _element(
            "line",
            {"x1": 8, "x2": 40, "y1": 32, "y2": 32, "stroke": TARGET, "stroke-width": 1.5, "stroke-dasharray": "3 2"},
        )
        art = target + _icon_run(heights, [grey] * 7)
    elif not letter:
        art = _icon_run(_FLAT, [grey] * 7)
    else:
        rising = letter == "H"
        heights = (29, 26, 30, 27, 24, 21, 18) if rising else (19, 22, 18, 21, 24, 27, 30)
        art = _icon_run(heights, [grey] * 4 + [colour] * 3)
    if letter:
        art += _element(
            "text",
            {
                "x": 24,
                "y": letter_at[letter],
                "text-anchor": "middle",
                "font-size": 11 if letter in "HL" else 13,
                "font-weight": "bold",
                "fill": TEXT,
            },
            letter,
        )
    return art


def _icon(key: str, label: str, size: int) -> str:
    colour, letter = _ICON_STYLE[key]
    ring = _element(
        "circle",
        {"cx": 24, "cy": 24, "r": 21.5, "fill": "#FFFFFF", "stroke": colour, "stroke-width": 3},
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'class="spc-icon spc-icon--{key}" width="{size}" height="{size}" '
        f'viewBox="0 0 48 48" aria-label="{_clean(label)}" font-family="{FONT}">'
        f"<title>{_clean(label)}</title>{ring}{_icon_art(key, colour, letter)}</svg>"
    )


def render_variation_icon(icon: VariationIcon | None, *, size: int = 48) -> str:
    """The Making Data Count variation icon as inline SVG, or ``""`` for none."""
    if icon is None:
        return ""
    return _icon(icon, VARIATION_ICON_LABELS[icon], size)


def render_assurance_icon(icon: AssuranceIcon | None, *, size: int = 48) -> str:
    """The Making Data Count assurance icon as inline SVG, or ``""`` for none."""
    if icon is None:
        return ""
    return _icon(icon, ASSURANCE_ICON_LABELS[icon], size)
