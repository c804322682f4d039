"""Account pages in the NHS service manual's words (issue 12, item 7).

allauth's defaults are title case ("Sign In", "Remember Me") and put "Forgot your password?" between
the password label and its box; Boost overrides the templates (templates/account/, templates/mfa/)
and relabels allauth's forms (accounts/forms.py). One verb throughout: "Sign in" and "Sign out".
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories.accounts import user_with_role

pytestmark = pytest.mark.django_db

TITLE_CASE = ["Sign In", "Sign Up", "Sign Out", "Remember Me", "Log in", "Log out", "Two-Factor", "Password Reset"]


def _no_title_case(html: str) -> None:
    for phrase in TITLE_CASE:
        assert phrase not in html, phrase
    main = html[html.index("<main") : html.index("</main>")]
    assert "placeholder=" not in main


def test_sign_in_page_follows_the_service_manual(client):
    html = client.get(reverse("account_login")).content.decode()
    _no_title_case(html)
    assert "<title>Sign in" in html and '<h1 class="nhsuk-heading-l">Sign in</h1>' in html
    assert ">Email address</label>" in html and ">Password</label>" in html
    assert ">Keep me signed in</label>" in html and 'type="checkbox"' in html
    # "Forgot your password?" is a link after the password box, not a hint between label and box.
    password_box = html.index('id="id_password"')
    forgot = html.index(">Forgot your password?</a>")
    assert password_box < forgot < html.index(">Keep me signed in</label>")
    label_to_box = html[html.index('for="id_password"') : password_box]
    assert "Forgot" not in label_to_box and "nhsuk-hint" not in label_to_box
    assert re.search(r'<button class="nhsuk-button"[^>]*type="submit">Sign in</button>', html)
    assert ">create an account</a>" in html
    # The header uses the same verb.
    assert re.search(r'class="nhsuk-header__account-link" href="/accounts/login/">Sign in</a>', html)


def test_wrong_password_shows_an_error_summary_in_plain_words(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong-password-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html and "There is a problem" in html


def test_create_an_account_page(client):
    html = client.get(reverse("account_signup")).content.decode()
    _no_title_case(html)
    assert '<h1 class="nhsuk-heading-l">Create an account</h1>' in html
    assert ">Email address</label>" in html and ">Create a password</label>" in html
    assert ">Re-enter your password</label>" in html
    assert "At least 10 characters" in html
    assert ">sign in</a>" in html


def test_password_reset_pages(client, member):
    html = client.get(reverse("account_reset_password")).content.decode()
    _no_title_case(html)
    assert '<h1 class="nhsuk-heading-l">Reset your password</h1>' in html and ">Email address</label>" in html
    response = client.post(reverse("account_reset_password"), {"email": member.email}, follow=True)
    assert '<h1 class="nhsuk-heading-l">Check your email</h1>' in response.content.decode()


def test_second_factor_page_and_sign_out(client):
    admin = user_with_role(roles.ADMIN, with_mfa=True, password="a-long-passphrase-42")
    response = client.post(reverse("account_login"), {"login": admin.email, "password": "a-long-passphrase-42"})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    html = client.get(reverse("mfa_authenticate")).content.decode()
    _no_title_case(html)
    assert '<h1 class="nhsuk-heading-l">Enter your security code</h1>' in html
    assert ">Security code</label>" in html and "Cancel and sign out" in html


def test_account_security_pages_for_a_signed_in_member(client, member):
    client.force_login(member)
    for name in ("mfa_index", "mfa_activate_totp", "account_change_password", "account_logout", "account_email"):
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200, name
        _no_title_case(response.content.decode())
    html = client.get(reverse("mfa_index")).content.decode()
    assert '<h1 class="nhsuk-heading-l">Two-factor authentication</h1>' in html
    html = client.get(reverse("mfa_activate_totp"), follow=True).content.decode()
    assert "Set up an authenticator app" in html or "Confirm it is you" in html
    html = client.get(reverse("account_logout")).content.decode()
    assert re.search(r'<button class="nhsuk-button"[^>]*type="submit">Sign out</button>', html)
    # The header's button says the same.
    assert 'class="nhsuk-header__account-button" type="submit">Sign out</button>' in html
