"""Browser checks for SPC charts: an author rebasing at an annotated change (a plain form, so the
same with or without JavaScript), axe on every page that shows charts (the measure page, the draft
preview, a write-up with four charts of different kinds), and text sizes on a desktop and a 320px
phone."""

from __future__ import annotations

from datetime import date

import pytest

from projects import services
from tests.e2e.conftest import assert_accessible, log_in, open_page
from tests.factories.accounts import PASSWORD
from tests.factories.projects import FALLING, make_measure, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# 12 months near 1,200 then 8 near 100 (monthly from Oct 2022): a change on 1 Oct 2023 (point 12)
# followed by a sustained shift.
STEP = [1200, 1210] * 6 + [120, 110, 100, 105, 98, 102, 99, 101]


def test_author_recalculates_limits_from_an_annotated_change(page, member):
    project = make_project(member)
    measure = make_measure(project, STEP, name="Waiting over 62 days", unit="patients")
    services.add_annotation(user=member, measure=measure, when=date(2023, 10, 1), label="Zero-day PTL starts")
    log_in(page, member.email, PASSWORD)
    page.goto(f"/improvement/{project.pk}/measures/{measure.pk}/")
    chart = page.locator("svg.spc-chart").first
    assert chart.locator("line.centre-line").count() == 1
    assert chart.locator("g.annotation").count() == 1
    offer = page.locator(".boost-rebase-offer")
    assert "last 8 values" in offer.inner_text()
    assert_accessible(page)
    offer.get_by_role("button", name="Recalculate limits from this change").click()
    page.wait_for_load_state()
    assert "The limits are now recalculated from 1 October 2023." in page.content()
    chart = page.locator("svg.spc-chart").first
    assert chart.locator('line.centre-line[data-phase="1"]').count() == 1
    assert chart.locator("line.phase-boundary").count() == 1
    assert page.locator(".boost-rebase-offer").count() == 0
    assert "From 1 Oct 2023: Zero-day PTL starts" in page.content()
    assert_accessible(page)
    # Both phases' limits now fit their own data: the 1,200s before the change, the 100s after.
    assert measure.phases.get().start_date == date(2023, 10, 1)
    rows = page.locator(".boost-measure table tbody tr")  # the data table, in its closed <details>
    assert "1,205.0 patients" in rows.first.text_content()
    assert "104.4 patients" in rows.last.text_content()
    # The draft preview shows the rebased chart too, and passes axe.
    page.goto(f"/improvement/{project.pk}/preview/")
    assert page.locator("svg.spc-chart line.phase-boundary").count() == 1
    assert_accessible(page)
    assert not page.js_errors


def test_write_up_with_four_charts_is_accessible_and_legible(browser, live_server, member):
    project = make_project(member)
    stepped = make_measure(project, STEP, name="Waiting over 62 days", unit="patients")
    services.add_annotation(user=member, measure=stepped, when=date(2023, 10, 1), label="Zero-day PTL starts")
    services.add_phase(user=member, measure=stepped, start=date(2023, 10, 1), label="New process")
    make_measure(project, FALLING, name="People waiting", better="lower", target=300)
    make_measure(project, [45.5, 52.25, 48.0, 61.75, 58.5], name="Seen within 4 hours", unit="%", better="higher")
    make_measure(project, [3.2, 3.4, 3.1, 3.6, 3.3, 3.5, 3.2, 3.4, 3.3, 3.6, 3.1, 3.5, 3.4], name="Cost", unit="£")

    desktop = open_page(browser, live_server.url)
    desktop.set_viewport_size({"width": 1024, "height": 900})
    desktop.goto(project.url)
    charts = desktop.locator("svg.spc-chart")
    assert charts.count() == 4
    assert_accessible(desktop)
    # At the default width one chart unit is (at least nearly) one CSS pixel: text 16px, ticks 14px.
    scale = charts.first.evaluate("svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width")
    assert scale >= 0.99
    assert 16 * scale >= 15.8 and 14 * scale >= 12
    assert not desktop.locator(".boost-chart__small-screen").first.is_visible()
    desktop.context.close()

    phone = open_page(browser, live_server.url)
    phone.set_viewport_size({"width": 320, "height": 640})
    phone.goto(project.url)
    chart = phone.locator("svg.spc-chart").first
    scale = chart.evaluate("svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width")
    assert 14 * scale >= 12  # tick labels stay at least 12px: the chart scrolls instead of shrinking
    note = phone.locator(".boost-chart__small-screen").first
    assert note.is_visible()
    # The page itself does not scroll sideways; only the chart's own region does.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    note.get_by_role("link").click()
    phone.wait_for_load_state()
    assert phone.url.endswith("/chart.svg")
    assert_accessible_chart = phone.locator("svg.spc-chart").count() == 1
    assert assert_accessible_chart
    phone.context.close()
