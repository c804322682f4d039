"""Atom feeds of new write-ups (all of them, a priority's, a community's) and of a priority's updates
(Django's syndication framework).

Feed readers carry no session and feed addresses get shared, so every feed shows public content
only, whoever asks: write-ups an anonymous reader may see (``visible_pages``) under a priority or
community an anonymous reader may see. Anything else answers 404, as the page would.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from boost.permissions import visible_pages
from communities.models import CommunityPage
from projects.models import PriorityPage, ProjectPage
from projects.updates import Update, priority_updates

FEED_ITEMS = 30


def public_write_ups():
    return visible_pages(ProjectPage.objects.all(), AnonymousUser()).order_by("-first_published_at", "-pk")


def public_page(model, slug: str):
    page = visible_pages(model.objects.filter(slug=slug), AnonymousUser()).first()
    if page is None or getattr(page, "is_private", False):
        raise Http404("No such page")
    return page


class WriteUpsFeed(Feed):
    """Every new public write-up."""

    feed_type = Atom1Feed
    title = "Boost: new improvement write-ups"
    subtitle = "Improvement stories published on Boost, newest first."

    def link(self):
        return "/projects/"

    def feed_url(self):
        return reverse("projects:feed_write_ups")

    def items(self):
        return public_write_ups()[:FEED_ITEMS]

    def item_title(self, item: ProjectPage) -> str:
        return item.title

    def item_description(self, item: ProjectPage) -> str:
        return item.summary or item.aim

    def item_link(self, item: ProjectPage) -> str:
        return item.url

    def item_pubdate(self, item: ProjectPage):
        return item.first_published_at

    def item_updateddate(self, item: ProjectPage):
        return item.last_published_at or item.first_published_at

    def item_categories(self, item: ProjectPage):
        return [item.get_stage_display()]


class PriorityWriteUpsFeed(WriteUpsFeed):
    """New public write-ups under one public priority."""

    def get_object(self, request, slug: str) -> PriorityPage:
        return public_page(PriorityPage, slug)

    def title(self, obj: PriorityPage) -> str:
        return f"Boost: new write-ups for {obj.title}"

    def subtitle(self, obj: PriorityPage) -> str:
        return obj.aim

    def link(self, obj: PriorityPage) -> str:
        return obj.url

    def feed_url(self, obj: PriorityPage) -> str:
        return reverse("projects:feed_priority", args=[obj.slug])

    def items(self, obj: PriorityPage):
        return public_write_ups().filter(priorities=obj)[:FEED_ITEMS]


class CommunityWriteUpsFeed(WriteUpsFeed):
    """New public write-ups linked to one public community."""

    def get_object(self, request, slug: str) -> CommunityPage:
        return public_page(CommunityPage, slug)

    def title(self, obj: CommunityPage) -> str:
        return f"Boost: new write-ups from {obj.title}"

    def subtitle(self, obj: CommunityPage) -> str:
        return f"Improvement stories linked to the {obj.title} community."

    def link(self, obj: CommunityPage) -> str:
        return obj.url

    def feed_url(self, obj: CommunityPage) -> str:
        return reverse("projects:feed_community", args=[obj.slug])

    def items(self, obj: CommunityPage):
        return public_write_ups().filter(communities=obj)[:FEED_ITEMS]


class PriorityUpdatesFeed(Feed):
    """What moved under one public priority: new write-ups, stage moves, new signals and assurance
    changes (``projects.updates``), public write-ups only, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> PriorityPage:
        return public_page(PriorityPage, slug)

    def title(self, obj: PriorityPage) -> str:
        return f"Boost: updates on {obj.title}"

    def subtitle(self, obj: PriorityPage) -> str:
        return "New write-ups, stage moves and new signals in the measures of this priority's write-ups."

    def link(self, obj: PriorityPage) -> str:
        return obj.url

    def feed_url(self, obj: PriorityPage) -> str:
        return reverse("projects:feed_priority_updates", args=[obj.slug])

    def items(self, obj: PriorityPage) -> list[Update]:
        return priority_updates(obj, visible_pages(ProjectPage.objects.all(), AnonymousUser()), FEED_ITEMS)

    def item_title(self, item: Update) -> str:
        return item.title

    def item_description(self, item: Update) -> str:
        return item.description

    def item_link(self, item: Update) -> str:
        return item.url

    def item_guid(self, item: Update) -> str:
        return f"tag:boost,priority-update:{item.key}"

    def item_guid_is_permalink(self, item: Update) -> bool:
        return False

    def item_pubdate(self, item: Update):
        return item.when

    def item_categories(self, item: Update):
        return [item.category]
