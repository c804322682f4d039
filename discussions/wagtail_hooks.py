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


@hooks.register("boost_dashboard_sections")
def moderation_section(request):
    """Moderators' way in to the queue (and, for curators and admins, suspensions)."""
    from accounts.sanctions import can_suspend
    from discussions.permissions import can_use_moderation_queue, flags_moderated_by

    if not can_use_moderation_queue(request.user):
        return None
    waiting = flags_moderated_by(request.user).values("message_id").distinct().count()
    return {
        "key": "moderation",
        "title": "Moderation",
        "template": "discussions/includes/dashboard_moderation.html",
        "items": [],
        "waiting": waiting,
        "can_suspend": can_suspend(request.user),
        "order": 35,
    }
