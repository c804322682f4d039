"""The five roles exist with exactly their permissions, and MFA is required where it must be."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from tests.factories.accounts import user_with_role

pytestmark = pytest.mark.django_db


def test_exactly_the_five_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ALL_ROLES)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_has_exactly_its_permissions(role):
    group = Group.objects.get(name=role)
    actual = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert actual == set(roles.ROLE_PERMISSIONS[role]) | set(roles.APP_MIGRATION_PERMISSIONS.get(role, []))


def test_members_cannot_reach_the_admin(client, member):
    client.force_login(member)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert not member.has_perm("wagtailadmin.access_admin")


def test_curators_review_in_the_default_workflow():
    from wagtail.models import GroupApprovalTask

    task = GroupApprovalTask.objects.get()
    assert list(task.groups.values_list("name", flat=True)) == [roles.CURATOR]


@pytest.mark.parametrize("role", [roles.CURATOR, roles.LEADER, roles.ADMIN])
def test_staff_roles_without_mfa_are_sent_to_set_it_up(client, role):
    user = user_with_role(role)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    # With an authenticator, the admin opens.
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    assert client.get("/admin/").status_code == 200


def test_members_are_not_forced_into_mfa(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert not Authenticator.objects.filter(user=member).exists()


def test_mfa_setup_page_offers_totp_and_passkeys(client, member):
    client.force_login(member)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Authenticator App" in html or "authenticator app" in html.lower()
    assert "passkey" in html.lower() or "security key" in html.lower()


@pytest.mark.django_db(transaction=True)
def test_staff_roles_without_mfa_are_sent_to_set_it_up_under_asgi():
    """The same rule when Django runs its middleware chain async, as it does under uvicorn."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    user = user_with_role(roles.CURATOR)
    client = AsyncClient()
    client.force_login(user)
    response = async_to_sync(client.get)("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")
    anonymous = async_to_sync(AsyncClient().get)("/")
    assert anonymous.status_code == 200
