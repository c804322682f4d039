"""Eco-map events, sent through :func:`discussions.events.broadcast_on_commit` (the discussions'
one broadcast path) to ``ecomap.<id>``: everyone with that map open (``ecomaps.consumers``).

Events carry only what every viewer of the map may already read on its drawing and "changes" page:
the new version, the revision's one-line summary, who made it and (``change``) the drawing's
changed elements with the names of the text entries to fetch, so each viewer gets those as they
may see them (private write-ups stay private); see :mod:`ecomaps.patch`.
"""

from __future__ import annotations

from typing import Any


def map_group(map_id: int) -> str:
    return f"ecomap.{map_id}"


def map_changed(map_id: int, version: int, summary: str, user, change: dict | None = None) -> dict[str, Any]:
    """``change``: the drawing's patch and the text entries to fetch (:mod:`ecomaps.patch`), or None
    when the page should fetch the whole map."""
    name = getattr(user, "display_name", "") if getattr(user, "is_authenticated", False) else ""
    return {
        "type": "map.changed",
        "map_id": map_id,
        "version": version,
        "summary": summary,
        "by": name,
        "change": change,
    }


def workshop_changed(map_id: int, version: int, running: bool) -> dict[str, Any]:
    return {"type": "workshop.changed", "map_id": map_id, "version": version, "running": running}
