"""Background work: notification emails, each sent exactly once.

A notification is claimed for email with a conditional UPDATE (``emailed_at`` set only where it is
still empty); only the worker whose UPDATE matched sends it, so a retried or doubly-queued task
never emails twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from discussions.models import EmailFrequency, Notification, NotificationPreference

UNSUBSCRIBE_SALT = "discussions.unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(user_id: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("discussions:unsubscribe", args=[unsubscribe_token(user_id)])


def _send(user, notifications: list[Notification], subject: str) -> None:
    context = {
        "user": user,
        "notifications": notifications,
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe_url(user.pk),
        "settings_url": settings.SITE_URL.rstrip("/") + reverse("discussions:notification_settings"),
    }
    email = EmailMultiAlternatives(
        subject=f"[Boost] {subject}",
        body=render_to_string("discussions/email/notifications.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.send()


def _claim(ids: list[int]) -> list[Notification]:
    """Mark these notifications emailed; return only those this call claimed."""
    stamp = timezone.now()
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=stamp)
    return list(
        Notification.objects.filter(pk__in=ids, emailed_at=stamp)
        .select_related("actor__profile", "thread", "recipient")
        .order_by("id")
    )


@task
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to someone who asked for emails straight away."""
    from discussions.delivery import bell_only

    notification = (
        Notification.objects.shown().exclude(bell_only()).select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.read_at is not None:
        return False
    frequency = (
        NotificationPreference.objects.filter(user_id=notification.recipient_id)
        .values_list("email_frequency", flat=True)
        .first()
    )
    if frequency != EmailFrequency.IMMEDIATE or not notification.recipient.is_active:
        return False
    claimed = _claim([notification_id])
    if not claimed:
        return False
    _send(notification.recipient, claimed, claimed[0].text)
    return True


@task
def send_digests(frequency: str) -> int:
    """Email everyone on the ``daily`` or ``weekly`` digest their unemailed, unread notifications
    (not the kinds they want in the bell only)."""
    from discussions.delivery import bell_only

    users_on_digest = NotificationPreference.objects.filter(email_frequency=frequency).values("user_id")
    # Daily is the default for people who never chose.
    if frequency == EmailFrequency.DAILY:
        who = Q(recipient_id__in=users_on_digest) | ~Q(
            recipient_id__in=NotificationPreference.objects.values("user_id")
        )
    else:
        who = Q(recipient_id__in=users_on_digest)
    pending = (
        Notification.objects.filter(who, emailed_at__isnull=True, read_at__isnull=True, recipient__is_active=True)
        .shown()
        .exclude(bell_only())
        .values_list("recipient_id", "pk")
        .order_by("recipient_id", "pk")
    )
    by_user: dict[int, list[int]] = {}
    for user_id, pk in pending:
        by_user.setdefault(user_id, []).append(pk)
    sent = 0
    for ids in by_user.values():
        claimed = _claim(ids)
        if claimed:
            count = len(claimed)
            _send(claimed[0].recipient, claimed, f"{count} update{'s' if count != 1 else ''} from your discussions")
            sent += 1
    return sent
