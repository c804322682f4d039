"""Turn a measure's stored data into its cached chart and analysis.

``refresh_measure`` is the only place the statistics run for a stored measure. Every service
that changes a measure's definition or data calls it inside its transaction, so the page that
shows the measure reads ``chart_svg`` and ``analysis`` and never computes anything per request.
"""

from __future__ import annotations

from typing import Any

from projects import spc
from projects.charts import render_assurance_icon, render_svg, render_variation_icon
from projects.models import Measure
from projects.signal_record import record_signals

RULE_LABELS = {
    spc.Rule.BEYOND_LIMIT: "outside the limits",
    spc.Rule.SHIFT: "shift",
    spc.Rule.TREND: "trend",
    spc.Rule.TWO_OF_THREE: "two of three near a limit",
}
CLASS_LABELS = {
    spc.Classification.COMMON_CAUSE: "Common cause",
    spc.Classification.IMPROVEMENT: "Improvement",
    spc.Classification.CONCERN: "Concern",
    spc.Classification.NEUTRAL: "Special cause",
}


def analyse_measure(measure: Measure, points, annotations, phase_starts) -> spc.SpcResult:
    return spc.analyse(
        [(point.date, point.value) for point in points],
        better=measure.better or None,
        target=measure.target,
        phase_starts=phase_starts,
        screen_outliers=measure.screen_outliers,
    )


def measure_decimals(measure: Measure, points) -> int:
    """How many decimals the measure's values are shown with: its own setting, else the data's."""
    if measure.decimal_places is not None:
        return measure.decimal_places
    return spc.data_decimals(point.value for point in points)


def status_of(result: spc.SpcResult) -> str:
    """The status words of the headline ("sustained improvement", "concern"…), or "" when there is no status."""
    if len(result.points) < 2:
        return ""
    # spc.headline ends with ", <status>"; numbers use "," without a space, so this split is safe.
    return spc.headline(result, title="").rsplit(", ", 1)[-1]


def refresh_measure(measure: Measure) -> Measure:
    """Recompute and store the measure's chart, analysis, headline and status from its current data."""
    points = list(measure.points.order_by("date"))
    annotations = list(measure.annotations.order_by("date", "pk"))
    phases = list(measure.phases.order_by("start_date"))
    result = analyse_measure(measure, points, annotations, [phase.start_date for phase in phases])
    unit = measure.unit
    title = measure.name
    # The measure's precision, or else the data's: values shown with it, centre lines and limits
    # with one more decimal.
    decimals = measure_decimals(measure, points)
    measure.chart_svg = render_svg(
        result,
        title=title,
        unit=unit,
        annotations=[(annotation.date, annotation.label) for annotation in annotations],
        id_prefix=f"measure-{measure.pk}",
        decimals=decimals,
    )
    measure.small_chart_svg = render_small_chart(measure, result, decimals)
    measure.headline = spc.headline(result, title=title, unit=unit, decimals=decimals)[:300]
    measure.status = status_of(result)
    measure.sustained_improvement = measure.status == "sustained improvement"
    measure.n_points = len(points)
    measure.analysis = _analysis_json(result, unit, phases, decimals)
    measure.analysis["rebase_offers"] = rebase_offers(result, annotations, phases)
    record_signals(measure, result, decimals)
    measure.save(
        update_fields=[
            "chart_svg",
            "small_chart_svg",
            "headline",
            "status",
            "sustained_improvement",
            "n_points",
            "analysis",
            "updated_at",
        ]
    )
    return measure


SMALL_WIDTH = 360
SMALL_HEIGHT = 280


def render_small_chart(measure: Measure, result: spc.SpcResult, decimals: int) -> str:
    """The chart drawn for a small multiple: the same analysis and text size on a smaller canvas,
    without annotation labels (they would cover the data at this size; the write-up shows them)."""
    return render_svg(
        result,
        title=measure.name,
        unit=measure.unit,
        width=SMALL_WIDTH,
        height=SMALL_HEIGHT,
        id_prefix=f"measure-{measure.pk}-small",
        decimals=decimals,
    )


def rebase_offers(result: spc.SpcResult, annotations, phases) -> list[dict[str, Any]]:
    """Annotated changes followed by a sustained shift and not yet a phase: the editor offers to
    recalculate the limits from each (see ``projects.spc.shift_after``)."""
    offers = []
    starts = {phase.start_date for phase in phases}
    for annotation in annotations:
        shift = spc.shift_after(result, annotation.date)
        if shift is None or annotation.date in starts:
            continue
        offers.append(
            {
                "annotation": annotation.pk,
                "label": annotation.label,
                "date_label": spc.format_date(annotation.date, with_day=True),
                "points": len(shift.indices),
                "where": "above" if shift.side is spc.Side.HIGH else "below",
                "from_label": spc.format_date(shift.start_date, with_day=result.shows_day),
            }
        )
    return offers


def _analysis_json(result: spc.SpcResult, unit: str, phases, decimals: int) -> dict[str, Any]:
    phase = result.latest_phase
    stats = decimals + 1
    rows = []
    for point in result.points:
        rows.append(
            {
                "date": point.date.isoformat(),
                "date_label": spc.format_date(point.date, with_day=result.shows_day),
                "value": spc.format_value(point.value, unit, decimals=decimals),
                "raw": point.value,
                # Unrounded, for the API (the labels above are for people).
                "centre_raw": point.centre,
                "ucl_raw": point.ucl,
                "lcl_raw": point.lcl,
                "centre": spc.format_value(point.centre, unit, decimals=stats),
                "ucl": "" if point.ucl is None else spc.format_value(point.ucl, unit, decimals=stats),
                "lcl": "" if point.lcl is None else spc.format_value(point.lcl, unit, decimals=stats),
                "classification": point.classification.value,
                "classification_label": CLASS_LABELS[point.classification],
                "rules": ", ".join(RULE_LABELS[rule] for rule in point.rules),
            }
        )
    return {
        "kind": result.kind.value,
        "kind_label": "XmR chart" if result.kind is spc.ChartKind.XMR else "Run chart",
        "trial_limits": bool(phase and phase.trial),
        "n_phases": len(result.phases),
        "phase_labels": [p.label for p in phases if p.label],
        "signals": spc.signals_text(result, unit=unit, decimals=decimals),
        "variation_icon": result.variation_icon.value if result.variation_icon else "",
        "variation_label": spc.VARIATION_ICON_LABELS[result.variation_icon] if result.variation_icon else "",
        "variation_svg": render_variation_icon(result.variation_icon, size=40),
        "assurance_icon": result.assurance_icon.value if result.assurance_icon else "",
        "assurance_label": spc.ASSURANCE_ICON_LABELS[result.assurance_icon] if result.assurance_icon else "",
        "assurance_svg": render_assurance_icon(result.assurance_icon, size=40),
        "rows": rows,
        "first": rows[0]["value"] if rows else "",
        "latest": rows[-1]["value"] if rows else "",
        "latest_date": rows[-1]["date_label"] if rows else "",
    }
