"""Capability journeys in a browser: a learner rates their improvement skills before and after a
programme and sees only their own change, while the lead's summary stays suppressed for a handful of
people; an applicant asks their line manager to confirm protected time, and the manager answers once
through the emailed link, without an account. axe on every page on the way."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from learning import cohort_services
from learning.models import ManagerConfirmation, SelfAssessment, SkillsFramework
from tests.e2e.conftest import assert_accessible, log_in, sign_in_with_session
from tests.factories.accounts import PASSWORD
from tests.factories.learning import make_cohort, make_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _rate_every_skill(page, domains, level: int) -> None:
    for domain in domains:
        page.locator(f'input[name="{domain["key"]}"][value="{level}"]').check()
    page.get_by_role("button", name="Save my self-assessment").click()


def test_learner_rates_before_and_after_and_lead_sees_only_suppressed_aggregates(
    page, browser, live_server, member, leader
):
    framework = SkillsFramework.objects.get(name="Improvement skills framework", live=True)
    programme = make_programme("Stewardship groups", leads=[leader])
    programme.skills_framework = framework
    programme.save()
    domains = framework.domain_list()

    log_in(page, member.email, PASSWORD)
    page.goto(programme.url)
    page.get_by_role("link", name="Rate your improvement skills").click()
    assert page.get_by_role("heading", name="Rate yourself before the programme").is_visible()
    assert_accessible(page)

    # Sending nothing is refused with a summary that links to each unanswered skill; nothing is saved.
    page.get_by_role("button", name="Save my self-assessment").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert f"Choose a level from 1 to 5 for {domains[0]['name']}." in page.content()
    assert not SelfAssessment.objects.exists()
    assert_accessible(page)

    _rate_every_skill(page, domains, 2)
    assert "Your self-assessment is saved. Only you can see your answers." in page.content()
    assert page.get_by_role("heading", name="Rate yourself after the programme").is_visible()
    _rate_every_skill(page, domains, 4)
    levels = page.locator("#your-levels").locator("xpath=..")
    assert levels.get_by_text("up 2").count() == len(domains)
    assert_accessible(page)

    # The lead sees how many answered and nothing else: one learner is below the threshold.
    lead_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in_with_session(lead_page, leader, live_server.url)
    lead_page.goto(f"/learning/programmes/{programme.pk}/self-assessment/")
    lead_page.get_by_role("link", name="See the summary for everyone on this programme").click()
    summary = lead_page.content()
    assert summary.count("Not shown: too few people") == len(domains)
    assert "up 2" not in summary
    assert_accessible(lead_page)
    lead_page.context.close()


def test_applicant_asks_line_manager_who_confirms_once_through_the_link(page, browser, live_server, member, leader):
    programme = make_programme("Stewardship groups", leads=[leader])
    cohort = make_cohort(programme, leader, "Spring cohort")
    cohort_services.apply(user=member, cohort=cohort)

    log_in(page, member.email, PASSWORD)
    page.goto(f"/learning/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Ask your line manager to confirm your protected time").click()
    assert_accessible(page)
    page.get_by_label("Your line manager's email address").fill("not an email")
    page.get_by_label("Protected days a month").fill("1.5")
    page.get_by_role("button", name="Email my line manager").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert not ManagerConfirmation.objects.exists()
    assert_accessible(page)
    page.get_by_label("Your line manager's email address").fill("ward.manager@nhs.net")
    page.get_by_role("button", name="Email my line manager").click()
    assert "We have emailed your line manager a link" in page.content()

    to_manager = next(m for m in mail.outbox if m.to == ["ward.manager@nhs.net"])
    # The email's link names the configured site; the same path on the test server.
    link = re.search(r"https?://[^/\s]+(/learning/line-manager/\S+/)", to_manager.body).group(1)

    # The manager has no Boost account: a fresh browser with no session.
    manager = browser.new_context(base_url=live_server.url).new_page()
    manager.goto(link)
    assert manager.get_by_role("heading", name=f"Confirm protected time for {member.display_name}").is_visible()
    assert_accessible(manager)
    manager.get_by_role("button", name="Send my answer").click()
    assert manager.get_by_role("heading", name="There is a problem").is_visible()
    assert ManagerConfirmation.objects.get().decision == ManagerConfirmation.Decision.WAITING
    manager.get_by_label("Yes, I confirm the protected time").check()
    manager.get_by_role("button", name="Send my answer").click()
    assert manager.get_by_role("heading", name="Thank you: your answer is recorded").is_visible()
    assert_accessible(manager)

    # Single use: opening the link again changes nothing and says why, with 409.
    response = manager.goto(link)
    assert response.status == 409
    assert manager.get_by_role("heading", name="This link cannot be used").is_visible()
    assert_accessible(manager)
    manager.context.close()

    page.goto(f"/learning/cohorts/{cohort.pk}/")
    assert "Protected time (1.5 days a month): confirmed" in page.content()
