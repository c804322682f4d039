"""Hostile input over HTTP (issue 11): line breaks in calendar properties, ids beyond 64 bits."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from communities.models import Event, Membership
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community, make_event


@pytest.mark.django_db
def test_event_title_with_a_line_break_is_refused_by_the_form(client):
    community = make_community("Frailty network")
    lead = UserFactory()
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    client.force_login(lead)
    response = client.post(
        f"/communities/{community.slug}/events/new/",
        {
            "title": "Webinar\r\nBEGIN:VEVENT",
            "kind": "webinar",
            "date": "2027-07-01",
            "start_time": "14:00",
            "end_time": "15:00",
            "timezone": "Europe/London",
            "venue": "Room 1",
        },
    )
    assert response.status_code == 200
    assert "Enter a title on one line" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_ics_escapes_line_breaks_in_every_property(client):
    community = make_community("Frailty\nnetwork")
    # Stored before the form refused line breaks, or written by another path: the calendar must hold.
    event = make_event(
        community,
        title="Webinar\r\nBEGIN:VEVENT\nX",
        venue="Room 1\r\nSecond line",
        description="Line one\nLine two\rLine three",
    )
    for url in (
        f"/communities/{community.slug}/events/{event.pk}/event.ics",
        f"/communities/{community.slug}/calendar.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        lines = response.content.split(b"\r\n")
        assert sum(line == b"BEGIN:VEVENT" for line in lines) == 1
        assert not any(b"\n" in line or b"\r" in line for line in lines)
        (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert "\n" not in str(vevent["SUMMARY"]) and "BEGIN:VEVENT" in str(vevent["SUMMARY"])
        assert str(vevent["LOCATION"]) == "Room 1 Second line"


HUGE = "99999999999999999999"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/people/{HUGE}/",
        f"/communities/proposals/{HUGE}/",
        f"/communities/frailty/members/{HUGE}/",
        f"/communities/frailty/events/{HUGE}/",
        f"/communities/frailty/events/{HUGE}/edit/",
        f"/communities/frailty/events/{HUGE}/event.ics",
        f"/discussions/community/{HUGE}/",
        f"/discussions/community/{HUGE}/new/",
        f"/discussions/page/{HUGE}/ask/",
        f"/discussions/{HUGE}/",
        f"/discussions/messages/{HUGE}/edit/",
        f"/notifications/{HUGE}/",
        f"/improvement/{HUGE}/team/",
        f"/improvement/1/measures/{HUGE}/",
        f"/improvement/{HUGE}/measures/1/data.csv",
        f"/improvement/review/{HUGE}/",
    ],
)
def test_ids_beyond_64_bits_are_not_found(client, path):
    member = UserFactory()
    make_community("Frailty")
    for who in (None, member):
        if who is not None:
            client.force_login(who)
        assert client.get(path).status_code == 404, (path, who)


BOOST_APPS = {"accounts", "communities", "discussions", "ecomaps", "projects", "search", "boost"}


def test_no_route_takes_an_unbounded_int():
    """Structural: every id in a URL goes through the ``id`` converter, never Django's ``int``."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    from boost.routing import websocket_urlpatterns

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield entry
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                yield entry

    entries = [*walk(get_resolver().url_patterns), *walk(websocket_urlpatterns)]
    ours = [e for e in entries if getattr(e.pattern, "converters", None)]
    assert ours
    for entry in ours:
        for name, converter in entry.pattern.converters.items():
            if type(converter) is IntConverter:
                module = getattr(getattr(entry, "callback", None), "__module__", "")
                assert module.split(".")[0] not in {
                    "accounts",
                    "communities",
                    "discussions",
                    "projects",
                    "search",
                    "boost",
                }, (
                    entry,
                    name,
                )


def test_every_boost_form_refuses_unstorable_text_through_the_shared_mixin():
    import importlib
    import inspect

    from django import forms

    from boost.forms import StorableTextMixin

    found = []
    for module_name in (
        "accounts.forms",
        "communities.forms",
        "discussions.forms",
        "projects.forms",
        "projects.listing",
    ):
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                found.append(cls)
                assert issubclass(cls, StorableTextMixin), cls
    assert len(found) > 20


@pytest.mark.django_db
def test_a_lone_surrogate_in_a_form_is_a_field_error_and_stores_nothing(client):
    from discussions.forms import ThreadForm

    form = ThreadForm(data={"title": "Hello \ud800", "body": "Body \x00 text"})
    assert not form.is_valid()
    assert "cannot be stored" in form.errors["title"][0]
    assert form.errors["body"]
    community = make_community("Frailty network")
    lead = UserFactory()
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    client.force_login(lead)
    response = client.post(
        f"/communities/{community.slug}/events/new/",
        {"title": "Webinar \x00", "kind": "webinar", "date": "2027-07-01", "start_time": "14:00",
         "end_time": "15:00", "timezone": "Europe/London", "venue": "Room 1"},
    )  # fmt: skip
    assert response.status_code == 200 and not Event.objects.exists()


@pytest.mark.django_db
def test_the_event_service_refuses_a_title_with_a_line_break():
    from datetime import timedelta

    from django.utils import timezone

    from communities import services

    community = make_community("Frailty network")
    lead = UserFactory()
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(services.EventError, match="one line"):
        services.create_event(
            actor=lead, community=community, title="A\nB", kind="webinar", starts_at=starts,
            ends_at=starts + timedelta(hours=1), venue="Room 1",
        )  # fmt: skip
    assert not Event.objects.exists()
