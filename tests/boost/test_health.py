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
    assert body["checks"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert body["checks"]["channel_layer"]["status"] == "ok"


@pytest.mark.postgres
def test_database_is_postgresql_when_configured(client):
    import os

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("DATABASE_URL not set to PostgreSQL: PostgreSQL path not exercised (CI sets it)")
    assert client.get("/health/").json()["checks"]["database"]["vendor"] == "postgresql"
