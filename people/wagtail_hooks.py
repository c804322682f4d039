"""People's contributions to the dashboard: the activity feed and what the person follows."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks

DASHBOARD_FEED_ITEMS = 10


@hooks.register("boost_dashboard_sections")
def activity_feed_section(request):
    from people import feed
    from people.views import feed_items

    page = feed.feed_page(request.user, request=request, size=DASHBOARD_FEED_ITEMS)
    return {
        "key": "activity-feed",
        "title": "Your activity feed",
        "template": "people/includes/dashboard_feed.html",
        "items": feed_items(page, request),
        "upcoming": feed.upcoming_events(request.user, limit=3),
        "more_url": f"{reverse('people:feed')}?before={page.next_cursor}" if page.next_cursor else "",
        "feed_url": reverse("people:feed"),
        "following_url": reverse("people:following"),
        "order": 5,
    }


@hooks.register("boost_demo_loaders")
def demo_loader():
    from people.demo import load

    return (50, load)


@hooks.register("boost_profile_sections")
def expertise_section(request, person):
    """Methods, care areas, offers of help (what the person says) and what they have done (their
    published write-ups the viewer may see)."""
    from people.expertise import done_by
    from people.models import Expertise, HelpOffer

    expertise = Expertise.objects.filter(user=person).prefetch_related("methods", "care_areas").first()
    return {
        "key": "expertise",
        "title": "Expertise",
        "template": "people/includes/profile_expertise.html",
        "items": [],
        "expertise": expertise,
        "methods": [method.name for method in expertise.methods.all()] if expertise else [],
        "care_areas": [area.name for area in expertise.care_areas.all()] if expertise else [],
        "offers": list(HelpOffer.objects.filter(user=person)),
        "done": done_by(person, request.user, request=request),
        "is_owner": request.user.is_authenticated and request.user.pk == person.pk,
    }
