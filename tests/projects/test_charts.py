"""The SVG renderer: valid XML, accessible, escaped, deterministic, one marker per point."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from projects.charts import render_assurance_icon, render_svg, render_variation_icon
from projects.spc import (
    ASSURANCE_ICON_LABELS,
    VARIATION_ICON_LABELS,
    AssuranceIcon,
    VariationIcon,
    analyse,
)

SVG = "{http://www.w3.org/2000/svg}"
ALT2 = [12, 10] * 6  # mean 11, MR̄ 2, limits 5.68 to 16.32 (see test_spc.py)


def month(i: int) -> date:
    return date(2022 + i // 12, i % 12 + 1, 1)


def series(values):
    return [(month(i), v) for i, v in enumerate(values)]


def parse(svg: str) -> ET.Element:
    # The input is this module's own output (no DTD, no entities), so the stdlib parser is
    # safe here; parsing it at all is the point: it proves the markup is well-formed XML.
    return ET.fromstring(svg)  # noqa: S314


def classes(element) -> set[str]:
    return set(element.get("class", "").split())


def with_class(root, name: str):
    return [e for e in root.iter() if name in classes(e)]


@pytest.fixture
def mixed():
    # ALT2, then 17 (above the UCL), 5 (below the LCL) and 11 (on the mean), with
    # higher better: one improvement point, one concern point, 13 common-cause points.
    return analyse(series([*ALT2, 17, 5, 11]), baseline_points=12, better="higher", target=9)


def test_renders_valid_svg_with_title_and_description(mixed):
    svg = render_svg(mixed, title="Patients seen within 4 hours", unit="%")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.text == "Patients seen within 4 hours"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert root[0] is title
    assert "XmR (individuals) chart of 15 points from Jan 2022 to Mar 2023" in desc.text
    assert "mean 11%, process limits 5.68% to 16.32%" in desc.text
    assert "Latest value 11% (Mar 2023)" in desc.text
    assert "Target 9%" in desc.text
    assert "Outside the limits: 17% in Jan 2023 is above the upper process limit (improvement)" in desc.text


def test_one_marker_per_point_with_the_right_class(mixed):
    root = parse(render_svg(mixed, title="Chart"))
    markers = with_class(root, "point")
    assert len(markers) == len(mixed.points) == 15
    assert [m.get("data-index") for m in markers] == [str(i) for i in range(15)]
    improvement = with_class(root, "point--improvement")
    concern = with_class(root, "point--concern")
    common = with_class(root, "point--common_cause")
    assert [m.get("data-index") for m in improvement] == ["12"]
    assert [m.get("data-index") for m in concern] == ["13"]
    assert len(common) == 13
    # Shape as well as colour: a diamond path, a square, small circles.
    assert improvement[0].tag == f"{SVG}path"
    assert concern[0].tag == f"{SVG}rect"
    assert {m.tag for m in common} == {f"{SVG}circle"}
    assert improvement[0].get("data-rules") == "beyond_limit"
    assert improvement[0].find(f"{SVG}title").text == ("Jan 2023: 17, improvement (outside the process limits)")


def test_neutral_points_are_triangles():
    result = analyse(series([*ALT2, 17]), baseline_points=12)
    root = parse(render_svg(result, title="Chart"))
    (neutral,) = with_class(root, "point--neutral")
    assert neutral.tag == f"{SVG}path"
    assert neutral.get("d").count("L") == 2


def test_malicious_text_is_escaped():
    title = '</title><script>alert("x")</script><title>&amp;\x00\x1b'
    result = analyse(series(ALT2), better="higher")
    svg = render_svg(
        result,
        title=title,
        unit='"><script>',
        annotations=[(month(3), "<b onload=alert(1)>Go-live</b> & more")],
    )
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == '</title><script>alert("x")</script><title>&amp;'
    texts = "".join(root.itertext())
    assert "<b onload=alert(1)>Go-live</b> & more" in texts


def test_annotations_target_and_limits_are_drawn(mixed):
    root = parse(render_svg(mixed, title="Chart", annotations=[(month(12), "New triage"), (month(13), "Audit")]))
    assert len(with_class(root, "annotation")) == 2
    assert len(with_class(root, "target-line")) == 1
    assert len(with_class(root, "centre-line")) == 1
    assert len(with_class(root, "limit-line")) == 2
    assert not with_class(root, "limit-line--trial")
    labels = [e.text for e in with_class(root, "tick-label--x")]
    assert labels[0] == "Jan 2022"
    assert all(len(label.split()) == 2 for label in labels)


def test_phases_get_their_own_lines_and_a_boundary():
    values = ALT2 + [22, 20] * 6
    result = analyse(series(values), phase_starts=[month(12)])
    root = parse(render_svg(result, title="Chart"))
    assert [e.get("data-phase") for e in with_class(root, "centre-line")] == ["0", "1"]
    assert len(with_class(root, "limit-line")) == 4
    assert len(with_class(root, "phase-boundary")) == 1
    desc = root.find(f"{SVG}desc").text
    assert "From Jan 2023: mean 21, process limits 15.68 to 26.32" in desc


def test_trial_limits_are_marked():
    result = analyse(series(ALT2[:10]), kind="xmr")
    root = parse(render_svg(result, title="Chart"))
    assert len(with_class(root, "limit-line--trial")) == 2
    assert "(trial limits: 10 baseline points)" in root.find(f"{SVG}desc").text


def test_run_chart_has_a_median_and_no_limits():
    result = analyse(series([3, 1, 2, 5, 4]))
    root = parse(render_svg(result, title="Chart"))
    assert "spc-chart--run" in classes(root)
    assert not with_class(root, "limit-line")
    assert root.find(f"{SVG}desc").text.startswith("Run chart of 5 points")
    assert [e.text for e in with_class(root, "line-label--centre")] == ["Median 3"]


@pytest.mark.parametrize("values", [[], [5], [5] * 12])
def test_degenerate_series_render(values):
    result = analyse(series(values), kind="xmr")
    root = parse(render_svg(result, title="Chart"))
    assert len(with_class(root, "point")) == len(values)
    assert root.find(f"{SVG}title").text == "Chart"


def test_output_is_deterministic(mixed):
    first = render_svg(mixed, title="Chart", annotations=[(month(12), "New triage")])
    second = render_svg(mixed, title="Chart", annotations=[(month(12), "New triage")])
    assert first == second
    assert 'id="custom-title"' in render_svg(mixed, title="Chart", id_prefix="custom")


def test_too_small_a_chart_is_rejected(mixed):
    with pytest.raises(ValueError, match="at least"):
        render_svg(mixed, title="Chart", width=100)


@pytest.mark.parametrize("icon", list(VariationIcon))
def test_variation_icons(icon):
    root = parse(render_variation_icon(icon))
    assert root.get("role") == "img"
    assert root.get("aria-label") == VARIATION_ICON_LABELS[icon]
    assert root.find(f"{SVG}title").text == VARIATION_ICON_LABELS[icon]
    assert f"spc-icon--{icon}" in classes(root)


@pytest.mark.parametrize("icon", list(AssuranceIcon))
def test_assurance_icons(icon):
    root = parse(render_assurance_icon(icon))
    assert root.get("aria-label") == ASSURANCE_ICON_LABELS[icon]


def test_no_icon_renders_nothing():
    assert render_variation_icon(None) == ""
    assert render_assurance_icon(None) == ""
