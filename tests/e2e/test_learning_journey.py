"""Learning journeys in a browser: a member applies, is accepted, completes a module (knowledge check
answered wrong then right) and downloads a certificate; a programme lead signs off a phase gate; a
team builds a value exercise and a proposal. axe on every learning page type on the way."""

from __future__ import annotations

import pytest

from learning import cohort_services
from learning.models import Application, Certificate, ResourceShift
from tests.e2e.conftest import assert_accessible, log_in, sign_in_with_session
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.learning import list_modules, make_cohort, make_module, make_programme
from tests.factories.projects import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def setting(leader):
    programme = make_programme("Stewardship groups", leads=[leader])
    module = make_module(programme, "Plan, Do, Study, Act", checks=1)
    list_modules(programme, [module])
    cohort = make_cohort(programme, leader, "Spring cohort")
    return programme, module, cohort


def test_member_applies_is_accepted_completes_module_and_gets_certificate(
    page, browser, live_server, member, leader, setting
):
    programme, module, cohort = setting
    log_in(page, member.email, PASSWORD)
    page.goto(programme.url)
    assert_accessible(page)
    page.get_by_role("link", name="Spring cohort").click()
    page.get_by_label("Why do you want to join? (optional)").fill("I lead a frailty team.")
    page.get_by_role("button", name="Apply to Spring cohort").click()
    assert "You have applied to Spring cohort" in page.content()
    assert_accessible(page)

    lead_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in_with_session(lead_page, leader, live_server.url)
    lead_page.goto(f"/learning/cohorts/{cohort.pk}/applications/")
    assert_accessible(lead_page)
    lead_page.get_by_role("button", name=f"Accept {member.display_name}").click()
    assert Application.objects.get(user=member).state == Application.State.ACCEPTED
    lead_page.context.close()

    page.goto(module.url)
    assert_accessible(page)
    page.get_by_label("Wrong").check()
    page.get_by_role("button", name="Check my answer").click()
    assert "Not quite: try again" in page.content()
    page.get_by_label("Right").check()
    page.get_by_role("button", name="Check my answer").click()
    assert "Correct" in page.content()
    page.get_by_label("What will you test first?").fill("A shorter checklist on Tuesday's ward round.")
    page.get_by_role("button", name="Save my reflection").click()
    assert_accessible(page)
    page.get_by_role("button", name="Mark this module as complete").click()
    page.get_by_role("button", name="Get your certificate").click()
    assert "Your certificate is ready." in page.content()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate").click()
    assert download.value.suggested_filename == "boost-certificate.pdf"
    certificate = Certificate.objects.get(user=member)
    page.goto(f"/learning/certificates/{certificate.code}/")
    assert member.display_name in page.content()
    assert_accessible(page)


def test_lead_signs_off_a_gate_and_team_builds_value_work(page, live_server, member, leader, setting):
    _programme, _module, cohort = setting
    team = cohort_services.create_team(actor=leader, cohort=cohort, name="Stroke group")
    application = cohort_services.apply(user=member, cohort=cohort)
    cohort_services.decide(actor=leader, application=application, state=Application.State.ACCEPTED)
    cohort_services.add_team_member(actor=leader, team=team, user=member)
    make_project(UserFactory(), title="Stroke pathway map", communities=[team.community])

    sign_in_with_session(page, leader, live_server.url)
    page.goto(f"/learning/cohorts/{cohort.pk}/dashboard/")
    assert_accessible(page)
    page.goto(f"/learning/teams/{team.pk}/")
    page.get_by_role("button", name="Sign off and move to the next phase").click()
    assert "Add evidence before signing off" in page.content()
    assert_accessible(page)
    page.get_by_label("Stroke pathway map").check()
    page.get_by_role("button", name="Sign off and move to the next phase").click()
    assert "Stroke group moves to Walk." in page.content()
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, member.email, PASSWORD)
    page.goto(f"/learning/value/community/{team.community_id}/")
    page.get_by_label("Title").fill("Stroke STAR")
    page.get_by_label("Pathway").fill("Stroke")
    page.get_by_role("button", name="Start the exercise").click()
    for name, spend, people, benefit in [
        ("Long acute stays", "3600000", "320", "0.04"),
        ("Community rehab", "1300000", "520", "0.15"),
    ]:
        page.get_by_label("Name").fill(name)
        page.get_by_label("Annual spend (£)").fill(spend)
        page.get_by_label("People reached per year").fill(people)
        page.get_by_label("Benefit per person", exact=True).fill(benefit)
        page.get_by_label("Benefit per person: low estimate").fill(benefit)
        page.get_by_label("Benefit per person: high estimate").fill(benefit)
        page.get_by_label("Source").fill("Audit")
        page.get_by_role("button", name="Add the intervention").click()
    assert page.locator("svg.boost-value-chart circle").count() == 2
    assert_accessible(page)
    page.get_by_label("From intervention").select_option(label="Long acute stays")
    page.get_by_label("To intervention").select_option(label="Community rehab")
    page.get_by_label("Amount to move (£ a year)").fill("600000")
    page.get_by_label("Expected change in benefit").fill("33.8")
    page.get_by_role("button", name="Record the proposal").click()
    assert "Move £600,000 a year from Long acute stays to Community rehab" in page.content()
    assert ResourceShift.objects.get().status == ResourceShift.Status.PROPOSED
    assert_accessible(page)
