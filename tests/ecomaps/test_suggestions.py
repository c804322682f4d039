"""Members suggest stations and journeys; facilitators accept them (through the usual services and
their checks) or decline them; outsiders see nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Membership
from ecomaps.models import Journey, Revision, Station, Suggestion
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def ecomap(facilitator, member):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    return make_map(facilitator, community)


def test_a_members_suggestion_is_added_when_a_facilitator_accepts_it(client, facilitator, member, ecomap):
    url = reverse("ecomaps:suggestions", args=[ecomap.pk])
    client.force_login(member)
    client.post(url, {"kind": "station", "suggest-station-name": "Carers' centre", "suggest-station-kind": "asset"})
    client.post(url, {"kind": "journey", "suggest-journey-name": "Mr C", "suggest-journey-stops": "gp, atlantis"})
    station, journey = Suggestion.objects.order_by("pk")
    assert station.data["name"] == "Carers' centre" and journey.data["stops"] == ["gp", "atlantis"]
    assert not Station.objects.filter(map=ecomap, name="Carers' centre").exists()
    # Members cannot decide.
    client.post(url, {"suggestion": station.pk, "decision": "accept"})
    station.refresh_from_db()
    assert station.state == Suggestion.State.PENDING
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert "Carers&#x27; centre" in page and "gp → atlantis" in page
    client.post(url, {"suggestion": station.pk, "decision": "accept"})
    station.refresh_from_db()
    assert station.state == Suggestion.State.ACCEPTED and station.decided_by == facilitator
    assert Station.objects.filter(map=ecomap, key="carers-centre").exists()
    assert Revision.objects.filter(map=ecomap).first().author == facilitator
    # A suggestion the map's checks refuse stays waiting, with the reason shown.
    response = client.post(url, {"suggestion": journey.pk, "decision": "accept"}, follow=True)
    assert "Not accepted: The journey “Mr C” names stations that are not on this map: atlantis" in (
        response.content.decode()
    )
    journey.refresh_from_db()
    assert journey.state == Suggestion.State.PENDING and not Journey.objects.filter(name="Mr C").exists()
    client.post(url, {"suggestion": journey.pk, "decision": "decline"})
    journey.refresh_from_db()
    assert journey.state == Suggestion.State.DECLINED


def test_outsiders_get_404_and_an_empty_suggestion_is_refused(client, member, ecomap):
    url = reverse("ecomaps:suggestions", args=[ecomap.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "station", "suggest-station-name": "Sneaky"}).status_code == 404
    client.force_login(member)
    response = client.post(url, {"kind": "station", "suggest-station-name": ""})
    assert response.status_code == 400 and "nhsuk-error-message" in response.content.decode()
    assert not Suggestion.objects.exists()
