"""A Redis cache that is down or hung degrades to misses: pages still work, /health/ says so."""

from __future__ import annotations

import socket
import threading

import pytest
from django.core.cache import caches

from boost.cache import ResilientRedisCache


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilentServer:
    """Accepts connections and never answers: a hung Redis."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def _use_redis_at(settings, port: int, timeout: float = 0.3) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "boost.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.mark.django_db
def test_pages_work_and_health_reports_when_redis_refuses(client, settings, home_page):
    _use_redis_at(settings, _closed_port())
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("k", 1) is False and cache.get_many(["a", "b"]) == {}
    assert client.get("/").status_code == 200
    assert client.get("/search/?q=frailty").status_code == 200
    health = client.get("/health/")
    assert health.status_code == 503
    assert health.json()["checks"]["cache"]["status"] == "error"
    assert health.json()["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_a_hung_redis_costs_one_timeout_then_is_left_alone(client, settings, home_page):
    server = SilentServer()
    try:
        _use_redis_at(settings, server.port)
        cache = caches["default"]
        assert cache.get("first") is None  # times out once
        connections = len(server.accepted)
        assert connections >= 1
        for n in range(20):
            assert cache.get(f"key-{n}", "miss") == "miss"
            cache.set(f"key-{n}", n)
        assert client.get("/").status_code == 200
        assert len(server.accepted) == connections  # backed off: no new attempts
    finally:
        server.close()
