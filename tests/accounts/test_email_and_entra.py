"""Changing an email address, and the NHSmail (Entra ID) sign-in switched on by settings."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_email_change_needs_verification_of_the_new_address(client, member):
    client.force_login(member)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new.address@example.nhs.uk"})
    assert response.status_code == 302
    new = EmailAddress.objects.get(email="new.address@example.nhs.uk")
    assert not new.verified
    assert any("new.address@example.nhs.uk" in message.to for message in mail.outbox)
    member.refresh_from_db()
    # The old address stays the sign-in address until the new one is verified.
    assert member.email != "new.address@example.nhs.uk"


def test_email_change_to_an_address_in_use_never_takes_it_over(client, member, other_member):
    # Enumeration prevention means the page does not reveal that the address is taken; the
    # address can never be verified by anyone but its owner, so it never becomes member's.
    client.force_login(member)
    client.post(reverse("account_email"), {"action_add": "", "email": other_member.email})
    assert not EmailAddress.objects.filter(user=member, email=other_member.email, verified=True).exists()
    member.refresh_from_db()
    assert member.email != other_member.email
    owner = EmailAddress.objects.get(user=other_member, email=other_member.email)
    assert owner.verified and owner.primary


def test_entra_sign_in_is_offered_only_when_configured(client, settings):
    assert "NHSmail" not in client.get(reverse("account_login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "APPS": [{"client_id": "abc", "secret": "shh", "settings": {"tenant": "organizations"}}],
            "SCOPE": ["openid", "email", "profile", "User.Read"],
        }
    }
    html = client.get(reverse("account_login")).content.decode()
    assert "Sign in with NHSmail (Microsoft)" in html
    assert "/accounts/microsoft/login/" in html
