"""A channel layer that hangs must not hang the request that posted (the message is stored)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from discussions import events


class HungLayer:
    def __init__(self) -> None:
        self.calls = 0

    async def group_send(self, group: str, event: dict) -> None:
        self.calls += 1
        await asyncio.sleep(3600)


def test_send_now_gives_up_on_a_hung_layer_and_logs(monkeypatch, caplog):
    layer = HungLayer()
    monkeypatch.setattr(events, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(events, "BROADCAST_TIMEOUT_SECONDS", 0.05)
    with caplog.at_level(logging.WARNING, logger="discussions.events"), ThreadPoolExecutor(1) as pool:
        # From a worker thread, as services call it (this test's own thread may hold a running loop).
        pool.submit(events.send_now, "thread.1", {"type": "message.created"}).result(timeout=30)
    assert layer.calls == 1
    assert any("broadcast to thread.1 failed" in record.getMessage() for record in caplog.records)
