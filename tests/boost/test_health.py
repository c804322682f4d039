from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_every_service(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "search"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_health_is_503_when_a_service_fails(client, monkeypatch):
    from boost import health

    def broken():
        raise ConnectionError("cache is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"] == {
        "status": "error",
        "error": "ConnectionError: cache is down",
        "ms": body["checks"]["cache"]["ms"],
    }
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.redis
def test_health_uses_the_real_redis_services_when_configured(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: Redis cache and channel layer not exercised (CI sets it)")
    body = client.get("/health/").json()
    assert body["checks"]["cache"] == {**body["checks"]["cache"], "status": "ok", "backend": "ResilientRedisCache"}
    assert body["checks"]["channel_layer"]["backend"] == "ResilientRedisChannelLayer"
    assert body["checks"]["channel_layer"]["status"] == "ok"


@pytest.mark.postgres
def test_database_is_postgresql_when_configured(client):
    import os

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("DATABASE_URL not set to PostgreSQL: PostgreSQL path not exercised (CI sets it)")
    assert client.get("/health/").json()["checks"]["database"]["vendor"] == "postgresql"


def test_a_hung_check_is_reported_as_a_timeout_and_the_others_still_answer(client, monkeypatch, settings):
    import asyncio

    from boost import health

    settings.HEALTH_CHECK_TIMEOUT = 1

    async def hangs():
        await asyncio.sleep(30)

    monkeypatch.setitem(health.CHECKS, "channel_layer", hangs)
    response = client.get("/health/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["channel_layer"]["status"] == "error"
    assert checks["channel_layer"]["error"] == "TimeoutError: no answer within 1 s"
    assert {name for name, check in checks.items() if check["status"] == "ok"} == {"database", "cache", "search"}


@pytest.mark.redis
def test_health_follows_the_redis_channel_layer_down_and_up_again(client, settings, tmp_path):
    """PING on the layer's own pool: 503 while Redis is stopped, 200 on the first probe after it is
    back (no back-off, nothing remembered), and never 503 while it answers."""
    from tests.discussions.live import REDIS, RedisServer

    if REDIS is None:
        pytest.skip("redis-server is not installed: channel layer outage not exercised")
    redis = RedisServer(tmp_path)
    redis.start()
    try:
        settings.CHANNEL_LAYERS = {
            "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [redis.url]}}
        }
        for _ in range(5):
            response = client.get("/health/")
            assert response.status_code == 200, response.json()
        assert response.json()["checks"]["channel_layer"]["hosts"] == 1
        redis.stop()
        body = client.get("/health/").json()
        assert body["status"] == "error"
        assert body["checks"]["channel_layer"]["status"] == "error"
        assert body["checks"]["database"]["status"] == "ok"
        redis.start()  # same port
        response = client.get("/health/")
        assert response.status_code == 200, response.json()
    finally:
        redis.stop()
