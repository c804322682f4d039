"""Wagtail's user bar shows where the person may edit the page (boost_tags.editor_userbar)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

pytestmark = pytest.mark.django_db
BAR = "wagtail-userbar"


def test_someone_who_may_edit_the_page_gets_the_bar(client, facilitator, home_page):
    group = Group.objects.create(name="Home editors")
    GroupPagePermission.objects.create(
        group=group, page=home_page, permission=Permission.objects.get(codename="change_page")
    )
    facilitator.groups.add(group)
    client.force_login(facilitator)
    assert BAR in client.get("/").content.decode()


def test_admin_access_alone_shows_no_bar_on_a_page_they_cannot_edit(client, facilitator):
    client.force_login(facilitator)
    text = client.get("/").content.decode()
    assert BAR not in text
    assert 'href="/admin/"' in text  # the header still takes them to the admin


def test_superusers_and_members(client, admin_user, member):
    client.force_login(admin_user)
    assert BAR in client.get("/").content.decode()
    client.force_login(member)
    assert BAR not in client.get("/").content.decode()
