"""Browser journeys for improvement stories: write, submit, changes requested, resubmit, published;
a CSV upload with errors then a clean one; a leader ordering priorities; axe on every new page type."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from projects import services
from projects.models import PriorityPage, ProjectPage
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories.accounts import PASSWORD, TOTP_SECRET
from tests.factories.projects import FALLING, make_measure, make_priority, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in_with_code(page, email: str) -> None:
    log_in(page, email, PASSWORD)
    if time.time() % mfa_settings.TOTP_PERIOD > mfa_settings.TOTP_PERIOD - 3:
        time.sleep(3)  # never type a code that expires on the way
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // mfa_settings.TOTP_PERIOD))
    page.locator("input[name=code]").fill(code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def switch_user(page, email: str, *, with_code: bool = False) -> None:
    page.context.clear_cookies()
    if with_code:
        log_in_with_code(page, email)
    else:
        log_in(page, email, PASSWORD)


def save(page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


def test_member_writes_submits_gets_changes_requested_resubmits_and_sees_it_published(page, member, curator):
    log_in(page, member.email, PASSWORD)
    page.goto("/improvement/write/")
    assert_accessible(page)
    page.get_by_label("Title").fill("A daily huddle for discharge")
    page.get_by_label("Plain-English summary (optional)").fill("A ten-minute daily huddle got people home sooner.")
    page.get_by_label("Testing").check()
    save(page)
    assert "Draft saved" in page.content() or "Your draft is saved" in page.content()
    assert_accessible(page)
    page.get_by_label("The problem (optional)").fill("People ready to leave waited days for transport and care.")
    page.get_by_label("Aim (optional)").fill("Everyone ready to leave goes home the same day by June.")
    save(page)
    page.get_by_label("What we changed (optional)").fill("A ten-minute huddle at 9am with the discharge team.")
    save(page)
    page.get_by_label("Results (optional)").fill("Same-day discharges rose from 40% to 65%.")
    save(page)
    assert page.get_by_role("heading", name="Team", level=1).is_visible()
    assert_accessible(page)
    page.get_by_label("Name (optional)").fill("Joan Murray")
    page.get_by_label("Lived-experience partner (a patient or carer)").check()
    page.get_by_role("button", name="Add to the team").click()
    assert "Joan Murray" in page.content()
    page.get_by_role("link", name="Check and submit").click()
    assert_accessible(page)
    page.get_by_role("link", name="Preview your draft").first.click()
    assert "A ten-minute daily huddle got people home sooner." in page.content()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "In review" in page.content()
    assert_accessible(page)
    project = ProjectPage.objects.get(title="A daily huddle for discharge")

    switch_user(page, curator.email, with_code=True)
    page.goto("/improvement/review/")
    assert_accessible(page)
    page.get_by_role("link", name="A daily huddle for discharge").click()
    assert_accessible(page)
    page.get_by_label("Request changes").check()
    page.get_by_label("Comment (optional)").fill("Please say how you measured same-day discharge.")
    page.get_by_role("button", name="Send decision").click()
    page.wait_for_load_state()
    assert "Nothing is waiting for review" in page.content()

    switch_user(page, member.email)
    page.goto("/improvement/mine/")
    assert "Changes requested" in page.content()
    assert "Please say how you measured same-day discharge." in page.content()
    page.get_by_role("link", name="A daily huddle for discharge").click()
    page.get_by_role("link", name="What you did").click()
    page.get_by_label("How we studied it (optional)").fill("Daily count of discharges before 5pm, from the bed system.")
    save(page)
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Resubmit for review").click()
    page.wait_for_load_state()
    assert "In review" in page.content()

    services.approve_story(reviewer=curator, project=project)
    page.goto("/improvement/mine/")
    assert "Published" in page.content()
    page.get_by_role("link", name="published version").click()
    assert page.get_by_role("heading", level=1).inner_text() == "A daily huddle for discharge"
    assert "Daily count of discharges before 5pm" in page.content()
    assert_accessible(page)
    assert not page.js_errors


def test_csv_upload_with_errors_then_a_clean_one(page, member):
    project = make_project(member, title="Waiting list")
    measure = make_measure(project, [], name="People waiting")
    log_in(page, member.email, PASSWORD)
    page.goto(f"/improvement/{project.pk}/measures/{measure.pk}/")
    assert_accessible(page)
    bad = b"date,value\n2024-01-01,803\n2024-13-01,790\n2024-03-01,lots\n2024-01-01,700\n"
    page.get_by_label("CSV file").set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": bad})
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    text = page.content()
    assert "Nothing was saved" in text
    assert "Line 3:" in text and "Line 4:" in text and "Line 5:" in text
    assert_accessible(page)
    rows = "\n".join(f"{2022 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}-01,{v}" for i, v in enumerate(FALLING))
    page.get_by_label("CSV file").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": f"date,value\n{rows}\n".encode()}
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    assert "Imported 24 values" in page.content()
    assert "803 → 270, sustained improvement" in page.content()
    assert page.locator("svg.spc-chart").count() == 1
    assert_accessible(page)


def test_leader_orders_priorities(page, leader):
    for title in ("Discharge", "Ambulance handover", "Frailty"):
        make_priority(title)
    log_in_with_code(page, leader.email)
    page.goto("/priorities/")
    assert_accessible(page)
    page.get_by_role("link", name="Change the order of the priorities").click()
    assert_accessible(page)
    page.locator("li", has_text="Frailty").get_by_role("button", name="Move up").click()
    page.wait_for_load_state()
    page.locator("li", has_text="Frailty").get_by_role("button", name="Move up").click()
    page.wait_for_load_state()
    assert list(PriorityPage.objects.order_by("path").values_list("title", flat=True)) == [
        "Frailty",
        "Discharge",
        "Ambulance handover",
    ]
    page.goto("/priorities/")
    headings = page.locator(".boost-priority-list h2").all_inner_texts()
    assert headings == ["Frailty", "Discharge", "Ambulance handover"]


def test_every_new_page_type_passes_axe_and_the_write_up_works_without_javascript(page, nojs_page, member, leader):
    priority = make_priority("Care at home", why_it_matters="People wait at home.")
    project = make_project(member, title="Care package waits", priorities=[priority], stage="sustained")
    measure = make_measure(project, FALLING, name="People waiting", unit="people", target=300)
    services.add_annotation(user=member, measure=measure, when=measure.points.all()[12].date, label="Scheduling live")
    make_measure(project, [12, 14, 11, 13, 15], name="Short series", measure_type="process")
    services.feature_bright_spot(user=leader, project=project, note="Two thirds fewer waiting")
    adopted = services.adopt_project(user=leader, source=project)
    adopted.get_latest_revision().publish()

    for url in ("/", "/projects/", "/projects/?stage=sustained&sort=title", "/priorities/", priority.url, project.url):
        page.goto(url)
        assert_accessible(page)
    page.goto(f"/improvement/{project.pk}/handover/")
    assert "Scheduling live" in page.content()
    assert_accessible(page)
    nojs_page.goto(project.url)
    assert nojs_page.locator("svg.spc-chart").count() == 2
    nojs_page.get_by_text("Data table for People waiting").click()
    assert nojs_page.get_by_role("cell", name="Sep 2024", exact=True).is_visible()
    assert "Spread" in nojs_page.content() and adopted.title in nojs_page.content()
