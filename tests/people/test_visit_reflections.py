"""After a visit: the visitor's reflection, and a write-up adapted from the visited one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import VisitOffer, VisitRequest
from projects.models import ProjectPage
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(user_factory, member):
    project = make_project(user_factory(), title="One-stop MSK day")
    start = timezone.now() - timedelta(days=2)
    offer = VisitOffer.objects.create(
        project=project,
        offered_by=project.owner,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=2,
        where="Outpatients",
        what_you_will_see="Triage to plan.",
        who_to_ask_for="Sam",
    )
    return VisitRequest.objects.create(
        offer=offer, visitor=member, hoping_to_learn="How triage works", state=VisitRequest.State.ACCEPTED
    )


def test_reflect_then_start_an_adapted_write_up(client, visit, member):
    client.force_login(member)
    page = client.get(reverse("people:my_visits")).content.decode()
    assert "After your visit: what will you try?" in page
    response = client.post(
        reverse("people:reflect_visit", args=[visit.pk]), {"reflection": "A joint triage huddle on Mondays."}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.reflection == "A joint triage huddle on Mondays." and visit.reflected_at is not None
    response = client.post(reverse("people:adapt_from_visit", args=[visit.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    adapted = ProjectPage.objects.get(pk=visit.adapted_project_id)
    # The write-up lineage: the new draft is adapted from the visited write-up, and traced to the visit.
    assert adapted.adapted_from_id == visit.offer.project_id and adapted.owner_id == member.pk
    assert client.post(reverse("people:adapt_from_visit", args=[visit.pk])).status_code == 302
    assert ProjectPage.objects.filter(adapted_from=visit.offer.project).count() == 1  # not twice
    # The team sees what the visitor will try.
    client.force_login(visit.offer.project.owner)
    assert "A joint triage huddle on Mondays." in client.get(reverse("people:my_visits")).content.decode()


def test_refusals_change_nothing(client, visit, member, other_member):
    client.force_login(member)
    # Empty, too long, and a write-up before any reflection: each refused with its message.
    response = client.post(reverse("people:reflect_visit", args=[visit.pk]), {"reflection": "  "}, follow=True)
    assert "Say what you will try after the visit." in response.content.decode()
    response = client.post(reverse("people:reflect_visit", args=[visit.pk]), {"reflection": "x" * 1001}, follow=True)
    assert "Keep it to 1,000 characters" in response.content.decode()
    response = client.post(reverse("people:adapt_from_visit", args=[visit.pk]), follow=True)
    assert "Write what you will try first" in response.content.decode()
    # Before the visit's date.
    VisitOffer.objects.filter(pk=visit.offer_id).update(starts_at=timezone.now() + timedelta(days=3))
    response = client.post(reverse("people:reflect_visit", args=[visit.pk]), {"reflection": "Huddle"}, follow=True)
    assert "after the visit" in response.content.decode()
    visit.refresh_from_db()
    assert visit.reflection == "" and visit.adapted_project_id is None
    # Someone else's visit: 404.
    client.force_login(other_member)
    assert client.post(reverse("people:reflect_visit", args=[visit.pk]), {"reflection": "Hi"}).status_code == 404
    assert client.post(reverse("people:adapt_from_visit", args=[visit.pk])).status_code == 404
