"""Verbs for eco-maps. Keyword-only, one transaction each, permission checked here through
``ecomaps.permissions``; a refusal raises a :class:`MapError` whose message is fit to show the
person, and changes nothing. Every change lays the map out and renders it again, once, and stores
the result on the map (``layout``, ``svg``): pages and exports only read it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Profession
from communities.models import CommunityPage
from discussions.events import broadcast_on_commit
from ecomaps import events
from ecomaps.csv_import import CsvResult, ExistingMap, read_csv
from ecomaps.layout import JourneyInput, MapInput, StationInput, compute_layout
from ecomaps.models import (
    Annotation,
    EcoMap,
    Endorsement,
    Journey,
    Link,
    Review,
    ReviewResponse,
    Revision,
    Station,
    Stop,
    Suggestion,
)
from ecomaps.patch import svg_patch, text_entries
from ecomaps.permissions import map_access
from ecomaps.render import render_svg
from ecomaps.revisions import build_snapshot
from projects import permissions as project_permissions
from projects import services as project_services
from projects.models import PriorityPage, ProjectPage

# The documented size limit (README): the benchmark's larger map is exactly this big.
MAX_STATIONS = 1000
MAX_JOURNEYS = 60
MAX_STOPS = 200
MAX_ANNOTATIONS = 2000


class MapError(Exception):
    """A refusal or bad input; ``str(error)`` is a message for the person who asked."""


class NotAllowed(MapError):
    pass


class InvalidMap(MapError):
    pass


class StationInUse(MapError):
    """The station is still a stop on journeys; ``journeys`` names them so the page can offer a reroute."""

    def __init__(self, message: str, journeys: list[str]):
        super().__init__(message)
        self.journeys = journeys


def _require_edit(user, ecomap: EcoMap) -> None:
    if not map_access(user, ecomap).can_edit:
        raise NotAllowed("Only the map's facilitators can change its stations, journeys and links.")


def _require_facilitate(user, ecomap: EcoMap) -> None:
    if not map_access(user, ecomap).can_facilitate:
        raise NotAllowed("Only the map's facilitators can run workshops and validation rounds.")


def _require_contribute(user, ecomap: EcoMap) -> None:
    if not map_access(user, ecomap).can_contribute:
        raise NotAllowed("Only members can add to this map.")


def _locked(ecomap: EcoMap) -> EcoMap:
    # Changes to one map queue behind each other, so the version and drawing follow every change.
    return EcoMap.objects.select_for_update(of=("self",)).select_related("community", "priority").get(pk=ecomap.pk)


def redraw(ecomap: EcoMap, *, user, summary: str) -> EcoMap:
    """Lay out and render the map from what is stored, bump its version, store the drawing and
    keep the change as a :class:`Revision` (who, when, ``summary``, the whole map afterwards).
    Called by every verb inside its transaction; never by a page view."""
    stations = list(Station.objects.filter(map=ecomap).order_by("key"))
    journeys = list(Journey.objects.filter(map=ecomap).order_by("order", "key"))
    stops: dict[int, list[str]] = {}
    key_of = {s.pk: s.key for s in stations}
    for journey_id, station_id in (
        Stop.objects.filter(journey__map=ecomap).order_by("journey", "position").values_list("journey_id", "station_id")
    ):
        stops.setdefault(journey_id, []).append(key_of[station_id])
    links = list(
        Link.objects.filter(map=ecomap)
        .order_by("pk")
        .values_list("source__key", "target__key", "kind", "description", named=True)
    )
    data = MapInput(
        stations=[
            StationInput(
                s.key,
                s.name,
                (s.pinned_col, s.pinned_row) if s.pinned_col is not None and s.pinned_row is not None else None,
            )
            for s in stations
        ],
        journeys=[JourneyInput(j.key, tuple(stops.get(j.pk, ()))) for j in journeys],
        links=sorted((link.source__key, link.target__key) for link in links),
    )
    layout = compute_layout(data)
    journey_key = {j.pk: j.key for j in journeys}
    notes = []
    annotations = list(
        Annotation.objects.filter(map=ecomap).select_related("station", "link__source", "link__target").order_by("pk")
    )
    for note in annotations:
        entry = {"id": note.pk, "kind": note.kind, "text": note.text}
        if note.station_id:
            entry["station"] = note.station.key
        elif note.journey_id:
            entry |= {"journey": journey_key[note.journey_id], "position": note.segment_position}
        else:
            entry |= {"link_from": note.link.source.key, "link_to": note.link.target.key}
        notes.append(entry)
    svg = render_svg(
        title=ecomap.title,
        layout=layout,
        stations={s.key: {"name": s.name, "organisation": s.organisation, "kind": s.kind} for s in stations},
        journeys=[{"key": j.key, "name": j.name} for j in journeys],
        annotations=notes,
    )
    old_svg, old_order = ecomap.svg, [j["key"] for j in ecomap.layout.get("journeys", [])]
    ecomap.version = F("version") + 1
    ecomap.layout = layout
    ecomap.svg = svg
    ecomap.save(update_fields=["version", "layout", "svg", "updated_at"])
    ecomap.refresh_from_db(fields=["version"])
    EcoMap.objects.filter(pk=ecomap.pk).update(drawn_version=ecomap.version)
    ecomap.drawn_version = ecomap.version
    old_snapshot = Revision.objects.filter(map=ecomap).order_by("-number").values_list("snapshot", flat=True).first()
    snapshot = build_snapshot(ecomap, stations, journeys, stops, links, annotations)
    Revision.objects.create(
        map=ecomap,
        number=ecomap.version,
        author=user if getattr(user, "is_authenticated", False) else None,
        summary=summary[:300],
        snapshot=snapshot,
    )
    # What open pages need to patch themselves (None: they fetch the map again), see ecomaps.patch.
    drawing = svg_patch(old_svg, svg)
    entries = text_entries(old_snapshot, snapshot, old_order, [j.key for j in journeys]) if old_snapshot else None
    change = {"svg": drawing, "entries": entries} if drawing is not None and entries is not None else None
    # Stored first, told after: everyone with the map open hears of it once the change commits.
    broadcast_on_commit(
        events.map_group(ecomap.pk), events.map_changed(ecomap.pk, ecomap.version, summary[:300], user, change)
    )
    return ecomap


def _clean_key(value: str, what: str) -> str:
    key = slugify(value or "")[:60]
    if not key:
        raise InvalidMap(f"Give the {what} a short id made of letters, numbers or hyphens.")
    return key


@transaction.atomic
def create_map(
    *,
    user,
    title: str,
    description: str = "",
    community: CommunityPage | None = None,
    priority: PriorityPage | None = None,
) -> EcoMap:
    """Start an empty map belonging to a community or a priority; its facilitators (or the
    priority's leads) may do this."""
    if (community is None) == (priority is None):
        raise InvalidMap("A map belongs to exactly one community or one priority.")
    title = (title or "").strip()
    if not title:
        raise InvalidMap("Give the map a title.")
    ecomap = EcoMap(title=title[:200], description=description, community=community, priority=priority, created_by=user)
    _require_edit(user, ecomap)
    ecomap.save()
    return redraw(ecomap, user=user, summary=f"Started the map “{ecomap.title}”")


@transaction.atomic
def add_station(
    *,
    user,
    ecomap: EcoMap,
    key: str,
    name: str,
    kind: str = Station.Kind.SERVICE,
    organisation: str = "",
    description: str = "",
) -> Station:
    """Add a station (a service, team, organisation, role, community asset or touchpoint)."""
    ecomap = _locked(ecomap)
    _require_edit(user, ecomap)
    key = _clean_key(key or name, "station")
    name = (name or "").strip()
    if not name:
        raise InvalidMap("Give the station a name.")
    if kind not in Station.Kind.values:
        raise InvalidMap(f"“{kind}” is not a station type. Use one of: {', '.join(Station.Kind.values)}.")
    if Station.objects.filter(map=ecomap).count() >= MAX_STATIONS:
        raise InvalidMap(
            f"This map already has {MAX_STATIONS:,} stations, the most a map can have. "
            "Remove one first, or start a second map for part of the system."
        )
    if Station.objects.filter(map=ecomap, key=key).exists():
        raise InvalidMap(f"This map already has a station with the id “{key}”.")
    station = Station.objects.create(
        map=ecomap, key=key, name=name[:120], kind=kind, organisation=organisation[:160], description=description
    )
    redraw(ecomap, user=user, summary=f"Added the station “{station.name}”")
    return station


class StaleEdit(MapError):
    """Someone else saved the same element after this person opened the form: nothing was saved."""


def _stale(ecomap: EcoMap, what: str) -> StaleEdit:
    latest = Revision.objects.filter(map=ecomap).select_related("author").order_by("-number").first()
    who = ""
    if latest is not None:
        name = latest.author.display_name if latest.author else "someone"
        who = f" (the last change to the map was by {name}: {latest.summary[:1].lower()}{latest.summary[1:]})"
    return StaleEdit(
        f"{what} was changed by someone else after you opened the form{who}. Your change was not saved. "
        "The form now shows what is saved; check it, and save again if you still want your change."
    )


@transaction.atomic
def update_station(
    *,
    user,
    station: Station,
    expected_version: int | None,
    name: str,
    kind: str,
    organisation: str = "",
    description: str = "",
) -> Station:
    """Change a station's name, type, organisation or description. ``expected_version`` is the
    station's version when the form was opened; if it has changed since, nothing is saved and
    :class:`StaleEdit` says so (``None`` skips the check, for loaders)."""
    ecomap = _locked(station.map)
    _require_edit(user, ecomap)
    current = Station.objects.filter(pk=station.pk).first()
    if current is None:
        raise InvalidMap("That station has been removed from the map.")
    if expected_version is not None and current.version != expected_version:
        raise _stale(ecomap, f"The station “{current.name}”")
    name = (name or "").strip()
    if not name:
        raise InvalidMap("Give the station a name.")
    if kind not in Station.Kind.values:
        raise InvalidMap(f"“{kind}” is not a station type. Use one of: {', '.join(Station.Kind.values)}.")
    current.name, current.kind = name[:120], kind
    current.organisation, current.description = organisation[:160], description
    current.version = F("version") + 1
    current.save(update_fields=["name", "kind", "organisation", "description", "version"])
    current.refresh_from_db()
    redraw(ecomap, user=user, summary=f"Changed the station “{current.name}”")
    return current


def _check_stops(ecomap: EcoMap, name: str, station_keys: Sequence[str]) -> list[Station]:
    keys = [k.strip() for k in station_keys if k and k.strip()]
    if len(keys) < 2:
        raise InvalidMap(f"The journey “{name}” needs at least two stops.")
    if len(keys) > MAX_STOPS:
        raise InvalidMap(f"A journey can have at most {MAX_STOPS} stops; “{name}” has {len(keys)}.")
    known = {s.key: s for s in Station.objects.filter(map=ecomap, key__in=set(keys))}
    missing = [k for k in dict.fromkeys(keys) if k not in known]
    if missing:
        raise InvalidMap(
            f"The journey “{name}” names stations that are not on this map: {', '.join(missing)}. "
            "Add them first, or correct the ids."
        )
    for position, (a, b) in enumerate(itertools.pairwise(keys), start=1):
        if a == b:
            raise InvalidMap(
                f"The journey “{name}” stops at “{a}” twice in a row (steps {position} and {position + 1})."
            )
    return [known[k] for k in keys]


@transaction.atomic
def set_journey(
    *,
    user,
    ecomap: EcoMap,
    key: str,
    name: str,
    station_keys: Sequence[str],
    description: str = "",
    branch_of: str = "",
    expected_version: int | None = None,
) -> Journey:
    """Create or replace a journey: its name and its stops, in order. A journey may come back to a
    station; a branch starts at a station of the journey it branches from.

    ``expected_version`` is what the form was opened on: 0 for a new journey (an id already taken
    is refused), else the journey's version then; a journey changed since is refused with
    :class:`StaleEdit`, so a second editor never silently overwrites the first (``None`` skips the
    check, for loaders)."""
    ecomap = _locked(ecomap)
    _require_edit(user, ecomap)
    name = (name or "").strip()
    if not name:
        raise InvalidMap("Give the journey a name, for example “Mrs A, waiting for care after discharge”.")
    key = _clean_key(key or name, "journey")
    journey = Journey.objects.filter(map=ecomap, key=key).first()
    if expected_version == 0 and journey is not None:
        raise InvalidMap(
            f"The map already has a journey with the id “{key}” (“{journey.name}”), so nothing was saved. "
            "To change it, use “Change” beside it; for a new journey, choose another id."
        )
    if expected_version and journey is None:
        raise InvalidMap(f"The journey “{key}” has been removed from the map, so nothing was saved.")
    if expected_version and journey.version != expected_version:
        raise _stale(ecomap, f"The journey “{journey.name}”")
    stations = _check_stops(ecomap, name, station_keys)
    if journey is None and Journey.objects.filter(map=ecomap).count() >= MAX_JOURNEYS:
        raise InvalidMap(
            f"This map already has {MAX_JOURNEYS} journeys, the most a map can have. "
            "Remove one first, or start a second map for part of the system."
        )
    parent = None
    if branch_of:
        parent = Journey.objects.filter(map=ecomap, key=branch_of).first()
        if parent is None or parent.key == key:
            raise InvalidMap(
                f"The journey “{name}” branches from “{branch_of}”, which is not another journey on this map."
            )
        if not Stop.objects.filter(journey=parent, station=stations[0]).exists():
            raise InvalidMap(
                f"A branch starts where it leaves its journey: “{stations[0].name}” is not a stop on “{parent.name}”."
            )
    if journey is not None:
        kept = Annotation.objects.filter(journey=journey, segment_position__gte=len(stations) - 1).count()
        if kept:
            raise InvalidMap(
                f"{kept} annotation(s) are pinned to steps of “{journey.name}” that the new stops would remove. "
                "Move or remove them first."
            )
        journey.stops.all().delete()
        journey.name, journey.description, journey.branch_of = name[:200], description, parent
        journey.version += 1
        journey.save()
        summary = f"Changed the journey “{journey.name}”"
    else:
        order = Journey.objects.filter(map=ecomap).count()
        journey = Journey.objects.create(
            map=ecomap, key=key, name=name[:200], description=description, branch_of=parent, order=order
        )
        summary = f"Added the journey “{journey.name}”"
    Stop.objects.bulk_create(Stop(journey=journey, position=i, station=s) for i, s in enumerate(stations))
    redraw(ecomap, user=user, summary=summary)
    return journey


@transaction.atomic
def remove_station(*, user, station: Station, reroute: bool = False) -> None:
    """Remove a station. If journeys still stop there, refuse naming them unless ``reroute``: then
    each journey goes straight from the stop before to the stop after."""
    ecomap = _locked(station.map)
    _require_edit(user, ecomap)
    station = Station.objects.get(pk=station.pk)
    journeys = list(Journey.objects.filter(stops__station=station).distinct().order_by("order", "pk"))
    if journeys and not reroute:
        raise StationInUse(
            f"“{station.name}” is a stop on {len(journeys)} journey(s): {', '.join(j.name for j in journeys)}. "
            "Reroute them (each goes straight from the stop before to the stop after), or keep the station.",
            [j.name for j in journeys],
        )
    for journey in journeys:
        keys = [s.station.key for s in journey.stops.select_related("station")]
        rerouted = [k for k in keys if k != station.key]
        rerouted = [k for i, k in enumerate(rerouted) if i == 0 or rerouted[i - 1] != k]
        if len(rerouted) < 2:
            raise InvalidMap(
                f"Rerouting would leave “{journey.name}” with fewer than two stops; "
                "change or remove that journey first."
            )
        if Annotation.objects.filter(journey=journey).exists():
            raise InvalidMap(
                f"“{journey.name}” has annotations pinned to its steps, which rerouting would move. "
                "Move or remove them first."
            )
        journey.stops.all().delete()
        by_key = {s.key: s for s in Station.objects.filter(map=ecomap, key__in=set(rerouted))}
        Stop.objects.bulk_create(Stop(journey=journey, position=i, station=by_key[k]) for i, k in enumerate(rerouted))
        Journey.objects.filter(pk=journey.pk).update(version=F("version") + 1)
    station.delete()
    rerouted_note = f", rerouting {', '.join(f'“{j.name}”' for j in journeys)}" if journeys else ""
    redraw(ecomap, user=user, summary=f"Removed the station “{station.name}”{rerouted_note}")


@transaction.atomic
def add_link(
    *, user, ecomap: EcoMap, source: str, target: str, kind: str = Link.Kind.HANDOFF, description: str = ""
) -> Link:
    """Link two stations: a handoff, an information flow or a contract."""
    ecomap = _locked(ecomap)
    _require_edit(user, ecomap)
    found = {s.key: s for s in Station.objects.filter(map=ecomap, key__in=[source, target])}
    missing = [k for k in (source, target) if k not in found]
    if missing:
        raise InvalidMap(f"No station with the id {', '.join(f'“{k}”' for k in missing)} on this map.")
    if source == target:
        raise InvalidMap("A link joins two different stations.")
    if kind not in Link.Kind.values:
        raise InvalidMap(f"“{kind}” is not a kind of link. Use one of: {', '.join(Link.Kind.values)}.")
    link = Link.objects.create(
        map=ecomap, source=found[source], target=found[target], kind=kind, description=description[:300]
    )
    redraw(ecomap, user=user, summary=f"Added a link: {link}")
    return link


@transaction.atomic
def add_annotation(
    *,
    user,
    ecomap: EcoMap,
    kind: str,
    text: str,
    evidence: str = "",
    raised_by_name: str = "",
    lived_experience: bool = False,
    station: str = "",
    journey: str = "",
    segment: int | None = None,
    link: int | None = None,
    work: Sequence[ProjectPage] = (),
) -> Annotation:
    """Pin a pain point, bright spot, opportunity or data note to a station, to one step of a
    journey (``segment`` is the step's number, 1 for the first stop to the second) or to a link.
    ``work`` are write-ups working on it (loaders; people use :func:`start_write_up` and
    :func:`name_addressed`)."""
    ecomap = _locked(ecomap)
    _require_contribute(user, ecomap)
    if kind not in Annotation.Kind.values:
        raise InvalidMap(f"“{kind}” is not a kind of annotation. Use one of: {', '.join(Annotation.Kind.values)}.")
    text = (text or "").strip()
    if not text:
        raise InvalidMap("Say what the annotation is about.")
    if sum(bool(x) for x in (station, journey, link)) != 1:
        raise InvalidMap("Pin the annotation to one station, one journey step or one link.")
    if Annotation.objects.filter(map=ecomap).count() >= MAX_ANNOTATIONS:
        raise InvalidMap(f"A map can have at most {MAX_ANNOTATIONS} annotations.")
    target: dict = {}
    if station:
        found = Station.objects.filter(map=ecomap, key=station).first()
        if found is None:
            raise InvalidMap(f"No station with the id “{station}” on this map.")
        target["station"] = found
    elif journey:
        found = Journey.objects.filter(map=ecomap, key=journey).first()
        if found is None:
            raise InvalidMap(f"No journey with the id “{journey}” on this map.")
        steps = found.stops.count() - 1
        if segment is None or not 1 <= segment <= steps:
            raise InvalidMap(
                f"Step {segment if segment is not None else '(none)'} is not part of the journey “{found.name}”, "
                f"which has steps 1 to {steps}."
            )
        target |= {"journey": found, "segment_position": segment - 1}
    else:
        found = Link.objects.filter(map=ecomap, pk=link).first()
        if found is None:
            raise InvalidMap("That link is not on this map.")
        target["link"] = found
    note = Annotation.objects.create(
        map=ecomap,
        kind=kind,
        text=text[:300],
        evidence=evidence,
        raised_by=user,
        raised_by_name=(raised_by_name or getattr(user, "display_name", "") or "")[:120],
        lived_experience=lived_experience,
        **target,
    )
    if work:
        note.work.add(*work)
    redraw(ecomap, user=user, summary=f"Added the annotation “{note}”")
    return note


@transaction.atomic
def endorse(*, user, annotation: Annotation, endorsed: bool = True) -> int:
    """Endorse an annotation (or take the endorsement back); returns how many endorse it now."""
    _require_contribute(user, annotation.map)
    if endorsed:
        Endorsement.objects.get_or_create(annotation=annotation, user=user)
    else:
        Endorsement.objects.filter(annotation=annotation, user=user).delete()
    return Endorsement.objects.filter(annotation=annotation).count()


@transaction.atomic
def nudge_station(*, user, station: Station, col: int | None, row: int | None) -> Station:
    """Keep a station in a chosen grid cell of the drawing (``None`` for both lets the layout
    choose again). The cell must be free; the nudge is saved and every later layout keeps it."""
    ecomap = _locked(station.map)
    _require_edit(user, ecomap)
    if (col is None) != (row is None):
        raise InvalidMap("Give both a column and a row, or neither to let the layout place the station.")
    if col is not None and not (0 <= col <= 500 and 0 <= row <= 500):
        raise InvalidMap("Columns and rows run from 0 to 500.")
    if col is not None:
        for key, info in ecomap.layout.get("stations", {}).items():
            if key != station.key and (info["col"], info["row"]) == (col, row):
                raise InvalidMap(f"Column {col}, row {row} is where “{key}” is drawn; choose a free place.")
    Station.objects.filter(pk=station.pk).update(pinned_col=col, pinned_row=row)
    where = f"to column {col}, row {row}" if col is not None else "back to where the layout puts it"
    redraw(ecomap, user=user, summary=f"Moved the station “{station.name}” {where}")
    station.refresh_from_db()
    return station


def existing_for_import(ecomap: EcoMap) -> ExistingMap:
    """What an import may refer to or update on ``ecomap``."""
    existing = ExistingMap(station_keys=set(Station.objects.filter(map=ecomap).values_list("key", flat=True)))
    for journey_key, station_key in (
        Stop.objects.filter(journey__map=ecomap)
        .order_by("journey", "position")
        .values_list("journey__key", "station__key")
    ):
        existing.journey_stops.setdefault(journey_key, []).append(station_key)
    for journey_key, position in Annotation.objects.filter(map=ecomap, journey__isnull=False).values_list(
        "journey__key", "segment_position"
    ):
        existing.annotated_step[journey_key] = max(position, existing.annotated_step.get(journey_key, -1))
    return existing


@transaction.atomic
def import_csv(*, user, ecomap: EcoMap, raw: bytes) -> CsvResult:
    """Add or update stations and journeys from a workshop spreadsheet saved as CSV (columns in
    ``ecomaps.csv_import``). Every bad row is reported in the result and nothing is changed;
    otherwise all rows are applied and the map is drawn once."""
    ecomap = _locked(ecomap)
    _require_edit(user, ecomap)
    result = read_csv(raw, existing_for_import(ecomap))
    if not result.ok:
        return result
    stations = {s.key: s for s in Station.objects.filter(map=ecomap)}
    changed, new = [], []
    for row in result.stations:
        fields = {"name": row.name, "kind": row.kind, "organisation": row.organisation, "description": row.description}
        if row.key in stations:
            station = stations[row.key]
            for name, value in fields.items():
                setattr(station, name, value)
            station.version += 1
            changed.append(station)
        else:
            new.append(Station(map=ecomap, key=row.key, **fields))
    Station.objects.bulk_update(changed, ["name", "kind", "organisation", "description", "version"])
    Station.objects.bulk_create(new)
    stations = {s.key: s for s in Station.objects.filter(map=ecomap)}
    journeys = {j.key: j for j in Journey.objects.filter(map=ecomap)}
    order = len(journeys)
    for row in result.journeys:
        journey = journeys.get(row.key)
        if journey is None:
            journey = Journey.objects.create(
                map=ecomap, key=row.key, name=row.name, description=row.description, order=order
            )
            order += 1
            journeys[row.key] = journey
        else:
            journey.stops.all().delete()
            journey.name, journey.description = row.name, row.description
            journey.version += 1
        Stop.objects.bulk_create(
            Stop(journey=journey, position=i, station=stations[key]) for i, key in enumerate(row.stops)
        )
    for row in result.journeys:
        journey = journeys[row.key]
        journey.branch_of = journeys[row.branch_of] if row.branch_of else None
        journey.save(update_fields=["name", "description", "branch_of", "version"])
    redraw(
        ecomap,
        user=user,
        summary=f"Imported {len(result.stations)} station(s) and {len(result.journeys)} journey(s) from a CSV file",
    )
    return result


def is_lived_experience(user) -> bool:
    """Whether ``user`` takes part as a patient or carer (their profile says so)."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile is not None and profile.profession == Profession.LIVED_EXPERIENCE


@transaction.atomic
def open_review(*, user, ecomap: EcoMap) -> Review:
    """Open a validation round: people with lived experience may now endorse the map or comment
    on each journey until a facilitator closes it."""
    ecomap = _locked(ecomap)
    _require_facilitate(user, ecomap)
    if ecomap.review_open:
        raise InvalidMap("A validation round is already open for this map.")
    review = Review.objects.create(map=ecomap, opened_by=user)
    EcoMap.objects.filter(pk=ecomap.pk).update(review_open=True)
    return review


@transaction.atomic
def close_review(*, user, ecomap: EcoMap) -> Review:
    """Close the open round. If anyone endorsed the whole map, the map is marked validated now,
    by that many people; a round with no endorsement leaves the last validation as it was."""
    ecomap = _locked(ecomap)
    _require_facilitate(user, ecomap)
    review = Review.objects.filter(map=ecomap, closed_at__isnull=True).first()
    if review is None:
        raise InvalidMap("No validation round is open for this map.")
    count = ReviewResponse.objects.filter(review=review, journey__isnull=True, recognised=True).count()
    review.closed_at, review.closed_by, review.endorsed_by_count = timezone.now(), user, count
    review.save(update_fields=["closed_at", "closed_by", "endorsed_by_count"])
    changes = {"review_open": False}
    if count:
        changes |= {"validated_at": review.closed_at, "validated_by_count": count}
    EcoMap.objects.filter(pk=ecomap.pk).update(**changes)
    return review


@transaction.atomic
def respond_to_review(
    *, user, ecomap: EcoMap, journey: str = "", recognised: bool = False, comment: str = ""
) -> ReviewResponse:
    """A person with lived experience says whether they recognise the map (``journey`` empty) or
    one journey, with an optional comment; answering again replaces their earlier answer."""
    ecomap = _locked(ecomap)
    _require_contribute(user, ecomap)
    if not is_lived_experience(user):
        raise NotAllowed(
            "Validation rounds ask patients and carers. If that is you, say so in your profile "
            "(“Patient, carer or lived experience”)."
        )
    review = Review.objects.filter(map=ecomap, closed_at__isnull=True).first()
    if review is None:
        raise InvalidMap("No validation round is open for this map.")
    target = None
    if journey:
        target = Journey.objects.filter(map=ecomap, key=journey).first()
        if target is None:
            raise InvalidMap(f"No journey with the id “{journey}” on this map.")
    comment = (comment or "").strip()
    if not recognised and not comment:
        raise InvalidMap("Say whether you recognise it, or write a comment (or both).")
    response, _ = ReviewResponse.objects.update_or_create(
        review=review, user=user, journey=target, defaults={"recognised": recognised, "comment": comment[:2000]}
    )
    return response


MAX_PENDING_SUGGESTIONS = 200


@transaction.atomic
def suggest(*, user, ecomap: EcoMap, kind: str, data: dict) -> Suggestion:
    """A member proposes a station (name, key, kind, organisation, description) or a journey
    (name, key, stops, description, branch_of); a facilitator accepts or declines it."""
    ecomap = _locked(ecomap)
    _require_contribute(user, ecomap)
    if kind not in Suggestion.Kind.values:
        raise InvalidMap("Suggest a station or a journey.")
    if not (data.get("name") or "").strip():
        raise InvalidMap(f"Give the {kind} a name.")
    if Suggestion.objects.filter(map=ecomap, state=Suggestion.State.PENDING).count() >= MAX_PENDING_SUGGESTIONS:
        raise InvalidMap(
            f"This map already has {MAX_PENDING_SUGGESTIONS} suggestions waiting; "
            "ask a facilitator to go through them first."
        )
    return Suggestion.objects.create(map=ecomap, kind=kind, data=data, suggested_by=user)


@transaction.atomic
def decide_suggestion(*, user, suggestion: Suggestion, accept: bool) -> Suggestion:
    """Accept (add it to the map, through the usual service, refusing as it would) or decline a
    pending suggestion. A refused acceptance leaves the suggestion waiting."""
    ecomap = _locked(suggestion.map)
    _require_edit(user, ecomap)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != Suggestion.State.PENDING:
        raise InvalidMap(f"That suggestion was already {suggestion.get_state_display().lower()}.")
    if accept:
        data = suggestion.data
        if suggestion.kind == Suggestion.Kind.STATION:
            add_station(
                user=user,
                ecomap=ecomap,
                key=data.get("key", ""),
                name=data.get("name", ""),
                kind=data.get("kind", Station.Kind.SERVICE),
                organisation=data.get("organisation", ""),
                description=data.get("description", ""),
            )
        else:
            set_journey(
                user=user,
                ecomap=ecomap,
                key=data.get("key", ""),
                name=data.get("name", ""),
                station_keys=data.get("stops", []),
                description=data.get("description", ""),
                branch_of=data.get("branch_of", ""),
                expected_version=0,
            )
    suggestion.state = Suggestion.State.ACCEPTED if accept else Suggestion.State.DECLINED
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])
    return suggestion


# --- work under way: write-ups that address the map ------------------------------------------
# Linking a write-up is not a change to the map's drawing or history: the drawing is the same for
# everyone and its revisions are seen by every viewer, while a write-up (a draft above all) may be
# private. The map page shows the links, with each write-up's signal, per viewer (ecomaps.work).

ADDRESSABLE = (Annotation.Kind.PAIN_POINT, Annotation.Kind.OPPORTUNITY)


@transaction.atomic
def start_write_up(*, user, annotation: Annotation, title: str = "") -> ProjectPage:
    """Start a draft write-up (through :func:`projects.services.start_project`, with ``user`` as
    its first co-author) from an opportunity on the map, linked back to it: the write-up addresses
    the opportunity, and its summary says where it came from. A community's map gives the write-up
    its community."""
    ecomap = _locked(annotation.map)
    _require_contribute(user, ecomap)
    annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if annotation.kind != Annotation.Kind.OPPORTUNITY:
        raise InvalidMap(
            f"Only an opportunity can start a write-up; “{annotation.text}” is a "
            f"{annotation.get_kind_display().lower()}. To show work on it, name it from a write-up instead."
        )
    data: dict = {"summary": f"Started from the opportunity “{annotation.text}” on the system map “{ecomap.title}”."}
    if ecomap.community_id:
        data["communities"] = [ecomap.community]
    try:
        project = project_services.start_project(author=user, title=title or annotation.text, data=data)
    except project_services.ProjectError as error:
        raise InvalidMap(str(error)) from error
    annotation.work.add(project)
    return project


@transaction.atomic
def name_addressed(*, user, project: ProjectPage, ecomap: EcoMap, annotation_ids: Sequence[int]) -> list[Annotation]:
    """Say which pain points and opportunities of ``ecomap`` the write-up ``project`` addresses
    (replacing what it named on this map before). Its co-authors may, if they may add to the map."""
    ecomap = _locked(ecomap)
    _require_contribute(user, ecomap)
    if not project_permissions.can_edit_project(user, project):
        raise NotAllowed("Only the write-up's co-authors can say what it addresses.")
    wanted = set(annotation_ids)
    chosen = list(Annotation.objects.filter(map=ecomap, pk__in=wanted, kind__in=ADDRESSABLE).order_by("pk"))
    if len(chosen) != len(wanted):
        raise InvalidMap("Choose pain points or opportunities on this map; some of the ones chosen are not.")
    Annotation.work.through.objects.filter(annotation__map=ecomap, projectpage=project).exclude(
        annotation__in=chosen
    ).delete()
    for note in chosen:
        note.work.add(project)
    return chosen


@transaction.atomic
def set_workshop(*, user, ecomap: EcoMap, running: bool) -> EcoMap:
    """Start or end workshop mode. While it runs, every member may change stations, journeys and
    links as facilitators do; everyone with the map open sees each change as it is saved."""
    ecomap = _locked(ecomap)
    _require_facilitate(user, ecomap)
    if ecomap.workshop_open == running:
        raise InvalidMap("A workshop is already running on this map." if running else "No workshop is running.")
    EcoMap.objects.filter(pk=ecomap.pk).update(workshop_open=running)
    ecomap.workshop_open = running
    broadcast_on_commit(events.map_group(ecomap.pk), events.workshop_changed(ecomap.pk, ecomap.version, running))
    return ecomap
