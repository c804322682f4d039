"""A form post while the database cannot be reached: a clear 503 that keeps the person's text
(issue 19: it was a 500 and the text was gone)."""

from __future__ import annotations

import html

import pytest
from django.db import OperationalError, connections
from django.urls import reverse

from discussions import services
from discussions.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """New connections fail, as during a PostgreSQL restart (the test's own connection stays up)."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(type(connections["default"]), "get_new_connection", refuse)


def _fail_post(monkeypatch, error: Exception) -> None:
    def post_message(**kwargs):
        raise error

    monkeypatch.setattr(services, "post_message", post_message)


def test_a_reply_during_an_outage_gets_a_503_holding_the_text_and_the_same_client_id(
    client, thread, member, monkeypatch, database_down
):
    client.force_login(member)
    client.raise_request_exception = False
    _fail_post(monkeypatch, OperationalError("server closed the connection unexpectedly"))
    url = reverse("discussions:reply", args=[thread.pk])
    text = "Ward 7 discharged <b>twelve</b> before noon & kept it up"
    response = client.post(url, {"body": text, "client_id": "outage-1", "csrfmiddlewaretoken": "tok"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "Not saved: try again" in page
    assert f'<form method="post" action="{url}"' in page
    assert f">{html.escape(text)}</textarea>" in page  # the text, escaped, in the box
    assert '<input type="hidden" name="client_id" value="outage-1">' in page  # a resend cannot double it
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="tok">' in page
    assert '<label class="nhsuk-label" for="outage-body">Your message</label>' in page
    assert not Message.objects.filter(client_id="outage-1").exists()


def test_a_new_discussion_keeps_its_title_and_body(client, community, member, monkeypatch, database_down):
    from tests.factories.discussions import join

    join(member, community)
    client.force_login(member)
    client.raise_request_exception = False

    def start_thread(**kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services, "start_thread", start_thread)
    response = client.post(
        reverse("discussions:new_thread", args=[community.pk]),
        {"title": "Home for lunch", "body": "What works?", "client_id": "outage-2"},
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert 'name="title" type="text" value="Home for lunch"' in page
    assert ">What works?</textarea>" in page


def test_any_other_page_during_an_outage_is_a_plain_503(client, thread, member, monkeypatch, database_down):
    client.force_login(member)
    client.raise_request_exception = False

    def thread_messages(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("discussions.views.thread_messages", thread_messages)
    response = client.get(reverse("discussions:thread", args=[thread.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Sorry, Boost is not available just now" in page
    assert "<form" not in page


def test_a_bug_with_the_database_up_is_still_a_500(client, thread, member, monkeypatch):
    client.force_login(member)
    client.raise_request_exception = False
    _fail_post(monkeypatch, OperationalError("a query went wrong, the server is fine"))
    response = client.post(reverse("discussions:reply", args=[thread.pk]), {"body": "Hello", "client_id": "bug-1"})
    assert response.status_code == 500
    assert "Not saved" not in response.content.decode()
