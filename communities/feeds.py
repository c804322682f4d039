"""An Atom feed of a public community's events (the calendar has ``calendar.ics``; this is for feed readers)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from communities.models import CommunityPage, Event
from projects.feeds import public_page

FEED_ITEMS = 30


class CommunityEventsFeed(Feed):
    """A public community's events, newest announcement first. Private communities answer 404 to
    everyone: their members subscribe to the calendar with their personal token instead."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> CommunityPage:
        return public_page(CommunityPage, slug)

    def title(self, obj: CommunityPage) -> str:
        return f"Boost: events of {obj.title}"

    def subtitle(self, obj: CommunityPage) -> str:
        return f"Meetings, webinars and convening days of the {obj.title} community."

    def link(self, obj: CommunityPage) -> str:
        return reverse("communities:events", args=[obj.slug])

    def feed_url(self, obj: CommunityPage) -> str:
        return reverse("communities:events_atom", args=[obj.slug])

    def items(self, obj: CommunityPage):
        return (
            Event.objects.filter(community=obj).select_related("community").order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item: Event) -> str:
        return f"{item.title} (cancelled)" if item.is_cancelled else item.title

    def item_description(self, item: Event) -> str:
        return f"{item.get_kind_display()}, {item.when}. {item.description}".strip()

    def item_link(self, item: Event) -> str:
        return reverse("communities:event", args=[item.community.slug, item.pk])

    def item_pubdate(self, item: Event):
        return item.created_at

    def item_updateddate(self, item: Event):
        return item.updated_at
