"""Workshop changes patch open pages in place: the drawing's patch turns the old stored SVG into
the new one element by element, the text entries named are the ones that changed, a change that
moves much of the layout asks for the whole page, and the entries endpoint follows the map's
privacy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Membership
from ecomaps import services
from ecomaps.layout import JourneyInput, MapInput, StationInput, compute_layout
from ecomaps.models import Revision
from ecomaps.patch import MAX_ELEMENTS, _elements, svg_patch, text_entries
from ecomaps.render import render_svg
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import generated_map, make_map


def _draw(data: MapInput) -> str:
    layout = compute_layout(data)
    names = {s.key: {"name": s.name} for s in data.stations}
    return render_svg(
        title="Map",
        layout=layout,
        stations=names,
        journeys=[{"key": j.key, "name": j.key} for j in data.journeys],
        annotations=[],
    )


def _apply(old_svg: str, patch: dict) -> list[tuple[str, str]]:
    """What ecomap-live.js does to the drawing, on the (id, markup) list."""
    elements = [e for e in _elements(old_svg)[1] if e[0] not in patch["remove"]]
    for element_id, after, markup in patch["upsert"]:
        elements = [e for e in elements if e[0] != element_id]
        at = 0 if not after else [e[0] for e in elements].index(after) + 1
        elements.insert(at, (element_id, markup))
    return elements


@pytest.mark.parametrize("change", ["add", "rename", "remove"])
def test_the_patch_turns_the_old_drawing_into_the_new(change):
    before = generated_map(60, 8, seed=2)
    if change == "add":  # a loose station: placed below, nothing else moves
        after = MapInput([*before.stations, StationInput("new", "Carers' centre")], before.journeys)
    elif change == "rename":
        after = MapInput(
            [StationInput(s.key, "Renamed" if s.key == "s5" else s.name) for s in before.stations], before.journeys
        )
    else:
        last = before.journeys[-1]
        after = MapInput(before.stations, [*before.journeys[:-1], JourneyInput(last.key, last.stops[:-1])])
    old_svg, new_svg = _draw(before), _draw(after)
    patch = svg_patch(old_svg, new_svg)
    assert patch is not None
    assert 0 < len(patch["upsert"]) + len(patch["remove"]) <= MAX_ELEMENTS
    assert _apply(old_svg, patch) == _elements(new_svg)[1]
    if change == "add":
        assert "ecomap-station-new" in [u[0] for u in patch["upsert"]]


def test_a_change_that_moves_the_layout_asks_for_the_whole_page():
    before = generated_map(60, 8, seed=2)
    # A new first journey through many stations reorders the columns: most of the drawing moves.
    keys = tuple(s.key for s in before.stations[::2])
    after = MapInput(before.stations, [JourneyInput("a-first", keys), *before.journeys])
    assert svg_patch(_draw(before), _draw(after)) is None
    assert svg_patch("", _draw(before)) is None


def test_text_entries_name_what_shows_a_change():
    old = {
        "stations": {"a": {"name": "A"}, "b": {"name": "B"}, "c": {"name": "C"}},
        "journeys": {"j": {"name": "J", "stops": ["a", "b"]}, "k": {"name": "K", "stops": ["c", "a"]}},
        "links": {},
        "annotations": {},
    }
    new = {**old, "stations": {**old["stations"], "b": {"name": "Bee"}}}
    # A renamed station: its row, the journeys whose steps name it, and the links list.
    assert text_entries(old, new, ["j", "k"], ["j", "k"]) == {"journeys": ["j"], "stations": ["b"], "links": True}
    # A station's annotation shows at each step through it; a step's only in its journey.
    noted = {**old, "annotations": {"1": {"kind": "pain", "on": "station a"}, "2": {"on": "journey k, step 1"}}}
    assert text_entries(old, noted, ["j", "k"], ["j", "k"]) == {
        "journeys": ["j", "k"],
        "stations": ["a"],
        "links": False,
    }
    # A changed journey: its block and the rows of the stations it stops at (old and new stops).
    rerouted = {**old, "journeys": {**old["journeys"], "k": {"name": "K", "stops": ["c", "b"]}}}
    assert text_entries(old, rerouted, ["j", "k"], ["j", "k"]) == {
        "journeys": ["k"],
        "stations": ["a", "b", "c"],
        "links": False,
    }


@pytest.mark.django_db
def test_the_entries_endpoint_gives_the_named_entries_as_the_viewer_may_see_them(client, facilitator, member):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    ecomap = make_map(facilitator, community)
    url = reverse("ecomaps:entries", args=[ecomap.pk])
    query = {"journey": ["mrs-a", "gone"], "station": ["home"], "links": "1"}
    client.force_login(UserFactory())
    assert client.get(url, query).status_code == 404
    client.force_login(member)
    data = client.get(url, query).json()
    assert data["version"] == ecomap.version
    assert [(e["key"], e["after"]) for e in data["journeys"]] == [("mrs-a", "")]
    assert (
        'id="journey-mrs-a"' in data["journeys"][0]["html"]
        and "Mrs A, waiting after discharge" in data["journeys"][0]["html"]
    )
    # A member may endorse but not change the map: the entries say so, as the page would.
    assert "Endorse" in data["journeys"][0]["html"] and "Change<span" not in data["journeys"][0]["html"]
    assert [e["key"] for e in data["stations"]] == ["home"] and 'id="station-home"' in data["stations"][0]["html"]
    assert "Contract: Discharge hub to Independent-sector care provider" in data["links"]
    assert data["counts"].startswith('<p class="nhsuk-body" id="ecomap-counts">6 stations')
    assert 'id="id_note-target"' in data["target"]


@pytest.mark.django_db
def test_a_stored_change_carries_its_patch_in_the_event(facilitator, monkeypatch):
    community = make_community("Care at home")
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    ecomap = make_map(facilitator, community)
    sent = []
    monkeypatch.setattr(services, "broadcast_on_commit", lambda group, event: sent.append(event))
    services.add_station(user=facilitator, ecomap=ecomap, key="carers", name="Carers' centre", kind="organisation")
    change = sent[-1]["change"]
    assert "ecomap-station-carers" in [u[0] for u in change["svg"]["upsert"]]
    assert change["entries"] == {"journeys": [], "stations": ["carers"], "links": True}
    assert sent[-1]["version"] == Revision.objects.filter(map=ecomap).latest("number").number
