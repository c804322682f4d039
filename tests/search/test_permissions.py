"""Private community content never leaks: not in hits, counts, facets, suggestions or "did you mean"."""

from __future__ import annotations

import pytest

from search.permissions import Viewer
from search.query import SearchQuery, SuggestQuery
from tests.search.corpus import CORPUS, PRIVATE_COMMUNITY_ID

ANONYMOUS = Viewer.anonymous()
SIGNED_IN = Viewer(authenticated=True)
MEMBER = Viewer(authenticated=True, community_ids=frozenset({PRIVATE_COMMUNITY_ID}))
CURATOR = Viewer(authenticated=True, sees_all=True)


def _urls(results) -> set[str]:
    return {hit.url for hit in results.hits}


@pytest.mark.parametrize("viewer", [ANONYMOUS, SIGNED_IN])
def test_outsiders_never_see_private_content(corpus, viewer):
    results = SearchQuery(text="zebrafish", viewer=viewer).run()
    assert results.total == 0
    assert results.hits == []
    assert results.facets == {}
    assert SuggestQuery(text="safeguard", viewer=viewer).run() == []
    assert SuggestQuery(text="serious case", viewer=viewer).run() == []


def test_members_see_their_private_community(corpus):
    results = SearchQuery(text="zebrafish", viewer=MEMBER).run()
    assert _urls(results) == {"/communities/safeguarding-leads/", "/communities/safeguarding-leads/discussions/402/"}
    assert results.total == 2
    assert [s.title for s in SuggestQuery(text="safeguard", viewer=MEMBER).run()] == ["Safeguarding leads circle"]


def test_members_do_not_see_other_private_communities(corpus):
    urls = _urls(SearchQuery(text="discharge", viewer=MEMBER, per_page=50).run())
    assert "/communities/other/events/202/" not in urls
    assert "/communities/safeguarding-leads/discussions/402/" in urls


def test_curators_see_everything(corpus):
    urls = _urls(SearchQuery(text="discharge", viewer=CURATOR, per_page=50).run())
    assert {"/communities/other/events/202/", "/communities/safeguarding-leads/discussions/402/"} <= urls


def test_counts_and_facets_match_what_the_viewer_may_see(corpus):
    for viewer in (ANONYMOUS, SIGNED_IN, MEMBER, CURATOR):
        results = SearchQuery(text="discharge", viewer=viewer, per_page=100).run()
        visible = [
            d
            for d in CORPUS
            if viewer.may_see(is_private=d.is_private, community_id=d.community_id, members_only=d.members_only)
        ]
        assert results.total == len(results.hits)
        assert all(hit.url in {d.url for d in visible} for hit in results.hits)
        communities = {v.value for v in results.facets.get("community", [])}
        if viewer in (ANONYMOUS, SIGNED_IN):
            assert "Safeguarding leads circle" not in communities
            assert "Hidden network" not in communities
        if viewer is MEMBER:
            assert "Hidden network" not in communities


def test_private_community_as_a_facet_filter_reveals_nothing(corpus):
    results = SearchQuery(
        text="discharge", viewer=ANONYMOUS, filters={"community": ["Safeguarding leads circle"]}
    ).run()
    assert results.total == 0
    assert results.hits == []


def test_did_you_mean_never_suggests_private_words(corpus):
    # "quokka" appears only in a private thread; "quokla" is one letter away.
    assert SearchQuery(text="quokla", viewer=ANONYMOUS).run().did_you_mean is None
    assert SearchQuery(text="quokla", viewer=SIGNED_IN).run().did_you_mean is None
    assert SearchQuery(text="quokla", viewer=MEMBER).run().did_you_mean == "quokka"


def test_members_only_documents_need_a_signed_in_viewer(corpus):
    assert "/people/501/" not in _urls(SearchQuery(text="geriatrician", viewer=ANONYMOUS).run())
    assert "/people/501/" in _urls(SearchQuery(text="geriatrician", viewer=SIGNED_IN).run())


def test_viewer_for_user(member, curator, db):
    from tests.factories.search import join, make_community

    private = make_community("Quiet group", is_private=True)
    make_community("Open group")
    join(member, private)
    assert Viewer.for_user(member).community_ids == frozenset({private.pk})
    assert Viewer.for_user(curator).sees_all
    from django.contrib.auth.models import AnonymousUser

    assert Viewer.for_user(AnonymousUser()) == ANONYMOUS
