"""boost.structure: the site's structure is read once per content generation, and a change reaches
the very next request (restriction, unpublish, move, privacy), uncommitted changes stay out of it,
and each request gets its own copies."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, RequestFactory
from wagtail.models import PageViewRestriction

from boost import page_cache, structure
from boost.permissions import community_of, page_view_restrictions
from tests.factories.communities import make_community
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_is_served_from_the_kept_structure_and_every_change_reaches_the_next_request(
    committed, member, other_member, django_assert_max_num_queries
):
    with committed():
        project = make_project(member, title="Kept and fresh")
    url = project.url
    assert Client().get(url).status_code == 200
    with django_assert_max_num_queries(6):  # no site, route, restriction or ancestor look-up
        assert Client().get(url).status_code == 200

    # A group restriction: the group's member sees it, a signed-in outsider and a visitor get 404.
    group = Group.objects.create(name="Zebrafish team")
    member.groups.add(group)
    with committed():
        restriction = PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(group)
    assert Client().get(url).status_code == 404
    assert signed_in(other_member).get(url).status_code == 404
    assert signed_in(member).get(url).status_code == 200
    with committed():
        restriction.delete()
    assert Client().get(url).status_code == 200

    # Moved under a private community: its route changes and outsiders get 404.
    with committed():
        community = make_community("Quiet room", is_private=True)
        project.move(community, pos="last-child")
    project.refresh_from_db()
    assert Client().get(url).status_code == 301  # Wagtail's redirect from the old place
    assert Client().get(project.url).status_code == 404
    assert community_of(project).pk == community.pk

    with committed():
        project.move(community.get_parent(), pos="last-child")
        project.refresh_from_db()
        project.unpublish()
    assert Client().get(project.url).status_code == 404


def test_an_uncommitted_change_is_neither_read_from_nor_kept(committed, member):
    with committed():
        project = make_project(member)
    assert page_view_restrictions(project) == []
    with transaction.atomic():
        PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.LOGIN)
        assert page_cache.uncommitted_content_change()
        # Its own change is what this transaction sees…
        assert [r.restriction_type for r in page_view_restrictions(project)] == ["login"]
        transaction.set_rollback(True)
    # …and, rolled back, never what anyone sees.
    assert not page_cache.uncommitted_content_change()
    assert page_view_restrictions(project) == []


def test_answers_are_kept_per_generation_and_never_without_one(committed, member, monkeypatch):
    with committed():
        project = make_project(member)
    reads = []

    def read():
        reads.append(1)
        return object()

    first = structure.remembered(("test", project.pk), read)
    assert structure.remembered(("test", project.pk), read) is first
    assert len(reads) == 1
    page_cache.bump_generation()
    assert structure.remembered(("test", project.pk), read) is not first
    assert len(reads) == 2
    monkeypatch.setattr(page_cache, "current_generation", lambda: 0)  # Redis unreachable
    monkeypatch.setattr(page_cache, "shared_generation", lambda: True)
    structure.remembered(("test", project.pk), read)
    structure.remembered(("test", project.pk), read)
    assert len(reads) == 4


def test_each_request_gets_its_own_copy_of_the_site_and_home_page(committed, member):
    with committed():
        make_project(member)
    one, two = (structure.site_for_request(RequestFactory().get("/")) for _ in range(2))
    assert one.pk == two.pk and one is not two
    assert one.root_page.specific.pk == two.root_page.specific.pk
    assert one.root_page.specific is not two.root_page.specific
    one.root_page.specific.title = "Changed by one request"
    assert two.root_page.specific.title != "Changed by one request"
