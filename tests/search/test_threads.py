"""Discussion threads in search: what is indexed (title, opening message, replies; never hidden or deleted
words), re-indexing as messages change, and private communities' threads never reaching outsiders."""

from __future__ import annotations

import pytest
from django.test import override_settings

from discussions import services
from search.models import SearchEntry
from search.permissions import Viewer
from search.query import SearchQuery, SuggestQuery
from tests.factories.communities import add_member, make_community
from tests.factories.discussions import cid, make_thread, post
from tests.factories.projects import make_project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]


@pytest.fixture
def no_rate_limit():
    with override_settings(DISCUSSIONS_RATE_LIMIT=(0, 60)):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs the block's on-commit callbacks as if it had committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _entry(thread) -> SearchEntry | None:
    return SearchEntry.objects.filter(key=f"thread:{thread.pk}").first()


def _find(text: str, viewer: Viewer | None = None) -> list[str]:
    return [hit.title for hit in SearchQuery(text=text, viewer=viewer or Viewer.anonymous()).run().hits]


def test_thread_is_indexed_with_opening_message_replies_facet_and_key_facts(member, other_member, commit):
    community = make_community("Discharge network")
    add_member(member, community)
    add_member(other_member, community)
    with commit():
        thread = make_thread(member, community, title="Board rounds before ten", body="Who leads your **board round**?")
    with commit():
        post(other_member, thread, "Our nurse in charge, with a therapist and the registrar.")
    entry = _entry(thread)
    assert entry.title == "Board rounds before ten"
    assert entry.summary == "Who leads your board round?"  # markdown rendered, tags stripped
    assert "nurse in charge" in entry.body
    assert entry.community_id == community.pk and not entry.is_private
    assert entry.key_facts[0] == "1 reply" and entry.key_facts[1].startswith("Last activity ")
    assert entry.key_facts[2] == "Discharge network"
    hits = SearchQuery(text="registrar therapist").run().hits
    assert [hit.title for hit in hits] == ["Board rounds before ten"]
    assert hits[0].type_label == "Discussion" and hits[0].url == f"/discussions/{thread.pk}/"
    facets = SearchQuery(text="board round").run().facets
    assert {v.value for v in facets["community"]} == {"Discharge network"}
    assert {v.value for v in facets["type"]} == {"thread"}


def test_edits_hides_and_deletes_reindex_and_hidden_words_are_never_indexed(member, other_member, curator, commit):
    community = make_community("Frailty network")
    add_member(member, community)
    add_member(other_member, community)
    with commit():
        thread = make_thread(member, community, title="Falls huddles", body="Ten minutes at handover.")
    with commit():
        reply = post(other_member, thread, "We use a capybara checklist.")
    assert _find("capybara") == ["Falls huddles"]
    with commit():
        services.edit_message(actor=other_member, message_id=reply.pk, body="We use a wombat checklist.")
    assert _find("capybara") == [] and _find("wombat") == ["Falls huddles"]
    with commit():
        services.hide_message(actor=curator, message_id=reply.pk, reason="Off topic")
    assert _find("wombat") == [] and "wombat" not in _entry(thread).body
    assert _entry(thread).key_facts[0] == "0 replies"
    with commit():
        services.unhide_message(actor=curator, message_id=reply.pk)
    assert _find("wombat") == ["Falls huddles"]
    with commit():
        services.delete_message(actor=other_member, message_id=reply.pk)
    assert _find("wombat") == []
    # The opening message deleted: its words go too, the (still listed) title stays findable.
    opening = thread.messages.order_by("id").first()
    with commit():
        services.delete_message(actor=member, message_id=opening.pk)
    assert _entry(thread).summary == "" and _find("handover") == [] and _find("falls huddles") == ["Falls huddles"]


def test_held_messages_stay_out_until_approved(member, other_member, facilitator, commit):
    community = make_community("Cancer network")
    add_member(member, community)
    add_member(other_member, community)
    add_member(facilitator, community, role="facilitator")
    services.set_premoderation(actor=facilitator, community=community, first_messages=1)
    with commit():
        thread = make_thread(member, community, title="Tracking lists")
    with commit():
        held = services.post_message(
            author=other_member, thread_id=thread.pk, body="Our narwhal approach.", client_id=cid()
        ).message
    assert held.state == "held" and _find("narwhal") == []
    with commit():
        services.review_held_message(actor=facilitator, message_id=held.pk, approve=True)
    assert _find("narwhal") == ["Tracking lists"]


@pytest.fixture
def private_thread(commit, member):
    """A thread in a private community, with words nobody else uses."""
    community = make_community("Safeguarding leads", is_private=True, access="invite")
    add_member(member, community)
    with commit():
        thread = make_thread(member, community, title="Quokka case review", body="Serious case review zebrafish.")
    with commit():
        post(member, thread, "Follow-up on the axolotl actions.")
    return thread


OUTSIDERS = ["anonymous", "signed_in", "pending_member", "former_member"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_private_threads_never_reach_outsiders(private_thread, other_member, who):
    from communities.models import Membership

    if who == "anonymous":
        viewer = Viewer.anonymous()
    else:
        state = {"pending_member": "pending", "former_member": "left"}.get(who)
        if state:
            add_member(other_member, private_thread.community, state=state)
        viewer = Viewer.for_user(other_member)
        assert not Membership.objects.filter(user=other_member, state="active").exists()
    for text in ("quokka case review", "zebrafish", "axolotl"):
        results = SearchQuery(text=text, viewer=viewer).run()
        assert results.total == 0 and results.hits == [] and results.facets == {}
    everything = SearchQuery(text="", filters={"type": ["thread"]}, viewer=viewer).run()
    assert everything.total == 0
    assert "Safeguarding leads" not in {v.value for v in everything.facets.get("community", [])}
    assert SearchQuery(text="", filters={"community": ["Safeguarding leads"]}, viewer=viewer).run().total == 0
    assert SuggestQuery(text="quokk", viewer=viewer).run() == []
    assert SearchQuery(text="quokla", viewer=viewer).run().did_you_mean is None
    assert SearchQuery(text="axolotel", viewer=viewer).run().did_you_mean is None


def test_members_curators_and_admins_find_private_threads(private_thread, member, curator, admin_user):
    for user in (member, curator, admin_user):
        viewer = Viewer.for_user(user)
        results = SearchQuery(text="axolotl", viewer=viewer).run()
        assert [hit.title for hit in results.hits] == ["Quokka case review"]
        assert [v.value for v in results.facets["community"]] == ["Safeguarding leads"]
        assert [s.title for s in SuggestQuery(text="quokk", viewer=viewer).run()] == ["Quokka case review"]
        assert SearchQuery(text="axolotel", viewer=viewer).run().did_you_mean == "axolotl"


def test_community_turning_private_or_unpublished_takes_its_threads_with_it(member, other_member, commit):
    community = make_community("Ward sisters")
    add_member(member, community)
    with commit():
        make_thread(member, community, title="Ward sisters rota swaps")
    outsider = Viewer.for_user(other_member)
    assert _find("rota swaps", outsider) == ["Ward sisters rota swaps"]
    community.is_private = True
    with commit():
        community.save_revision().publish()
    assert _find("rota swaps", outsider) == []
    assert _find("rota swaps", Viewer.for_user(member)) == ["Ward sisters rota swaps"]
    with commit():
        community.unpublish()
    assert not SearchEntry.objects.filter(doc_type="thread").exists()


def test_questions_on_a_write_up_are_visible_as_the_write_up_is(member, other_member, commit):
    project = make_project(member, title="Zero-day tracking list")
    with commit():
        thread = make_thread(other_member, page=project, title="Which PTL fields mattered?", body="Pangolin fields?")
    hits = SearchQuery(text="pangolin").run().hits
    assert [hit.title for hit in hits] == ["Which PTL fields mattered?"]
    assert "Question on Zero-day tracking list" in hits[0].key_facts
    with commit():
        project.unpublish()
    assert _entry(thread) is None and _find("pangolin", Viewer.for_user(member)) == []


def test_deleting_a_thread_removes_it(member, commit):
    community = make_community("Stroke network")
    add_member(member, community)
    with commit():
        thread = make_thread(member, community, title="Thrombolysis door times")
    assert _entry(thread) is not None
    with commit():
        thread.delete()
    assert _entry(thread) is None
