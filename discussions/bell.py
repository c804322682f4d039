"""The header bell's two counts: unread notifications, and the unread private messages among them.

They come with the signed-in person (``accounts.backends`` adds :func:`bell_count_subqueries` to the
one query that loads them), so the bell costs no query of its own. Whatever marks notifications read
during a request calls :func:`forget_bell_counts`, so the page it then renders counts afresh.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from discussions.models import Notification

_FIELDS = ("bell_unread", "bell_messages")


def _unread(recipient) -> Q:
    return Q(recipient=recipient, read_at__isnull=True)


def bell_count_subqueries(recipient: OuterRef) -> dict[str, Coalesce]:
    """Annotations for a query of users: ``bell_unread`` and ``bell_messages``."""

    def count(extra: Q) -> Coalesce:
        rows = (
            Notification.objects.filter(_unread(recipient) & extra)
            .shown()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return {"bell_unread": count(Q()), "bell_messages": count(Q(kind=Notification.Kind.DIRECT))}


def bell_counts(user) -> tuple[int, int]:
    """(unread, unread private messages) for ``user``: from their loading when they came with it."""
    # Attributes, not user.__dict__: request.user is a lazy wrapper around the person.
    loaded = [getattr(user, name, None) for name in _FIELDS]
    if None not in loaded:
        return loaded[0], loaded[1]
    counts = (
        Notification.objects.filter(_unread(user))
        .shown()
        .aggregate(unread=Count("pk"), messages=Count("pk", filter=Q(kind=Notification.Kind.DIRECT)))
    )
    return counts["unread"], counts["messages"]


def forget_bell_counts(user) -> None:
    """The counts ``user`` was loaded with are out of date (notifications were just read)."""
    for name in _FIELDS:
        if hasattr(user, name):
            delattr(user, name)
