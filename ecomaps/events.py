"""Eco-map events, sent through :func:`discussions.events.broadcast_on_commit` (the discussions'
one broadcast path) to ``ecomap.<id>``: everyone with that map open (``ecomaps.consumers``).

Events carry only what every viewer of the map may already read on its "changes" page: the new
version, the revision's one-line summary and who made it. Clients fetch the map again to show
the change, so each viewer gets the page as they may see it (private write-ups stay private).
"""

from __future__ import annotations

from typing import Any


def map_group(map_id: int) -> str:
    return f"ecomap.{map_id}"


def map_changed(map_id: int, version: int, summary: str, user) -> dict[str, Any]:
    name = getattr(user, "display_name", "") if getattr(user, "is_authenticated", False) else ""
    return {"type": "map.changed", "map_id": map_id, "version": version, "summary": summary, "by": name}


def workshop_changed(map_id: int, version: int, running: bool) -> dict[str, Any]:
    return {"type": "workshop.changed", "map_id": map_id, "version": version, "running": running}
