"""Communities' contributions to the home page, dashboard, profiles and demo content."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks

from communities.models import CommunityIndexPage, CommunityPage, Event, Membership, Rsvp


@hooks.register("boost_home_sections")
def upcoming_events_section(request):
    events = list(Event.objects.visible_to(request.user).upcoming().select_related("community")[:5])
    if not events:
        return None
    return {
        "key": "upcoming-events",
        "title": "Upcoming events",
        "template": "communities/sections/event_list.html",
        "items": events,
        "order": 30,
    }


def _directory_url() -> str:
    from boost.structure import remembered

    return remembered(
        ("community-directory-url",),
        lambda: index.url if (index := CommunityIndexPage.objects.live().first()) else "",
    )


@hooks.register("boost_dashboard_sections")
def my_communities_section(request):
    memberships = list(
        Membership.objects.filter(
            user=request.user, state__in=[Membership.State.ACTIVE, Membership.State.PENDING], community__live=True
        )
        .select_related("community")
        .order_by("community__title")
    )
    return {
        "key": "my-communities",
        "title": "Your communities",
        "template": "communities/sections/my_communities.html",
        "items": memberships,
        "propose_url": reverse("communities:propose"),
        "directory_url": _directory_url(),
        "order": 10,
    }


@hooks.register("boost_dashboard_sections")
def my_events_section(request):
    rsvps = list(
        Rsvp.objects.filter(
            user=request.user,
            status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITING],
            event__in=Event.objects.upcoming().visible_to(request.user),
        )
        .select_related("event__community")
        .order_by("event__starts_at")[:10]
    )
    if not rsvps:
        return None
    return {
        "key": "my-events",
        "title": "Your upcoming events",
        "template": "communities/sections/my_events.html",
        "items": rsvps,
        "order": 15,
    }


@hooks.register("boost_profile_sections")
def person_communities_section(request, person):
    """The communities a person belongs to, limited to those the viewer may see."""
    communities = list(
        CommunityPage.objects.visible_to(request.user)
        .filter(memberships__user=person, memberships__state=Membership.State.ACTIVE)
        .order_by("title")
    )
    if not communities:
        return None
    return {
        "key": "communities",
        "title": "Communities",
        "template": "communities/sections/community_links.html",
        "items": communities,
        "order": 10,
    }


@hooks.register("boost_demo_loaders")
def demo_loader():
    from communities.demo import load

    return (20, load)
