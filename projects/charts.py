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

MARGIN_LEFT = 64
MARGIN_RIGHT = 104
MARGIN_TOP = 44
MARGIN_BOTTOM = 72
LABEL_GAP = 13
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


def _point_label(result: SpcResult, point: PointResult, unit: str) -> str:
    when = format_date(point.date, with_day=result.shows_day)
    text = f"{when}: {format_value(point.value, unit)}"
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


def _description(result: SpcResult, title: str, unit: str, annotations: Sequence[tuple[date, str]]) -> str:
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
        text = f"{scope}: {centre} {format_value(phase.centre, unit)}"
        if phase.ucl is not None and phase.lcl is not None:
            text += f", process limits {format_value(phase.lcl, unit)} to {format_value(phase.ucl, unit)}"
            if phase.trial:
                text += f" (trial limits: {phase.baseline_size} baseline points)"
        sentences.append(text + ".")
    sentences.append(
        f"Latest value {format_value(latest.value, unit)} ({format_date(latest.date, with_day=with_day)})."
    )
    if result.target is not None:
        sentences.append(f"Target {format_value(result.target, unit)}.")
    if result.variation_icon is not None:
        sentences.append(f"{VARIATION_ICON_LABELS[result.variation_icon]}.")
    if result.assurance_icon is not None:
        sentences.append(f"{ASSURANCE_ICON_LABELS[result.assurance_icon]}.")
    found = signals_text(result, unit=unit)
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
    width: int = 720,
    height: int = 360,
    id_prefix: str | None = None,
) -> str:
    """Render ``result`` as an accessible, self-contained SVG string.

    ``annotations`` are ``(date, label)`` pairs drawn as labelled vertical markers
    (the x axis widens to include them). ``id_prefix`` overrides the generated element
    ids when a page needs stable ones.
    """
    if width < 240 or height < 160:
        raise ValueError("the chart needs at least 240 by 160 pixels")
    annotations = sorted(annotations, key=lambda item: item[0])
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix or "") or _chart_id(result, title, annotations)
    description = _description(result, title, unit, annotations)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'class="spc-chart spc-chart--{result.kind}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'font-family="{FONT}" font-size="12">'
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
    body = _plot(result, unit, annotations, width, height)
    return f"{head}{body}</svg>"


def _plot(
    result: SpcResult,
    unit: str,
    annotations: Sequence[tuple[date, str]],
    width: int,
    height: int,
) -> str:
    points = result.points
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
        bottom=height - MARGIN_BOTTOM,
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
                    "y": y + 4,
                    "text-anchor": "end",
                    "fill": TEXT,
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

    most = max(2, int((frame.right - frame.left) // 84))
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
                    "y": frame.bottom + 19,
                    "text-anchor": "middle",
                    "fill": TEXT,
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
                _point_label(result, point, unit),
            )
        )

    parts += _annotations(annotations, frame, with_day)
    parts += _right_labels(result, frame, unit)
    parts += _legend(result, height)
    return "".join(parts)


def _annotations(annotations: Sequence[tuple[date, str]], frame: _Frame, with_day: bool) -> list[str]:
    parts = []
    last_x = -math.inf
    row = 0
    for when, label in annotations:
        x = frame.x(when)
        row = (1 - row) if x - last_x < 150 else 0
        last_x = x
        shown = label if len(label) <= 32 else label[:31].rstrip() + "…"
        near_right = x > frame.right - 120
        parts.append(
            _element(
                "g",
                {"class": "annotation"},
                _element(
                    "line",
                    {
                        "x1": x,
                        "x2": x,
                        "y1": frame.top - 6 - 13 * row,
                        "y2": frame.bottom,
                        "stroke": ANNOTATION,
                        "stroke-dasharray": "3 3",
                    },
                )
                + _element(
                    "text",
                    {
                        "x": x - 3 if near_right else x + 3,
                        "y": frame.top - 10 - 13 * row,
                        "text-anchor": "end" if near_right else "start",
                        "fill": TEXT,
                        "font-size": 11,
                    },
                    f"<title>{_clean(format_date(when, with_day=with_day))}: {_clean(label)}</title>{_clean(shown)}",
                ),
            )
        )
    return parts


def _right_labels(result: SpcResult, frame: _Frame, unit: str) -> list[str]:
    unit = _short_unit(unit)
    phase = result.phases[-1]
    centre = "Median" if result.kind is ChartKind.RUN else "Mean"
    labels: list[tuple[str, float, str]] = [("centre", phase.centre, f"{centre} {format_value(phase.centre, unit)}")]
    trial = " (trial)" if phase.trial else ""
    if phase.ucl is not None and phase.lcl is not None:
        labels.append(("ucl", phase.ucl, f"UCL {format_value(phase.ucl, unit)}{trial}"))
        labels.append(("lcl", phase.lcl, f"LCL {format_value(phase.lcl, unit)}{trial}"))
    if result.target is not None:
        labels.append(("target", result.target, f"Target {format_value(result.target, unit)}"))
    wanted = [frame.y(level) + 4 for _, level, _ in labels]
    placed = _spread_labels(wanted, frame.top, frame.bottom + 4)
    return [
        _element(
            "text",
            {
                "class": f"line-label line-label--{name}",
                "x": frame.right + 6,
                "y": y,
                "fill": TARGET if name == "target" else TEXT,
                "font-size": 11,
            },
            _clean(text),
        )
        for (name, _, text), y in zip(labels, placed, strict=True)
    ]


def _legend(result: SpcResult, height: int) -> list[str]:
    present = {p.classification for p in result.points}
    parts = []
    x = float(MARGIN_LEFT)
    y = height - 18
    for kind in Classification:
        if kind in present:
            parts.append(_legend_marker(kind, x + 6, y - 4))
            parts.append(_legend_text(LEGEND_LABELS[kind], x + 16, y))
            x += 26 + 6.2 * len(LEGEND_LABELS[kind])
    lines = [("Median" if result.kind is ChartKind.RUN else "Mean", TEXT, "")]
    if any(p.ucl is not None for p in result.phases):
        trial = any(p.trial for p in result.phases)
        label = "Process limits (trial)" if trial else "Process limits"
        lines.append((label, LIMIT, "2 3" if trial else "6 4"))
    if result.target is not None:
        lines.append(("Target", TARGET, "8 3 2 3"))
    for label, colour, dash in lines:
        style: dict[str, str | float] = {"stroke": colour, "stroke-width": 1.5}
        if dash:
            style["stroke-dasharray"] = dash
        parts.append(
            _element(
                "line",
                {"class": "legend-line", "x1": x, "x2": x + 18, "y1": y - 4, "y2": y - 4} | style,
            )
        )
        parts.append(_legend_text(label, x + 22, y))
        x += 32 + 6.2 * len(label)
    return [_element("g", {"class": "legend"}, "".join(parts))]


def _legend_text(label: str, x: float, y: float) -> str:
    return _element("text", {"x": x, "y": y, "fill": TEXT, "font-size": 11}, _clean(label))


# --- icons ---------------------------------------------------------------------------

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


def _icon(key: str, label: str, size: int) -> str:
    colour, letter = _ICON_STYLE[key]
    ring = _element(
        "circle",
        {"cx": 24, "cy": 24, "r": 21, "fill": "#FFFFFF", "stroke": colour, "stroke-width": 4},
    )
    if letter:
        mark = _element(
            "text",
            {
                "x": 24,
                "y": 32,
                "text-anchor": "middle",
                "font-size": 22,
                "font-weight": "bold",
                "fill": TEXT if colour == COLOURS[Classification.CONCERN] else colour,
            },
            letter,
        )
    else:
        mark = _element(
            "polyline",
            {
                "points": "10,26 16,20 22,28 28,18 34,27 38,22",
                "fill": "none",
                "stroke": colour,
                "stroke-width": 3,
            },
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'class="spc-icon spc-icon--{key}" width="{size}" height="{size}" '
        f'viewBox="0 0 48 48" aria-label="{_clean(label)}">'
        f"<title>{_clean(label)}</title>{ring}{mark}</svg>"
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
