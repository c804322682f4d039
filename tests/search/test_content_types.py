"""Write-ups, priorities and events: what is indexed, when it changes, and who may find it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from communities import services as community_services
from projects import services as project_services
from projects.models import BrightSpot, ProjectPage
from search.indexing import update_objects
from search.models import SearchEntry
from search.permissions import Viewer
from search.query import SearchQuery, SuggestQuery
from tests.factories.communities import add_member, make_community, make_event
from tests.factories.discussions import make_thread
from tests.factories.projects import FALLING, make_measure, make_priority, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs the block's on-commit callbacks as if it had committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _entry(key: str) -> SearchEntry | None:
    return SearchEntry.objects.filter(key=key).first()


def _urls(results) -> list[str]:
    return [hit.url for hit in results.hits]


# --- Write-ups ------------------------------------------------------------------------------


def test_published_write_up_is_indexed_with_headline_stage_and_facets(member, commit):
    priority = make_priority("Care at home")
    community = make_community("Domiciliary care network")
    with commit():
        project = make_project(
            member,
            title="Bringing down the wait for care at home",
            summary="803 people waited for a care package; 270 do now.",
            stage="sustained",
            care_setting="home",
            changes="A scheduling system released 900 care hours.",
        )
        project.priorities = [priority]
        project.communities = [community]
        project.save_revision(user=member).publish()
    with commit():
        make_measure(project, FALLING, name="People waiting for a care package", unit="people")
    entry = _entry(f"writeup:{project.pk}")
    assert entry is not None
    assert entry.key_facts[0] == "People waiting for a care package: 803 people → 270 people, sustained improvement"
    assert "Stage: Sustained" in entry.key_facts
    assert "scheduling system released 900 care hours" in entry.body
    assert entry.facets["priority"] == ["Care at home"]
    assert entry.facets["community"] == ["Domiciliary care network"]
    assert entry.facets["stage"] == ["Sustained"]
    assert entry.facets["care_setting"] == ["People's homes"]
    # Filed under every year from its first data point to its publication.
    first_year = project.measures.get().points.order_by("date").first().date.year
    assert entry.facets["year"] == [str(year) for year in range(first_year, project.first_published_at.year + 1)]
    results = SearchQuery(text="dom care waiting list").run()
    assert _urls(results)[0] == project.url


def test_headline_follows_the_data(member, commit):
    with commit():
        project = make_project(member, title="Fewer falls on the ward")
    assert _entry(f"writeup:{project.pk}").key_facts[0] == "No data yet"
    with commit():
        measure = make_measure(project, [10, 12], name="Falls per month", better="lower")
    assert _entry(f"writeup:{project.pk}").key_facts[0].startswith("Falls per month: 10 → 12")
    with commit():
        project_services.add_data_point(user=member, measure=measure, when=datetime(2023, 1, 1).date(), value=4)
    assert _entry(f"writeup:{project.pk}").key_facts[0].startswith("Falls per month: 10 → 4")


@pytest.mark.parametrize("state", ["draft", "in_review", "changes_requested"])
def test_unpublished_stories_never_appear(member, curator, commit, state):
    with commit():
        project = make_project(member, title="Quetiapine review round", publish=False)
        if state != "draft":
            project_services.submit_for_review(user=member, project=project)
        if state == "changes_requested":
            project_services.request_changes(reviewer=curator, project=project, comment="Add your dates.")
    assert _entry(f"writeup:{project.pk}") is None
    for viewer in (Viewer.anonymous(), Viewer(authenticated=True), Viewer(authenticated=True, sees_all=True)):
        results = SearchQuery(text="quetiapine", viewer=viewer).run()
        assert results.total == 0 and results.facets == {}
        assert SuggestQuery(text="quetiap", viewer=viewer).run() == []


def test_approval_publishes_into_the_index_and_unpublishing_removes_it(member, curator, commit):
    with commit():
        project = make_project(member, title="Quetiapine review round", publish=False)
        project_services.submit_for_review(user=member, project=project)
    assert _entry(f"writeup:{project.pk}") is None
    with commit():
        project_services.approve_story(reviewer=curator, project=project)
    assert _entry(f"writeup:{project.pk}") is not None
    with commit():
        ProjectPage.objects.get(pk=project.pk).unpublish()
    assert _entry(f"writeup:{project.pk}") is None
    assert SearchQuery(text="quetiapine").run().total == 0


def test_a_live_story_s_draft_in_review_stays_out_until_published(member, commit):
    with commit():
        project = make_project(member, title="Published title")
    with commit():
        project_services.save_draft(user=member, project=project, data={"title": "Zanzibar draft title"})
        project_services.submit_for_review(user=member, project=project)
    assert _entry(f"writeup:{project.pk}").title == "Published title"
    assert SearchQuery(text="zanzibar").run().total == 0


def test_private_community_is_not_named_in_a_write_up_s_facets(member, commit):
    secret = make_community("Hidden network", is_private=True, access="invite")
    listed = make_community("Listed circle", is_private=True, discoverable=True, access="invite")
    with commit():
        project = make_project(member, title="Tissue viability huddles")
        project.communities = [secret, listed]
        project.save_revision(user=member).publish()
    assert _entry(f"writeup:{project.pk}").facets["community"] == ["Listed circle"]
    facets = SearchQuery(text="tissue viability").run().facets
    assert [v.value for v in facets["community"]] == ["Listed circle"]


def test_recent_well_measured_write_up_outranks_a_stale_idea(member, leader, commit):
    with commit():
        idea = make_project(member, title="Medicines reconciliation at discharge", stage="idea")
        measured = make_project(member, title="Medicines reconciliation at discharge", stage="sustained")
    with commit():
        make_measure(measured, FALLING, name="Reconciliation errors")
        project_services.feature_bright_spot(user=leader, project=measured)
    # A stale idea: published years ago (dates cannot be back-dated through publishing, so set it and
    # re-index as the signal would).
    ProjectPage.objects.filter(pk=idea.pk).update(first_published_at=datetime(2018, 5, 1, tzinfo=UTC))
    update_objects("writeup", [idea.pk])
    idea_entry, measured_entry = _entry(f"writeup:{idea.pk}"), _entry(f"writeup:{measured.pk}")
    assert measured_entry.boost > 1.0 > idea_entry.boost
    assert "Bright spot" in measured_entry.key_facts
    assert _urls(SearchQuery(text="medicines reconciliation").run())[:2] == [measured.url, idea.url]
    with commit():
        BrightSpot.objects.filter(project=measured).delete()
    assert "Bright spot" not in _entry(f"writeup:{measured.pk}").key_facts


# --- Priorities ------------------------------------------------------------------------------


def test_priority_is_indexed_and_counts_its_live_projects(member, commit):
    with commit():
        priority = make_priority("Timely discharge", aim="Everyone home the day they are ready.")
    entry = _entry(f"priority:{priority.pk}")
    assert entry.summary == "Everyone home the day they are ready."
    assert entry.key_facts == ["0 projects"]
    with commit():
        project = make_project(member, title="Discharge lounge")
        project.priorities = [priority]
        project.save_revision(user=member).publish()
    assert _entry(f"priority:{priority.pk}").key_facts == ["1 project"]
    assert SearchQuery(text="home when ready discharge", filters={"type": ["priority"]}).run().total == 1


# --- Events ----------------------------------------------------------------------------------


def test_public_event_is_indexed_with_date_and_place(commit):
    community = make_community("Frailty network")
    with commit():
        event = make_event(community, title="Frailty webinar", description="Coding frailty in primary care.")
    entry = _entry(f"event:{event.pk}")
    assert entry.url == f"/communities/frailty-network/events/{event.pk}/"
    assert entry.key_facts == [event.short_date, "Meeting", "Online"]
    assert entry.community_id == community.pk and entry.is_private is False
    assert entry.published_at == event.starts_at
    assert _urls(SearchQuery(text="frailty webinar").run()) == [entry.url]


def test_cancelled_event_is_labelled_and_ranked_below_live_ones(facilitator, commit):
    community = make_community("Frailty network")
    add_member(facilitator, community, role="facilitator")
    with commit():
        cancelled = make_event(community, title="Frailty coffee morning")
        live = make_event(community, title="Frailty coffee morning", days=8)
    with commit():
        community_services.cancel_event(actor=facilitator, event=cancelled, reason="Speaker unwell")
    entry = _entry(f"event:{cancelled.pk}")
    assert entry.key_facts[0] == "Cancelled"
    hits = SearchQuery(text="frailty coffee morning").run().hits
    assert [hit.url for hit in hits] == [_entry(f"event:{live.pk}").url, entry.url]
    assert hits[1].key_facts[0] == "Cancelled"


@pytest.fixture
def private_event(commit, member):
    """A private community's event, its member, and an outsider's view of the same words."""
    community = make_community("Safeguarding leads", is_private=True, access="invite")
    add_member(member, community)
    with commit():
        event = make_event(community, title="Quokka case review", description="Serious case review zebrafish.")
    return event


OUTSIDERS = {"anonymous": lambda: Viewer.anonymous(), "signed_in": lambda: Viewer(authenticated=True)}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_private_events_never_reach_outsiders(private_event, other_member, who):
    viewer = OUTSIDERS[who]() if who == "anonymous" else Viewer.for_user(other_member)
    results = SearchQuery(text="quokka case review", viewer=viewer).run()
    assert results.total == 0 and results.hits == [] and results.facets == {}
    # Counts and facets of a broader query leave it out too.
    everything = SearchQuery(text="", filters={"type": ["event"]}, viewer=viewer).run()
    assert everything.total == 0
    assert "Safeguarding leads" not in {v.value for v in everything.facets.get("community", [])}
    assert SearchQuery(text="review", filters={"community": ["Safeguarding leads"]}, viewer=viewer).run().total == 0
    assert SuggestQuery(text="quokk", viewer=viewer).run() == []
    assert SearchQuery(text="quokla", viewer=viewer).run().did_you_mean is None
    assert SearchQuery(text="zebrafsh", viewer=viewer).run().did_you_mean is None


def test_members_and_curators_find_private_events(private_event, member, curator):
    for user in (member, curator):
        viewer = Viewer.for_user(user)
        results = SearchQuery(text="quokka case review", viewer=viewer).run()
        assert results.total == 1
        assert [v.value for v in results.facets["community"]] == ["Safeguarding leads"]
        assert [s.title for s in SuggestQuery(text="quokk", viewer=viewer).run()] == ["Quokka case review"]
        assert SearchQuery(text="quokla", viewer=viewer).run().did_you_mean == "quokka"


def test_community_turning_private_hides_its_events(other_member, commit):
    community = make_community("Ward sisters")
    with commit():
        make_event(community, title="Ward sisters huddle")
    assert SearchQuery(text="ward sisters huddle", viewer=Viewer.for_user(other_member)).run().total == 1
    community.is_private = True
    with commit():
        community.save_revision().publish()
    assert SearchQuery(text="ward sisters huddle", viewer=Viewer.for_user(other_member)).run().total == 0
    with commit():
        community.unpublish()
    assert not SearchEntry.objects.filter(doc_type="event").exists()


# --- Rebuild and the demo --------------------------------------------------------------------


def test_rebuild_indexes_every_type(member, commit):
    community = make_community("Stroke network")
    make_event(community, title="Stroke meeting")
    make_priority("Stroke care")
    make_project(member, title="Stroke rehabilitation at home")
    add_member(member, community)
    make_thread(member, community, title="Stroke huddles")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    types = set(SearchEntry.objects.values_list("doc_type", flat=True))
    assert {"community", "event", "priority", "writeup", "thread"} <= types


def test_demo_content_is_searchable_straight_after_loading(django_capture_on_commit_callbacks):
    # load_demo runs in one transaction: indexing happens on commit, so nothing is there before it.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not SearchEntry.objects.filter(doc_type="writeup").exists()
    for callback in callbacks:
        callback()
    types = set(SearchEntry.objects.values_list("doc_type", flat=True))
    assert {"community", "event", "priority", "writeup", "person", "page", "thread"} <= types
    assert SearchQuery(text="waiting").run().total >= 3
    # Private communities' events (the discharge stewardship group) stay private after the load.
    private = SearchEntry.objects.filter(doc_type="event", is_private=True)
    assert private.exists()
    assert not set(private.values_list("url", flat=True)) & set(
        _urls(SearchQuery(text="", filters={"type": ["event"]}, per_page=50).run())
    )
    # The same for the demo discussions in private communities.
    private_threads = SearchEntry.objects.filter(doc_type="thread", is_private=True)
    assert private_threads.exists() and SearchEntry.objects.filter(doc_type="thread", is_private=False).exists()
    assert not set(private_threads.values_list("url", flat=True)) & set(
        _urls(SearchQuery(text="", filters={"type": ["thread"]}, per_page=50).run())
    )


@pytest.mark.parametrize("size", [2, 12])
def test_constant_queries_per_results_page_with_real_content(client, member, commit, django_assert_num_queries, size):
    community = make_community("Waiting well network")
    with commit():
        for n in range(size):
            project = make_project(member, title=f"Waiting list validation {n}", care_setting="acute")
            make_measure(project, FALLING[: 12 + n % 6], name="People waiting")
            make_event(community, title=f"Waiting list clinic {n}", days=n + 1)
    client.force_login(member)
    client.get("/search/", {"q": "waiting"})  # warm caches (synonyms, site root, settings)
    # The same 11 as for the synthetic corpus (tests/search/test_views.py): the page reads only the index.
    # On PostgreSQL the page statement carries two SET LOCAL planner hints; inside the test's
    # transaction it runs in a savepoint that is rolled back to drop them: 2 more statements.
    with django_assert_num_queries(6 + (2 if connection.vendor == "postgresql" else 0)):
        response = client.get("/search/", {"q": "waiting list", "care_setting": "Hospital (acute)"})
    assert response.status_code == 200
    assert response.content.decode().count("Waiting list validation") >= min(size, 10)


# --- View restrictions -----------------------------------------------------------------------


@pytest.mark.parametrize("on_parent", [False, True])
def test_a_view_restriction_takes_pages_out_of_search_at_once_and_lifting_it_brings_them_back(
    member, commit, on_parent
):
    from wagtail.models import PageViewRestriction

    from boost.models import HomePage, StandardPage

    with commit():
        project = make_project(member, title="Restricted ward round")
        priority = make_priority("Restricted priority")
        page = HomePage.objects.get().add_child(instance=StandardPage(title="Restricted help", slug="restricted-help"))
    keys = [f"writeup:{project.pk}", f"priority:{priority.pk}", f"page:{page.pk}"]
    assert all(_entry(key) is not None for key in keys)
    restrictions = []
    with commit():
        for target in (project, priority, page):
            restricted = target.get_parent() if on_parent else target
            restrictions.append(
                PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
            )
    # No publish in between: the restriction itself re-indexed them.
    assert [key for key in keys if _entry(key) is not None] == []
    with commit():
        for restriction in restrictions:
            restriction.delete()
    assert all(_entry(key) is not None for key in keys)
