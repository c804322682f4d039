"""Served as production serves it (ASGI, the async middleware path): a leftover session of a
suspended member is signed out on its next request and shown the suspension page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from django.utils import timezone

from accounts import sanctions

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def test_async_request_of_a_suspended_member_is_signed_out(async_client, member, curator):
    await async_client.aforce_login(member)
    assert (await async_client.get(reverse("accounts:dashboard"))).status_code == 200
    ends = timezone.now() + timedelta(days=3)
    await sync_to_async(sanctions.suspend_member)(
        actor=curator, member=member, reason="Spam", ends_at=ends, hide_content=False
    )
    await async_client.aforce_login(member)  # as if a session had escaped end_sessions
    response = await async_client.get(reverse("accounts:dashboard"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your account is suspended" in page and "Spam" not in page
    assert timezone.localtime(ends).strftime("%-d %B %Y") in page
    assert (await async_client.get(reverse("accounts:dashboard"))).status_code == 302
