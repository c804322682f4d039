"""Write-up, index, priority and home pages: content, privacy, and constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from projects import services
from projects.models import ProjectPage
from tests.factories.projects import FALLING, READY, make_measure, make_priority, make_project

pytestmark = pytest.mark.django_db


def _path(page) -> str:
    return page.url


def test_published_write_up_is_public_with_chart_table_signals_and_derived_headline(client, member):
    project = make_project(member, title="Care package waits", summary="Fewer people waiting for care at home.")
    make_measure(project, FALLING, name="People waiting for a care package", unit="people")
    response = client.get(_path(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "People waiting for a care package: 803 people → 270 people, sustained improvement" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Signals found" in html and "Shift:" in html
    assert "Data table for People waiting for a care package (24 values)" in html
    assert "Download the data" in html


def test_draft_and_rejected_stories_are_never_public(client, member, other_member, curator):
    draft = services.start_project(author=member, title="Secret draft", data={"summary": "x"})
    draft.refresh_from_db()
    for viewer in (None, other_member):
        if viewer:
            client.force_login(viewer)
        assert client.get(draft.url_path.removeprefix("/home")).status_code == 404
        assert client.get(reverse("projects:preview", args=[draft.pk])).status_code in (302, 404)
        assert client.get(reverse("projects:edit", args=[draft.pk, "about"])).status_code in (302, 404)
        assert client.get(reverse("projects:handover", args=[draft.pk])).status_code == 404


def test_preview_shows_the_authors_draft(client, member):
    project = make_project(member, title="Published title")
    services.save_draft(user=member, project=project, data={"summary": "A brand new draft summary"})
    client.force_login(member)
    response = client.get(reverse("projects:preview", args=[project.pk]))
    assert response.status_code == 200
    assert "A brand new draft summary" in response.content.decode()
    assert "A brand new draft summary" not in client.get(project.url).content.decode()


def test_write_up_queries_are_constant_and_charts_add_none(client, member, other_member, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boost.page_cache import bump_generation

    project = make_project(member, title="Four measures")
    make_measure(project, FALLING[:12], name="Only one")
    adopter = services.adopt_project(user=other_member, source=project)
    adopter.get_latest_revision().publish()
    client.get(project.url)  # warm caches (site root paths, content types)

    def cold_and_warm():
        """Queries of a render after a content change, then of the next (its story fragments cached)."""
        bump_generation()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(project.url)
        with CaptureQueriesContext(connection) as warm:
            client.get(project.url)
        return response, len(cold.captured_queries), len(warm.captured_queries), cold.captured_queries

    _, small_cold, small_warm, _ = cold_and_warm()
    for n in range(3):
        make_measure(project, [(i * 7919 + n) % 97 + 100 for i in range(200)], name=f"Measure {n}")
    response, large_cold, large_warm, large_queries = cold_and_warm()
    assert response.content.decode().count("<svg") >= 4
    assert (large_cold, large_warm) == (small_cold, small_warm)
    assert small_warm < small_cold
    # Pinned: anonymous, a render after a change and a cached one. "People who have done this" (its
    # adopters, their team places) and "Come and see" (upcoming visits) add three to each.
    assert (small_cold, small_warm) == (26, 14)  # one fewer since community_of is asked once per page
    with django_assert_num_queries(small_warm):
        client.get(project.url)
    assert not any("projects_datapoint" in query["sql"] for query in large_queries)


def test_index_filters_sorts_and_paginates_in_constant_queries(client, member, django_assert_max_num_queries):
    priority = make_priority("Discharge")
    index_url = ProjectPage.objects.first().get_parent().url if ProjectPage.objects.exists() else None
    first = make_project(member, title="Alpha", priorities=[priority], stage="sustained", care_setting="acute")
    make_measure(first, FALLING)
    make_project(member, title="Beta", stage="idea")
    index_url = first.get_parent().url
    response = client.get(index_url, {"priority": priority.pk})
    html = response.content.decode()
    assert "Alpha" in html and "Beta" not in html
    response = client.get(index_url, {"sort": "title"})
    html = response.content.decode()
    assert html.index("Alpha") < html.index("Beta")
    assert "sustained improvement" in html

    client.get(index_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(index_url)
    for i in range(25):
        make_project(member, title=f"Project {i}")
    client.get(index_url)  # publishing pages dropped the cached site links; rebuild them once
    with CaptureQueriesContext(connection) as large:
        response = client.get(index_url)
    assert "Page 2 of 2" in response.content.decode()
    assert len(large.captured_queries) <= len(small.captured_queries) + 1  # + the paginator's count query


def test_priority_rolls_up_stages_sustained_improvement_and_spread(client, member, other_member):
    priority = make_priority("Domiciliary care", why_it_matters="People wait at home for care.")
    source = make_project(member, title="Care packages", priorities=[priority], stage="sustained")
    make_measure(source, FALLING, measure_type="outcome")
    make_project(member, title="Another", priorities=[priority], stage="testing")
    adopted = services.adopt_project(user=other_member, source=source)
    adopted.get_latest_revision().publish()
    response = client.get(priority.url)
    html = response.content.decode()
    assert response.status_code == 200
    report = response.context["report"]
    assert report["reach"]["projects"] == 3  # the adoption keeps the priority
    assert "sustained improvement" in report["summary_rows"][0]["reading"]
    assert [node.project.pk for node in report["spread"]["roots"]] == [source.pk]
    assert report["spread"]["adopters"] == 1
    assert report["funnel"]["rows"][-1]["counts"][1] == 2  # two at testing now
    assert "Summary of outcome measures" in html


def test_home_shows_priorities_bright_spots_and_latest(client, member, leader):
    priority = make_priority("Ambulance handover")
    project = make_project(member, title="Handover in 30 minutes", priorities=[priority])
    services.feature_bright_spot(user=leader, project=project, note="Cut handover delays")
    html = client.get("/").content.decode()
    assert "Our improvement priorities" in html and "Ambulance handover" in html
    assert "Bright spots" in html and "Handover in 30 minutes" in html
    assert "Latest improvement stories" in html


def test_measure_csv_download_round_trips(client, member):
    project = make_project(member)
    measure = make_measure(project, [5, 6.5, 7])
    response = client.get(reverse("projects:measure_csv", args=[project.pk, measure.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == ["date,value", "2022-10-01,5", "2022-11-01,6.5", "2022-12-01,7"]


def test_full_size_chart_for_small_screens(client, member, other_member):
    project = make_project(member)
    measure = make_measure(project, FALLING)
    url = reverse("projects:measure_chart", args=[project.pk, measure.pk])
    response = client.get(url)
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.content.decode() == measure.chart_svg
    assert "default-src 'none'" in response["Content-Security-Policy"]
    page = client.get(project.url).content.decode()
    assert f'href="{url}"' in page and "the chart scrolls sideways" in page
    draft = make_project(member, title="Draft", publish=False)
    hidden = make_measure(draft, FALLING)
    client.force_login(other_member)
    assert client.get(reverse("projects:measure_chart", args=[draft.pk, hidden.pk])).status_code == 404


def test_handover_pack_has_aim_changes_definitions_log_and_contacts(client, member):
    project = make_project(member, aim="Halve waits", changes="Zero-day list")
    measure = make_measure(project, FALLING)
    services.add_annotation(user=member, measure=measure, when=measure.points.first().date, label="PDSA 1: huddle")
    html = client.get(reverse("projects:handover", args=[project.pk])).content.decode()
    for text in ("Halve waits", "Zero-day list", measure.operational_definition, "PDSA 1: huddle", member.display_name):
        assert text in html


def test_community_sections_list_linked_live_projects_and_priorities(rf, member, home_page):
    from wagtail import hooks

    from communities.models import CommunityIndexPage, CommunityPage

    index = CommunityIndexPage.objects.first()
    if index is None:
        index = CommunityIndexPage(title="Communities", slug="communities")
        home_page.add_child(instance=index)
    community = CommunityPage(title="Frailty network", slug="frailty-network", purpose="Frailty")
    index.add_child(instance=community)
    priority = make_priority("Frailty", communities=[community])
    make_project(member, title="Linked and live", communities=[community])
    make_project(member, title="Linked draft", communities=[community], publish=False)
    request = rf.get("/")
    request.user = member
    sections = [hook(request, community) for hook in hooks.get_hooks("boost_community_sections")]
    by_key = {section["key"]: section for section in sections if section}
    assert [p.title for p in by_key["projects"]["items"]] == ["Linked and live"]
    assert by_key["priorities"]["items"] == [priority]


def test_priority_page_queries_do_not_grow_with_its_projects(client, member, other_member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    priority = make_priority("Discharge")
    first = make_project(member, title="First", priorities=[priority])
    make_measure(first, FALLING, measure_type="outcome")
    client.get(priority.url)
    with CaptureQueriesContext(connection) as small:
        client.get(priority.url)
    for i in range(12):
        project = make_project(member, title=f"More {i}", priorities=[priority])
        make_measure(project, FALLING[: 5 + i])
    services.adopt_project(user=other_member, source=first).get_latest_revision().publish()
    client.get(priority.url)  # publishing pages dropped the cached site links; rebuild them once
    with CaptureQueriesContext(connection) as large:
        response = client.get(priority.url)
    assert response.context["report"]["reach"]["projects"] == 14
    assert len(large.captured_queries) == len(small.captured_queries)


def test_dashboard_shows_curators_the_review_queue_and_members_their_stories(client, member, curator):
    project = make_project(member, title="Mine, published")
    draft = services.start_project(author=member, title="Waiting", data=READY)
    services.submit_for_review(user=member, project=draft)
    client.force_login(curator)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 story is waiting for your review." in html
    client.force_login(member)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Review improvement stories" not in html
    assert project.title in html


def test_questions_on_a_write_up_add_constant_queries(client, member, other_member, django_assert_num_queries):
    from discussions.models import Message, Thread
    from tests.factories.discussions import make_thread, post

    project = make_project(member, title="Questions welcome")
    first = make_thread(other_member, page=project, title="How did you staff the huddle?")
    post(member, first, "Two nurses and a therapist.")
    client.force_login(other_member)
    client.get(project.url)  # warm caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(project.url)
    threads = Thread.objects.bulk_create(
        [Thread(page=project, author=member if n % 2 else other_member, title=f"Question {n}") for n in range(15)]
    )
    Message.objects.bulk_create(
        [
            Message(thread=t, author=member, client_id=f"{t.pk}-{k}", body=f"A{k}", body_html=f"<p>A{k}</p>")
            for t in threads
            for k in range(20)
        ]
    )
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(project.url)
    html = response.content.decode()
    assert "Questions for the team" in html and "Question 14" in html and "How did you staff the huddle?" in html
    assert 'action="{}"'.format(reverse("discussions:ask", args=[project.pk])) in html
