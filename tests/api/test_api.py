"""The read-only JSON API: what each person may see, precise errors, tokens, limits, constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken, PageViewRestriction

from api import services
from api.models import TokenLifetime
from communities.models import Event, Membership
from tests.factories.communities import make_community
from tests.factories.projects import FALLING, make_measure, make_priority, make_project

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # rate-limit counters live in the cache


@pytest.fixture
def world(member, other_member):
    public = make_community("Open Frailty Network")
    private = make_community("Closed Circle", is_private=True)
    Membership.objects.create(user=member, community=private, state=Membership.State.ACTIVE)
    priority = make_priority("Discharge")
    open_one = make_project(member, title="Open story", priorities=[priority], communities=[public], stage="testing")
    measure = make_measure(open_one, FALLING, name="People waiting", measure_type="outcome", target=400)
    hidden = make_project(member, title="Hidden story", priorities=[priority], stage="testing")
    make_measure(hidden, FALLING, name="Hidden measure")
    readers = Group.objects.create(name="Hidden readers")
    restriction = PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(readers)
    member.groups.add(readers)
    make_project(member, title="Draft story", priorities=[priority], publish=False)
    start = timezone.now() + timedelta(days=3)
    Event.objects.create(community=public, title="Open meeting", starts_at=start, ends_at=start + timedelta(hours=1))
    Event.objects.create(community=private, title="Closed meeting", starts_at=start, ends_at=start + timedelta(hours=1))
    return {
        "public": public,
        "private": private,
        "priority": priority,
        "open": open_one,
        "hidden": hidden,
        "measure": measure,
    }


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_outsider_sees_public_content_only(client, world):
    assert titles(client.get(f"{API}/write-ups/")) == ["Open story"]
    assert titles(client.get(f"{API}/events/")) == ["Open meeting"]
    assert titles(client.get(f"{API}/communities/")) == ["Open Frailty Network"]
    (priority,) = client.get(f"{API}/priorities/").json()["results"]
    assert priority["write_ups"] == 1  # the count leaves out what the outsider may not see
    assert client.get(f"{API}/write-ups/{world['hidden'].pk}/").status_code == 404
    assert client.get(f"{API}/write-ups/", {"community": world["private"].slug}).json()["count"] == 0
    assert client.get(f"{API}/events/", {"community": world["private"].slug}).json()["count"] == 0


def test_a_token_reads_what_its_member_may_see(client, member, world):
    secret = services.create_token(user=member, name="Board pack").secret
    assert APIToken.objects.get().key_hash != secret and secret not in APIToken.objects.get().prefix
    assert titles(client.get(f"{API}/write-ups/", **bearer(secret))) == ["Hidden story", "Open story"]
    assert set(titles(client.get(f"{API}/events/", **bearer(secret)))) == {"Open meeting", "Closed meeting"}
    assert APIToken.objects.get().last_used_at is not None


def test_write_up_detail_has_measures_points_and_spc_results(client, world):
    body = client.get(f"{API}/write-ups/{world['open'].pk}/").json()
    (measure,) = body["measures_detail"]
    assert measure["name"] == "People waiting" and measure["target"] == 400.0
    spc = measure["spc"]
    assert (
        spc["chart"] == "xmr"
        and spc["variation_icon"]
        and spc["assurance_icon"] in {"consistently_pass", "consistently_fail", "hit_and_miss"}
    )
    assert len(spc["points"]) == len(FALLING) and spc["points"][0]["value"] == 803.0
    assert spc["points"][0]["upper_limit"] is not None and spc["points"][-1]["classification"] == "improvement"
    assert spc["signals"]


@pytest.mark.parametrize(
    ("query", "status", "error", "parameter"),
    [
        ({"colour": "red"}, 400, "unknown_parameter", "colour"),
        ({"published_after": "2024-13-01"}, 400, "invalid_parameter", "published_after"),
        (
            {"published_after": "2025-01-01", "published_before": "2024-01-01"},
            400,
            "invalid_date_range",
            "published_before",
        ),
        ({"page_size": "101"}, 400, "invalid_page_size", "page_size"),
        ({"page_size": "0"}, 400, "invalid_page_size", "page_size"),
        ({"page": "0"}, 400, "invalid_page", "page"),
        ({"page": "5"}, 404, "page_out_of_range", "page"),
        ({"stage": "finished"}, 400, "invalid_parameter", "stage"),
        ({"priority": "a\x00b"}, 400, "invalid_parameter", "priority"),
    ],
)
def test_bad_input_gets_a_precise_json_error(client, world, query, status, error, parameter):
    response = client.get(f"{API}/write-ups/", query)
    assert response.status_code == status
    assert response.json()["error"] == error and response.json()["parameter"] == parameter


def test_events_date_range_must_run_forwards(client, world):
    response = client.get(f"{API}/events/", {"starts_after": "2026-05-02", "starts_before": "2026-05-01"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_date_range"


def test_revoked_expired_unknown_and_write_tokens_are_refused(client, member, world):
    revoked = services.create_token(user=member, name="Old")
    services.revoke_token(user=member, token_id=revoked.token.pk)
    expired = services.create_token(user=member, name="Short", days=1)
    TokenLifetime.objects.filter(token=expired.token).update(expires_at=timezone.now() - timedelta(minutes=1))
    working = services.create_token(user=member, name="Working")
    for secret, code in (
        (revoked.secret, "revoked_token"),
        (expired.secret, "expired_token"),
        ("boost_not_a_token", "invalid_token"),
        (working.secret[:-1] + ("A" if working.secret[-1] != "A" else "B"), "invalid_token"),
    ):
        response = client.get(f"{API}/write-ups/", **bearer(secret))
        assert response.status_code == 401 and response.json()["error"] == code
        assert response["WWW-Authenticate"] == "Bearer"
        assert "Hidden" not in response.content.decode()
    response = client.post(f"{API}/write-ups/", **bearer(working.secret))
    assert response.status_code == 403 and response.json()["error"] == "read_only_token"
    assert client.delete(f"{API}/write-ups/{world['open'].pk}/").status_code == 405


def test_rate_limits_per_token_and_per_ip(client, member, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "2/m", "api_ip": "3/m"}
    secret = services.create_token(user=member, name="Busy").secret
    assert client.get(f"{API}/priorities/", **bearer(secret)).status_code == 200
    assert client.get(f"{API}/priorities/", **bearer(secret)).status_code == 200
    limited = client.get(f"{API}/priorities/", **bearer(secret))
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited" and limited["Retry-After"]
    assert client.get(f"{API}/priorities/").status_code == 429  # the address's 4th call in the minute
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.get(f"{API}/priorities/").status_code == 200


def test_tokens_are_made_shown_once_and_revoked_on_the_account_page(client, member, other_member):
    client.force_login(member)
    page = client.post(reverse("api_tokens"), {"name": "Board pack", "days": "30"})
    secret = page.context["new_secret"]
    assert secret.startswith("wagtail_") and secret in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    token = APIToken.objects.get(user=member)
    assert TokenLifetime.objects.get(token=token).expires_at > timezone.now() + timedelta(days=29)
    assert secret not in client.get(reverse("api_tokens")).content.decode()  # never shown again
    assert client.post(reverse("api_tokens"), {"name": ""}).context["form"].errors
    client.force_login(other_member)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    client.force_login(member)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_list_queries_do_not_grow_with_the_page(client, member, django_assert_num_queries):
    priority = make_priority("Discharge")
    community = make_community("Open network")
    first = make_project(member, title="Story 0", priorities=[priority], communities=[community])
    make_measure(first, FALLING[:6])
    client.get(f"{API}/write-ups/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(f"{API}/write-ups/")
    small_count = len(small.captured_queries)
    for i in range(1, 12):
        project = make_project(member, title=f"Story {i}", priorities=[priority], communities=[community])
        make_measure(project, FALLING[:6])
        make_measure(project, FALLING[:8], name="Second")
    client.get(f"{API}/write-ups/")
    with django_assert_num_queries(small_count):
        response = client.get(f"{API}/write-ups/", {"page_size": 10})
    assert len(response.json()["results"]) == 10


def test_openapi_schema_documents_every_endpoint(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/write-ups/",
        "/api/v1/write-ups/{write_up_id}/",
        "/api/v1/priorities/",
        "/api/v1/communities/",
        "/api/v1/events/",
    } <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/write-ups/"]) == {"get"}  # writes are refused, not offered
