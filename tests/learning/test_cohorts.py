"""Cohorts, applications, teams, phase gates, attendance and the lead's dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Membership
from learning import cohort_services as services
from learning.models import Application, PhaseGate, SessionAttendance
from learning.services import LearningError, NotVisible
from tests.factories.accounts import UserFactory
from tests.factories.communities import make_event
from tests.factories.learning import make_programme
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(leader):
    return leader


@pytest.fixture
def programme(lead):
    return make_programme("Stewardship", leads=[lead])


def _cohort(lead, programme, *, capacity=3, close_in=10, name="Spring 2027"):
    today = timezone.localdate()
    return services.create_cohort(
        actor=lead,
        programme=programme,
        name=name,
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=200),
        applications_close_on=today + timedelta(days=close_in),
        capacity=capacity,
    )


def _accepted(lead, cohort, n):
    people = UserFactory.create_batch(n)
    for person in people:
        application = services.apply(user=person, cohort=cohort)
        services.decide(actor=lead, application=application, state=Application.State.ACCEPTED)
    return people


def test_apply_then_twice_refused_with_precise_message(client, member, lead, programme):
    cohort = _cohort(lead, programme)
    client.force_login(member)
    response = client.post(f"/learning/cohorts/{cohort.pk}/", {"statement": "Frailty nurse"})
    assert response.status_code == 302
    response = client.post(f"/learning/cohorts/{cohort.pk}/", {"statement": "Again"})
    assert response.status_code == 400
    assert "You have already applied to Spring 2027" in response.content.decode()
    assert Application.objects.filter(user=member).count() == 1


def test_closed_and_full_cohorts_refuse(member, lead, programme):
    closed = _cohort(lead, programme, close_in=-1, name="Closed intake")
    with pytest.raises(LearningError, match="Applications to Closed intake closed on"):
        services.apply(user=member, cohort=closed)
    shut = _cohort(lead, programme, name="Shut intake")
    shut.is_open = False
    shut.save()
    with pytest.raises(LearningError, match=r"Shut intake is closed to applications\."):
        services.apply(user=member, cohort=shut)
    full = _cohort(lead, programme, capacity=1, name="Small intake")
    _accepted(lead, full, 1)
    with pytest.raises(LearningError, match=r"Small intake is full: 1 of 1 place taken\."):
        services.apply(user=member, cohort=full)
    assert not Application.objects.filter(user=member).exists()


def test_capacity_enforced_on_accept_and_waitlist_allowed(client, lead, programme):
    cohort = _cohort(lead, programme, capacity=1)
    first, second = UserFactory.create_batch(2)
    a = services.apply(user=first, cohort=cohort)
    b = services.apply(user=second, cohort=cohort)
    services.decide(actor=lead, application=a, state=Application.State.ACCEPTED)
    client.force_login(lead)
    response = client.post(f"/learning/cohorts/{cohort.pk}/applications/", {"application": b.pk, "state": "accepted"})
    assert response.status_code == 400
    assert "Spring 2027 is full: 1 of 1 place taken." in response.content.decode()
    b.refresh_from_db()
    assert b.state == Application.State.APPLIED
    client.post(f"/learning/cohorts/{cohort.pk}/applications/", {"application": b.pk, "state": "waitlisted"})
    b.refresh_from_db()
    assert b.state == Application.State.WAITLISTED


def test_only_leads_decide_and_see_dashboard(client, member, lead, programme):
    cohort = _cohort(lead, programme)
    application = services.apply(user=member, cohort=cohort)
    with pytest.raises(NotVisible):
        services.decide(actor=member, application=application, state=Application.State.ACCEPTED)
    client.force_login(member)
    for url in ("applications/", "dashboard/", "dashboard.csv"):
        assert client.get(f"/learning/cohorts/{cohort.pk}/{url}").status_code == 404


def test_team_workspace_is_private_community_and_size_enforced(client, lead, programme):
    cohort = _cohort(lead, programme, capacity=5)
    coach = UserFactory()
    team = services.create_team(actor=lead, cohort=cohort, name="Stroke", coach=coach, max_size=2)
    assert team.community.is_private and team.phase == "crawl"
    people = _accepted(lead, cohort, 3)
    services.add_team_member(actor=lead, team=team, user=people[0])
    services.add_team_member(actor=lead, team=team, user=people[1])
    with pytest.raises(LearningError, match=r"Stroke already has 2 people, its limit of 2\."):
        services.add_team_member(actor=lead, team=team, user=people[2])
    assert not Membership.objects.filter(user=people[2], community=team.community).exists()
    # Outsiders (not in the team, not a lead) get 404 for the team page and its workspace.
    client.force_login(people[2])
    assert client.get(f"/learning/teams/{team.pk}/").status_code == 404
    assert client.get(team.community.url).status_code == 404
    client.force_login(people[0])
    html = client.get(f"/learning/teams/{team.pk}/").content.decode()
    assert "Members and professions" in html and "Sign off" not in html


def test_not_accepted_person_cannot_join_a_team(lead, programme, member):
    cohort = _cohort(lead, programme)
    team = services.create_team(actor=lead, cohort=cohort, name="Frailty")
    with pytest.raises(LearningError, match="has not been accepted onto Spring 2027"):
        services.add_team_member(actor=lead, team=team, user=member)


def test_gate_refused_without_evidence_then_signed_off_and_kept(client, lead, programme):
    cohort = _cohort(lead, programme)
    team = services.create_team(actor=lead, cohort=cohort, name="Cancer")
    client.force_login(lead)
    response = client.post(f"/learning/teams/{team.pk}/", {"action": "gate", "gate-note": "Good work"})
    assert response.status_code == 400
    assert "Add evidence before signing off" in response.content.decode()
    team.refresh_from_db()
    assert team.phase == "crawl" and not PhaseGate.objects.exists()
    project = make_project(lead, title="Zero-day tracking list", communities=[team.community])
    response = client.post(
        f"/learning/teams/{team.pk}/",
        {"action": "gate", "gate-note": "Charter and PDSA", "gate-writeups": [project.pk]},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.phase == "walk"
    gate = PhaseGate.objects.get()
    assert (gate.from_phase, gate.to_phase, list(gate.writeups.all())) == ("crawl", "walk", [project])
    assert "Zero-day tracking list" in client.get(f"/learning/teams/{team.pk}/").content.decode()


def test_attendance_marked_by_lead_counts_on_dashboard(client, lead, programme):
    cohort = _cohort(lead, programme, capacity=4)
    team = services.create_team(actor=lead, cohort=cohort, name="MSK")
    people = _accepted(lead, cohort, 2)
    for person in people:
        services.add_team_member(actor=lead, team=team, user=person)
    session = make_event(team.community, days=-3, title="Launch day")
    client.force_login(lead)
    client.post(f"/learning/sessions/{session.pk}/attendance/", {"attended": [str(people[0].pk)]})
    assert list(SessionAttendance.objects.values_list("user_id", flat=True)) == [people[0].pk]
    csv = client.get(f"/learning/cohorts/{cohort.pk}/dashboard.csv").content.decode()
    assert "MSK" in csv and ",2,0,1,1,50," in csv
    client.force_login(people[1])
    assert client.get(f"/learning/sessions/{session.pk}/attendance/").status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_and_programme_queries_constant_1_vs_5_teams(client, lead, programme, django_assert_num_queries):
    """A modest size for the test: 1 cohort of 1 team of 2 against 5 cohorts, one with 5 teams of 2."""
    small = _cohort(lead, programme, capacity=10, name="Small")
    team = services.create_team(actor=lead, cohort=small, name="Team 0")
    for person in _accepted(lead, small, 2):
        services.add_team_member(actor=lead, team=team, user=person)
    client.force_login(lead)
    client.get(programme.url)
    client.get(f"/learning/cohorts/{small.pk}/dashboard/")
    dashboard = _count(client, f"/learning/cohorts/{small.pk}/dashboard/")
    page = _count(client, programme.url)

    large = _cohort(lead, programme, capacity=20, name="Large")
    for n in range(1, 5):
        _cohort(lead, programme, name=f"Other {n}")
    for n in range(5):
        team = services.create_team(actor=lead, cohort=large, name=f"Team {n}")
        for person in _accepted(lead, large, 2):
            services.add_team_member(actor=lead, team=team, user=person)
        make_event(team.community, days=-2)
    client.get(programme.url)
    client.get(f"/learning/cohorts/{large.pk}/dashboard/")
    with django_assert_num_queries(dashboard):
        client.get(f"/learning/cohorts/{large.pk}/dashboard/")
    with django_assert_num_queries(page):
        client.get(programme.url)
