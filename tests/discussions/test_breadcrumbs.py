"""Discussion pages use the one shared breadcrumb include: inside the page width, each crumb once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories.discussions import make_standard_page, make_thread

pytestmark = pytest.mark.django_db


def _crumbs(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumb"
    return re.findall(r'<a class="nhsuk-breadcrumb__link" href="([^"]+)">([^<]+)</a>', nav.group(1))


def test_thread_breadcrumb_names_the_community_and_its_discussions_once(client, thread, member, community):
    client.force_login(member)
    html = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    discussions_url = reverse("discussions:community", args=[community.pk])
    assert _crumbs(html)[-2:] == [(community.url, community.title), (discussions_url, "Discussions")]
    assert _crumbs(html)[0] == ("/", "Home")
    # The shared include: inside the width container, the back link (small screens) printed once.
    assert '<div class="nhsuk-width-container">\n  <nav class="nhsuk-breadcrumb"' in html
    assert html.count("nhsuk-back-link") == 1
    assert "nhsuk-breadcrumb__back" not in html


def test_community_discussion_list_breadcrumb_includes_the_community(client, thread, member, community):
    client.force_login(member)
    html = client.get(reverse("discussions:community", args=[community.pk])).content.decode()
    assert _crumbs(html)[-1] == (community.url, community.title)


def test_question_thread_breadcrumb_ends_at_its_page(client, member):
    page = make_standard_page("Skin cancer pathway")
    thread = make_thread(member, page=page, title="How did you staff it?")
    client.force_login(member)
    html = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    assert _crumbs(html)[-1] == (page.url, "Skin cancer pathway")
