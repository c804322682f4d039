"""Eco-map verbs: every bad input named in the issue gets a precise message and changes nothing."""

from __future__ import annotations

import pytest

from communities.models import Membership
from ecomaps import services
from ecomaps.models import Annotation, EcoMap, Journey, Station, Stop
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


def _snapshot(ecomap: EcoMap):
    ecomap.refresh_from_db()
    return (
        ecomap.version,
        list(Station.objects.filter(map=ecomap).values_list("key", "pinned_col", "pinned_row")),
        list(Stop.objects.filter(journey__map=ecomap).values_list("journey__key", "position", "station__key")),
        Annotation.objects.filter(map=ecomap).count(),
    )


def test_the_map_is_drawn_once_per_change_and_stored(facilitator, ecomap):
    assert ecomap.drawn_version == ecomap.version
    assert "<svg" in ecomap.svg and "Care scheduling system" in ecomap.svg
    before = ecomap.version
    services.add_station(user=facilitator, ecomap=ecomap, key="carers", name="Carers' centre", kind="asset")
    ecomap.refresh_from_db()
    assert ecomap.version == before + 1 and ecomap.drawn_version == ecomap.version
    assert "Carers&#x27; centre" in ecomap.svg or "Carers&#39; centre" in ecomap.svg
    assert set(ecomap.layout["stations"]) == set(Station.objects.filter(map=ecomap).values_list("key", flat=True))


def test_a_journey_may_return_to_a_station(ecomap):
    stops = list(Journey.objects.get(map=ecomap, key="mrs-a").stops.values_list("station__key", flat=True))
    assert stops.count("scheduling") == 2


@pytest.mark.parametrize(
    ("stops", "message"),
    [
        (["ward", "nowhere", "home", "elsewhere"], "names stations that are not on this map: nowhere, elsewhere"),
        (["ward"], "needs at least two stops"),
        (["ward", "ward", "home"], "stops at “ward” twice in a row (steps 1 and 2)"),
    ],
)
def test_a_bad_journey_is_refused_precisely(facilitator, ecomap, stops, message):
    before = _snapshot(ecomap)
    with pytest.raises(services.InvalidMap) as error:
        services.set_journey(user=facilitator, ecomap=ecomap, key="mrs-a", name="Mrs A", station_keys=stops)
    assert message in str(error.value)
    assert _snapshot(ecomap) == before


def test_a_branch_must_leave_from_its_journey(facilitator, ecomap):
    with pytest.raises(services.InvalidMap, match="is not a stop on “Mr B, from his GP”"):
        services.set_journey(
            user=facilitator, ecomap=ecomap, key="b2", name="Branch", station_keys=["ward", "home"], branch_of="mr-b"
        )
    branch = services.set_journey(
        user=facilitator, ecomap=ecomap, key="b2", name="Branch", station_keys=["gp", "provider"], branch_of="mr-b"
    )
    assert branch.branch_of.key == "mr-b"


def test_removing_a_station_in_use_names_the_journeys_and_offers_a_reroute(facilitator, ecomap):
    station = Station.objects.get(map=ecomap, key="gp")
    before = _snapshot(ecomap)
    with pytest.raises(services.StationInUse) as error:
        services.remove_station(user=facilitator, station=station)
    assert "“GP practice” is a stop on 1 journey(s): Mr B, from his GP. Reroute them" in str(error.value)
    assert error.value.journeys == ["Mr B, from his GP"]
    assert _snapshot(ecomap) == before
    # Mr B goes gp, scheduling, home: rerouted, he starts at the scheduling system.
    services.remove_station(user=facilitator, station=station, reroute=True)
    assert list(Journey.objects.get(key="mr-b").stops.values_list("station__key", flat=True)) == ["scheduling", "home"]
    assert not Station.objects.filter(map=ecomap, key="gp").exists()


def test_rerouting_refuses_when_step_annotations_would_move(facilitator, ecomap):
    station = Station.objects.get(map=ecomap, key="discharge")
    before = _snapshot(ecomap)
    with pytest.raises(services.InvalidMap, match="annotations pinned to its steps"):
        services.remove_station(user=facilitator, station=station, reroute=True)
    assert _snapshot(ecomap) == before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            {"journey": "mr-b", "segment": 3},
            "Step 3 is not part of the journey “Mr B, from his GP”, which has steps 1 to 2.",
        ),
        ({"journey": "mr-b", "segment": 0}, "Step 0 is not part of the journey"),
        ({"journey": "nobody", "segment": 1}, "No journey with the id “nobody”"),
        ({"station": "moon"}, "No station with the id “moon”"),
        ({"station": "gp", "journey": "mr-b", "segment": 1}, "Pin the annotation to one station"),
    ],
)
def test_an_annotation_on_a_step_not_in_the_journey_is_refused(member, ecomap, target, message):
    before = _snapshot(ecomap)
    with pytest.raises(services.InvalidMap) as error:
        services.add_annotation(user=member, ecomap=ecomap, kind="pain", text="Long wait", **target)
    assert message in str(error.value)
    assert _snapshot(ecomap) == before


def test_members_annotate_and_endorse_but_only_facilitators_change_the_structure(member, other_member, ecomap):
    note = services.add_annotation(
        user=member, ecomap=ecomap, kind="opportunity", text="Trusted assessor", journey="mr-b", segment=1
    )
    assert note.raised_by == member and note.segment_position == 0
    assert services.endorse(user=member, annotation=note) == 1
    assert services.endorse(user=member, annotation=note) == 1  # once each
    with pytest.raises(services.NotAllowed):
        services.add_station(user=member, ecomap=ecomap, key="x", name="X")
    with pytest.raises(services.NotAllowed):
        services.endorse(user=other_member, annotation=note)  # not in this private community


def test_the_size_limit_is_enforced(facilitator, ecomap, monkeypatch):
    monkeypatch.setattr(services, "MAX_STATIONS", Station.objects.filter(map=ecomap).count())
    before = _snapshot(ecomap)
    with pytest.raises(services.InvalidMap, match="already has 6 stations, the most a map can have"):
        services.add_station(user=facilitator, ecomap=ecomap, key="more", name="More")
    assert _snapshot(ecomap) == before


def test_a_nudge_is_saved_and_kept_by_later_layouts(facilitator, ecomap):
    station = Station.objects.get(map=ecomap, key="home")
    services.nudge_station(user=facilitator, station=station, col=9, row=6)
    services.add_station(user=facilitator, ecomap=ecomap, key="later", name="Later")
    ecomap.refresh_from_db()
    assert (ecomap.layout["stations"]["home"]["col"], ecomap.layout["stations"]["home"]["row"]) == (9, 6)
    taken = ecomap.layout["stations"]["ward"]
    with pytest.raises(services.InvalidMap, match="is where “ward” is drawn"):
        services.nudge_station(user=facilitator, station=station, col=taken["col"], row=taken["row"])
