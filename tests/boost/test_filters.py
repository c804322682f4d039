"""One filter pattern on every list: checkbox groups in a panel with an Apply button, no JavaScript
needed; ticks within a group widen the list, groups narrow it."""

from __future__ import annotations

import re

import pytest

from communities.models import Access
from search.backends.database import DatabaseBackend
from tests.factories.communities import make_community
from tests.factories.projects import make_priority, make_project
from tests.search.corpus import CORPUS

pytestmark = pytest.mark.django_db


def _panel(html: str) -> str:
    found = re.search(r'<details class="nhsuk-details boost-filters".*?</details>', html, re.S)
    assert found, "no filter panel"
    return found.group(0)


def _assert_the_pattern(html: str) -> None:
    panel = _panel(html)
    assert 'type="checkbox"' in panel
    assert '<form action="' in panel and 'method="get"' in panel
    assert ">Apply filters</button>" in panel
    assert "<select" not in panel and 'type="radio"' not in panel and "(optional)" not in panel


def _titles(html: str) -> list[str]:
    return re.findall(r'class="nhsuk-card__link" href="[^"]+">([^<]+)</a>', html)


def test_communities_use_the_pattern_and_ticks_widen(client):
    make_community("Open one", access=Access.OPEN)
    make_community("Ask first", access=Access.REQUEST)
    make_community("Invited", access=Access.INVITE)
    html = client.get("/communities/").content.decode()
    _assert_the_pattern(html)
    both = client.get("/communities/?access=open&access=invite").content.decode()
    assert sorted(_titles(both)) == ["Invited", "Open one"]
    assert 'value="open" checked' in _panel(both) and 'value="invite" checked' in _panel(both)
    assert "Clear filters" in _panel(both)
    # An unknown value is ignored, not an error.
    assert sorted(_titles(client.get("/communities/?access=nonsense").content.decode())) == [
        "Ask first",
        "Invited",
        "Open one",
    ]


def test_projects_use_the_pattern_and_ticks_widen(client, member):
    discharge, frailty = make_priority("Discharge"), make_priority("Frailty")
    first = make_project(member, title="Alpha", priorities=[discharge], stage="sustained")
    make_project(member, title="Beta", priorities=[frailty], stage="idea")
    make_project(member, title="Gamma", stage="idea")
    index_url = first.get_parent().url
    html = client.get(index_url).content.decode()
    _assert_the_pattern(html)
    both = client.get(index_url, {"priority": [discharge.pk, frailty.pk]}).content.decode()
    assert sorted(_titles(both)) == ["Alpha", "Beta"]
    narrowed = client.get(index_url, {"priority": [discharge.pk, frailty.pk], "stage": "idea"}).content.decode()
    assert _titles(narrowed) == ["Beta"]
    assert "Sort by:" in html


def test_search_uses_the_pattern(client):
    DatabaseBackend().index(CORPUS)
    _assert_the_pattern(client.get("/search/", {"q": "discharge"}).content.decode())
