"""Importing a workshop spreadsheet: a good file becomes the map in one go; a bad one is reported
row by row with line numbers, and nothing at all is imported."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Membership
from ecomaps import services
from ecomaps.csv_import import read_csv
from ecomaps.models import Journey, Station, Stop
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = pytest.mark.django_db

GOOD = """record,id,name,type,organisation,description,stops,branch_of
station,carers,Carers' centre,Community asset,Carers NI,Support for unpaid carers,,
station,council,Council planners,organisation,District council,,,
journey,mr-c,"Mr C, at home with his daughter",,,Cared for by family,gp > carers > scheduling > home,
journey,mr-c-alt,"Mr C, if the carers' centre is full",,,,carers; council,mr-c
station,ward,Hospital ward (acute),service,South Eastern Trust,,,
"""


@pytest.fixture
def community(facilitator, member):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    return community


@pytest.fixture
def ecomap(facilitator, community):
    return make_map(facilitator, community)


def _state(ecomap):
    ecomap.refresh_from_db()
    return (
        ecomap.version,
        sorted(Station.objects.filter(map=ecomap).values_list("key", "name", "kind")),
        sorted(Stop.objects.filter(journey__map=ecomap).values_list("journey__key", "position", "station__key")),
    )


def test_a_good_file_adds_and_updates_stations_and_journeys_and_draws_once(facilitator, ecomap):
    version = ecomap.version
    result = services.import_csv(user=facilitator, ecomap=ecomap, raw=GOOD.encode())
    assert result.ok, result.errors
    ecomap.refresh_from_db()
    assert ecomap.version == version + 1  # one change, one drawing
    carers = Station.objects.get(map=ecomap, key="carers")
    assert (carers.kind, carers.organisation) == ("asset", "Carers NI")
    assert Station.objects.get(map=ecomap, key="ward").name == "Hospital ward (acute)"  # updated in place
    mr_c = Journey.objects.get(map=ecomap, key="mr-c")
    assert list(mr_c.stops.values_list("station__key", flat=True)) == ["gp", "carers", "scheduling", "home"]
    assert Journey.objects.get(map=ecomap, key="mr-c-alt").branch_of == mr_c
    assert "Carers" in ecomap.svg and set(ecomap.layout["stations"]) >= {"carers", "council"}


BAD = """record,id,name,type,stops,branch_of
station,carers,Carers' centre,asset,,
station,carers,Carers again,asset,,
station,lab,Lab,laboratory,,
journey,mr-c,Mr C,,gp > atlantis > home,
journey,mr-d,,,gp,
journey,mr-e,Mr E,,home > home > gp,
journey,mr-f,Mr F,,ward > home,nobody
spaceship,x,X,,,
"""


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(facilitator, ecomap):
    before = _state(ecomap)
    result = services.import_csv(user=facilitator, ecomap=ecomap, raw=BAD.encode())
    assert not result.ok and result.stations == [] and result.journeys == []
    assert result.errors == [
        "Line 3: the station id “carers” is already used on line 2.",
        "Line 4: “laboratory” is not a station type (use service, team, organisation, role, asset, touchpoint).",
        "Line 5: the stops name stations that are neither in the file nor on the map: atlantis.",
        "Line 6: the name is empty; a journey needs at least two stops.",
        "Line 7: it stops at “home” twice in a row (stops 1 and 2).",
        "Line 8: it branches from “nobody”, which is not another journey here.",
        "Line 9: the record is “spaceship”; it must be station or journey.",
    ]
    assert _state(ecomap) == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"record,id,name,colour\nstation,a,A,red\n", "Line 1: unknown column(s) colour (the columns are record, id"),
        (b"id,name\nx,X\n", "Line 1: the required column(s) record are missing."),
        (b"", "The file is empty."),
        (b"record,id,name\n", "The file has a header row but no stations or journeys."),
        ("record,id,name\nstation,a,Caf\xe9\n".encode("latin-1"), "it is not UTF-8"),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message(facilitator, ecomap, raw, message):
    before = _state(ecomap)
    result = services.import_csv(user=facilitator, ecomap=ecomap, raw=raw)
    assert any(message in error for error in result.errors), result.errors
    assert _state(ecomap) == before


def test_a_file_past_the_size_limit_is_refused(facilitator, ecomap, monkeypatch):
    monkeypatch.setattr(services, "MAX_STATIONS", 8)
    rows = "".join(f"station,extra-{i},Extra {i}\n" for i in range(3))
    result = services.import_csv(user=facilitator, ecomap=ecomap, raw=("record,id,name\n" + rows).encode())
    assert result.errors == ["With this file the map would have 9 stations; the most a map can have is 8."]


def test_a_journey_with_annotated_steps_is_not_shortened_by_an_import(facilitator, ecomap):
    before = _state(ecomap)
    result = services.import_csv(
        user=facilitator, ecomap=ecomap, raw=b"record,id,name,stops\njourney,mrs-a,Mrs A,ward > home\n"
    )
    assert result.errors == ["Line 2: the map has annotations on step 3 of “mrs-a”, which these stops would remove."]
    assert _state(ecomap) == before


def test_members_cannot_import(member, ecomap):
    with pytest.raises(services.NotAllowed):
        services.import_csv(user=member, ecomap=ecomap, raw=GOOD.encode())


def test_the_upload_page_lists_the_errors_and_the_export_round_trips(client, facilitator, member, ecomap):
    url = reverse("ecomaps:import", args=[ecomap.pk])
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert "branch_of" in page and 'enctype="multipart/form-data"' in page
    response = client.post(url, {"file": SimpleUploadedFile("map.csv", BAD.encode(), content_type="text/csv")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved." in html and "Line 5: the stops name stations" in html
    exported = client.get(reverse("ecomaps:csv", args=[ecomap.pk])).content.decode()
    assert 'journey,mrs-a,"Mrs A, waiting after discharge",,,,ward > discharge > scheduling' in exported
    before = _state(ecomap)
    response = client.post(
        url, {"file": SimpleUploadedFile("map.csv", exported.encode(), content_type="text/csv")}, follow=True
    )
    assert "Imported 6 stations and 2 journeys." in response.content.decode()
    assert _state(ecomap)[1:] == before[1:]
    assert read_csv(exported.encode()).ok  # the export is whole: it names every station its journeys use
