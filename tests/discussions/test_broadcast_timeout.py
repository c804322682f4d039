"""A channel layer that hangs or is away must not hang the request that posted (the message is
stored), nor fill the log with tracebacks: one warning line, counting the broadcasts not sent."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from redis.exceptions import ConnectionError as RedisConnectionError

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
    monkeypatch.setattr(events, "_unsent", events._UnsentLog())
    with caplog.at_level(logging.WARNING, logger="discussions.events"), ThreadPoolExecutor(1) as pool:
        # From a worker thread, as services call it (this test's own thread may hold a running loop).
        pool.submit(events.send_now, "thread.1", {"type": "message.created"}).result(timeout=30)
    assert layer.calls == 1
    assert any("broadcast to thread.1 not sent" in record.getMessage() for record in caplog.records)


class DownLayer:
    async def group_send(self, group: str, event: dict) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


class BrokenLayer:
    async def group_send(self, group: str, event: dict) -> None:
        raise TypeError("can't serialise that event")


def send_from_a_thread(group: str) -> None:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(events.send_now, group, {"type": "message.created"}).result(timeout=30)


def test_an_outage_is_one_warning_line_without_a_trace_however_many_broadcasts_fail(monkeypatch, caplog):
    monkeypatch.setattr(events, "get_channel_layer", DownLayer)
    monkeypatch.setattr(events, "_unsent", events._UnsentLog(seconds=60))
    with caplog.at_level(logging.WARNING, logger="discussions.events"):
        for n in range(25):
            send_from_a_thread(f"thread.{n}")
    lines = [record for record in caplog.records if record.name == "discussions.events"]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert lines[0].getMessage().startswith("broadcast to thread.0 not sent: channel layer unavailable (Connection")

    events._unsent.last -= 61  # the next line, a minute on, counts the ones not logged meanwhile
    with caplog.at_level(logging.WARNING, logger="discussions.events"):
        send_from_a_thread("thread.99")
    assert "(24 more not sent since the last such line)" in caplog.records[-1].getMessage()


def test_a_broadcast_that_fails_for_another_reason_is_logged_with_its_trace(monkeypatch, caplog):
    monkeypatch.setattr(events, "get_channel_layer", BrokenLayer)
    with caplog.at_level(logging.WARNING, logger="discussions.events"):
        send_from_a_thread("thread.7")
    (record,) = [record for record in caplog.records if record.name == "discussions.events"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "broadcast to thread.7 failed" in record.getMessage()
