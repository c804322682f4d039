"""Per kind of notification, what reaches a person: the bell and email (at their digest frequency,
the default), the bell only, or nothing. One store: ``NotificationPreference.delivery`` maps a kind
to its choice; a kind not in it gets the default. New discussions are one kind among the others
(their old on/off switch became "nothing" when off: migration 0008).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from discussions.models import Notification, NotificationPreference


class Delivery(models.TextChoices):
    EMAIL = "email", "In the bell, and by email as often as you chose above"
    BELL = "bell", "Only in the bell"
    OFF = "off", "Nothing"


# The kinds a person chooses for, in the order the settings page asks, with the question.
CHOOSABLE: dict[str, str] = {
    Notification.Kind.DIRECT: "Private messages",
    Notification.Kind.MENTION: "Someone mentions you",
    Notification.Kind.REPLY: "Replies to discussions you started",
    Notification.Kind.NEW_THREAD: "New discussions in communities you belong to",
    Notification.Kind.SIGNAL: "New signals on measures of what you follow",
    Notification.Kind.FLAG: "Flagged messages (if you moderate)",
}


def clean(choices: dict) -> dict[str, str]:
    """Only known kinds and known choices are stored; the default is not stored at all."""
    return {
        kind: choice
        for kind, choice in choices.items()
        if kind in CHOOSABLE and choice in Delivery.values and choice != Delivery.EMAIL
    }


def silenced(user_ids, kind: str) -> set[int]:
    """Of ``user_ids``, those who chose to hear nothing of ``kind`` (no notification is stored)."""
    if kind not in CHOOSABLE or not user_ids:
        return set()
    return set(
        NotificationPreference.objects.filter(
            user_id__in=list(user_ids), **{f"delivery__{kind}": Delivery.OFF}
        ).values_list("user_id", flat=True)
    )


def bell_only() -> Q:
    """Notifications whose recipient wants that kind in the bell only: never emailed."""
    query = Q(pk__in=[])
    for kind in CHOOSABLE:
        chose = NotificationPreference.objects.filter(**{f"delivery__{kind}": Delivery.BELL}).values("user_id")
        query |= Q(kind=kind, recipient_id__in=chose)
    return query
