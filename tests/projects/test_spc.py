"""Hand-checked vectors for the SPC rules in ``projects.spc``.

Every expected number below is worked out by hand in the comments, never by calling the
code under test. Most vectors reuse one of two baselines, fixed with
``baseline_points=12`` so that the points added after them do not move the limits:

* ``ALT2`` = 12, 10, 12, 10, … (12 points): mean x̄ = 11, every moving range is 2 so
  MR̄ = 2; limits 11 ± 2.66·2 = 11 ± 5.32 → UCL 16.32, LCL 5.68; two-thirds lines
  11 ± (2/3)·5.32 = 11 ± 3.5466… → 14.5466…, 7.4533….
* ``ALT3`` = 12.5, 9.5, … (12 points): x̄ = 11, MR̄ = 3; limits 11 ± 7.98 → UCL 18.98,
  LCL 3.02; two-thirds lines 11 ± (2/3)·7.98 = 11 ± 5.32 → 16.32 and 5.68 (exact
  decimals, so "exactly on the two-thirds line" can be tested).

Both baselines end on a point *below* the mean (10 or 9.5), which matters for runs.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from projects.spc import (
    AssuranceIcon,
    ChartKind,
    Classification,
    Rule,
    Side,
    VariationIcon,
    analyse,
    choose_chart,
    format_date,
    format_value,
    headline,
    signals_text,
)

ALT2 = [12, 10] * 6
ALT3 = [12.5, 9.5] * 6


def month(i: int, start: date = date(2022, 1, 1)) -> date:
    """The first of the month, ``i`` months after ``start``."""
    total = start.year * 12 + start.month - 1 + i
    return date(total // 12, total % 12 + 1, 1)


def series(values, start: date = date(2022, 1, 1)):
    return [(month(i, start), v) for i, v in enumerate(values)]


def xmr(values, **kwargs):
    kwargs.setdefault("kind", "xmr")
    return analyse(series(values), **kwargs)


def rules_by_index(result):
    return {p.index: p.rules for p in result.points if p.rules}


def signals_of(result, rule):
    return [s for s in result.signals if s.rule is rule]


# --- chart choice and limits ----------------------------------------------------------


def test_choose_chart_switches_to_xmr_at_twelve_points():
    assert choose_chart(0) is ChartKind.RUN
    assert choose_chart(11) is ChartKind.RUN
    assert choose_chart(12) is ChartKind.XMR
    assert analyse(series(ALT2)).kind is ChartKind.XMR
    assert analyse(series(ALT2[:11])).kind is ChartKind.RUN


def test_xmr_limits_from_all_points_of_the_phase():
    # ALT2 with the default baseline (all 12 points): x̄ = (6·12 + 6·10)/12 = 11,
    # 11 moving ranges of 2 → MR̄ = 2, UCL = 11 + 5.32 = 16.32, LCL = 11 - 5.32 = 5.68,
    # two-thirds lines 11 ± 3.54666… .
    result = analyse(series(ALT2))
    (phase,) = result.phases
    assert phase.centre == 11
    assert phase.mr_bar == 2
    assert phase.ucl == pytest.approx(16.32)
    assert phase.lcl == pytest.approx(5.68)
    assert phase.upper_two_thirds == pytest.approx(14.546667, abs=1e-6)
    assert phase.lower_two_thirds == pytest.approx(7.453333, abs=1e-6)
    assert phase.baseline_size == 12
    assert phase.trial is False
    assert result.signals == ()
    assert all(p.centre == 11 and p.classification is Classification.COMMON_CAUSE for p in result.points)


def test_limits_use_the_baseline_points_only():
    # Baseline = first 4 points 10, 14, 10, 14: x̄ = 12, MRs 4, 4, 4 → MR̄ = 4,
    # UCL = 12 + 10.64 = 22.64. The later 100 neither moves the limits nor escapes them.
    result = xmr([10, 14, 10, 14, 100, 12], baseline_points=4)
    (phase,) = result.phases
    assert (phase.centre, phase.mr_bar, phase.baseline_size) == (12, 4, 4)
    assert phase.ucl == pytest.approx(22.64)
    assert rules_by_index(result) == {4: (Rule.BEYOND_LIMIT,)}


def test_fewer_than_twelve_baseline_points_are_trial_limits():
    # ALT2[:10] = 12, 10 x 5: x̄ = 11, MR̄ = 2 → limits 5.68 to 16.32, 10 points → trial.
    short = xmr(ALT2[:10])
    assert short.phases[0].trial is True
    assert short.phases[0].ucl == pytest.approx(16.32)
    # baseline_points=11 on a long series: still trial, whatever the length.
    assert xmr(ALT2 * 2, baseline_points=11).phases[0].trial is True
    assert xmr(ALT2 * 2, baseline_points=12).phases[0].trial is False


def test_all_equal_values_give_zero_mr_bar_and_limits_on_the_mean():
    # 12 x 5: x̄ = 5, every MR = 0 → MR̄ = 0, limits = two-thirds lines = 5. Points on the
    # mean are not above or below it, so nothing fires and nothing divides by zero.
    result = xmr([5] * 12)
    (phase,) = result.phases
    assert (phase.centre, phase.mr_bar, phase.ucl, phase.lcl) == (5, 0, 5, 5)
    assert result.signals == ()
    assert result.variation_icon is VariationIcon.COMMON_CAUSE
    # With the baseline fixed, any later point off the mean is outside the limits.
    later = xmr([5] * 12 + [5.01], baseline_points=12)
    assert rules_by_index(later) == {12: (Rule.BEYOND_LIMIT,)}


def test_empty_series():
    result = analyse([], better="lower", target=10)
    assert result.kind is ChartKind.RUN
    assert (result.points, result.phases, result.signals) == ((), (), ())
    assert result.variation_icon is None
    assert result.assurance_icon is None
    assert result.latest is None
    assert signals_text(result) == []
    assert headline(result, title="Waiting list") == "Waiting list: no data yet"


@pytest.mark.parametrize("kind", ["xmr", "run"])
def test_one_point_is_common_cause_with_a_centre_but_no_limits(kind):
    # One value: centre = the value, no moving range so no limits, and no rule can fire,
    # so the variation icon is common cause (as ptd_spc shows a one-point series). No
    # limits, so no assurance icon even with a target.
    result = xmr([803], better="lower", target=300, kind=kind)
    (phase,) = result.phases
    assert (phase.centre, phase.mr_bar, phase.ucl, phase.lcl, phase.trial) == (803, None, None, None, False)
    assert result.points[0].classification is Classification.COMMON_CAUSE
    assert result.variation_icon is VariationIcon.COMMON_CAUSE
    assert result.assurance_icon is None
    assert headline(result, title="Waiting list") == "Waiting list: 803"


def test_two_points_give_trial_limits_and_no_signals():
    # 10, 14: x̄ = 12, one MR of 4 → MR̄ = 4, limits 12 ± 10.64 → 1.36 to 22.64.
    result = xmr([10, 14], better="higher")
    (phase,) = result.phases
    assert phase.centre == 12
    assert phase.ucl == pytest.approx(22.64)
    assert phase.lcl == pytest.approx(1.36)
    assert phase.trial is True
    assert result.signals == ()
    assert result.variation_icon is VariationIcon.COMMON_CAUSE


# --- input handling -------------------------------------------------------------------


@pytest.mark.parametrize("bad", [float("nan"), math.nan, Decimal("NaN")])
def test_nan_is_rejected_with_a_clear_message(bad):
    with pytest.raises(ValueError, match=r"2022-02-01"):
        analyse([(date(2022, 1, 1), 1), (date(2022, 2, 1), bad)])


def test_infinity_and_non_numbers_are_rejected():
    with pytest.raises(ValueError, match="finite"):
        analyse([(date(2022, 1, 1), float("inf"))])
    with pytest.raises(ValueError, match="number"):
        analyse([(date(2022, 1, 1), "twelve")])
    with pytest.raises(ValueError, match="boolean"):
        analyse([(date(2022, 1, 1), True)])
    with pytest.raises(ValueError, match="date"):
        analyse([("2022-01-01", 1)])
    with pytest.raises(ValueError, match="NaN"):
        analyse(series([1, 2]), target=float("nan"))


def test_duplicate_dates_are_rejected():
    with pytest.raises(ValueError, match="same date, 2022-01-01"):
        analyse([(date(2022, 1, 1), 1), (date(2022, 1, 1), 2)])


def test_unsorted_points_are_sorted_by_date():
    result = analyse([(date(2022, 3, 1), 3), (date(2022, 1, 1), 1), (date(2022, 2, 1), 2)])
    assert [p.value for p in result.points] == [1, 2, 3]
    assert [p.index for p in result.points] == [0, 1, 2]


def test_datetimes_and_decimals_are_accepted():
    result = analyse([(datetime(2022, 1, 1, 9, 30), Decimal("1.5")), (date(2022, 2, 1), 2)])
    assert result.points[0].date == date(2022, 1, 1)
    assert result.points[0].value == 1.5


def test_invalid_options_are_rejected():
    with pytest.raises(ValueError, match="better"):
        analyse(series([1, 2]), better="up")
    with pytest.raises(ValueError, match="baseline_points"):
        analyse(series([1, 2]), baseline_points=1)


# --- rule 1: outside the limits ---------------------------------------------------------


def test_point_exactly_on_a_limit_is_not_a_signal():
    # ALT2 baseline: UCL 16.32, LCL 5.68, mean 11. Points added, with two points on the
    # mean between them so no two sit in one two-of-three window:
    #   12: 16.32 (on the UCL)  15: 16.33 (above)  16: 5.68 (on the LCL)  19: 5.67 (below)
    values = [*ALT2, 16.32, 11, 11, 16.33, 5.68, 11, 11, 5.67]
    result = xmr(values, baseline_points=12)
    assert rules_by_index(result) == {15: (Rule.BEYOND_LIMIT,), 19: (Rule.BEYOND_LIMIT,)}
    assert result.points[15].side is Side.HIGH
    assert result.points[19].side is Side.LOW


def test_decimal_on_the_limit_is_on_the_limit():
    # Same boundary with Decimal input: 11 + 2.66·2 = 16.32 exactly.
    points = [*series(ALT2), (month(12), Decimal("16.32"))]
    result = analyse(points, baseline_points=12)
    assert rules_by_index(result) == {}


@pytest.mark.parametrize(
    ("better", "expected"),
    [
        ("higher", Classification.IMPROVEMENT),
        ("lower", Classification.CONCERN),
        (None, Classification.NEUTRAL),
    ],
)
def test_high_point_is_classified_by_direction(better, expected):
    result = xmr([*ALT2, 17], baseline_points=12, better=better)
    assert result.points[12].classification is expected
    assert result.signals[0].classification is expected


def test_consecutive_points_outside_a_limit_form_one_signal():
    result = xmr([*ALT2, 17, 18, 11, 17], baseline_points=12)
    spans = [(s.start, s.end) for s in signals_of(result, Rule.BEYOND_LIMIT)]
    # 17 and 18 (12, 13) are one signal, the later 17 (15) another. 12 and 13 are also
    # two of three beyond the upper two-thirds line, as are 13 and 15.
    assert spans == [(12, 13), (15, 15)]


# --- rule 2: shift -----------------------------------------------------------------------


def test_six_points_above_the_mean_are_not_a_shift():
    # ALT2 ends with 10 (below 11); then 6 x 12 (above), then 10. 12 is inside the
    # two-thirds line (14.55) and the ties stop any trend.
    result = xmr([*ALT2, *[12] * 6, 10], baseline_points=12)
    assert signals_of(result, Rule.SHIFT) == []


def test_seven_points_above_the_mean_are_a_shift():
    result = xmr([*ALT2, *[12] * 7, 10], baseline_points=12, better="higher")
    (shift,) = signals_of(result, Rule.SHIFT)
    assert shift.indices == (12, 13, 14, 15, 16, 17, 18)
    assert shift.side is Side.HIGH
    assert shift.classification is Classification.IMPROVEMENT
    assert shift.reaches_phase_end is False
    assert all(result.points[i].rules == (Rule.SHIFT,) for i in shift.indices)


def test_a_point_on_the_mean_breaks_a_shift():
    # 3 above, 11 exactly on the mean, 4 above: two runs of 3 and 4, no shift.
    result = xmr([*ALT2, 12, 12, 12, 11, 12, 12, 12, 12], baseline_points=12)
    assert signals_of(result, Rule.SHIFT) == []


def test_shift_text_example():
    # ALT2 reversed ends on 12 (above the mean), so the 8 x 10 below the mean from
    # Jan 2023 (point 12) to Aug 2023 (point 19) are exactly 8 points.
    result = xmr([10, 12] * 6 + [10] * 8, baseline_points=12, better="lower")
    assert signals_text(result) == ["Shift: 8 points below the mean from Jan 2023 to Aug 2023 (improvement)"]


# --- rule 3: trend -----------------------------------------------------------------------


def test_six_rising_points_are_not_a_trend():
    # ALT2 ends with 10; the next 10 is a tie, so the rise is 10, 10.5, 11, 11.5, 12, 12.5
    # (points 12-17): 6 points, 5 increases. All inside the two-thirds lines; only 4 above
    # the mean.
    result = xmr([*ALT2, 10, 10.5, 11, 11.5, 12, 12.5], baseline_points=12)
    assert result.signals == ()


def test_seven_rising_points_are_a_trend():
    # Adding 13 makes 7 points (6 increases): a trend over points 12-18.
    result = xmr([*ALT2, 10, 10.5, 11, 11.5, 12, 12.5, 13], baseline_points=12, better="higher")
    (trend,) = result.signals
    assert trend.rule is Rule.TREND
    assert trend.indices == tuple(range(12, 19))
    assert trend.side is Side.HIGH
    assert trend.classification is Classification.IMPROVEMENT
    assert trend.reaches_phase_end is True


def test_falling_trend_when_lower_is_better_is_an_improvement():
    # ALT3 ends with 9.5 (point 11); the repeated 9.5 is a tie, so 9.5, 9, 8.5, 8, 7.5, 7,
    # 6.5 (points 12-18) are the 7 falling points. All stay above the lower two-thirds
    # line (5.68). Points 11-18 are all below the mean of 11: an 8-point shift as well.
    result = xmr([*ALT3, 9.5, 9, 8.5, 8, 7.5, 7, 6.5], baseline_points=12, better="lower")
    (trend,) = signals_of(result, Rule.TREND)
    assert trend.indices == tuple(range(12, 19))
    assert trend.classification is Classification.IMPROVEMENT
    (shift,) = signals_of(result, Rule.SHIFT)
    assert shift.indices == tuple(range(11, 19))


def test_a_tie_breaks_a_trend():
    # 10, 10.5, 11, 11.5 | 11.5, 12, 12.5, 13: two rises of 4 points each.
    result = xmr([*ALT2, 10, 10.5, 11, 11.5, 11.5, 12, 12.5, 13], baseline_points=12)
    assert signals_of(result, Rule.TREND) == []


def test_turning_point_takes_the_later_trend():
    # ALT2 ends with 10 (point 11). Rise 10 → 13 over points 11-17 (7 points), then fall
    # 13 → 10 over points 17-23 (7 points): point 17 (13) belongs to both.
    # Points 14-20 (11.5, 12, 12.5, 13, 12.5, 12, 11.5) are also 7 above the mean: a shift.
    values = [*ALT2, 10.5, 11, 11.5, 12, 12.5, 13, 12.5, 12, 11.5, 11, 10.5, 10]
    result = xmr(values, baseline_points=12, better="higher")
    trends = signals_of(result, Rule.TREND)
    assert [(t.side, t.start, t.end) for t in trends] == [(Side.HIGH, 11, 17), (Side.LOW, 17, 23)]
    assert signals_of(result, Rule.SHIFT)[0].indices == tuple(range(14, 21))
    assert result.points[16].side is Side.HIGH
    assert result.points[16].classification is Classification.IMPROVEMENT
    assert result.points[17].side is Side.LOW
    assert result.points[17].classification is Classification.CONCERN
    assert result.points[17].rules == (Rule.TREND, Rule.SHIFT)


def test_a_trend_ending_in_a_tie_before_a_falling_run():
    # ALT2 ends with 10 (point 11). 10 → 13 rises over points 11-17 (7 points), 13 is
    # repeated at point 18 (a tie), then 13 → 10 falls over points 18-24 (7 points). The
    # tie splits the two trends, so point 17 belongs only to the rising one; but, as in
    # ptd_spc, a trend point followed by another trend point takes the direction of the
    # step to it, and the step 17 → 18 is zero, which the reference reads as decreasing.
    # Points 14-21 (11.5 … 11.5) are 8 above the mean: a shift (high), below the trend in
    # precedence.
    values = [*ALT2, 10.5, 11, 11.5, 12, 12.5, 13, 13, 12.5, 12, 11.5, 11, 10.5, 10]
    result = xmr(values, baseline_points=12, better="higher")
    trends = signals_of(result, Rule.TREND)
    assert [(t.side, t.start, t.end) for t in trends] == [(Side.HIGH, 11, 17), (Side.LOW, 18, 24)]
    points = result.points
    assert points[16].side is Side.HIGH
    assert points[17].rules == (Rule.TREND, Rule.SHIFT)
    assert points[17].side is Side.LOW
    assert points[17].classification is Classification.CONCERN
    assert points[18].side is Side.LOW
    assert result.variation_icon is VariationIcon.CONCERN_LOW


def test_a_tie_between_two_rising_trends_labels_the_first_ones_end_falling():
    # 10 (point 11) … 13 (point 17) rise, 13 again (18), then 13.5 … 16 rise over points
    # 18-24 (ALT2's UCL 16.32 is not crossed). The zero step 17 → 18 leads into a trend,
    # so the reference labels point 17 decreasing, even though both trends rise.
    values = [*ALT2, 10.5, 11, 11.5, 12, 12.5, 13, 13, 13.5, 14, 14.5, 15, 15.5, 16]
    result = xmr(values, baseline_points=12, better="higher")
    assert [(t.side, t.start, t.end) for t in signals_of(result, Rule.TREND)] == [
        (Side.HIGH, 11, 17),
        (Side.HIGH, 18, 24),
    ]
    assert result.points[17].side is Side.LOW
    assert result.points[18].side is Side.HIGH


# --- rule 4: two of three beyond the two-thirds line -------------------------------------


def test_two_of_three_on_the_same_side_flags_the_two_points():
    # ALT3: mean 11, upper two-thirds line 16.32, UCL 18.98. 17, 12, 17: points 12 and 14
    # are in the zone (16.32 < 17 <= 18.98), point 13 (12) is above the mean but inside
    # the line, so the whole window is above the mean: 12 and 14 are flagged, 13 is not.
    result = xmr([*ALT3, 17, 12, 17, 11, 11], baseline_points=12, better="higher")
    (signal,) = result.signals
    assert signal.rule is Rule.TWO_OF_THREE
    assert signal.indices == (12, 14)
    assert signal.side is Side.HIGH
    assert signal.classification is Classification.IMPROVEMENT
    assert rules_by_index(result) == {12: (Rule.TWO_OF_THREE,), 14: (Rule.TWO_OF_THREE,)}


@pytest.mark.parametrize("middle", [11, 10.5, 5])
def test_a_window_not_wholly_on_one_side_of_the_mean_is_not_two_of_three(middle):
    # 17, x, 17 with x on the mean (11), just below it (10.5) or in the lower zone (5):
    # the window of three is not all above the mean, so the two 17s are not a signal.
    result = xmr([*ALT3, 17, middle, 17, 11, 11], baseline_points=12)
    assert result.signals == ()


def test_two_of_three_on_opposite_sides_is_not_a_signal():
    # 17 is beyond the upper line (16.32), 5 beyond the lower line (5.68), 5 > LCL 3.02.
    result = xmr([*ALT3, 17, 11, 5, 11, 11], baseline_points=12)
    assert result.signals == ()


def test_one_of_three_is_not_a_signal():
    result = xmr([*ALT3, 17, 11, 11, 17, 11], baseline_points=12)
    assert result.signals == ()


def test_points_exactly_on_the_two_thirds_line_are_not_beyond_it():
    # 16.32 is exactly on the upper line (11 + 2·(2.66/3)·3 is 16.32 in doubles too):
    # with 12 between them, nothing fires.
    on_line = xmr([*ALT3, 16.32, 12, 16.32, 11, 11], baseline_points=12)
    assert on_line.signals == ()
    # 16.32, 16.33, 16.33: only the two points strictly beyond are flagged.
    mixed = xmr([*ALT3, 16.32, 16.33, 16.33, 11, 11], baseline_points=12)
    (signal,) = mixed.signals
    assert signal.indices == (13, 14)


def test_points_outside_a_limit_do_not_count_towards_two_of_three():
    # 19 is above the UCL 18.98: rule 1's business, not in the zone. With 17 two points
    # later only one point of the window is in the zone, so only rule 1 fires.
    result = xmr([*ALT3, 19, 12, 17, 11, 11], baseline_points=12)
    assert rules_by_index(result) == {12: (Rule.BEYOND_LIMIT,)}


def test_a_point_outside_a_limit_can_complete_the_window_on_its_side():
    # 17, 19, 17: the two 17s are in the zone, 19 is outside (rule 1) but above the mean
    # like them, so the window is all on one side: 12 and 14 are two of three, 13 is
    # outside the limits only.
    result = xmr([*ALT3, 17, 19, 17, 11, 11], baseline_points=12)
    assert rules_by_index(result) == {
        12: (Rule.TWO_OF_THREE,),
        13: (Rule.BEYOND_LIMIT,),
        14: (Rule.TWO_OF_THREE,),
    }


def test_two_of_three_text():
    result = xmr([*ALT3, 17, 12, 17, 11, 11], baseline_points=12, better="lower")
    assert signals_text(result) == [
        "Close to the upper limit: two of three points beyond two-thirds of the way to it, "
        "Jan 2023 and Mar 2023 (concern)"
    ]


# --- precedence ------------------------------------------------------------------------


def test_precedence_limit_then_trend_then_shift():
    # ALT2 (mean 11, LCL 5.68, lower two-thirds line 7.4533…), then 5, 7, 8, 9, 10, 10.5,
    # 10.8 at points 12-18:
    #   * point 12 (5) is below the LCL;
    #   * points 12-18 rise strictly: a 7-point rising trend (high);
    #   * only point 13 (7) is in the lower zone (5 is outside the limit, not in it), so
    #     no window of three holds two zone points: no two of three;
    #   * points 11-18 (10, then the seven above) are all below 11: an 8-point shift (low).
    # Higher is better, so low = concern and high = improvement.
    values = [*ALT2, 5, 7, 8, 9, 10, 10.5, 10.8]
    result = xmr(values, baseline_points=12, better="higher")
    points = result.points
    assert points[11].rules == (Rule.SHIFT,)
    assert points[11].classification is Classification.CONCERN
    assert points[12].rules == (Rule.BEYOND_LIMIT, Rule.TREND, Rule.SHIFT)
    assert points[12].side is Side.LOW
    assert points[12].classification is Classification.CONCERN
    for i in range(13, 19):
        assert points[i].rules == (Rule.TREND, Rule.SHIFT)
        assert points[i].side is Side.HIGH
        assert points[i].classification is Classification.IMPROVEMENT
    # The signals themselves keep their own sides.
    by_rule = {s.rule: s.classification for s in result.signals}
    assert by_rule == {
        Rule.BEYOND_LIMIT: Classification.CONCERN,
        Rule.TREND: Classification.IMPROVEMENT,
        Rule.SHIFT: Classification.CONCERN,
    }
    assert result.variation_icon is VariationIcon.IMPROVEMENT_HIGH


def test_precedence_trend_then_two_of_three_then_shift():
    # ALT2 (mean 11, lower zone 5.68 to 7.4533…), then 6, 7, 7.2, 7.4, 8, 9, 10 at points
    # 12-18:
    #   * points 12-18 rise strictly (10 → 6 at point 12 is a fall): a rising trend (high);
    #   * 6, 7, 7.2 and 7.4 (points 12-15) are in the lower zone and every window over
    #     them is below the mean: two of three (low);
    #   * points 11-18 (10, 6 … 10) are all below 11: an 8-point shift (low).
    values = [*ALT2, 6, 7, 7.2, 7.4, 8, 9, 10]
    result = xmr(values, baseline_points=12, better="higher")
    points = result.points
    assert points[11].rules == (Rule.SHIFT,)
    assert points[11].classification is Classification.CONCERN
    for i in range(12, 16):
        assert points[i].rules == (Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT)
        assert points[i].classification is Classification.IMPROVEMENT
    for i in range(16, 19):
        assert points[i].rules == (Rule.TREND, Rule.SHIFT)
    (two,) = signals_of(result, Rule.TWO_OF_THREE)
    assert (two.indices, two.side, two.classification) == ((12, 13, 14, 15), Side.LOW, Classification.CONCERN)


# --- phases ------------------------------------------------------------------------------


def test_phases_recalculate_limits_without_crossing_the_boundary():
    # Phase 1 = ALT2 (x̄ 11, MR̄ 2). Phase 2 from point 12 = 22, 20, … (12 points): x̄ 21,
    # MR̄ 2 within the phase. The jump 10 → 22 across the boundary is not a moving range
    # (it would make MR̄ = (12 + 11·2)/12 ≈ 2.83). Phase 2 limits 21 ± 5.32.
    values = ALT2 + [22, 20] * 6
    result = analyse(series(values), phase_starts=[month(12)], better="higher")
    first, second = result.phases
    assert (first.start, first.end, first.centre, first.mr_bar) == (0, 11, 11, 2)
    assert (second.start, second.end, second.centre, second.mr_bar) == (12, 23, 21, 2)
    assert second.ucl == pytest.approx(26.32)
    assert second.lcl == pytest.approx(15.68)
    assert result.points[11].centre == 11
    assert result.points[12].centre == 21
    assert result.points[12].phase == 1
    assert result.signals == ()
    # Against phase 1's mean (11) all 12 points of phase 2 are above: a sustained change.
    change = result.change_since_previous_phase
    assert change is not None
    assert change.indices == tuple(range(12, 24))
    assert change.classification is Classification.IMPROVEMENT
    assert headline(result, title="Score") == "Score: 12 → 20, sustained improvement"


def test_runs_do_not_cross_a_phase_boundary():
    # Phase 1 (points 0-11), baseline its first 8 points 10, 12, … → x̄ 11; points 7-11
    # (12, 12, 12, 12, 12) are 5 above. Phase 2 baseline 22, 22, 22, 20, 20, 20, 21, 21 →
    # x̄ = 168/8 = 21; its first 3 points are above. 5 + 3 = 8 would be a shift if runs
    # crossed the boundary.
    values = [10, 12] * 4 + [12] * 4 + [22, 22, 22, 20, 20, 20, 21, 21]
    result = analyse(series(values), phase_starts=[month(12)], baseline_points=8)
    assert result.phases[1].centre == 21
    assert signals_of(result, Rule.SHIFT) == []


def test_phase_starts_outside_the_series_or_between_points():
    values = ALT2 + [22, 20] * 6
    ignored = analyse(series(values), phase_starts=[date(2021, 6, 1), month(0), date(2030, 1, 1)])
    assert len(ignored.phases) == 1
    # A start mid-month begins at the next point; duplicates collapse.
    between = analyse(series(values), phase_starts=[date(2022, 12, 15), month(12)])
    assert [(p.start, p.end) for p in between.phases] == [(0, 11), (12, 23)]


# --- icons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "better", "icon"),
    [
        (11, "higher", VariationIcon.COMMON_CAUSE),
        (17, "higher", VariationIcon.IMPROVEMENT_HIGH),
        (5, "lower", VariationIcon.IMPROVEMENT_LOW),
        (17, "lower", VariationIcon.CONCERN_HIGH),
        (5, "higher", VariationIcon.CONCERN_LOW),
        (17, None, VariationIcon.NEUTRAL_HIGH),
        (5, None, VariationIcon.NEUTRAL_LOW),
    ],
)
def test_variation_icon_from_the_latest_point(last, better, icon):
    # ALT2 limits 5.68-16.32: 17 is above the UCL, 5 below the LCL, 11 on the mean.
    result = xmr([*ALT2, last], baseline_points=12, better=better)
    assert result.variation_icon is icon


@pytest.mark.parametrize(
    ("target", "better", "icon"),
    [
        (5, "higher", AssuranceIcon.CONSISTENTLY_PASS),  # target below LCL 5.68
        (17, "higher", AssuranceIcon.CONSISTENTLY_FAIL),  # target above UCL 16.32
        (11, "higher", AssuranceIcon.HIT_AND_MISS),
        (17, "lower", AssuranceIcon.CONSISTENTLY_PASS),
        (5, "lower", AssuranceIcon.CONSISTENTLY_FAIL),
        (16.32, "higher", AssuranceIcon.HIT_AND_MISS),  # exactly on the UCL
        (5.68, "higher", AssuranceIcon.HIT_AND_MISS),  # exactly on the LCL
        (5.67, "higher", AssuranceIcon.CONSISTENTLY_PASS),
    ],
)
def test_assurance_icon(target, better, icon):
    assert analyse(series(ALT2), better=better, target=target).assurance_icon is icon


def test_no_assurance_icon_without_target_direction_limits_or_on_run_charts():
    assert analyse(series(ALT2), better="higher").assurance_icon is None
    assert analyse(series(ALT2), target=5).assurance_icon is None
    assert analyse(series(ALT2[:11]), better="higher", target=5).assurance_icon is None
    assert xmr([10], better="higher", target=5).assurance_icon is None


def test_assurance_uses_the_latest_phase():
    # Phase 2 limits 15.68-26.32 (see the phase test): a target of 12 is below them, so
    # with higher better every point passes; against phase 1 (5.68-16.32) it would be hit
    # and miss.
    values = ALT2 + [22, 20] * 6
    result = analyse(series(values), phase_starts=[month(12)], better="higher", target=12)
    assert result.assurance_icon is AssuranceIcon.CONSISTENTLY_PASS


# --- run chart -------------------------------------------------------------------------


def test_run_chart_median():
    assert analyse(series([3, 1, 2])).phases[0].centre == 2
    assert analyse(series([1, 2, 3, 4])).phases[0].centre == 2.5
    phase = analyse(series([1, 2, 3, 4])).phases[0]
    assert (phase.ucl, phase.lcl, phase.mr_bar, phase.trial) == (None, None, None, False)


def test_run_chart_shift_skips_points_on_the_median():
    # Baseline 3, 3, 3 → median 3. Then 4, 4, 3, 4, 4, 3, 4, 4: six points above the
    # median (3, 4, 6, 7, 9, 10); the 3s at 5 and 8 neither count nor break the run.
    values = [3, 3, 3, 4, 4, 3, 4, 4, 3, 4, 4]
    result = analyse(series(values), baseline_points=3, better="higher")
    assert result.kind is ChartKind.RUN
    (shift,) = result.signals
    assert shift.rule is Rule.SHIFT
    assert shift.indices == (3, 4, 6, 7, 9, 10)
    assert shift.classification is Classification.IMPROVEMENT
    assert result.points[5].rules == ()
    assert result.variation_icon is VariationIcon.IMPROVEMENT_HIGH
    assert signals_text(result) == ["Shift: 6 points above the median from Apr 2022 to Nov 2022 (improvement)"]


def test_run_chart_five_points_off_the_median_are_not_a_shift():
    result = analyse(series([3, 3, 3, 4, 4, 3, 4, 4, 3, 4]), baseline_points=3)
    assert result.signals == ()


def test_run_chart_point_on_the_other_side_breaks_the_shift():
    result = analyse(series([3, 3, 3, 4, 4, 3, 4, 4, 2, 4, 4]), baseline_points=3)
    assert signals_of(result, Rule.SHIFT) == []


def test_run_chart_trend_is_five_points():
    # 5, 1, 2, 3, 4, 5, 1: sorted 1, 1, 2, 3, 4, 5, 5 → median 3. 1 → 5 over points 1-5
    # is 5 points (4 increases): a trend.
    result = analyse(series([5, 1, 2, 3, 4, 5, 1]), better="lower")
    (trend,) = result.signals
    assert (trend.rule, trend.indices, trend.side) == (Rule.TREND, (1, 2, 3, 4, 5), Side.HIGH)
    assert trend.classification is Classification.CONCERN


def test_run_chart_four_rising_points_or_a_tie_are_not_a_trend():
    assert analyse(series([5, 1, 2, 3, 4, 1, 5])).signals == ()
    assert analyse(series([5, 1, 2, 3, 3, 4, 5, 1])).signals == ()


# --- text -------------------------------------------------------------------------------

FIRST_YEAR = [803, 790, 810, 805, 798, 812, 795, 800, 808, 802, 799, 806]
SECOND_YEAR = [300, 290, 285, 280, 275, 272, 268, 265, 262, 268, 271, 270]
WAITING_LIST = FIRST_YEAR + SECOND_YEAR


def test_headline_for_a_falling_waiting_list():
    # Sum of the first 12 = 9,628, of the last 12 = 3,306; mean of all 24 = 12,934/24 ≈ 539.
    # The last 12 points are all below it: a 12-point shift that is still running at the
    # latest point, and lower is better, so the improvement is sustained.
    result = analyse(series(WAITING_LIST), better="lower")
    assert headline(result, title="Waiting list") == "Waiting list: 803 → 270, sustained improvement"


def test_headline_after_recalculating_limits():
    # Phase 2 from Jan 2023 is judged against its own mean (3,306/12 = 275.5), which hides
    # the fall; against phase 1's mean (9,628/12 ≈ 802.3) all 12 points are below it.
    result = analyse(series(WAITING_LIST), better="lower", phase_starts=[month(12)])
    assert headline(result, title="Waiting list") == "Waiting list: 803 → 270, sustained improvement"
    assert signals_text(result)[-1] == (
        "Since the limits were recalculated (Jan 2023): 12 points below the previous mean "
        "from Jan 2023 to Dec 2023 (improvement)"
    )


@pytest.mark.parametrize(
    ("last", "better", "status"),
    [
        (11, "higher", "no significant change"),
        (17, "higher", "improvement signal"),
        (17, "lower", "concern"),
        (17, None, "special-cause variation"),
        (11, None, "no significant change"),
    ],
)
def test_headline_status(last, better, status):
    result = xmr([*ALT2, last], baseline_points=12, better=better)
    assert headline(result, title="Score") == f"Score: 12 → {last}, {status}"


def test_headline_formats_numbers_and_units():
    result = xmr([1250, 2400], better="higher")
    assert headline(result, title="  Referrals\n", unit="") == "Referrals: 1,250 → 2,400, no significant change"
    percent = xmr([45.5, 61.25], better="higher")
    assert headline(percent, title="Seen in 4 hours", unit="%").startswith("Seen in 4 hours: 45.5% → 61.25%")


def test_beyond_limit_text():
    result = xmr([*ALT2, 17], baseline_points=12, better="higher")
    assert signals_text(result, unit="days") == [
        "Outside the limits: 17 days in Jan 2023 is above the upper process limit (improvement)"
    ]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1234567, "", "1,234,567"),
        (803.0, "", "803"),
        (1234.5, "", "1,234.5"),
        (12.346, "", "12.35"),
        (0.0123, "", "0.0123"),
        (12.5, "%", "12.5%"),
        (3.2, "£", "£3.20"),
        (-3, "£", "-£3"),
        (7, "days", "7 days"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_format_date_is_locale_free():
    assert format_date(date(2023, 1, 9)) == "Jan 2023"
    assert format_date(date(2023, 1, 9), with_day=True) == "9 Jan 2023"


def test_weekly_data_uses_days_in_text():
    # Weekly from Mon 2 Jan 2023: point 12 is 2 Jan + 84 days = 27 Mar 2023.
    weekly = [(date(2023, 1, 2) + timedelta(weeks=i), v) for i, v in enumerate([*ALT2, 17])]
    result = analyse(weekly, baseline_points=12, better="higher")
    assert signals_text(result) == [
        "Outside the limits: 17 on 27 Mar 2023 is above the upper process limit (improvement)"
    ]


# --- the reference's arithmetic ------------------------------------------------------


def test_mean_is_computed_as_r_computes_it():
    # R sums doubles in an 80-bit long double and adds a correction pass; summing in
    # doubles rounds after every addition. For 5, 9.2, 5.5, 5.1, 9.4 the double sum is
    # 34.2 + one unit, so sum/5 = 6.840000000000001, while R's mean() (checked with R
    # 4.2: sprintf("%.17g", mean(...)) = "6.8399999999999999") is the double nearest 6.84.
    from projects.spc import _r_mean

    values = [5.0, 9.2, 5.5, 5.1, 9.4]
    assert sum(values) / 5 == 6.840000000000001
    assert _r_mean(values) == 6.84
    assert _r_mean([12.0, 10.0] * 6) == 11.0


@pytest.mark.parametrize(
    ("better", "icon"),
    [("higher", AssuranceIcon.CONSISTENTLY_FAIL), ("lower", AssuranceIcon.CONSISTENTLY_PASS)],
)
def test_target_on_the_hand_computed_limit_follows_the_doubles(better, icon):
    # By hand: x̄ = 255.9/12 = 21.325; moving ranges 4.2, 10.7, 5.5, 15.8, 14.7, 5.4, 31,
    # 3, 5.1, 27.6, 33.2 sum to 156.2, MR̄ = 14.2; UCL = 21.325 + 2.66 × 14.2 = 21.325 +
    # 37.772 = 59.097 exactly. In doubles, as ptd_spc computes it, the UCL is
    # 59.096999999999994 (one unit in the last place lower), so the reference finds a
    # target of 59.097 above the UCL: consistently failing when higher is better,
    # consistently passing when lower is. Exact arithmetic would say hit and miss.
    values = [14.2, 18.4, 7.7, 13.2, 29.0, 14.3, 8.9, 39.9, 36.9, 31.8, 4.2, 37.4]
    result = xmr(values, better=better, target=Decimal("59.097"), screen_outliers=False)
    assert result.phases[0].ucl == 59.096999999999994
    assert result.assurance_icon is icon


# --- outlier screening ---------------------------------------------------------------

SPIKE = [10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12]


def test_screening_leaves_out_moving_ranges_of_3_267_mean_moving_ranges():
    # x̄ = (6·10 + 5·12 + 30)/12 = 150/12 = 12.5. Moving ranges: nine of 2 and the two
    # around the spike, 20 and 20: MR̄ = 58/11 = 5.2727…; 3.267 × 5.2727… = 17.23, so
    # both 20s are screened out and MR̄ = 18/9 = 2. UCL = 12.5 + 5.32 = 17.82, LCL =
    # 12.5 - 5.32 = 7.18: the spike is outside the limits, and a target of 20 (higher
    # is better) is above them: consistently failing.
    screened = xmr(SPIKE, screen_outliers=True, better="higher", target=20)
    (phase,) = screened.phases
    assert (phase.centre, phase.mr_bar, phase.screened_ranges) == (12.5, 2, 2)
    assert phase.ucl == pytest.approx(17.82)
    assert rules_by_index(screened) == {5: (Rule.BEYOND_LIMIT,)}
    assert screened.assurance_icon is AssuranceIcon.CONSISTENTLY_FAIL
    # Unscreened (the MDC Excel tools): UCL = 12.5 + 2.66 × 58/11 = 26.5254…, still
    # below the spike (a lone spike adds only 0.48 of its height to the UCL), but now
    # the target of 20 is inside the limits: hit and miss.
    plain = xmr(SPIKE, screen_outliers=False, better="higher", target=20)
    assert plain.phases[0].mr_bar == pytest.approx(58 / 11)
    assert plain.phases[0].ucl == pytest.approx(26.525454, abs=1e-6)
    assert plain.phases[0].screened_ranges == 0
    assert rules_by_index(plain) == {5: (Rule.BEYOND_LIMIT,)}
    assert plain.assurance_icon is AssuranceIcon.HIT_AND_MISS


def test_screening_is_the_default():
    assert xmr(SPIKE).phases[0].mr_bar == 2


def test_screening_a_series_whose_moving_ranges_are_all_zero_changes_nothing():
    # 12 x 5: MR̄ = 0; no range is an outlier of ranges that never vary, so the limits
    # stay on the mean (documented: the reference would have no limits here).
    result = xmr([5] * 12, screen_outliers=True, better="higher", target=6)
    (phase,) = result.phases
    assert (phase.mr_bar, phase.ucl, phase.lcl, phase.screened_ranges) == (0, 5, 5, 0)
    assert result.variation_icon is VariationIcon.COMMON_CAUSE
    assert result.assurance_icon is AssuranceIcon.CONSISTENTLY_FAIL


def test_screening_uses_each_phases_own_ranges():
    # Phase 1 = SPIKE (screened MR̄ 2), phase 2 from point 12 = ALT2 (MR̄ 2, nothing
    # screened); the jump 12 → 12 across the boundary is no range of either.
    result = analyse(series(SPIKE + ALT2), phase_starts=[month(12)])
    assert [(p.mr_bar, p.screened_ranges) for p in result.phases] == [(2, 2), (2, 0)]


# --- short series, fixed baselines and bad input ----------------------------------------


def test_a_fixed_baseline_longer_than_the_phase_uses_the_whole_phase():
    # 8 points, baseline_points=20: the baseline is the 8 points (x̄ 11, MR̄ 2), as if no
    # baseline were fixed; 8 < 12 so the limits are trial limits.
    fixed = xmr(ALT2[:8], baseline_points=20)
    free = xmr(ALT2[:8])
    assert fixed.phases[0].baseline_size == 8
    assert fixed.phases == free.phases
    assert fixed.phases[0].trial is True


def test_eleven_points_are_a_run_chart():
    # 5, 6, 5, 6, 5, 6, 8, 9, 10, 11, 12: sorted 5 5 5 6 6 6 8 9 10 11 12 → median 6.
    # Sides: -, on, -, on, -, on, +, +, +, +, + → at most 5 above: no shift. 5 (point 4)
    # → 12 (point 10) rise strictly: a 7-point trend (5 points needed on a run chart).
    result = analyse(series([5, 6, 5, 6, 5, 6, 8, 9, 10, 11, 12]), better="higher")
    assert result.kind is ChartKind.RUN
    assert result.phases[0].centre == 6
    (trend,) = result.signals
    assert (trend.rule, trend.indices, trend.side) == (Rule.TREND, tuple(range(4, 11)), Side.HIGH)
    assert result.variation_icon is VariationIcon.IMPROVEMENT_HIGH
    assert result.assurance_icon is None


def test_eleven_points_forced_onto_an_xmr_chart():
    # Same 11 values: x̄ = 83/11 = 7.5454…; moving ranges 1,1,1,1,1,2,1,1,1,1 → MR̄ 1.1
    # (none reaches 3.267 × 1.1 = 3.59); UCL = 7.5454 + 2.926 = 10.4714…, so 11 and 12
    # (points 9, 10) are outside it; points 4-10 are a rising trend, which the limit
    # outranks on 9 and 10 (both high anyway).
    result = xmr([5, 6, 5, 6, 5, 6, 8, 9, 10, 11, 12], better="higher")
    (phase,) = result.phases
    assert phase.trial is True
    assert phase.mr_bar == pytest.approx(1.1)
    assert phase.ucl == pytest.approx(83 / 11 + 2.926)
    assert result.points[9].rules == (Rule.BEYOND_LIMIT, Rule.TREND)
    assert result.points[8].rules == (Rule.TREND,)


def test_two_phases_on_the_same_date_or_on_one_point_make_one_phase():
    between = analyse(series(ALT2 + [22, 20] * 6), phase_starts=[month(12), month(12), date(2022, 12, 2)])
    assert [(p.start, p.end) for p in between.phases] == [(0, 11), (12, 23)]


def test_a_target_without_a_direction_gives_no_assurance_icon():
    result = analyse(series(ALT2), target=100)
    assert result.assurance_icon is None
    assert result.target == 100
