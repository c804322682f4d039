"""What a change sends to the pages that have the map open, so they can patch themselves in place
rather than fetch the whole map again (heavy at 1,000 stations).

Two parts, both worked out once per change by :func:`ecomaps.services.redraw`:

* **The drawing** is the same for every viewer (work-under-way badges are added per page view, after
  the stored drawing, and are not touched here). :func:`svg_patch` compares the stored SVG before
  and after element by element (``ecomaps.render`` writes one element a line, each with an id) and
  gives the elements to add or replace, each with the id of the element it follows, and the ids
  to remove. A change that moves much of the layout gives ``None``: the page then fetches the map.
* **The text alternative** is not the same for everyone (endorse and change buttons, write-ups a
  viewer may see), so the event only names the entries that changed (:func:`text_entries`: journey
  blocks, station rows, the links list) and each page fetches just those, as it may see them, from
  ``/maps/<id>/entries/``.

Events hold only what every viewer of the map may read on its drawing and "changes" page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Past these a change has moved too much of the drawing to patch; the page fetches it all.
MAX_ELEMENTS = 80
MAX_CHARS = 80_000
MAX_ENTRIES = 40

_ELEMENT_ID = re.compile(r'<[a-z]+ [^>]*?\bid="([^"]+)"')
_FRAME = re.compile(r'\b(viewBox|width|height)="([^"]*)"')


def _elements(svg: str) -> tuple[str, list[tuple[str, str]]] | None:
    lines = svg.split("\n")
    if not lines or not lines[0].startswith("<svg"):
        return None
    elements = []
    for line in lines[1:]:
        if not line or line == "</svg>":
            continue
        found = _ELEMENT_ID.match(line)
        if found is None:
            return None  # not a drawing written one element a line: no patch
        elements.append((found.group(1), line))
    return lines[0], elements


def svg_patch(old_svg: str, new_svg: str) -> dict | None:
    """``{"frame": {viewBox, width, height} or None, "upsert": [[id, after_id, markup]],
    "remove": [id]}`` turning ``old_svg`` into ``new_svg``; ``None`` when too much changed."""
    old, new = _elements(old_svg or ""), _elements(new_svg)
    if old is None or new is None:
        return None
    (old_head, old_elements), (new_head, new_elements) = old, new
    before = dict(old_elements)
    if len(before) != len(old_elements) or len({i for i, _ in new_elements}) != len(new_elements):
        return None
    upsert, previous = [], ""
    for element_id, markup in new_elements:
        if before.get(element_id) != markup:
            upsert.append([element_id, previous, markup])
        previous = element_id
    present = {i for i, _ in new_elements}
    remove = [i for i, _ in old_elements if i not in present]
    if len(upsert) + len(remove) > MAX_ELEMENTS or sum(len(u[2]) for u in upsert) > MAX_CHARS:
        return None
    frame = dict(_FRAME.findall(new_head)) if old_head != new_head else None
    return {"frame": frame, "upsert": upsert, "remove": remove}


def _on(note: dict) -> tuple[str, str]:
    """Where a snapshot annotation is pinned: ("station", key), ("journey", key) or ("link", "")."""
    where = note.get("on", "")
    if where.startswith("station "):
        return "station", where.removeprefix("station ")
    if where.startswith("journey "):
        return "journey", where.removeprefix("journey ").split(",")[0]
    return "link", ""


def text_entries(old: dict, new: dict, old_order: list[str], new_order: list[str]) -> dict | None:
    """The text alternative's entries that differ between snapshots ``old`` and ``new``:
    ``{"journeys": [...], "stations": [...], "links": bool}``; ``None`` when too many did.
    ``old_order``/``new_order``: the journeys in drawing order (a journey's colour follows it)."""
    journeys: set[str] = set()
    stations: set[str] = set()
    links = old.get("links") != new.get("links")

    def stopping_at(keys: Iterable[str]) -> set[str]:
        keys = set(keys)
        return {
            j
            for snapshot in (old, new)
            for j, journey in snapshot.get("journeys", {}).items()
            if keys & set(journey["stops"])
        }

    old_stations, new_stations = old.get("stations", {}), new.get("stations", {})
    changed = {k for k in old_stations.keys() | new_stations.keys() if old_stations.get(k) != new_stations.get(k)}
    stations |= changed
    journeys |= stopping_at(changed)  # the steps name the station
    links = links or bool(changed)  # links name their stations too
    old_journeys, new_journeys = old.get("journeys", {}), new.get("journeys", {})
    for key in old_journeys.keys() | new_journeys.keys():
        if old_journeys.get(key) != new_journeys.get(key):
            journeys.add(key)
            for snapshot in (old_journeys, new_journeys):
                stations |= set(snapshot.get(key, {}).get("stops", []))  # "journeys through it"
    journeys |= {key for key in new_order if key not in old_order or old_order.index(key) != new_order.index(key)}
    old_notes, new_notes = old.get("annotations", {}), new.get("annotations", {})
    for pk in old_notes.keys() | new_notes.keys():
        if old_notes.get(pk) == new_notes.get(pk):
            continue
        for note in (old_notes.get(pk), new_notes.get(pk)):
            if note is None:
                continue
            kind, key = _on(note)
            if kind == "station":
                stations.add(key)
                journeys |= stopping_at([key])  # a station's notes show at each step through it
            elif kind == "journey":
                journeys.add(key)
            else:
                links = True
    if len(journeys) + len(stations) > MAX_ENTRIES:
        return None
    return {"journeys": sorted(journeys), "stations": sorted(stations), "links": links}
