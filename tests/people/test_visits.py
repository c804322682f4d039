"""Peer visits: offer, request, accept or decline, the calendar file, and the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from people.models import VisitOffer, VisitRequest
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(user_factory):
    return make_project(user_factory(), title="One-stop MSK day")


@pytest.fixture
def team(project):
    return project.owner


def _offer(project, team, *, capacity=1, days=14):
    start = timezone.now() + timedelta(days=days)
    return VisitOffer.objects.create(
        project=project,
        offered_by=team,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        where="Outpatients, Level 2",
        what_you_will_see="The assessment day from triage to plan.",
        who_to_ask_for="Sam, clinic lead",
    )


def test_team_offers_a_visit_and_a_member_asks_and_is_accepted(client, project, team, member):
    client.force_login(team)
    date = (timezone.localdate() + timedelta(days=20)).isoformat()
    form = {
        "date": date,
        "start": "10:00",
        "end": "12:00",
        "capacity": "2",
        "where": "Ward 5",
        "what": "Huddle",
        "who": "Sam",
    }
    assert client.post(reverse("people:project_visits", args=[project.pk]), form).status_code == 302
    offer = VisitOffer.objects.get(project=project)
    assert offer.capacity == 2
    client.force_login(member)
    assert "Ask to visit" in client.get(project.url).content.decode()
    url = reverse("people:request_visit", args=[offer.pk])
    assert client.post(url, {"hoping_to_learn": "How you triage"}).status_code == 302
    visit = VisitRequest.objects.get(visitor=member)
    assert client.get(reverse("people:visit_ics", args=[visit.pk])).status_code == 404  # not yet accepted
    client.force_login(team)
    client.post(reverse("people:decide_visit", args=[visit.pk]), {"decision": "accept"})
    visit.refresh_from_db()
    assert visit.state == "accepted"
    client.force_login(member)
    ics = client.get(reverse("people:visit_ics", args=[visit.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Visit: One-stop MSK day" in body and "Ward 5" in body
    mine = client.get(reverse("people:my_visits")).content.decode()
    assert "One-stop MSK day" in mine and "Accepted" in mine
    client.force_login(team)
    assert member.display_name in client.get(reverse("people:my_visits")).content.decode()


def test_a_visit_in_the_past_cannot_be_offered_or_requested(client, project, team, member):
    client.force_login(team)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    form = {"date": yesterday, "start": "10:00", "end": "12:00", "capacity": "2", "where": "W", "what": "H", "who": "S"}
    response = client.post(reverse("people:project_visits", args=[project.pk]), form)
    assert response.status_code == 400 and "date in the future" in response.content.decode()
    assert not VisitOffer.objects.exists()
    past = _offer(project, team, days=-2)
    client.force_login(member)
    response = client.post(reverse("people:request_visit", args=[past.pk]), {"hoping_to_learn": "x"})
    assert response.status_code == 400 and "This visit date has passed" in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_over_capacity_is_refused_when_asking_and_when_accepting(
    client, project, team, member, other_member, user_factory
):
    offer = _offer(project, team, capacity=1)
    first = VisitRequest.objects.create(offer=offer, visitor=member, hoping_to_learn="a")
    second = VisitRequest.objects.create(offer=offer, visitor=other_member, hoping_to_learn="b")
    client.force_login(team)
    client.post(reverse("people:decide_visit", args=[first.pk]), {"decision": "accept"})
    response = client.post(reverse("people:decide_visit", args=[second.pk]), {"decision": "accept"}, follow=True)
    assert "This visit is full" in response.content.decode()
    second.refresh_from_db()
    assert second.state == "requested"
    late = user_factory()
    client.force_login(late)
    response = client.post(reverse("people:request_visit", args=[offer.pk]), {"hoping_to_learn": "c"})
    assert response.status_code == 400 and "This visit is full" in response.content.decode()
    assert not VisitRequest.objects.filter(visitor=late).exists()


def test_outsiders_get_404(client, project, team, member):
    offer = _offer(project, team)
    visit = VisitRequest.objects.create(offer=offer, visitor=team, hoping_to_learn="x")
    client.force_login(member)
    assert client.get(reverse("people:project_visits", args=[project.pk])).status_code == 404
    assert client.post(reverse("people:decide_visit", args=[visit.pk]), {"decision": "accept"}).status_code == 404
    assert client.get(reverse("people:visit_ics", args=[visit.pk])).status_code == 404
    PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.GROUPS)
    assert client.get(reverse("people:request_visit", args=[offer.pk])).status_code == 404
    assert client.post(reverse("people:request_visit", args=[offer.pk]), {"hoping_to_learn": "x"}).status_code == 404
    assert VisitRequest.objects.count() == 1
