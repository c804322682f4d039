"""Events: RSVP rules, the waiting list, cancellation, calendar files and the concurrency guarantee."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone
from icalendar import Calendar

from communities import services
from communities.models import Event, Membership, Rsvp
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community, make_event


@pytest.fixture
def community(db):
    return make_community("Frailty network")


@pytest.fixture
def lead(community):
    person = UserFactory()
    add_member(person, community, role=Membership.Role.FACILITATOR)
    return person


def _members(community, n):
    people = [UserFactory() for _ in range(n)]
    for person in people:
        add_member(person, community)
    return people


@pytest.mark.django_db
def test_full_event_puts_people_on_the_waiting_list_and_promotes_them_in_order(
    community, django_capture_on_commit_callbacks
):
    first, second, third, fourth = _members(community, 4)
    event = make_event(community, capacity=2)
    assert services.rsvp(user=first, event=event, going=True).status == Rsvp.Status.GOING
    assert services.rsvp(user=second, event=event, going=True).status == Rsvp.Status.GOING
    assert services.rsvp(user=third, event=event, going=True).status == Rsvp.Status.WAITING
    assert services.rsvp(user=fourth, event=event, going=True).status == Rsvp.Status.WAITING
    # Saying "going" again changes nothing (no double booking, no loss of waiting place).
    assert services.rsvp(user=third, event=event, going=True).status == Rsvp.Status.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(user=first, event=event, going=False)
    assert Rsvp.objects.get(user=third).status == Rsvp.Status.GOING
    assert Rsvp.objects.get(user=fourth).status == Rsvp.Status.WAITING
    assert mail.outbox[-1].to == [third.email]
    assert "place came up" in mail.outbox[-1].subject
    assert Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).count() == 2


@pytest.mark.django_db
def test_more_places_promote_the_waiting_list(community, lead):
    first, second = _members(community, 2)
    event = make_event(community, capacity=1)
    services.rsvp(user=first, event=event, going=True)
    services.rsvp(user=second, event=event, going=True)
    services.update_event(actor=lead, event=event, capacity=2)
    assert Rsvp.objects.get(user=second).status == Rsvp.Status.GOING
    assert Event.objects.get(pk=event.pk).sequence == 1


@pytest.mark.django_db
def test_rsvp_refused_for_past_cancelled_and_non_members(community, lead, other_member):
    (person,) = _members(community, 1)
    past = make_event(community, days=-1)
    with pytest.raises(services.EventError, match="already started"):
        services.rsvp(user=person, event=past, going=True)
    event = make_event(community)
    with pytest.raises(services.NotAllowed, match="Join the community"):
        services.rsvp(user=other_member, event=event, going=True)
    services.cancel_event(actor=lead, event=event, reason="Snow")
    with pytest.raises(services.EventError, match="cancelled"):
        services.rsvp(user=person, event=event, going=True)
    with pytest.raises(services.EventError, match="already cancelled"):
        services.cancel_event(actor=lead, event=event)
    assert not Rsvp.objects.exists()


@pytest.mark.django_db
def test_cancelling_emails_people_going_and_waiting(community, lead, django_capture_on_commit_callbacks):
    going, waiting = _members(community, 2)
    event = make_event(community, capacity=1)
    services.rsvp(user=going, event=event, going=True)
    services.rsvp(user=waiting, event=event, going=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(actor=lead, event=event, reason="The venue flooded.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([going.email, waiting.email])
    assert "The venue flooded." in mail.outbox[0].body


@pytest.mark.django_db
def test_only_facilitators_create_events_and_bad_input_is_refused(community, lead, member):
    add_member(member, community)
    start = timezone.now() + timedelta(days=3)
    values = {"title": "Webinar", "kind": "webinar", "starts_at": start, "ends_at": start + timedelta(hours=1)}
    with pytest.raises(services.NotAllowed):
        services.create_event(actor=member, community=community, online_url="https://x.nhs.uk", **values)
    with pytest.raises(services.EventError, match="online joining link or a venue"):
        services.create_event(actor=lead, community=community, **values)
    with pytest.raises(services.EventError, match="end after it starts"):
        services.create_event(
            actor=lead, community=community, **{**values, "ends_at": start, "online_url": "https://x.nhs.uk"}
        )
    with pytest.raises(services.EventError, match="past"):
        services.create_event(
            actor=lead,
            community=community,
            **{**values, "starts_at": start - timedelta(days=5), "ends_at": start - timedelta(days=4)},
            online_url="https://x.nhs.uk",
        )
    assert not Event.objects.exists()
    event = services.create_event(actor=lead, community=community, online_url="https://x.nhs.uk", **values)
    assert event.created_by == lead


@pytest.mark.django_db
def test_event_form_stores_utc_and_shows_the_organisers_zone(client, community, lead):
    client.force_login(lead)
    response = client.post(
        f"/communities/{community.slug}/events/new/",
        {
            "title": "Summer webinar",
            "kind": "webinar",
            "date": "2027-07-01",
            "start_time": "14:00",
            "end_time": "15:00",
            "timezone": "Europe/London",
            "online_url": "https://meet.nhs.uk/a",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == datetime(2027, 7, 1, 13, 0, tzinfo=UTC)  # 14:00 BST
    assert event.when == "Thursday 1 July 2027, 14:00 to 15:00 BST"


@pytest.mark.django_db
def test_event_form_errors_are_reported(client, community, lead):
    client.force_login(lead)
    response = client.post(
        f"/communities/{community.slug}/events/new/",
        {
            "title": "",
            "kind": "webinar",
            "date": "2027-07-01",
            "start_time": "15:00",
            "end_time": "14:00",
            "timezone": "Europe/London",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter a title" in html and "The end time must be after the start time" in html
    assert "Enter a venue or an online joining link" in html
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_event_ics_is_valid_rfc5545_with_a_stable_uid(client, community, lead):
    event = make_event(community, title="Frailty webinar", venue="Room 1")
    first = client.get(f"/communities/{community.slug}/events/{event.pk}/event.ics")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/calendar")
    body = first.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.rstrip().endswith(b"END:VCALENDAR")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded lines, CRLF endings
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (vevent,) = calendar.walk("VEVENT")
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
        assert prop in vevent
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert str(vevent["UID"]) == f"{event.uid}@boost"
    services.update_event(actor=lead, event=event, title="Frailty webinar (moved)")
    services.cancel_event(actor=lead, event=Event.objects.get(pk=event.pk))
    (again,) = Calendar.from_ical(
        client.get(f"/communities/{community.slug}/events/{event.pk}/event.ics").content
    ).walk("VEVENT")
    assert str(again["UID"]) == str(vevent["UID"])
    assert int(again["SEQUENCE"]) == 2 and str(again["STATUS"]) == "CANCELLED"


@pytest.mark.django_db
def test_community_feed_lists_events_and_private_feed_needs_a_members_token(client, community, member):
    make_event(community, title="One")
    make_event(community, title="Two", days=14)
    feed = Calendar.from_ical(client.get(f"/communities/{community.slug}/calendar.ics").content)
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["One", "Two"]

    private = make_community("Private", is_private=True)
    make_event(private, title="Secret")
    assert client.get(f"/communities/{private.slug}/calendar.ics").status_code == 404
    membership = add_member(member, private)
    url = f"/communities/{private.slug}/calendar.ics?token={membership.calendar_token}"
    assert b"Secret" in client.get(url).content
    assert client.get(f"/communities/{private.slug}/calendar.ics?token=wrong").status_code == 404
    Membership.objects.filter(pk=membership.pk).update(state=Membership.State.LEFT)
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_rsvps_never_overfill_the_last_place():
    """Twelve people press "going" at once for two places: exactly two get them, the rest wait."""
    community = make_community("Busy community")
    people = _members(community, 12)
    event = make_event(community, capacity=2)
    barrier = threading.Barrier(len(people))
    results: list[str] = []
    errors: list[BaseException] = []

    def answer(person):
        try:
            barrier.wait()
            for _ in range(50):
                try:
                    results.append(services.rsvp(user=person, event=event, going=True).status)
                    return
                except OperationalError as error:  # SQLite's shared-cache test DB: "table is locked"; retry
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.01)
            raise AssertionError("gave up after 50 retries")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(results).count(Rsvp.Status.GOING) == 2
    assert Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).count() == 2
    assert Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITING).count() == 10
