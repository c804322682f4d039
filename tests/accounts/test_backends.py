"""accounts.backends: the signed-in person is loaded with their profile and MFA role in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import AuthenticationBackend
from accounts.models import User
from accounts.services import requires_mfa
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_user_profile_and_mfa_role_come_in_one_query(member, curator):
    backend = AuthenticationBackend()
    with CaptureQueriesContext(connection) as captured:
        loaded = backend.get_user(member.pk)
        assert loaded.display_name == member.display_name
        assert requires_mfa(loaded) is False
        assert requires_mfa(backend.get_user(curator.pk)) is True
    assert len(captured) == 2  # one per person


def test_all_permissions_in_one_query(facilitator, member):
    backend = AuthenticationBackend()
    user = User.objects.get(pk=facilitator.pk)
    with CaptureQueriesContext(connection) as captured:
        assert user.has_perm("wagtailadmin.access_admin")
        assert not user.has_perm("accounts.delete_user")
    assert len(captured) == 1
    assert backend.get_all_permissions(User.objects.get(pk=member.pk)) == set()


def test_permissions_come_with_the_signed_in_person(facilitator, member):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    direct = Permission.objects.get(codename="delete_user", content_type__app_label="accounts")
    member.user_permissions.add(direct)
    backend = AuthenticationBackend()
    for person in (facilitator, member):
        loaded = backend.get_user(person.pk)
        with CaptureQueriesContext(connection) as captured:
            granted = backend.get_all_permissions(loaded)
        assert len(captured) == 0
        # The same set as Django's own backend reads (group and direct permissions).
        assert granted == ModelBackend().get_all_permissions(User.objects.get(pk=person.pk))
    assert "accounts.delete_user" in backend.get_all_permissions(backend.get_user(member.pk))
    assert "wagtailadmin.access_admin" in backend.get_all_permissions(backend.get_user(facilitator.pk))


def test_memberships_come_with_the_person_until_any_membership_changes(member, other_member, committed):
    from boost.permissions import hidden_page_paths
    from communities.models import Membership
    from discussions.permissions import can_use_moderation_queue
    from tests.factories.communities import add_member, make_community

    with committed():
        private = make_community("Quiet room", is_private=True)
        add_member(member, private, role=Membership.Role.FACILITATOR)
    backend = AuthenticationBackend()
    loaded = backend.get_user(member.pk)
    outsider = backend.get_user(other_member.pk)
    with CaptureQueriesContext(connection) as captured:
        assert loaded.loaded_memberships() == {private.pk: "facilitator"}
        assert can_use_moderation_queue(loaded) and not can_use_moderation_queue(outsider)
        assert private.path not in hidden_page_paths(loaded)
        assert private.path in hidden_page_paths(outsider)
    # No membership query: at most the site's view restrictions and communities' rows, once per
    # content generation (boost.structure).
    assert len(captured) <= 2
    # The same answers as a person loaded any other way (who is asked the database).
    assert hidden_page_paths(User.objects.get(pk=member.pk)) == hidden_page_paths(loaded)
    assert hidden_page_paths(User.objects.get(pk=other_member.pk)) == hidden_page_paths(outsider)
    # A change (in any process: it moves the content generation on): the loaded memberships are no
    # longer trusted.
    add_member(other_member, private)
    assert loaded.loaded_memberships() is None and outsider.loaded_memberships() is None
    assert private.path not in hidden_page_paths(outsider)


def test_a_wrong_password_is_checked_once(member, monkeypatch):
    calls = []
    original = User.check_password

    def counting(self, raw):
        calls.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    assert authenticate(email=member.email, password="not-the-password") is None
    assert len(calls) == 1
    assert authenticate(email=member.email, password=PASSWORD) == member


@pytest.mark.parametrize(
    "old_path", ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"]
)
def test_sessions_signed_in_through_the_old_backends_still_load(client, member, old_path):
    client.force_login(member)
    session = client.session
    session[BACKEND_SESSION_KEY] = old_path
    session.save()
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == member
