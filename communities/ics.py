"""RFC 5545 calendar files for events, built with the ``icalendar`` package.

Times are written in UTC (``DTSTART:…Z``) so no VTIMEZONE is needed and every calendar app
agrees; the UID is the event's permanent UUID and SEQUENCE rises with each change, so an
updated or cancelled event replaces the copy people already imported.

Line breaks: every text property is a ``vText``, which escapes them as ``\\n``, so no value can
end its content line and start another (an injected ``BEGIN:VEVENT``). ``add()`` gives unknown
``X-`` properties no type and writes them raw, so those are wrapped in ``vText`` explicitly.
One-line properties (summary, location, calendar name) have their line breaks turned into
spaces, as calendar apps show them on one line; the description keeps its (escaped) breaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.utils import timezone
from icalendar import Calendar, vText
from icalendar import Event as VEvent

from communities.models import CommunityPage, Event

PRODID = "-//Boost//Communities of practice//EN"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(_one_line(name)))
    return calendar


def _vevent(event: Event, url: str) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event.ical_uid)
    vevent.add("dtstamp", timezone.now().astimezone(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    vevent.add("summary", _one_line(event.title))
    vevent.add("sequence", event.sequence)
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    description = event.description
    if event.online_url:
        description = f"{description}\n\nJoin online: {event.online_url}".strip()
    if description:
        vevent.add("description", description)
    if event.venue:
        vevent.add("location", _one_line(event.venue))
    elif event.online_url:
        vevent.add("location", event.online_url)
    vevent.add("url", url)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return vevent


def event_calendar(event: Event, url: str) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event, url))
    return calendar.to_ical()


def community_calendar(community: CommunityPage, events: Iterable[tuple[Event, str]]) -> bytes:
    calendar = _calendar(f"{community.title} (Boost)")
    for event, url in events:
        calendar.add_component(_vevent(event, url))
    return calendar.to_ical()


def single_event_calendar(
    *, uid: str, title: str, starts_at, ends_at, description: str, location: str, url: str
) -> bytes:
    """A calendar file for one thing that is not a community event (a peer visit), written the same
    way: UTC times, escaped text, one-line summary and location."""
    calendar = _calendar(title)
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now().astimezone(UTC))
    vevent.add("dtstart", starts_at.astimezone(UTC))
    vevent.add("dtend", ends_at.astimezone(UTC))
    vevent.add("summary", _one_line(title))
    if description:
        vevent.add("description", description)
    if location:
        vevent.add("location", _one_line(location))
    vevent.add("url", url)
    vevent.add("status", "CONFIRMED")
    calendar.add_component(vevent)
    return calendar.to_ical()
