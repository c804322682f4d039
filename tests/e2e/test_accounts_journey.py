"""A newcomer signs up, verifies by the emailed link, logs in, edits their profile, logs out;
every page type on the way is scanned with axe-core for WCAG 2.2 AA violations."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.e2e.conftest import assert_accessible, log_in
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_up_verify_log_in_edit_profile_log_out(page):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Create an account").first.click()
    assert_accessible(page)
    page.get_by_label("Email").fill("robin.new@example.nhs.uk")
    page.get_by_label("Create a password", exact=True).fill("a-long-passphrase-42")
    page.get_by_label("Re-enter your password").fill("a-long-passphrase-42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    assert "verify" in page.content().lower() or "confirm" in page.content().lower()
    assert_accessible(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    # Verified (and signed in by the link). Log out, then log in with the password.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    log_in(page, "robin.new@example.nhs.uk", "a-long-passphrase-42")
    page.goto("/me/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    assert_accessible(page)

    page.get_by_role("link", name="Edit your profile").first.click()
    assert_accessible(page)
    page.get_by_label("Display name").fill("Robin New")
    page.get_by_label("Organisation (optional)").fill("Northfield Community Trust")
    page.get_by_label("Anyone, including people who are not signed in").check()
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()
    assert "Your profile has been saved" in page.content()
    page.get_by_role("link", name="See your profile as others do").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Robin New"
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Sign Out").count():
        page.get_by_role("button", name="Sign Out").click()
        page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").count() == 1
    assert not page.js_errors


def test_standard_page_is_accessible(page):
    from boost.demo.context import DemoContext
    from boost.demo.pages import load

    load(DemoContext(password="unused"))
    page.goto("/accessibility/")
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility statement"
    assert page.get_by_role("link", name="Privacy notice").count() == 1  # footer link
    assert_accessible(page)


def test_profile_form_errors_are_accessible(page, member):
    log_in(page, member.email, PASSWORD)
    page.goto("/me/profile/")
    page.get_by_label("Display name").fill("")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert "Enter a display name" in summary.inner_text()
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/confirm-email/not-a-key/",
        "/no-such-page/",
    ],
)
def test_public_page_types_are_accessible(page, path):
    page.goto(path)
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"])
def test_account_management_pages_are_accessible(page, member, path):
    log_in(page, member.email, PASSWORD)
    page.goto(path)
    assert_accessible(page)


def test_pages_work_without_javascript(nojs_page, member):
    log_in(nojs_page, member.email, PASSWORD)
    nojs_page.goto("/me/profile/")
    nojs_page.get_by_label("Display name").fill("No Script")
    nojs_page.get_by_role("button", name="Save profile").click()
    nojs_page.wait_for_load_state()
    assert "Your profile has been saved" in nojs_page.content()
