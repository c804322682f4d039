"""Signals keep the index in step with content, only after commit, and never index what must not show."""

from __future__ import annotations

import pytest
from django.db import transaction

from search.models import SearchEntry, SearchFacet
from search.permissions import Viewer
from search.query import SearchQuery
from tests.factories.search import join, make_community

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs the block's on-commit callbacks as if it had committed (the
    test transaction never does). Callbacks from a rolled-back savepoint are discarded, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _entry(key: str) -> SearchEntry | None:
    return SearchEntry.objects.filter(key=key).first()


def test_published_community_is_indexed_with_member_count(member, other_member, commit):
    with commit():
        community = make_community("Stroke rehabilitation", purpose="Getting people moving after a stroke.")
    entry = _entry(f"community:{community.pk}")
    assert entry is not None
    assert entry.is_private is False and entry.community_id == community.pk
    assert "0 members" in entry.key_facts
    with commit():
        join(member, community)
    with commit():
        join(other_member, community)
    assert "2 members" in _entry(f"community:{community.pk}").key_facts
    assert SearchFacet.objects.filter(entry__key=f"community:{community.pk}", name="type", value="community").exists()


def test_private_community_is_found_only_by_its_members(member, other_member, commit):
    with commit():
        community = make_community("Night shift leads", purpose="Rota puzzles.", is_private=True)
    with commit():
        join(member, community)
    assert SearchQuery(text="rota puzzles", viewer=Viewer.for_user(member)).run().total == 1
    assert SearchQuery(text="rota puzzles", viewer=Viewer.for_user(other_member)).run().total == 0
    assert SearchQuery(text="rota puzzles").run().total == 0


def test_leaving_a_private_community_removes_it_from_results(member, commit):
    with commit():
        community = make_community("Quiet room", purpose="Talking about zanzibar.", is_private=True)
    with commit():
        membership = join(member, community)
    assert SearchQuery(text="zanzibar", viewer=Viewer.for_user(member)).run().total == 1
    membership.state = "left"
    with commit():
        membership.save()
    assert SearchQuery(text="zanzibar", viewer=Viewer.for_user(member)).run().total == 0


def test_discoverable_private_community_shows_title_and_purpose_only(commit):
    with commit():
        community = make_community(
            "Discoverable circle", purpose="Findable purpose.", is_private=True, discoverable=True
        )
    entry = _entry(f"community:{community.pk}")
    assert entry.is_private is False
    assert entry.body == ""


def test_unpublished_page_leaves_the_index(commit):
    with commit():
        community = make_community("Ephemeral group")
    assert _entry(f"community:{community.pk}") is not None
    with commit():
        community.unpublish()
    assert _entry(f"community:{community.pk}") is None


def test_deleted_page_leaves_the_index(commit):
    with commit():
        community = make_community("Short-lived group")
    with commit():
        community.delete()
    assert _entry(f"community:{community.pk}") is None


def test_draft_changes_are_not_indexed(commit):
    with commit():
        community = make_community("Published title")
    community.title = "Secret draft title"
    with commit():
        community.save_revision()
    assert _entry(f"community:{community.pk}").title == "Published title"


def test_nothing_is_indexed_for_a_rolled_back_transaction(commit):
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        make_community("Never happened")
        raise RuntimeError("roll back")
    assert not SearchEntry.objects.filter(title="Never happened").exists()


def test_indexing_waits_for_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_community("Waiting group")
    assert callbacks
    assert not SearchEntry.objects.filter(title="Waiting group").exists()
    for callback in callbacks:
        callback()
    assert SearchEntry.objects.filter(title="Waiting group").exists()


def test_people_are_indexed_only_when_they_opt_in_and_only_what_they_show(member, commit):
    profile = member.profile
    profile.bio = "I run the dysphagia clinic."
    profile.organisation = "Hilltop Trust"
    with commit():
        profile.save()
    assert _entry(f"person:{profile.pk}") is None
    profile.searchable = True
    profile.show_organisation = False
    with commit():
        profile.save()
    entry = _entry(f"person:{profile.pk}")
    assert entry is not None and entry.members_only is True
    assert "Hilltop" not in f"{entry.title} {entry.summary} {entry.body}"
    assert "dysphagia" in entry.body
    assert SearchQuery(text="dysphagia").run().total == 0  # members-only profile, anonymous viewer
    assert SearchQuery(text="dysphagia", viewer=Viewer(authenticated=True)).run().total == 1
    profile.visibility = "private"
    with commit():
        profile.save()
    assert _entry(f"person:{profile.pk}") is None


def test_an_engine_failure_does_not_break_the_save(monkeypatch, commit):
    import search.indexing as indexing
    from search.query import SearchUnavailable

    class Broken:
        def index(self, documents):
            raise SearchUnavailable("down")

        delete = index

    monkeypatch.setattr(indexing, "get_backend", lambda: Broken())
    with commit():
        community = make_community("Saved anyway")
    assert community.pk is not None


def test_a_findable_persons_expertise_is_in_their_people_result(member, other_member, commit):
    from people.services import set_expertise
    from projects.models import Method

    method = Method.objects.create(name="Zero-day tracking list", slug="zero-day-tracking-list")
    profile = member.profile
    profile.searchable = True
    with commit():
        profile.save()
    with commit():
        set_expertise(
            user=member,
            methods=[method],
            care_areas=[],
            region="",
            open_to_visits=True,
            open_to_calls=False,
            offers=["Happy to talk anyone through a one-stop assessment day"],
        )
    entry = _entry(f"person:{profile.pk}")
    assert "Zero-day tracking list" in entry.body and "one-stop assessment day" in entry.body
    assert "Open to visits" in entry.key_facts
    signed_in = Viewer(authenticated=True)
    assert SearchQuery(text="zero-day", viewer=signed_in).run().total == 1
    # Someone who did not opt in is not a people result, whatever their expertise.
    with commit():
        set_expertise(
            user=other_member, methods=[method], care_areas=[], region="", open_to_visits=True,
            open_to_calls=False, offers=[],
        )  # fmt: skip
    assert _entry(f"person:{other_member.profile.pk}") is None
    assert SearchQuery(text="zero-day", viewer=signed_in).run().total == 1
