"""Workshop mode's live updates: one socket per open map page, on the discussions' websocket
stack (:class:`discussions.consumers.BaseConsumer`: sign-in, the person's own group for rights
changes and account ends, error frames, close codes; events sent by
:func:`discussions.events.broadcast_on_commit` only after the change is stored).

The protocol is the thread socket's, cut down: every change bumps the map's ``version``; a client
says ``{"action": "resume", "since": <version>}`` when it connects (and after any gap) and is
answered with a ``catchup`` listing the changes it missed (from the stored revisions, so nothing
is lost while it was away); ``{"action": "ping"}`` gets a ``pong``. Live events are
``map.changed`` (version, summary, who) and ``workshop.changed``. The client then fetches the map
page again, so what it shows is exactly what that person may see.

Someone who may not see the map (a non-member of a private community's map) is refused at
connect (closed 4404), and rights are checked again on every frame and event.
"""

from __future__ import annotations

import json
from typing import Any

from boost.db import database_sync_to_async
from discussions.consumers import CLOSE_NOT_FOUND, BaseConsumer
from ecomaps import events
from ecomaps.models import EcoMap, Revision
from ecomaps.permissions import can_view_map

MAX_FRAME_CHARS = 2000
MAX_CATCHUP = 200


class MapConsumer(BaseConsumer):
    """Everyone with one map open."""

    async def connect(self) -> None:
        self.map_id = int(self.scope["url_route"]["kwargs"]["map_id"])
        await self.join_object_group(events.map_group(self.map_id))

    @database_sync_to_async
    def _allowed(self) -> bool:
        self.user.refresh_from_db(fields=["is_active"])
        ecomap = EcoMap.objects.select_related("community", "priority").filter(pk=self.map_id).first()
        return ecomap is not None and self.user.is_active and can_view_map(self.user, ecomap)

    async def still_allowed(self) -> bool:
        return await self._allowed()

    async def revoke(self) -> None:
        await self.send_error("forbidden", "You can no longer see this map.")
        await self.close(code=CLOSE_NOT_FOUND)

    # --- incoming frames -------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self.send_error("bad_frame", "Send short JSON text frames.")
            return
        try:
            data = json.loads(text_data)
        except (ValueError, RecursionError):
            await self.send_error("bad_json", "That was not valid JSON.")
            return
        if not isinstance(data, dict) or not isinstance(data.get("action"), str):
            await self.send_error("bad_request", 'Send a JSON object with an "action".')
            return
        ref = data.get("ref") if isinstance(data.get("ref"), (int, str)) else None
        if data["action"] == "ping":
            await self.send_event({"type": "pong", "ref": ref})
        elif data["action"] == "resume":
            since = data.get("since")
            if not isinstance(since, int) or isinstance(since, bool) or since < 0:
                await self.send_error("invalid", "resume needs the version the page shows.", ref)
                return
            reply = await self._catchup(since)
            if reply is None:
                await self.revoke()
            else:
                await self.send_event({**reply, "ref": ref})
        else:
            await self.send_error("unknown_action", f"Unknown action {data['action'][:40]!r}.", ref)

    @database_sync_to_async
    def _catchup(self, since: int) -> dict[str, Any] | None:
        self.user.refresh_from_db(fields=["is_active"])
        ecomap = EcoMap.objects.select_related("community", "priority").filter(pk=self.map_id).first()
        if ecomap is None or not self.user.is_active or not can_view_map(self.user, ecomap):
            return None
        missed = list(
            Revision.objects.filter(map=ecomap, number__gt=since)
            .select_related("author")
            .order_by("-number")[:MAX_CATCHUP]
        )
        return {
            "type": "catchup",
            "version": ecomap.version,
            "workshop": ecomap.workshop_open,
            "complete": len(missed) < MAX_CATCHUP,
            "changes": [
                {"version": r.number, "summary": r.summary, "by": r.author.display_name if r.author else ""}
                for r in reversed(missed)
            ],
        }

    # --- group events ----------------------------------------------------------------------
    async def map_changed(self, event: dict[str, Any]) -> None:
        await self._forward(event)

    async def workshop_changed(self, event: dict[str, Any]) -> None:
        await self._forward(event)

    async def _forward(self, event: dict[str, Any]) -> None:
        # Rights can change while the page is open (left the community, community made private).
        if not await self.still_allowed():
            await self.revoke()
            return
        await self.send_event(event)
