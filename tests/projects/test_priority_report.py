"""The priority page as a board report: summary table, small multiples, stage funnel, spread, reach,
what changed; only what the viewer may see, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from projects import services
from projects.board import month_start
from projects.models import Measure, Organisation, StageChange
from tests.factories.projects import FALLING, make_measure, make_priority, make_project

pytestmark = pytest.mark.django_db


def report_of(client, priority):
    cache.clear()  # the report is cached per content generation; measure a fresh render
    response = client.get(priority.url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_summary_table_and_small_multiples_show_each_outcome_measure(client, member):
    priority = make_priority("Discharge")
    project = make_project(member, title="Care packages", priorities=[priority], stage="sustained")
    measure = make_measure(project, FALLING, name="People waiting", measure_type="outcome", target=400, unit="people")
    make_measure(project, FALLING, name="Huddles held", measure_type="process")
    response, html = report_of(client, priority)
    rows = response.context["report"]["summary_rows"]
    assert [row["measure"].name for row in rows] == ["People waiting"]  # outcome measures only
    assert rows[0]["latest"] == "270 people" and rows[0]["target"] == "400 people"
    assert "sustained improvement" in rows[0]["reading"]
    assert "Summary of outcome measures" in html
    assert 'class="spc-icon spc-icon--' in html  # variation and assurance icons
    assert f'id="measure-{measure.pk}-small-title"' in html  # the stored small chart
    assert f"{project.url}#measure-{measure.pk}-heading" in html
    assert "At stage: Idea" not in html  # the old zero-heavy table is gone


def test_small_chart_is_stored_when_data_changes(member):
    project = make_project(member, title="Stored")
    measure = make_measure(project, FALLING[:6])
    assert 'width="360"' in measure.small_chart_svg
    before = measure.small_chart_svg
    measure = make_measure(project, FALLING, name="Another")
    assert measure.small_chart_svg != before


def test_restricted_and_draft_write_ups_never_appear(client, member, other_member):
    priority = make_priority("Discharge")
    public = make_project(member, title="Open project", priorities=[priority])
    make_measure(public, FALLING, name="Open measure")
    secret = make_project(member, title="Secret project", priorities=[priority])
    make_measure(secret, FALLING, name="Secret measure")
    draft = make_project(member, title="Draft project", priorities=[priority], publish=False)
    make_measure(draft, FALLING, name="Draft measure")
    adopted = services.adopt_project(user=other_member, source=public)  # a draft adaptation
    readers = Group.objects.create(name="Secret readers")
    restriction = PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(readers)
    client.force_login(other_member)
    response, html = report_of(client, priority)
    assert "Open measure" in html
    for hidden in ("Secret", "Draft measure", adopted.title + "</a>"):
        assert hidden not in html
    assert response.context["report"]["reach"]["projects"] == 1
    assert response.context["report"]["funnel"]["rows"][-1]["total"] == 1
    member.groups.add(readers)
    client.force_login(member)
    _, html = report_of(client, priority)
    assert "Secret measure" in html


def test_stage_history_is_recorded_on_publish_and_drawn_month_by_month(client, member, curator):
    priority = make_priority("Discharge")
    project = make_project(member, title="Moving", priorities=[priority], stage="testing")
    assert list(StageChange.objects.filter(project=project).values_list("stage", flat=True)) == ["testing"]
    project.get_latest_revision().publish()  # the same stage again records nothing
    assert StageChange.objects.filter(project=project).count() == 1
    project.stage = "implementing"
    project.save_revision().publish()
    assert list(StageChange.objects.filter(project=project).values_list("stage", flat=True)) == [
        "testing",
        "implementing",
    ]
    # Back-date the first publication three months, so the funnel shows the move over time.
    first = StageChange.objects.filter(project=project).first()
    months_ago = timezone.now() - timedelta(days=95)
    StageChange.objects.filter(pk=first.pk).update(changed_at=months_ago)
    type(project).objects.filter(pk=project.pk).update(first_published_at=months_ago)
    response, html = report_of(client, priority)
    funnel = response.context["report"]["funnel"]
    by_month = {row["month"]: row["counts"] for row in funnel["rows"]}
    today = timezone.localdate()
    assert by_month[month_start(today, 2)] == [0, 1, 0, 0, 0]  # testing
    assert by_month[month_start(today)] == [0, 0, 1, 0, 0]  # implementing
    assert "Projects at each stage, month by month" in html
    assert funnel["summary"] in html
    moves = response.context["report"]["changes"]["moves"]
    assert [(move["from"], move["to"]) for move in moves] == [("Testing", "Implementing")]
    assert "testing to implementing" in html


def test_spread_tree_and_adopters_by_organisation_and_care_setting(client, member, other_member):
    priority = make_priority("Discharge")
    source = make_project(member, title="Original huddle", priorities=[priority], care_setting="acute")
    child = services.adopt_project(user=other_member, source=source)
    child.care_setting = "community"
    child.organisations.add(Organisation.objects.create(name="Northshire Community Trust"))
    child.save_revision().publish()
    child.refresh_from_db()
    grandchild = services.adopt_project(user=member, source=child)
    grandchild.get_latest_revision().publish()
    response, html = report_of(client, priority)
    spread = response.context["report"]["spread"]
    (root,) = spread["roots"]
    assert root.project.pk == source.pk
    assert [node.project.pk for node in root.children] == [child.pk]
    assert [node.project.pk for node in root.children[0].children] == [grandchild.pk]
    assert spread["adopters"] == 2
    assert {"label": "Northshire Community Trust", "count": 1} in spread["by_organisation"]
    assert {row["label"] for row in spread["by_care_setting"]} >= {"Community health"}
    assert 'class="boost-tree"' in html and "Adopters by organisation" in html


def test_what_changed_lists_new_signals_and_projects(client, member):
    from projects.models import MeasureSignal

    priority = make_priority("Discharge")
    project = make_project(member, title="Fresh", priorities=[priority])
    measure = make_measure(project, FALLING, name="Recent data")  # its data shows a current signal
    old = MeasureSignal.objects.create(
        measure=measure, kind="special_cause", key="old", classification="concern", description="An old concern"
    )
    MeasureSignal.objects.filter(pk=old.pk).update(found_at=timezone.now() - timedelta(days=90))
    response, html = report_of(client, priority)
    changes = response.context["report"]["changes"]
    kinds = {(signal["measure"].pk, signal["kind"]) for signal in changes["signals"]}
    assert (measure.pk, "Improvement") in kinds
    assert "An old concern" not in html  # found before the start of last month
    assert [p.pk for p in changes["new_projects"]] == [project.pk]
    assert "Improvement on" in html


def test_report_queries_are_constant_with_50_projects_and_200_measures(client, member, django_assert_num_queries):
    priority = make_priority("Discharge")
    first = make_project(member, title="Project 0", priorities=[priority])
    template = make_measure(first, FALLING, name="Measure 0")
    services.adopt_project(user=member, source=first).get_latest_revision().publish()
    client.force_login(member)
    client.get(priority.url)  # publishing pages dropped the cached site links; rebuild them once
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(priority.url)
    small_count = len(small.captured_queries)  # read now: the connection keeps only the latest 9,000
    projects = [first] + [make_project(member, title=f"Project {i}", priorities=[priority]) for i in range(1, 50)]
    copies = [
        Measure(
            project=project,
            name=f"Measure {i}",
            operational_definition="Counted monthly.",
            better="lower",
            analysis=template.analysis,
            headline=template.headline,
            small_chart_svg=template.small_chart_svg,
            n_points=template.n_points,
        )
        for project in projects
        for i in range(4)
    ][1:]
    Measure.objects.bulk_create(copies)
    assert Measure.objects.filter(project__priorities=priority).count() >= 200
    for project in projects[1:5]:
        services.adopt_project(user=member, source=project).get_latest_revision().publish()
    client.get(priority.url)  # publishing pages dropped the cached site links; rebuild them once
    cache.clear()
    with django_assert_num_queries(small_count):
        response = client.get(priority.url)
    assert len(response.context["report"]["summary_rows"]) >= 200
    assert response.context["report"]["spread"]["adopters"] == 5
