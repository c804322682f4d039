"""Eco-map pages and exports: private maps are 404 to outsiders on every path, the map page runs a
fixed number of queries however big the map, and every change works from plain HTML forms."""

from __future__ import annotations

import json
import re

import pytest
from django.middleware.csrf import _does_token_match
from django.urls import reverse

from communities.models import Membership
from ecomaps import services, views
from ecomaps.models import EcoMap, Station
from ecomaps.png import MAX_PIXELS, svg_to_png
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "non_member", "pending", "member", "facilitator", "curator"]
INSIDERS = {"member", "facilitator", "curator"}
PATHS = ["ecomaps:map", "ecomaps:svg", "ecomaps:png", "ecomaps:json", "ecomaps:csv", "ecomaps:revisions"]


@pytest.fixture
def world(facilitator, member, curator):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    pending = UserFactory()
    add_member(pending, community, state=Membership.State.PENDING)
    people = {
        "anonymous": None,
        "non_member": UserFactory(),
        "pending": pending,
        "member": member,
        "facilitator": facilitator,
        "curator": curator,
    }
    return make_map(facilitator, community), people


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("name", PATHS)
def test_a_private_communitys_map_and_exports_are_404_to_outsiders(client, world, viewer, name):
    ecomap, people = world
    if people[viewer]:
        client.force_login(people[viewer])
    response = client.get(reverse(name, args=[ecomap.pk]))
    if viewer in INSIDERS:
        assert response.status_code == 200
        if name == "ecomaps:png":
            assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG\r\n")
        elif name == "ecomaps:revisions":
            assert "Added the station “Care scheduling system”" in response.content.decode()
        else:
            assert "Care scheduling system" in response.content.decode()
    else:
        assert response.status_code == 404
        assert b"scheduling" not in response.content and not response.content.startswith(b"\x89PNG")


@pytest.mark.parametrize("viewer", ["anonymous", "non_member"])
def test_outsiders_cannot_change_a_private_map(client, world, viewer):
    ecomap, people = world
    if people[viewer]:
        client.force_login(people[viewer])
    version = ecomap.version
    response = client.post(
        reverse("ecomaps:station_add", args=[ecomap.pk]), {"station-name": "Sneaky", "station-kind": "team"}
    )
    assert response.status_code in (302, 404)
    if viewer == "non_member":
        assert response.status_code == 404
    ecomap.refresh_from_db()
    assert ecomap.version == version and not Station.objects.filter(name="Sneaky").exists()


def test_the_community_map_list_is_private_too(client, world):
    ecomap, people = world
    url = reverse("ecomaps:community", args=[ecomap.community.slug])
    client.force_login(people["non_member"])
    assert client.get(url).status_code == 404
    client.force_login(people["member"])
    assert ecomap.title in client.get(url).content.decode()


def test_the_map_page_shows_the_stored_drawing_and_the_text_alternative(client, world):
    ecomap, people = world
    client.force_login(people["member"])
    html = client.get(reverse("ecomaps:map", args=[ecomap.pk])).content.decode()
    assert ecomap.svg in html
    # The text alternative comes before the drawing in the page (list first on phones).
    assert html.index('id="text-heading"') < html.index('id="drawing-heading"')
    assert "Step 3: then to Independent-sector care provider" in html
    assert "803 people waiting" in html and "(patient or carer)" in html
    listed = client.get(reverse("ecomaps:map", args=[ecomap.pk]) + "?view=list").content.decode()
    assert "<svg xmlns" not in listed and "Mrs A, waiting after discharge" in listed


def test_the_map_page_does_not_lay_the_map_out(client, world, monkeypatch):
    ecomap, people = world
    client.force_login(people["member"])

    def refuse(*args, **kwargs):
        raise AssertionError("the page laid the map out")

    monkeypatch.setattr(services, "compute_layout", refuse)
    monkeypatch.setattr(services, "render_svg", refuse)
    assert client.get(reverse("ecomaps:map", args=[ecomap.pk])).status_code == 200


def _grow(facilitator, ecomap: EcoMap, stations: int, journeys: int) -> None:
    for i in range(stations):
        services.add_station(user=facilitator, ecomap=ecomap, key=f"extra-{i}", name=f"Extra {i}")
    for j in range(journeys):
        services.set_journey(
            user=facilitator,
            ecomap=ecomap,
            key=f"more-{j}",
            name=f"Journey {j}",
            station_keys=[f"extra-{(j + k) % stations}" for k in range(4)],
        )
        services.add_annotation(
            user=facilitator, ecomap=ecomap, kind="pain", text=f"Wait {j}", journey=f"more-{j}", segment=1
        )


@pytest.mark.parametrize("size", [0, 1])
def test_the_map_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, size):
    ecomap, people = world
    if size:
        _grow(people["facilitator"], ecomap, 12, 6)
    client.force_login(people["member"])
    client.get(reverse("ecomaps:map", args=[ecomap.pk]))  # warm the session
    # Base page: session, user, groups, site, two permission look-ups, profile, unread count (8).
    # The map: map, membership, stations, journeys, stops, links, annotations, my endorsements (8),
    # whatever the size of the map (the groups come with the user: accounts/backends.py).
    with django_assert_num_queries(11):
        assert client.get(reverse("ecomaps:map", args=[ecomap.pk])).status_code == 200


def test_the_json_export_has_the_whole_map(client, world):
    ecomap, people = world
    client.force_login(people["member"])
    data = json.loads(client.get(reverse("ecomaps:json", args=[ecomap.pk])).content)
    mrs_a = next(j for j in data["journeys"] if j["id"] == "mrs-a")
    assert mrs_a["stops"] == ["ward", "discharge", "scheduling", "provider", "scheduling", "home"]
    assert mrs_a["step_annotations"][0]["step"] == 3 and mrs_a["step_annotations"][0]["lived_experience"]
    assert {s["id"] for s in data["stations"]} >= {"ward", "provider"}
    assert data["links"][0]["kind"] == "contract"


def test_forms_build_a_map_without_javascript(client, world):
    ecomap, people = world
    client.force_login(people["facilitator"])
    url = reverse("ecomaps:map", args=[ecomap.pk])
    client.post(
        reverse("ecomaps:station_add", args=[ecomap.pk]),
        {"station-name": "Carers' centre", "station-key": "carers", "station-kind": "asset"},
    )
    response = client.post(
        reverse("ecomaps:journey_set", args=[ecomap.pk]),
        {"journey-name": "Mrs C", "journey-stops": "gp, carers\nhome"},
        follow=True,
    )
    assert "Journey saved." in response.content.decode()
    response = client.post(
        reverse("ecomaps:journey_set", args=[ecomap.pk]),
        {"journey-name": "Mrs D", "journey-stops": "gp, atlantis"},
        follow=True,
    )
    assert "names stations that are not on this map: atlantis" in response.content.decode()
    response = client.post(reverse("ecomaps:station_remove", args=[ecomap.pk, "carers"]), follow=True)
    assert "is a stop on 1 journey(s): Mrs C" in response.content.decode()
    client.force_login(people["member"])
    response = client.post(
        reverse("ecomaps:annotation_add", args=[ecomap.pk]),
        {"note-kind": "bright", "note-text": "Carers know everyone", "note-target": "station:carers"},
        follow=True,
    )
    assert "Annotation added." in response.content.decode()
    assert "Carers know everyone" in client.get(url).content.decode()


def test_the_png_export_is_the_stored_drawing_rasterised_once_per_version(client, world, monkeypatch):
    ecomap, people = world
    client.force_login(people["member"])
    url = reverse("ecomaps:png", args=[ecomap.pk])
    first = client.get(url)
    assert first.content.startswith(b"\x89PNG\r\n\x1a\n") and len(first.content) > 1000
    assert first["Content-Disposition"] == 'attachment; filename="waiting-for-care-at-home.png"'

    def refuse(svg):
        raise AssertionError("rasterised again for the same version")

    monkeypatch.setattr(views, "svg_to_png", refuse)
    assert client.get(url).content == first.content


def test_a_big_drawing_is_scaled_down_to_the_pixel_limit():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="4000"><rect width="20000" height="4000"/></svg>'
    )
    png = svg_to_png(svg)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width * height <= MAX_PIXELS * 1.01 and width > 4 * height


def test_the_text_alternative_is_rendered_once_per_version_and_each_viewer_sees_their_own(client, world, monkeypatch):
    ecomap, people = world
    rendered = []
    real = views.render_to_string
    monkeypatch.setattr(views, "render_to_string", lambda name, *a, **k: rendered.append(name) or real(name, *a, **k))
    url = reverse("ecomaps:map", args=[ecomap.pk])
    note = ecomap.annotations.get(kind="pain")
    client.force_login(people["facilitator"])
    services.endorse(user=people["facilitator"], annotation=note)
    first = client.get(url).content.decode()
    client.force_login(people["member"])
    second = client.get(url).content.decode()
    client.get(url)
    # Kept per editing rights: once for the facilitator's kind of copy, once for the member's.
    assert rendered.count("ecomaps/includes/text.html") == 2
    # Each viewer's own annotation state and CSRF token, never a slot or a placeholder.
    assert "Take back my endorsement" in first and "Take back my endorsement" not in second
    assert "Endorsed by 1." in second and "Change<span" in first and "Change<span" not in second
    for page in (first, second):
        assert "<!--ecomap-note:" not in page and "ecomap-csrf-slot" not in page
    # The kept copy's forms carry this viewer's token (the member's endorse forms here).
    page_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second)[1]
    assert _does_token_match(page_token, client.cookies["csrftoken"].value)
    # An endorsement does not change the version, and still shows at once.
    services.endorse(user=people["member"], annotation=note)
    assert "Endorsed by 2." in client.get(url).content.decode()
    # A change to the map (a new version) shows too: the kept copy is of the version before.
    services.add_station(user=people["facilitator"], ecomap=ecomap, key="hub", name="Community hub")
    assert 'id="station-hub"' in client.get(url).content.decode()
    assert rendered.count("ecomaps/includes/text.html") == 3


def test_a_public_map_sets_no_csrf_cookie_for_a_reader_without_forms(client, facilitator):
    community = make_community("Open care at home")
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    ecomap = make_map(facilitator, community)
    for _ in range(2):  # rendering the kept text alternative, then reading it
        response = client.get(reverse("ecomaps:map", args=[ecomap.pk]))
        assert response.status_code == 200 and "Care scheduling system" in response.content.decode()
        assert "csrftoken" not in response.cookies
