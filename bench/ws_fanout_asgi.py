"""Boost's real discussion path, speaking the fan-out harness's frames.

The harness sends ``{"s", "t", "pad"}`` and expects every receiver to get a frame carrying the same
``s`` and ``t``. This adapter turns each frame into a real ``post`` action on one thread (so it goes
through ``post_message``: validation, rights, the database, broadcast on commit, the per-process
hub), and turns each resulting ``message.created`` event back into the harness's frame, reading
``s`` and ``t`` from the stored message body. Acks, presence and other events are not sent,
because the harness reads every frame as a delivery.
"""

from __future__ import annotations

import json
import os
import re
import sys
import uuid

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.ws_fanout_settings")
django_asgi_app = get_asgi_application()

from channels.db import database_sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import path  # noqa: E402

from discussions.consumers import ThreadConsumer  # noqa: E402

BODY_RE = re.compile(r"^bench s=(\d+) t=([0-9.e+-]+)")
THREAD_ID = int(os.environ["BENCH_THREAD_ID"])
USER_ID = int(os.environ["BENCH_USER_ID"])


class BenchThreadConsumer(ThreadConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data)
        body = f"bench s={frame['s']} t={frame['t']!r} {frame.get('pad', '')}"
        await self.handle_action({"action": "post", "client_id": uuid.uuid4().hex, "body": body})

    async def send_event(self, event: dict) -> None:
        if event.get("type") == "error":
            print(f"bench post refused: {event}", file=sys.stderr)

    @classmethod
    def encode_event(cls, event: dict) -> str | None:
        if event.get("type") != "message.created":
            return None
        match = BODY_RE.match(event["message"]["body"])
        if match is None:
            return None
        message = event["message"]
        return json.dumps({"s": int(match[1]), "t": float(match[2]), "id": message["id"], "html": message["html"]})


class BenchUser:
    """Every harness client is the one bench member, on the bench thread (the harness sends no cookies)."""

    def __init__(self, app) -> None:
        self.app = app
        self.user = None

    async def __call__(self, scope, receive, send):
        if self.user is None:
            self.user = await database_sync_to_async(get_user_model().objects.get)(pk=USER_ID)
        scope = {**scope, "user": self.user, "url_route": {"args": (), "kwargs": {"thread_id": THREAD_ID}}}
        return await self.app(scope, receive, send)


application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": URLRouter([path("ws/", BenchUser(BenchThreadConsumer.as_asgi()))])}
)
