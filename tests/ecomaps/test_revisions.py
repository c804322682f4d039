"""Every change is a revision (who, when, the map afterwards); any two can be compared; a second
editor saving over a change they have not seen is refused and told, never silently overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Membership
from ecomaps import services
from ecomaps.models import Journey, Revision, Station
from ecomaps.revisions import compare
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(facilitator, member):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    return community


@pytest.fixture
def ecomap(facilitator, community):
    return make_map(facilitator, community)


@pytest.fixture
def second_facilitator(community):
    person = UserFactory(first_name="Sam", last_name="Second")
    add_member(person, community, role=Membership.Role.FACILITATOR)
    return person


def test_every_change_is_a_revision_with_who_and_when(facilitator, member, ecomap):
    revisions = list(Revision.objects.filter(map=ecomap).order_by("number"))
    # Started, six stations, two journeys, a link, two annotations.
    assert len(revisions) == 12
    assert revisions[-1].number == ecomap.version and revisions[0].summary.startswith("Started the map")
    assert {r.author for r in revisions} == {facilitator}
    services.add_annotation(user=member, ecomap=ecomap, kind="bright", text="Carers know everyone", station="gp")
    latest = Revision.objects.filter(map=ecomap).first()
    assert latest.author == member and latest.summary == "Added the annotation “Bright spot: Carers know everyone”"
    assert latest.created_at is not None
    assert any(note["text"] == "Carers know everyone" for note in latest.snapshot["annotations"].values())


def test_comparing_two_revisions_lists_what_was_added_removed_and_changed(facilitator, ecomap):
    before = ecomap.version
    services.add_station(user=facilitator, ecomap=ecomap, key="carers", name="Carers' centre", kind="asset")
    services.set_journey(
        user=facilitator,
        ecomap=ecomap,
        key="mr-b",
        name="Mr B, from his GP",
        station_keys=["gp", "carers", "scheduling", "home"],
    )
    services.update_station(
        user=facilitator,
        station=Station.objects.get(map=ecomap, key="provider"),
        expected_version=1,
        name="Home care agency",
        kind="organisation",
        organisation="Care providers",
    )
    services.remove_station(user=facilitator, station=Station.objects.get(map=ecomap, key="gp"), reroute=True)
    old, new = (Revision.objects.get(map=ecomap, number=n).snapshot for n in (before, before + 4))
    stations, journeys, links, annotations = compare(old, new)
    assert [e.key for e in stations.added] == ["carers"]
    assert [e.name for e in stations.removed] == ["GP practice"]
    assert [(c.label, c.before, c.after) for c in stations.changed[0].changes] == [
        ("Name", "Independent-sector care provider", "Home care agency")
    ]
    assert [(e.key, [(c.label, c.before, c.after) for c in e.changes]) for e in journeys.changed] == [
        ("mr-b", [("Stops", "gp → scheduling → home", "carers → scheduling → home")])
    ]
    assert links.empty and annotations.empty
    assert Revision.objects.get(map=ecomap, number=before + 4).summary == (
        "Removed the station “GP practice”, rerouting “Mr B, from his GP”"
    )


def test_the_compare_page_reads_as_a_diff_and_is_private(client, facilitator, member, ecomap):
    before = ecomap.version
    services.add_station(user=facilitator, ecomap=ecomap, key="carers", name="Carers' centre", kind="asset")
    url = reverse("ecomaps:compare", args=[ecomap.pk]) + f"?older={before}&newer={before + 1}"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("ecomaps:revisions", args=[ecomap.pk])).status_code == 404
    client.force_login(member)
    html = client.get(url).content.decode()
    assert f"Revision {before} compared with revision {before + 1}" in html
    assert "Added" in html and "Carers&#x27; centre" in html
    listing = client.get(reverse("ecomaps:revisions", args=[ecomap.pk])).content.decode()
    assert "Added the station “Carers&#x27; centre”" in listing and facilitator.display_name in listing
    response = client.get(reverse("ecomaps:compare", args=[ecomap.pk]) + "?older=1&newer=999")
    assert response.status_code == 400
    assert f"This map has no revision 1, 999; its revisions run from 2 to {before + 1}." in response.content.decode()


def test_a_stale_journey_edit_is_refused_and_the_second_editor_is_told(client, facilitator, second_facilitator, ecomap):
    url = reverse("ecomaps:journey_edit", args=[ecomap.pk, "mr-b"])
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert 'name="journey-version" value="1"' in page
    # Both opened the form on version 1; the second facilitator saves first.
    services.set_journey(
        user=second_facilitator,
        ecomap=ecomap,
        key="mr-b",
        name="Mr B, from his GP",
        station_keys=["gp", "discharge", "home"],
        expected_version=1,
    )
    response = client.post(
        url,
        {"journey-name": "Mr B, from his GP", "journey-stops": "gp\nprovider\nhome", "journey-version": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert (
        "was changed by someone else after you opened the form "
        "(the last change to the map was by Sam Second: changed the journey" in html
    )
    assert "Your change was not saved." in html and "gp → provider → home" in html  # what they tried
    journey = Journey.objects.get(map=ecomap, key="mr-b")
    assert list(journey.stops.values_list("station__key", flat=True)) == ["gp", "discharge", "home"]
    assert journey.version == 2 and 'name="journey-version" value="2"' in html
    # Having seen the saved stops, they save again on the new version: that goes through.
    client.post(url, {"journey-name": "Mr B", "journey-stops": "gp\nprovider\nhome", "journey-version": "2"})
    assert Journey.objects.get(map=ecomap, key="mr-b").name == "Mr B"


def test_a_stale_station_edit_is_refused(client, facilitator, second_facilitator, ecomap):
    station = Station.objects.get(map=ecomap, key="gp")
    services.update_station(
        user=second_facilitator, station=station, expected_version=1, name="GP surgery", kind="service"
    )
    client.force_login(facilitator)
    response = client.post(
        reverse("ecomaps:station_edit", args=[ecomap.pk, "gp"]),
        {"name": "Family doctor", "kind": "service", "version": "1"},
    )
    assert response.status_code == 409 and "Your change was not saved." in response.content.decode()
    assert Station.objects.get(pk=station.pk).name == "GP surgery"


def test_adding_a_journey_whose_id_is_taken_is_refused_not_overwritten(facilitator, ecomap):
    with pytest.raises(services.InvalidMap, match="already has a journey with the id “mr-b”"):
        services.set_journey(
            user=facilitator,
            ecomap=ecomap,
            key="mr-b",
            name="Someone else",
            station_keys=["gp", "home"],
            expected_version=0,
        )
    assert Journey.objects.get(map=ecomap, key="mr-b").name == "Mr B, from his GP"


def test_the_journey_limit_is_enforced_with_a_clear_message(facilitator, ecomap, monkeypatch):
    monkeypatch.setattr(services, "MAX_JOURNEYS", 2)
    with pytest.raises(services.InvalidMap, match="already has 2 journeys, the most a map can have"):
        services.set_journey(user=facilitator, ecomap=ecomap, key="mr-c", name="Mr C", station_keys=["gp", "home"])


def test_edit_pages_are_for_facilitators_only(client, member, ecomap):
    client.force_login(member)
    assert client.get(reverse("ecomaps:station_edit", args=[ecomap.pk, "gp"])).status_code == 404
    assert client.get(reverse("ecomaps:journey_edit", args=[ecomap.pk, "mr-b"])).status_code == 404
