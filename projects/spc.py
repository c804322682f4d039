"""Statistical process control (SPC) for improvement measures.

Pure Python, no Django: the input is a list of ``(date, value)`` points, the output a
tree of frozen dataclasses that templates, the SVG renderer (:mod:`projects.charts`)
and the headline/signal text helpers read. Nothing here touches the database.

Reference
    The XmR chart, its rules, their precedence, tie handling and icons follow
    NHSRplotthedots 0.2.2 (the NHS-R community's R package for NHS England's "Making
    Data Count", ``ptd_spc``) to the bit: on 600 random series (ties, spikes, phases,
    fixed baselines, screening on and off, all three directions) every point's label,
    every limit and every target comparison matched R 4.2 running the package's own
    rule functions, except the documented case of screening a phase whose moving
    ranges are all zero (below). The rest of this docstring is that rule set in words.

Chart choice
    :func:`choose_chart` returns a run chart for fewer than 12 points and an XmR
    (individuals) chart from 12 points on: below 12 points XmR limits are only trial
    limits, so a short series gets the chart whose rules it can support.
    :func:`analyse` uses it unless the caller forces ``kind``. (``ptd_spc`` draws XmR
    charts at any length; forced ``kind="xmr"`` gives exactly its result.)

XmR chart
    * Baseline: by default **all points of a phase** (``baseline_points=None``, the
      MDC and "plot the dots" default). ``baseline_points=n`` fixes the limits on the
      first ``n`` points of each phase and extends them over the rest of it. A phase
      shorter than ``n`` uses all its points (its baseline is the whole phase, so its
      limits are trial limits when it has fewer than 12), as ``fix_after_n_points``
      does in the reference.
    * Centre line x̄ = mean of the baseline; moving ranges MRᵢ = \\|xᵢ - xᵢ₋₁\\|
      between consecutive baseline points of the same phase (never across a phase
      boundary); MR̄ = their mean; process limits x̄ ± 2.66·MR̄; "two-thirds" lines
      x̄ ± 2·(2.66/3)·MR̄.
    * Arithmetic: values are read as IEEE doubles and every number that decides a
      comparison is computed as R computes it: x̄ and MR̄ as R's ``mean()`` (a long
      double sum plus a correction pass, emulated exactly by :func:`_r_mean`), the
      limits as ``x̄ + 2.66 * MR̄`` in doubles. A point or a target exactly on a limit
      by hand arithmetic can therefore be one unit in the last place inside or outside
      it, and Boost then says what the reference says (the hand-worked limit 59.097 of
      ``test_target_on_the_hand_computed_limit_follows_the_doubles`` is
      59.096999999999994 in both).
    * Outlier screening (``screen_outliers``, default **on**): a moving range of
      3.267·MR̄ or more (3.267 is the upper range limit of the mR chart) is left out
      and MR̄ is recomputed from the rest, once. Default justified: the reference
      screens by default, and one spike (a data error, a one-off event) otherwise
      inflates MR̄ and widens the limits until real signals hide inside them; the MDC
      Excel tools do not screen, so each measure can switch it off to match a
      spreadsheet (``Measure.screen_outliers``; measures that existed before the
      option keep it off so their published limits do not move unasked).
      ``PhaseResult.screened_ranges`` counts the ranges left out. All moving ranges
      zero: nothing varies, so nothing is screened and MR̄ = 0 (the reference's own
      rule would leave no ranges and no limits at all, NaN, and call any target hit
      and miss; Boost keeps the limits on the mean, as without screening).
    * Fewer than 12 baseline points: the limits are drawn but flagged ``trial``.
    * A phase of one point has a centre (its value) but no moving range, so no
      limits and no rules fire: its point is common cause. Two points give (trial)
      limits, but no rule can fire on them.
    * MR̄ = 0 (all baseline points equal): the limits and two-thirds lines equal the
      mean. Nothing is divided by MR̄, so this is not an error; any later point off
      the mean is then outside the limits.

Special-cause rules: all comparisons strict, evaluated inside one phase (no run,
trend or window ever crosses a phase boundary).
    1. ``beyond_limit``: a point strictly above the upper or below the lower limit.
       A point exactly on a limit is not a signal. Consecutive points outside the
       same limit form one signal.
    2. ``shift``: 7 or more consecutive points all strictly above, or all strictly
       below, the centre line. A point exactly on the centre line breaks the run.
    3. ``trend``: 7 or more consecutive *points* (so 6 or more steps) each strictly
       higher (or strictly lower) than the one before. A tie breaks the trend.
    4. ``two_of_three``: a window of 3 consecutive points, **all three strictly on
       the same side of the mean**, holding 2 or 3 points in the *zone* near a limit:
       beyond the two-thirds line but not outside the limit (outside is rule 1's
       business, so it does not count towards the two; it may still be the window's
       third point). Only the zone points are flagged. A point on the mean, or on the
       other side of it, breaks the window; a point exactly on a two-thirds line is
       not in the zone.

Run chart (for short series; not in the reference)
    * Centre line: the median of the baseline points (same ``baseline_points`` rule),
      computed exactly.
    * ``shift``: 6 or more consecutive points strictly on one side of the median.
      Points exactly on the median neither count towards nor break the run, and are
      not flagged.
    * ``trend``: 5 or more consecutive *points* (4 or more steps) each strictly
      higher (or lower) than the one before; a tie breaks it. This is the IHI rule
      ("five points all going up or all going down"), except that IHI skips ties
      where this module, as for XmR, lets a tie break the trend.
    * No limits, so no ``beyond_limit``/``two_of_three`` rules, no trial flag and no
      assurance icon. The variation icon is still given, from the run-chart signals.

Labelling and precedence
    Every point records all the rules that fired on it (``PointResult.rules``, in
    precedence order). Its *side* (high/low), and so its classification, comes from
    the first of them in the reference's order
    **beyond_limit > trend > two_of_three > shift**. The three "level" rules always
    agree (a flagged point is on its own side of the mean), so precedence only
    matters when a trend runs across the mean: a rising trend's points are all
    "high", even where they sit below the mean, unless they are outside a limit.
    A trend point's direction is the reference's: when the next point is also in a
    trend (any trend), the direction of the step to it, otherwise of the step from
    the point before; a zero step reads as falling. So a turning point shared by a
    rising and a falling trend takes the *later* trend's direction, and the last
    point of a trend that ends in a tie just before another trend starts is labelled
    falling, whichever way either trend runs (``ptd_spc`` labels it "7 Point Trend
    (Decreasing)"). The side is then classed ``improvement`` when it is the better
    side of the measure (``better="higher"`` and high, or ``better="lower"`` and
    low), ``concern`` for the other side, and ``neutral`` when the measure has no
    direction. Points no rule flagged are ``common_cause``. Each :class:`Signal`
    carries its own side and class (a trend signal its run's direction), which is
    what :func:`signals_text` describes.

Icons (from the latest phase)
    * Variation, from the latest point: ``common_cause`` or
      ``special_cause_{improvement|concern|neutral}_{high|low}``; ``None`` only when
      there are no points (a one-point series is common cause, as in the reference).
    * Assurance, only for an XmR chart with a target, a direction and limits in the
      latest phase: ``consistently_pass`` when the target is strictly outside the
      limits on the bad side (every expected point passes), ``consistently_fail``
      when it is strictly outside them on the good side, otherwise ``hit_and_miss``
      (a target exactly on a limit, in doubles, is hit and miss). No limits (a
      latest phase of one point), no icon: the reference's "inconsistent" there
      comes from comparing with undefined limits, not from the data. No direction, no
      icon (passing cannot be told from failing; the measure editor refuses a
      target without a direction).

Input
    Values may be ``int``, ``float``, ``Decimal`` or ``Fraction``; NaN and
    infinities raise ``ValueError``. Points are sorted by date; two points with the
    same date raise ``ValueError``. Datetimes are reduced to their date. Phase starts
    are dates: a phase begins at the first point on or after each date. Starts on or
    before the first point, after the last point, or landing on the same point as
    another start (two phases on one date, or on dates with no point between them)
    are ignored, so deleting a data point never breaks a chart. (The reference only
    rebases on a date that has a point; Boost's editor therefore only accepts a phase
    on a date with a value, and this rule covers data deleted afterwards.)

Headline
    :func:`headline` compares the first value with the latest value (raw numbers a
    reader can check against the data table) and adds a status derived from the
    signals; its docstring gives the order in which the status is decided.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from statistics import median
from typing import Literal

__all__ = [
    "ASSURANCE_ICON_LABELS",
    "VARIATION_ICON_LABELS",
    "AssuranceIcon",
    "Better",
    "ChartKind",
    "Classification",
    "PhaseResult",
    "PointResult",
    "Rule",
    "Side",
    "Signal",
    "SpcResult",
    "VariationIcon",
    "analyse",
    "choose_chart",
    "data_decimals",
    "format_date",
    "format_value",
    "headline",
    "shift_after",
    "signals_text",
]

Better = Literal["higher", "lower"]


class ChartKind(StrEnum):
    XMR = "xmr"
    RUN = "run"


class Rule(StrEnum):
    BEYOND_LIMIT = "beyond_limit"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


class Side(StrEnum):
    HIGH = "high"
    LOW = "low"


class Classification(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neutral"


class VariationIcon(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "special_cause_improvement_high"
    IMPROVEMENT_LOW = "special_cause_improvement_low"
    CONCERN_HIGH = "special_cause_concern_high"
    CONCERN_LOW = "special_cause_concern_low"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"


class AssuranceIcon(StrEnum):
    CONSISTENTLY_PASS = "consistently_pass"  # noqa: S105 (an icon key, not a password)
    CONSISTENTLY_FAIL = "consistently_fail"
    HIT_AND_MISS = "hit_and_miss"


VARIATION_ICON_LABELS: dict[VariationIcon, str] = {
    VariationIcon.COMMON_CAUSE: "Common cause variation: no significant change",
    VariationIcon.IMPROVEMENT_HIGH: (
        "Special cause variation of an improving nature: the measure is significantly higher"
    ),
    VariationIcon.IMPROVEMENT_LOW: (
        "Special cause variation of an improving nature: the measure is significantly lower"
    ),
    VariationIcon.CONCERN_HIGH: ("Special cause variation of a concerning nature: the measure is significantly higher"),
    VariationIcon.CONCERN_LOW: ("Special cause variation of a concerning nature: the measure is significantly lower"),
    VariationIcon.NEUTRAL_HIGH: (
        "Special cause variation, neither improvement nor concern: the measure is significantly higher"
    ),
    VariationIcon.NEUTRAL_LOW: (
        "Special cause variation, neither improvement nor concern: the measure is significantly lower"
    ),
}

ASSURANCE_ICON_LABELS: dict[AssuranceIcon, str] = {
    AssuranceIcon.CONSISTENTLY_PASS: "The process will consistently pass the target",
    AssuranceIcon.CONSISTENTLY_FAIL: "The process will consistently fail the target",
    AssuranceIcon.HIT_AND_MISS: ("The process will hit and miss the target: the target lies inside the process limits"),
}

TRIAL_LIMIT_POINTS = 12
XMR_MIN_POINTS = 12
XMR_SHIFT_POINTS = 7
XMR_TREND_POINTS = 7
RUN_SHIFT_POINTS = 6
RUN_TREND_POINTS = 5

RULE_PRECEDENCE: tuple[Rule, ...] = (
    Rule.BEYOND_LIMIT,
    Rule.TREND,
    Rule.TWO_OF_THREE,
    Rule.SHIFT,
)


@dataclass(frozen=True)
class PointResult:
    """One data point with the centre and limits of its phase and the rules it fired."""

    index: int
    date: date
    value: float
    phase: int
    centre: float
    ucl: float | None
    lcl: float | None
    rules: tuple[Rule, ...]
    side: Side | None
    classification: Classification

    @property
    def is_special_cause(self) -> bool:
        return self.classification is not Classification.COMMON_CAUSE


@dataclass(frozen=True)
class PhaseResult:
    """The centre line and limits of one phase (limits are ``None`` on run charts)."""

    index: int
    start: int
    end: int
    start_date: date
    end_date: date
    n_points: int
    baseline_size: int
    centre: float
    mr_bar: float | None
    ucl: float | None
    lcl: float | None
    upper_two_thirds: float | None
    lower_two_thirds: float | None
    trial: bool
    screened_ranges: int = 0


@dataclass(frozen=True)
class Signal:
    """One special-cause finding: a rule, the points it flags and what it means.

    ``start``/``end`` are the first and last flagged point indices (inclusive);
    ``indices`` are the flagged points (a run-chart shift skips points on the median, a
    two-of-three signal skips the point that stayed inside the two-thirds line).
    ``reaches_phase_end`` says the signal is still running at the phase's last point.
    """

    rule: Rule
    side: Side
    classification: Classification
    phase: int
    indices: tuple[int, ...]
    start: int
    end: int
    start_date: date
    end_date: date
    reaches_phase_end: bool


@dataclass(frozen=True)
class SpcResult:
    """The whole analysis of one measure."""

    kind: ChartKind
    better: Better | None
    target: float | None
    points: tuple[PointResult, ...]
    phases: tuple[PhaseResult, ...]
    signals: tuple[Signal, ...]
    change_since_previous_phase: Signal | None
    variation_icon: VariationIcon | None
    assurance_icon: AssuranceIcon | None

    @property
    def latest(self) -> PointResult | None:
        return self.points[-1] if self.points else None

    @property
    def latest_phase(self) -> PhaseResult | None:
        return self.phases[-1] if self.phases else None

    @property
    def shows_day(self) -> bool:
        """True when two points share a month, so dates need the day to tell apart."""
        months = {(p.date.year, p.date.month) for p in self.points}
        return len(months) < len(self.points)


def choose_chart(n_points: int) -> ChartKind:
    """Run chart below 12 points (XmR limits would only be trial limits), else XmR."""
    return ChartKind.RUN if n_points < XMR_MIN_POINTS else ChartKind.XMR


def analyse(
    points: Sequence[tuple[date, float | int | Decimal | Fraction]],
    *,
    better: Better | None = None,
    target: float | int | Decimal | None = None,
    phase_starts: Iterable[date] = (),
    baseline_points: int | None = None,
    kind: ChartKind | str | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """Analyse a measure's series and return points, phases, signals and icons.

    ``better`` is ``"higher"``, ``"lower"`` or ``None`` (no direction: signals are
    neutral). ``target`` feeds the assurance icon. ``phase_starts`` are the dates
    from which limits are recalculated. ``baseline_points`` fixes each phase's centre
    and limits on its first *n* points (default: all points of the phase). ``kind``
    forces the chart type; by default :func:`choose_chart` decides from the number
    of points. ``screen_outliers`` leaves moving ranges of 3.267 × MR̄ or more out of
    MR̄ (XmR charts only; see the module docstring for the default).
    """
    if better not in ("higher", "lower", None):
        raise ValueError(f'better must be "higher", "lower" or None, not {better!r}')
    if baseline_points is not None and baseline_points < 2:
        raise ValueError("baseline_points must be at least 2 (one moving range)")
    dated = _clean_points(points)
    exact_target = None if target is None else _exact(target, "target")
    chart = ChartKind(kind) if kind is not None else choose_chart(len(dated))
    dates = [d for d, _ in dated]
    values = [v for _, v in dated]
    bounds = _phase_bounds(dates, phase_starts)

    phases: list[PhaseResult] = []
    phase_limits: list[_Limits] = []
    signals: list[Signal] = []
    phase_of: list[int] = []
    trend_sides: dict[int, Side] = {}
    for phase_index, (start, stop) in enumerate(bounds):
        segment = values[start:stop]
        limits = _limits(segment, baseline_points, chart, screen_outliers)
        phase_limits.append(limits)
        phases.append(_phase_result(phase_index, start, stop, dates, limits))
        signals.extend(_phase_signals(segment, limits, chart, start, phase_index, dates, better))
        trend_sides.update(_trend_point_sides(segment, limits, chart, start))
        phase_of.extend([phase_index] * len(segment))
    signals.sort(key=lambda s: (s.start, RULE_PRECEDENCE.index(s.rule), s.side))

    point_results = _point_results(dated, phase_of, phases, signals, trend_sides, values, better)
    change = (
        _change_since_previous_phase(values, dates, bounds, phase_limits[-2].centre, chart, better)
        if len(bounds) > 1
        else None
    )
    return SpcResult(
        kind=chart,
        better=better,
        target=None if exact_target is None else float(exact_target),
        points=point_results,
        phases=tuple(phases),
        signals=tuple(signals),
        change_since_previous_phase=change,
        variation_icon=_variation_icon(point_results),
        assurance_icon=_assurance_icon(phase_limits[-1] if phase_limits else None, better, exact_target),
    )


# --- input ---------------------------------------------------------------------------


def _exact(value: object, what: str) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a boolean")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be a finite number, not {value}")
        return Fraction(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, not {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"{what} is NaN (not a number); remove or correct it")
    if math.isinf(number):
        raise ValueError(f"{what} must be a finite number, not {number}")
    return Fraction(repr(number))


def _clean_points(
    points: Sequence[tuple[date, float | int | Decimal | Fraction]],
) -> list[tuple[date, Fraction]]:
    cleaned: list[tuple[date, Fraction]] = []
    for position, point in enumerate(points):
        try:
            when, value = point
        except (TypeError, ValueError):
            raise ValueError(f"point {position} must be a (date, value) pair, not {point!r}") from None
        if isinstance(when, datetime):
            when = when.date()
        if not isinstance(when, date):
            raise ValueError(f"point {position} has {when!r} where a date was expected")
        cleaned.append((when, _exact(value, f"the value for {when.isoformat()}")))
    cleaned.sort(key=lambda item: item[0])
    for (earlier, _), (later, _) in itertools.pairwise(cleaned):
        if earlier == later:
            raise ValueError(f"two points have the same date, {later.isoformat()}")
    return cleaned


def _phase_bounds(dates: list[date], phase_starts: Iterable[date]) -> list[tuple[int, int]]:
    n = len(dates)
    if n == 0:
        return []
    cuts: set[int] = set()
    for given in phase_starts:
        start = given.date() if isinstance(given, datetime) else given
        if not isinstance(start, date):
            raise ValueError(f"phase start {given!r} is not a date")
        index = next((i for i, d in enumerate(dates) if d >= start), n)
        if 0 < index < n:
            cuts.add(index)
    edges = [0, *sorted(cuts), n]
    return list(itertools.pairwise(edges))


# --- limits --------------------------------------------------------------------------

# The reference's constants, as the doubles R holds them: 2.66, 2 × (2.66 / 3) and 3.267.
LIMIT_FACTOR = 2.66
TWO_THIRDS_FACTOR = 2 * (LIMIT_FACTOR / 3)
SCREEN_FACTOR = 3.267


def _round_to_bits(value: Fraction, bits: int) -> Fraction:
    """``value`` rounded to ``bits`` significant bits, ties to even (IEEE round-to-nearest)."""
    if value == 0:
        return value
    magnitude = abs(value)
    shift = bits - (magnitude.numerator.bit_length() - magnitude.denominator.bit_length())
    scaled = magnitude * Fraction(2) ** shift
    while scaled >= 2**bits:
        shift -= 1
        scaled /= 2
    while scaled < 2 ** (bits - 1):
        shift += 1
        scaled *= 2
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest > scaled.denominator or (2 * rest == scaled.denominator and whole & 1):
        whole += 1
    rounded = Fraction(whole) / Fraction(2) ** shift
    return rounded if value > 0 else -rounded


def _extended(value: Fraction) -> Fraction:
    """Round to the x87 80-bit ``long double`` R accumulates its means in (64-bit significand)."""
    return _round_to_bits(value, 64)


def _r_mean(values: Sequence[float]) -> float:
    """The mean of doubles exactly as R's ``mean()`` computes it on x86-64.

    R sums in ``long double``, divides by *n*, then adds the mean of the residuals (a
    second pass, also in ``long double``) before rounding to a double. Emulating each
    rounding keeps Boost's centre line and MR̄ bit-for-bit equal to the reference's,
    which matters when a point or a target sits exactly on a limit.
    """
    n = len(values)
    total = Fraction(0)
    for value in values:
        total = _extended(total + Fraction(value))
    mean = _extended(total / n)
    residual = Fraction(0)
    for value in values:
        residual = _extended(residual + _extended(Fraction(value) - mean))
    mean = _extended(mean + _extended(residual / n))
    return float(mean)  # float(Fraction) rounds to nearest, ties to even, as the FPU does


@dataclass(frozen=True)
class _Lines:
    """XmR lines of a phase whose baseline has at least one moving range (doubles)."""

    mr_bar: float
    ucl: float
    lcl: float
    upper_two_thirds: float
    lower_two_thirds: float
    screened: int


@dataclass(frozen=True)
class _Limits:
    baseline_size: int
    centre: Fraction | float  # exact median on run charts, the reference's double on XmR charts
    lines: _Lines | None


def _limits(segment: list[Fraction], baseline_points: int | None, chart: ChartKind, screen: bool) -> _Limits:
    baseline = segment if baseline_points is None else segment[:baseline_points]
    if chart is ChartKind.RUN:
        return _Limits(len(baseline), Fraction(median(baseline)), None)
    doubles = [float(v) for v in baseline]
    centre = _r_mean(doubles)
    ranges = [abs(b - a) for a, b in itertools.pairwise(doubles)]
    if not ranges:
        return _Limits(len(baseline), centre, None)
    mr_bar = _r_mean(ranges)
    screened = 0
    if screen and mr_bar > 0:
        # A range of 3.267 × MR̄ or more is an outlier (the reference keeps only ranges
        # strictly below it). With MR̄ = 0 there is nothing to screen: see the docstring.
        kept = [r for r in ranges if r < SCREEN_FACTOR * mr_bar]
        screened = len(ranges) - len(kept)
        mr_bar = _r_mean(kept)
    lines = _Lines(
        mr_bar=mr_bar,
        ucl=centre + LIMIT_FACTOR * mr_bar,
        lcl=centre - LIMIT_FACTOR * mr_bar,
        upper_two_thirds=centre + TWO_THIRDS_FACTOR * mr_bar,
        lower_two_thirds=centre - TWO_THIRDS_FACTOR * mr_bar,
        screened=screened,
    )
    return _Limits(len(baseline), centre, lines)


def _phase_result(
    index: int,
    start: int,
    stop: int,
    dates: list[date],
    limits: _Limits,
) -> PhaseResult:
    lines = limits.lines
    return PhaseResult(
        index=index,
        start=start,
        end=stop - 1,
        start_date=dates[start],
        end_date=dates[stop - 1],
        n_points=stop - start,
        baseline_size=limits.baseline_size,
        centre=float(limits.centre),
        mr_bar=None if lines is None else lines.mr_bar,
        ucl=None if lines is None else lines.ucl,
        lcl=None if lines is None else lines.lcl,
        upper_two_thirds=None if lines is None else lines.upper_two_thirds,
        lower_two_thirds=None if lines is None else lines.lower_two_thirds,
        trial=lines is not None and limits.baseline_size < TRIAL_LIMIT_POINTS,
        screened_ranges=0 if lines is None else lines.screened,
    )


# --- rules ---------------------------------------------------------------------------


def _classify(side: Side, better: Better | None) -> Classification:
    if better is None:
        return Classification.NEUTRAL
    good = Side.HIGH if better == "higher" else Side.LOW
    return Classification.IMPROVEMENT if side is good else Classification.CONCERN


def _sign(difference: Fraction | float) -> int:
    return (difference > 0) - (difference < 0)


def _compared(segment: list[Fraction], chart: ChartKind) -> list[Fraction] | list[float]:
    """The values the rules compare: exact on run charts, the reference's doubles on XmR."""
    return segment if chart is ChartKind.RUN else [float(v) for v in segment]


def _shift_runs(
    segment: Sequence[Fraction | float], centre: Fraction | float, min_points: int, skip_on_centre: bool
) -> list[tuple[Side, list[int]]]:
    """Maximal runs of points strictly on one side of ``centre`` (local indices)."""
    runs: list[tuple[Side, list[int]]] = []
    current: list[int] = []
    current_sign = 0

    def close() -> None:
        if len(current) >= min_points:
            runs.append((Side.HIGH if current_sign > 0 else Side.LOW, list(current)))

    for i, value in enumerate(segment):
        sign = _sign(value - centre)
        if sign == 0:
            if not skip_on_centre:
                close()
                current, current_sign = [], 0
            continue
        if sign != current_sign:
            close()
            current, current_sign = [], sign
        current.append(i)
    close()
    return runs


def _outside_limits(segment: Sequence[float], ucl: float, lcl: float) -> list[tuple[Side, list[int]]]:
    """Consecutive points outside the same limit, grouped (local indices)."""
    runs: list[tuple[Side, list[int]]] = []
    for i, value in enumerate(segment):
        side = Side.HIGH if value > ucl else Side.LOW if value < lcl else None
        if side is None:
            continue
        if runs and runs[-1][0] is side and runs[-1][1][-1] == i - 1:
            runs[-1][1].append(i)
        else:
            runs.append((side, [i]))
    return runs


def _trend_runs(segment: Sequence[Fraction | float], min_points: int) -> list[tuple[Side, list[int]]]:
    """Maximal runs of strictly rising or strictly falling points (local indices)."""
    runs: list[tuple[Side, list[int]]] = []
    for direction, side in ((1, Side.HIGH), (-1, Side.LOW)):
        start = 0
        for i in range(1, len(segment) + 1):
            continues = i < len(segment) and _sign(segment[i] - segment[i - 1]) == direction
            if not continues:
                if i - start >= min_points:
                    runs.append((side, list(range(start, i))))
                start = i
    return runs


def _two_of_three(segment: Sequence[float], limits: _Limits) -> list[tuple[Side, list[int]]]:
    """Points in the zone near a limit, two or more of them in a window of three on one side.

    The zone is beyond the two-thirds line but not outside the limit (outside is rule 1),
    and every point of the window must be strictly on the same side of the mean; only
    the points in the zone are flagged.
    """
    lines = limits.lines
    if lines is None:  # only called for phases with limits
        return []
    side_of = [_sign(v - limits.centre) for v in segment]
    near = [lines.lcl <= v <= lines.ucl and (v > lines.upper_two_thirds or v < lines.lower_two_thirds) for v in segment]
    flagged: dict[Side, set[int]] = {Side.HIGH: set(), Side.LOW: set()}
    for window in range(len(segment) - 2):
        members = range(window, window + 3)
        sides = {side_of[i] for i in members}
        if len(sides) == 1 and 0 not in sides and sum(near[i] for i in members) >= 2:
            side = Side.HIGH if sides == {1} else Side.LOW
            flagged[side].update(i for i in members if near[i])
    found: list[tuple[Side, list[int]]] = []
    for side, indices in flagged.items():
        cluster: list[int] = []
        for i in sorted(indices):
            if cluster and i - cluster[-1] > 2:
                found.append((side, cluster))
                cluster = []
            cluster.append(i)
        if cluster:
            found.append((side, cluster))
    return found


def _phase_signals(
    segment: list[Fraction],
    limits: _Limits,
    chart: ChartKind,
    offset: int,
    phase: int,
    dates: list[date],
    better: Better | None,
) -> list[Signal]:
    found: list[tuple[Rule, Side, list[int]]] = []
    values = _compared(segment, chart)
    if chart is ChartKind.RUN:
        found += [(Rule.SHIFT, side, run) for side, run in _shift_runs(values, limits.centre, RUN_SHIFT_POINTS, True)]
        found += [(Rule.TREND, side, run) for side, run in _trend_runs(values, RUN_TREND_POINTS)]
    elif (lines := limits.lines) is not None:
        found += [(Rule.BEYOND_LIMIT, side, run) for side, run in _outside_limits(values, lines.ucl, lines.lcl)]
        found += [(Rule.SHIFT, side, run) for side, run in _shift_runs(values, limits.centre, XMR_SHIFT_POINTS, False)]
        found += [(Rule.TREND, side, run) for side, run in _trend_runs(values, XMR_TREND_POINTS)]
        found += [(Rule.TWO_OF_THREE, side, run) for side, run in _two_of_three(values, limits)]

    signals = []
    for rule, side, local in found:
        indices = tuple(offset + i for i in local)
        tail = values[local[-1] + 1 :]
        if rule is Rule.SHIFT and chart is ChartKind.RUN:
            reaches_end = all(v == limits.centre for v in tail)
        else:
            reaches_end = not tail
        signals.append(_signal(rule, side, indices, phase, dates, better, reaches_end))
    return signals


def _trend_point_sides(segment: list[Fraction], limits: _Limits, chart: ChartKind, offset: int) -> dict[int, Side]:
    """The direction each trend point is labelled with, by the reference's rule.

    A trend point followed by another trend point (of any trend) takes the direction of
    the step *to* that next point; otherwise the step from the point before. A zero
    step (a trend that ends in a tie just before another trend starts) reads as
    falling, as ``ptd_spc`` labels it "Decreasing". This is why a turning point shared
    by a rising and a falling trend takes the later trend's direction.
    """
    if chart is ChartKind.XMR and limits.lines is None:
        return {}
    values = _compared(segment, chart)
    needed = RUN_TREND_POINTS if chart is ChartKind.RUN else XMR_TREND_POINTS
    in_trend = [False] * len(values)
    for _, run in _trend_runs(values, needed):
        for i in run:
            in_trend[i] = True
    sides: dict[int, Side] = {}
    for i, flagged in enumerate(in_trend):
        if not flagged:
            continue
        step = values[i + 1] - values[i] if i + 1 < len(values) and in_trend[i + 1] else values[i] - values[i - 1]
        sides[offset + i] = Side.HIGH if step > 0 else Side.LOW
    return sides


def _signal(
    rule: Rule,
    side: Side,
    indices: tuple[int, ...],
    phase: int,
    dates: list[date],
    better: Better | None,
    reaches_phase_end: bool,
) -> Signal:
    return Signal(
        rule=rule,
        side=side,
        classification=_classify(side, better),
        phase=phase,
        indices=indices,
        start=indices[0],
        end=indices[-1],
        start_date=dates[indices[0]],
        end_date=dates[indices[-1]],
        reaches_phase_end=reaches_phase_end,
    )


def _point_results(
    dated: list[tuple[date, Fraction]],
    phase_of: list[int],
    phases: list[PhaseResult],
    signals: list[Signal],
    trend_sides: dict[int, Side],
    values: list[Fraction],
    better: Better | None,
) -> tuple[PointResult, ...]:
    sides: list[dict[Rule, Side]] = [{} for _ in dated]
    for signal in signals:
        for i in signal.indices:
            sides[i][signal.rule] = signal.side
    for i, side in trend_sides.items():
        sides[i][Rule.TREND] = side
    results = []
    for i, (when, _) in enumerate(dated):
        phase = phases[phase_of[i]]
        fired = tuple(rule for rule in RULE_PRECEDENCE if rule in sides[i])
        side = sides[i][fired[0]] if fired else None
        results.append(
            PointResult(
                index=i,
                date=when,
                value=float(values[i]),
                phase=phase.index,
                centre=phase.centre,
                ucl=phase.ucl,
                lcl=phase.lcl,
                rules=fired,
                side=side,
                classification=(Classification.COMMON_CAUSE if side is None else _classify(side, better)),
            )
        )
    return tuple(results)


def _change_since_previous_phase(
    values: list[Fraction],
    dates: list[date],
    bounds: list[tuple[int, int]],
    previous_centre: Fraction | float,
    chart: ChartKind,
    better: Better | None,
) -> Signal | None:
    """A shift of the latest phase's closing points against the previous phase's centre.

    Recalculating limits after a change hides the change itself (the new phase is judged
    against its own mean), so this checks the run of points ending at the latest point
    against the centre line the previous phase would have extended.
    """
    start, stop = bounds[-1]
    skip = chart is ChartKind.RUN
    needed = RUN_SHIFT_POINTS if skip else XMR_SHIFT_POINTS
    segment = _compared(values[start:stop], chart)
    runs = _shift_runs(segment, previous_centre, needed, skip)
    if not runs:
        return None
    side, local = runs[-1]
    tail = segment[local[-1] + 1 :]
    if tail and (not skip or any(v != previous_centre for v in tail)):
        return None
    indices = tuple(start + i for i in local)
    return _signal(Rule.SHIFT, side, indices, len(bounds) - 1, dates, better, True)


def shift_after(result: SpcResult, when: date) -> Signal | None:
    """The sustained shift that followed a change on ``when``, or ``None``.

    This is the evidence for "recalculate the limits from this change" (MDC practice: a
    new phase after a change that moved the process). The change's first point is the
    first on or after ``when``; it must not already start a phase nor be its phase's
    first point. The points of that phase before the change give a centre line (their
    mean on an XmR chart, computed as the limits are; their median on a run chart); the
    points after the change that are still on one side of it at the phase's end must
    be a shift (7 points, 6 on a run chart, where points on the median are skipped):
    the process moved after the change and has stayed moved.
    """
    start = next((p.index for p in result.points if p.date >= when), None)
    if start is None:
        return None
    phase = result.phases[result.points[start].phase]
    if start == phase.start:
        return None
    before = [result.points[i].value for i in range(phase.start, start)]
    after = [result.points[i].value for i in range(start, phase.end + 1)]
    run_chart = result.kind is ChartKind.RUN
    centre: float = float(median(before)) if run_chart else _r_mean(before)
    needed = RUN_SHIFT_POINTS if run_chart else XMR_SHIFT_POINTS
    runs = _shift_runs(after, centre, needed, run_chart)
    if not runs:
        return None
    side, local = runs[-1]
    tail = after[local[-1] + 1 :]
    if tail and (not run_chart or any(v != centre for v in tail)):
        return None
    indices = tuple(start + i for i in local)
    dates = [p.date for p in result.points]
    return _signal(Rule.SHIFT, side, indices, phase.index, dates, result.better, True)


# --- icons ---------------------------------------------------------------------------


def _variation_icon(points: tuple[PointResult, ...]) -> VariationIcon | None:
    # Even a single point gets an icon: with no limits no rule can fire on it, so it is
    # common cause, as the reference shows it.
    if not points:
        return None
    latest = points[-1]
    if latest.side is None:
        return VariationIcon.COMMON_CAUSE
    return VariationIcon(f"special_cause_{latest.classification}_{latest.side}")


def _assurance_icon(latest: _Limits | None, better: Better | None, target: Fraction | None) -> AssuranceIcon | None:
    if latest is None or latest.lines is None or target is None or better is None:
        return None
    limits = latest.lines
    # Compared as the reference compares them: the target's double against the limits'
    # doubles, so a target typed as the printed limit agrees with ptd_spc to the bit.
    wanted = float(target)
    if wanted > limits.ucl:
        above_passes = better == "lower"
        return AssuranceIcon.CONSISTENTLY_PASS if above_passes else AssuranceIcon.CONSISTENTLY_FAIL
    if wanted < limits.lcl:
        below_passes = better == "higher"
        return AssuranceIcon.CONSISTENTLY_PASS if below_passes else AssuranceIcon.CONSISTENTLY_FAIL
    return AssuranceIcon.HIT_AND_MISS


# --- text ----------------------------------------------------------------------------

_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_PREFIX_UNITS = frozenset({"£", "$", "€"})


def format_date(when: date, *, with_day: bool = False) -> str:
    """``"Jan 2023"``, or ``"3 Jan 2023"`` with the day; independent of the locale."""
    month = f"{_MONTHS[when.month - 1]} {when.year}"
    return f"{when.day} {month}" if with_day else month


def format_value(value: float, unit: str = "", *, decimals: int | None = None) -> str:
    """A number as a reader expects it: ``1,234``, ``12.5``, ``0.0123``, ``45%``.

    With ``decimals`` the number has exactly that many decimals (``808.2``, ``667.3``), so
    a column of values, or a set of limits, reads consistently. Without it, whole numbers
    get thousands separators and no decimals; other numbers of 1 or more get at most two
    decimals; smaller ones three significant figures. ``%`` is appended, currency symbols
    are prefixed (pence always shown: ``£3.20``, unless ``decimals`` says otherwise), any
    other unit follows after a space.
    """
    unit = unit.strip()
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
        if text.lstrip("-").strip("0.,") == "":
            text = text.lstrip("-")  # never "-0.0"
    elif value == int(value):
        text = f"{int(value):,}"
    elif unit in _PREFIX_UNITS:
        text = f"{value:,.2f}"
    elif abs(value) >= 1:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.3g}"
    if not unit:
        return text
    if unit == "%":
        return f"{text}%"
    if unit in _PREFIX_UNITS:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def data_decimals(values: Iterable[float | int | Decimal]) -> int:
    """The precision of a series: the most decimals any value has (at most 4).

    Values are shown with this many decimals and statistics (centre lines, limits) with
    one more, the usual convention for quantities computed from the data (Wheeler).
    """
    most = 0
    for value in values:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            most = max(most, -exponent)
    return min(most, 4)


def _when(result: SpcResult, when: date) -> str:
    return format_date(when, with_day=result.shows_day)


def _span(result: SpcResult, signal: Signal) -> str:
    return f"from {_when(result, signal.start_date)} to {_when(result, signal.end_date)}"


def _run_dates(result: SpcResult, signal: Signal) -> str:
    if signal.start == signal.end:
        return _when(result, signal.start_date)
    return f"{_when(result, signal.start_date)} to {_when(result, signal.end_date)}"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


_CLASS_TEXT = {
    Classification.IMPROVEMENT: "improvement",
    Classification.CONCERN: "concern",
    Classification.NEUTRAL: "neither improvement nor concern",
    Classification.COMMON_CAUSE: "common cause",
}


def _describe(result: SpcResult, signal: Signal, unit: str, decimals: int | None) -> str:
    centre = "median" if result.kind is ChartKind.RUN else "mean"
    where = "above" if signal.side is Side.HIGH else "below"
    count = len(signal.indices)
    limit = "upper" if signal.side is Side.HIGH else "lower"
    if signal.rule is Rule.BEYOND_LIMIT and count == 1:
        point = result.points[signal.start]
        preposition = "on" if result.shows_day else "in"
        text = (
            f"Outside the limits: {format_value(point.value, unit, decimals=decimals)} {preposition} "
            f"{_when(result, point.date)} is {where} the {limit} process limit"
        )
    elif signal.rule is Rule.BEYOND_LIMIT:
        text = f"Outside the limits: {count} points {where} the {limit} process limit {_span(result, signal)}"
    elif signal.rule is Rule.SHIFT:
        text = f"Shift: {count} points {where} the {centre} {_span(result, signal)}"
    elif signal.rule is Rule.TREND:
        direction = "increasing" if signal.side is Side.HIGH else "decreasing"
        text = f"Trend: {count} points in a row {direction} {_span(result, signal)}"
    elif count == 2:
        which = " and ".join(_when(result, result.points[i].date) for i in signal.indices)
        text = f"Close to the {limit} limit: two of three points beyond two-thirds of the way to it, {which}"
    else:
        text = (
            f"Close to the {limit} limit: {count} points beyond two-thirds of the way "
            f"to it (two or more in every three) {_span(result, signal)}"
        )
    return f"{text} ({_CLASS_TEXT[signal.classification]})"


def describe_signal(result: SpcResult, signal: Signal, *, unit: str = "", decimals: int | None = None) -> str:
    """One signal in words, as the write-up lists it ("Shift: 7 points below the mean from … (improvement)")."""
    return _describe(result, signal, unit, decimals)


def _describe_group(result: SpcResult, group: list[Signal], unit: str, decimals: int | None) -> str:
    """One line for several runs of one rule on one side in one phase."""
    first = group[0]
    centre = "median" if result.kind is ChartKind.RUN else "mean"
    where = "above" if first.side is Side.HIGH else "below"
    limit = "upper" if first.side is Side.HIGH else "lower"
    count = sum(len(s.indices) for s in group)
    runs = _listed([_run_dates(result, s) for s in group])
    if first.rule is Rule.BEYOND_LIMIT:
        text = f"Outside the limits: {count} points {where} the {limit} process limit, {runs}"
    elif first.rule is Rule.SHIFT:
        text = f"Shift: {len(group)} runs of 7 or more points {where} the {centre}, {runs}"
        if result.kind is ChartKind.RUN:
            text = f"Shift: {len(group)} runs of 6 or more points {where} the {centre}, {runs}"
    elif first.rule is Rule.TREND:
        direction = "increasing" if first.side is Side.HIGH else "decreasing"
        text = f"Trend: {len(group)} runs of points in a row {direction}, {runs}"
    else:
        text = f"Close to the {limit} limit: {count} points beyond two-thirds of the way to it, {runs}"
    return f"{text} ({_CLASS_TEXT[first.classification]})"


def signals_text(result: SpcResult, *, unit: str = "", decimals: int | None = None) -> list[str]:
    """Plain-English descriptions of the signals, grouped: one line per rule and side.

    Lines come phase by phase, in date order; within a phase, rules in precedence order
    (outside the limits, trend, two of three, shift), so a reader meets the strongest
    evidence first. Runs of the same rule on the same side of one phase share a line
    that lists each run's dates. When limits were recalculated and the latest phase's
    closing points all sit on one side of the previous phase's centre line, a final line
    says so. An empty list means no signals (common cause variation only).
    """
    groups: dict[tuple[int, int, Side], list[Signal]] = {}
    for signal in sorted(result.signals, key=lambda s: (s.phase, RULE_PRECEDENCE.index(s.rule), s.start)):
        groups.setdefault((signal.phase, RULE_PRECEDENCE.index(signal.rule), signal.side), []).append(signal)
    lines = [
        _describe(result, group[0], unit, decimals)
        if len(group) == 1
        else _describe_group(result, group, unit, decimals)
        for group in groups.values()
    ]
    change = result.change_since_previous_phase
    if change is not None:
        centre = "median" if result.kind is ChartKind.RUN else "mean"
        where = "above" if change.side is Side.HIGH else "below"
        since = _when(result, result.phases[-1].start_date)
        lines.append(
            f"Since the limits were recalculated ({since}): {len(change.indices)} "
            f"points {where} the previous {centre} {_span(result, change)} "
            f"({_CLASS_TEXT[change.classification]})"
        )
    return lines


def _status(result: SpcResult) -> str:
    latest = result.points[-1]
    phase = result.phases[-1].index
    in_phase = [s for s in result.signals if s.phase == phase]
    change = result.change_since_previous_phase
    if result.better is None:
        return "special-cause variation" if in_phase or change else "no significant change"
    if latest.classification is Classification.CONCERN:
        return "concern"
    if change is not None and change.classification is Classification.CONCERN:
        return "concern"
    sustained = [
        s
        for s in in_phase
        if s.rule is Rule.SHIFT and s.reaches_phase_end and s.classification is Classification.IMPROVEMENT
    ]
    if sustained or (change is not None and change.classification is Classification.IMPROVEMENT):
        return "sustained improvement"
    if latest.classification is Classification.IMPROVEMENT or any(
        s.classification is Classification.IMPROVEMENT for s in in_phase
    ):
        return "improvement signal"
    if any(s.classification is Classification.CONCERN for s in in_phase):
        return "concern"
    return "no significant change"


def headline(result: SpcResult, *, title: str, unit: str = "", decimals: int | None = None) -> str:
    """A write-up headline derived from the data, e.g. ``"Waiting list: 803 → 270, …"``.

    The numbers are the first and the latest values. The status is the first that holds:

    * no direction set: ``special-cause variation`` if the latest phase has any signal
      (or shifted from the previous phase), else ``no significant change``;
    * ``concern``: the latest point is a concern, or the latest phase has shifted to the
      bad side of the previous phase's centre line;
    * ``sustained improvement``: an improving shift still running at the latest point,
      or the latest phase has shifted to the good side of the previous phase's centre;
    * ``improvement signal``: the latest point, or any signal in the latest phase, is an
      improvement;
    * ``concern``: any other concern signal in the latest phase;
    * ``no significant change``.
    """
    label = " ".join(title.split())
    prefix = f"{label}: " if label else ""
    if not result.points:
        return f"{prefix}no data yet"
    first, latest = result.points[0], result.points[-1]
    if len(result.points) == 1:
        return f"{prefix}{format_value(first.value, unit, decimals=decimals)}"
    numbers = (
        f"{format_value(first.value, unit, decimals=decimals)} → {format_value(latest.value, unit, decimals=decimals)}"
    )
    return f"{prefix}{numbers}, {_status(result)}"
