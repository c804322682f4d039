"""People's contributions to the dashboard."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks


@hooks.register("boost_dashboard_sections")
def following_section(request):
    from people.models import Follow

    return {
        "key": "following",
        "title": "What you follow",
        "template": "people/includes/dashboard_following.html",
        "items": [],
        "count": Follow.objects.filter(user=request.user).count(),
        "following_url": reverse("people:following"),
        "order": 12,
    }
