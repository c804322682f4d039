"""What a thread page reads: one keyset page of messages as plain rows, with their reactions.

Plain rows rather than model instances because a page of 50 messages with their authors, profiles
and quoted messages built about 200 model instances (each with its init signals), which was most of
what a long thread's first page cost beyond a short one's (``bench/thread_render.py``). The rows
carry exactly what ``message_html`` and the view use; two queries whatever the thread's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from accounts.models import User
from discussions.models import Message, MessageStates, Reaction, Thread

PAGE_SIZE = 50

_PERSON = ("email", "first_name", "last_name", "profile__display_name")
_COLUMNS = (
    "id", "author_id", "body", "body_html", "reply_to_id", "state", "version",
    "created_at", "edited_at", "deleted_at", "hidden_at",
    *(f"author__{name}" for name in _PERSON),
    "reply_to__body", "reply_to__state", "reply_to__deleted_at", "reply_to__hidden_at",
    *(f"reply_to__author__{name}" for name in _PERSON),
)  # fmt: skip


@dataclass(slots=True)
class QuotedRow:
    """The message a reply answers: enough to quote it."""

    author_name: str
    body: str
    is_visible: bool


@dataclass(slots=True)
class MessageRow(MessageStates):
    """One message as the thread page shows it (the same names as :class:`Message` where shared)."""

    pk: int
    author_id: int
    author_name: str
    body: str
    body_html: str
    reply_to_id: int | None
    reply_to: QuotedRow | None
    state: str
    version: int
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden_at: datetime | None
    reaction_list: list[dict] = field(default_factory=list)


def _row(values: tuple) -> MessageRow:
    (pk, author_id, body, body_html, reply_to_id, state, version, created_at, edited_at, deleted_at, hidden_at,
     email, first, last, display,
     q_body, q_state, q_deleted, q_hidden, q_email, q_first, q_last, q_display) = values  # fmt: skip
    quoted = None
    if reply_to_id is not None and q_email is not None:
        visible = q_state == Message.State.PUBLISHED and q_deleted is None and q_hidden is None
        quoted = QuotedRow(User.name_from(q_display, q_first, q_last, q_email), q_body, visible)
    return MessageRow(
        pk, author_id, User.name_from(display, first, last, email), body, body_html, reply_to_id, quoted,
        state, version, created_at, edited_at, deleted_at, hidden_at,
    )  # fmt: skip


def thread_messages(thread: Thread, user, before: int | None) -> tuple[list[MessageRow], bool]:
    """One page of a thread, the newest ``PAGE_SIZE`` before ``before`` (keyset on id), oldest first.

    Published messages, plus the viewer's own held ones (marked as awaiting approval)."""
    visible = Q(state=Message.State.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(state=Message.State.HELD, author=user)
    qs = Message.objects.filter(visible, thread=thread).order_by("-id")
    if before:
        qs = qs.filter(id__lt=before)
    rows = [_row(values) for values in qs.values_list(*_COLUMNS)[: PAGE_SIZE + 1]]
    has_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    rows.reverse()
    _add_reactions(rows, user)
    return rows, has_older


def _add_reactions(rows: list[MessageRow], user) -> None:
    counts: dict[int, dict[str, int]] = {}
    mine: set[tuple[int, str]] = set()
    # One query for the counts and the viewer's own reactions (a page has at most a few hundred).
    reactions = Reaction.objects.filter(message_id__in=[row.pk for row in rows]).values_list(
        "message_id", "kind", "user_id"
    )
    for message_id, kind, reactor_id in reactions:
        per_message = counts.setdefault(message_id, {})
        per_message[kind] = per_message.get(kind, 0) + 1
        if reactor_id == user.pk:
            mine.add((message_id, kind))
    for row in rows:
        row_counts = counts.get(row.pk, {})
        row.reaction_list = [
            {"kind": kind, "label": label, "count": row_counts.get(kind, 0), "mine": (row.pk, kind) in mine}
            for kind, label in Reaction.Kind.choices
        ]
