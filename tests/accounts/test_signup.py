"""Sign-up, email verification, login and logout through allauth, as a visitor would."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def _signup(client, email="new.person@example.nhs.uk", password="a-long-passphrase-42"):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def test_signup_sends_verification_and_blocks_login_until_verified(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.nhs.uk")
    assert user.groups.filter(name="Member").exists()
    assert user.profile is not None
    assert len(mail.outbox) == 1
    assert "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()
    # Not verified yet: logging in sends the person back to verification.
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "a-long-passphrase-42"})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(user=user).verified


def test_verification_link_verifies_and_logs_in(client):
    _signup(client)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.nhs.uk").verified
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard.status_code == 200


def test_bad_verification_link_shows_a_clear_message(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "expired or is invalid" in response.content.decode()


def test_duplicate_email_signup_does_not_create_a_second_account(client, member):
    response = _signup(client, email=member.email.upper())
    # Enumeration prevention: the page looks like success, but no account is created and the
    # owner is told by email instead.
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert response.status_code in (200, 302)


def test_signup_errors_are_shown_in_an_error_summary_and_nothing_is_saved(client):
    response = client.post(
        reverse("account_signup"), {"email": "not-an-email", "password1": "short", "password2": "different"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "There is a problem" in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.filter(email="not-an-email").exists()


def test_login_and_logout(client, member):
    from tests.factories.accounts import PASSWORD

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_wrong_password_gets_an_error_not_a_500(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "nope"})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()


def test_password_reset_with_an_expired_or_bad_token_is_explained(client, member):
    response = client.get("/accounts/password/reset/key/abc-set-password/", follow=True)
    assert response.status_code == 200
    assert "invalid" in response.content.decode().lower()


def test_password_reset_sends_a_link(client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_failed_logins_are_rate_limited(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip,3/5m/key"}
    for _ in range(3):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})
    assert response.status_code in (200, 429)
    assert "too many" in response.content.decode().lower()


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_admin_logins_go_through_the_throttled_allauth_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
