from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from communities.models import Access, CommunityIndexPage, CommunityPage, Event, Membership, Rsvp


def community_index() -> CommunityIndexPage:
    """The directory page the data migration creates."""
    return CommunityIndexPage.objects.get()


def make_community(
    title: str = "Frailty network",
    *,
    access: str = Access.OPEN,
    is_private: bool = False,
    discoverable: bool = False,
    care_area=None,
    slug: str | None = None,
    live: bool = True,
    **extra,
) -> CommunityPage:
    page = CommunityPage(
        title=title,
        slug=slug or slugify(title),
        purpose=extra.pop("purpose", f"People improving {title.lower()} share what works."),
        access=access,
        is_private=is_private,
        discoverable=discoverable,
        care_area=care_area,
        live=live,
        **extra,
    )
    community_index().add_child(instance=page)
    return page


def add_member(user, community, *, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE) -> Membership:
    return Membership.objects.create(user=user, community=community, role=role, state=state)


def make_event(community, *, days: float = 7, hours: float = 1.5, capacity=None, **extra) -> Event:
    starts_at = extra.pop("starts_at", timezone.now() + timedelta(days=days))
    return Event.objects.create(
        community=community,
        title=extra.pop("title", "Monthly meeting"),
        starts_at=starts_at,
        ends_at=extra.pop("ends_at", starts_at + timedelta(hours=hours)),
        online_url=extra.pop("online_url", "https://meet.example.nhs.uk/room"),
        capacity=capacity,
        **extra,
    )


def add_rsvp(event, user, status=Rsvp.Status.GOING) -> Rsvp:
    return Rsvp.objects.create(event=event, user=user, status=status)
