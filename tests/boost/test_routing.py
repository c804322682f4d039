"""HomePage.route reads the pages along a path in one query and answers as Wagtail's walk does."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from boost.models import HomePage, StandardPage
from tests.factories.communities import make_community
from tests.factories.projects import make_priority, make_project

pytestmark = pytest.mark.django_db


def wagtail_walk(home, request, components):
    return Page.route(home, request, components)  # Wagtail's own, step by step


def outcome(route, home, request, components):
    try:
        page, args, kwargs = route(home, request, components)
    except Http404:
        return "404"
    return (page.pk, type(page).__name__, tuple(args), tuple(sorted(kwargs.items())))


@pytest.fixture
def site_pages(member):
    home = HomePage.objects.get()
    community = make_community("Frailty")
    priority = make_priority("Frailty")  # the same slug elsewhere in the tree
    make_project(member, title="Shorter waits", priorities=[priority])
    draft_parent = home.add_child(instance=StandardPage(title="Hidden parent", live=False))
    draft_parent.add_child(instance=StandardPage(title="Live child"))
    draft_parent.add_child(instance=StandardPage(title="Draft child", live=False))
    return home, community, priority


PATHS = [
    [],
    ["communities"],
    ["communities", "frailty"],
    ["priorities", "frailty"],
    ["projects", "shorter-waits"],
    ["projects", "shorter-waits", "no-such-thing"],
    ["communities", "frailty", "members"],
    ["hidden-parent"],
    ["hidden-parent", "live-child"],
    ["hidden-parent", "draft-child"],
    ["no-such-page"],
    ["communities", "no-such-community"],
]


@pytest.mark.parametrize("components", PATHS, ids=lambda c: "/".join(c) or "home")
def test_same_answer_as_wagtails_walk(site_pages, components):
    home = site_pages[0]
    request = RequestFactory().get("/" + "/".join(components))
    expected = outcome(wagtail_walk, home, request, components)
    assert outcome(HomePage.route, home, request, components) == expected


def test_a_deep_page_costs_two_queries(site_pages, django_assert_num_queries):
    home, community, _ = site_pages
    request = RequestFactory().get(community.url)
    with django_assert_num_queries(2):  # the pages on the path, then the community's own row
        page, _, _ = home.route(request, ["communities", "frailty"])
    assert page.pk == community.pk and page.get_parent().pk == community.get_parent().pk
