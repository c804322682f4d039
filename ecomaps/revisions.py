"""A map's history: the snapshot each revision keeps, and the comparison of any two.

A snapshot is plain JSON, the map's content after a change (not its drawing, which follows from
it): stations and journeys by id, links by their ends and kind, annotations by their database id.
Comparing two snapshots lists, per kind of element, what was added, removed and changed, and for
a change each field's value before and after, in words a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecomaps.models import Annotation, Link, Station

STATION_FIELDS = {"name": "Name", "kind": "Type", "organisation": "Organisation", "description": "Description"}
JOURNEY_FIELDS = {"name": "Name", "description": "Description", "branch_of": "Branches from", "stops": "Stops"}
ANNOTATION_FIELDS = {
    "kind": "Kind",
    "text": "Text",
    "evidence": "Evidence",
    "raised_by": "Raised by",
    "lived_experience": "Raised by a patient or carer",
    "on": "Pinned to",
}
LINK_FIELDS = {"description": "Description"}


def build_snapshot(ecomap, stations, journeys, stops: dict[int, list[str]], links, annotations) -> dict:
    """The map's content as JSON, from the rows :func:`ecomaps.services.redraw` already loaded."""
    journey_key = {j.pk: j.key for j in journeys}
    station_key = {s.pk: s.key for s in stations}
    snapshot_notes = {}
    for note in annotations:
        if note.station_id:
            on = f"station {station_key[note.station_id]}"
        elif note.journey_id:
            on = f"journey {journey_key[note.journey_id]}, step {note.segment_position + 1}"
        else:
            on = f"link {note.link.source.key} to {note.link.target.key}"
        snapshot_notes[str(note.pk)] = {
            "kind": note.kind,
            "text": note.text,
            "evidence": note.evidence,
            "raised_by": note.raised_by_name,
            "lived_experience": note.lived_experience,
            "on": on,
        }
    snapshot_links: dict[str, dict] = {}
    for link in links:
        key = f"{link.source__key} to {link.target__key} ({link.kind})"
        # Two links of the same kind between the same stations are told apart by their order.
        while key in snapshot_links:
            key += "+"
        snapshot_links[key] = {"description": link.description}
    return {
        "title": ecomap.title,
        "stations": {
            s.key: {
                "name": s.name,
                "kind": s.kind,
                "organisation": s.organisation,
                "description": s.description,
                "pinned": [s.pinned_col, s.pinned_row] if s.pinned_col is not None else None,
            }
            for s in stations
        },
        "journeys": {
            j.key: {
                "name": j.name,
                "description": j.description,
                "branch_of": journey_key.get(j.branch_of_id, ""),
                "stops": stops.get(j.pk, []),
            }
            for j in journeys
        },
        "links": snapshot_links,
        "annotations": snapshot_notes,
    }


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Element:
    key: str
    name: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class Section:
    title: str
    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[Element] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _shown(name: str, value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " → ".join(str(v) for v in value) if value else "(none)"
    if name == "kind":
        for choices in (Station.Kind, Annotation.Kind, Link.Kind):
            if value in choices.values:
                return str(choices(value).label)
    return str(value)


def _section(title: str, old: dict, new: dict, fields: dict[str, str], name_of) -> Section:
    section = Section(title)
    for key in sorted(new.keys() - old.keys()):
        section.added.append(Element(key, name_of(key, new[key])))
    for key in sorted(old.keys() - new.keys()):
        section.removed.append(Element(key, name_of(key, old[key])))
    for key in sorted(old.keys() & new.keys()):
        changes = [
            Change(label, _shown(name, old[key].get(name)), _shown(name, new[key].get(name)))
            for name, label in fields.items()
            if old[key].get(name) != new[key].get(name)
        ]
        if title == "Stations" and old[key].get("pinned") != new[key].get("pinned"):
            changes.append(Change("Place on the drawing", _pinned(old[key]["pinned"]), _pinned(new[key]["pinned"])))
        if changes:
            section.changed.append(Element(key, name_of(key, new[key]), changes))
    return section


def _pinned(value) -> str:
    return f"column {value[0]}, row {value[1]}" if value else "chosen by the layout"


def compare(old: dict, new: dict) -> list[Section]:
    """What changed from snapshot ``old`` to snapshot ``new``: stations, journeys, links and
    annotations, each added, removed or changed (field by field)."""
    return [
        _section("Stations", old.get("stations", {}), new.get("stations", {}), STATION_FIELDS, lambda k, v: v["name"]),
        _section("Journeys", old.get("journeys", {}), new.get("journeys", {}), JOURNEY_FIELDS, lambda k, v: v["name"]),
        _section("Links", old.get("links", {}), new.get("links", {}), LINK_FIELDS, lambda k, v: k.rstrip("+")),
        _section(
            "Annotations",
            old.get("annotations", {}),
            new.get("annotations", {}),
            ANNOTATION_FIELDS,
            lambda k, v: f"{_shown('kind', v['kind'])}: {v['text']}",
        ),
    ]
