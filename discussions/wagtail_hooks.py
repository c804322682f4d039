"""Discussions in Wagtail: the demo loader and a dashboard section."""

from __future__ import annotations

from wagtail import hooks


@hooks.register("boost_demo_loaders")
def demo_loader():
    from discussions import demo

    return (40, demo.load)


@hooks.register("boost_dashboard_sections")
def unread_notifications_section(request):
    from discussions.models import Notification

    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).shown()
    items = list(unread.select_related("actor__profile", "thread")[:5])
    if not items:
        return None
    return {
        "key": "discussion-notifications",
        "title": "New in your discussions",
        "template": "discussions/includes/dashboard_notifications.html",
        "items": items,
        "order": 30,
    }
