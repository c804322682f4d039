"""Verbs for account sanctions: suspend a member, lift a suspension, bring hidden content back.

Curators and admins suspend; only an admin may suspend (or lift the suspension of) an admin, and
nobody suspends themselves. A suspension ends the member's sessions and open sockets at once
through the same path as closing an account (``privacy.services.end_sessions``); while it is in
force the sign-in form, every request and every new socket refuse them (``User.is_suspended``,
read from the user row each of those already loads). One with an end date ends by itself at that
moment, with nothing to run. Each verb checks, then changes everything in one transaction, or
raises :class:`SanctionError` and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import Suspension, User

REASON_MAX_CHARS = 1000


class SanctionError(Exception):
    """A refused sanction; ``message`` is for people, ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _is_admin(user) -> bool:
    return bool(user.is_superuser or user.in_group(roles.ADMIN))


def can_suspend(actor) -> bool:
    """Curators and admins (who are not themselves suspended)."""
    if not actor.is_authenticated or not actor.is_active or actor.is_suspended:
        return False
    return _is_admin(actor) or actor.in_group(roles.CURATOR)


def may_sanction(actor, member) -> bool:
    """May ``actor`` suspend ``member``, or lift their suspension?"""
    if not can_suspend(actor) or actor.pk == member.pk:
        return False
    return not _is_admin(member) or _is_admin(actor)


def current_suspension(member) -> Suspension | None:
    return Suspension.objects.in_force().filter(user=member).first()


def _check(actor, member) -> None:
    if not can_suspend(actor):
        raise SanctionError("Only curators and admins can suspend members.")
    if actor.pk == member.pk:
        raise SanctionError("You cannot suspend yourself.")
    if _is_admin(member) and not _is_admin(actor):
        raise SanctionError("Only an admin can suspend an admin.")


def _sync_user(member: User) -> None:
    """Copy the member's current suspension (and hidden content) onto their user row. Saving the
    row also re-indexes their profile for search (search listens to ``accounts.User``)."""
    suspension = current_suspension(member)
    member.suspended = suspension is not None
    member.suspended_until = suspension.ends_at if suspension else None
    member.content_hidden = Suspension.objects.filter(
        user=member, hide_content=True, content_restored_at__isnull=True
    ).exists()
    member.save(update_fields=["suspended", "suspended_until", "content_hidden"])


def suspend_member(*, actor, member, reason: str, ends_at: datetime | None, hide_content: bool) -> Suspension:
    """Suspend ``member`` until ``ends_at`` (None: until lifted), for ``reason`` (kept for moderators).
    Their sessions and sockets end at once; with ``hide_content`` their messages, the discussions
    they started and their profile leave every page, search and notification until restored."""
    _check(actor, member)
    reason = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not reason:
        raise SanctionError("Give the reason for the suspension (only moderators see it).", "reason")
    if len(reason) > REASON_MAX_CHARS:
        raise SanctionError(f"Keep the reason under {REASON_MAX_CHARS:,} characters.", "reason")
    if ends_at is not None and ends_at <= timezone.now():
        raise SanctionError("The end date must be in the future.", "ends_on")
    with transaction.atomic():
        member = get_user_model().objects.select_for_update().get(pk=member.pk)
        if not member.is_active:
            raise SanctionError("That account is closed.")
        if current_suspension(member) is not None:
            raise SanctionError(f"{member.display_name} is already suspended. Lift that suspension to change it.")
        suspension = Suspension.objects.create(
            user=member, suspended_by=actor, reason=reason, ends_at=ends_at, hide_content=hide_content
        )
        _sync_user(member)
        from privacy.services import end_sessions

        end_sessions(member)
        if hide_content:
            from discussions.services import hide_content_of

            hide_content_of(actor=actor, suspension=suspension)
    return suspension


def _suspension_for(actor, suspension_id: int) -> Suspension:
    suspension = (
        Suspension.objects.select_for_update(of=("self",)).select_related("user").filter(pk=suspension_id).first()
    )
    if suspension is None or not may_sanction(actor, suspension.user):
        raise SanctionError("That suspension does not exist.")
    return suspension


def lift_suspension(*, actor, suspension_id: int, restore_content: bool) -> Suspension:
    """End a suspension now; with ``restore_content``, bring back what it hid."""
    if not can_suspend(actor):
        raise SanctionError("Only curators and admins can lift a suspension.")
    with transaction.atomic():
        suspension = _suspension_for(actor, suspension_id)
        if not suspension.is_in_force:
            raise SanctionError("That suspension has already ended.")
        suspension.lifted_at = timezone.now()
        suspension.lifted_by = actor
        suspension.save(update_fields=["lifted_at", "lifted_by"])
        if restore_content and suspension.content_still_hidden:
            _restore(actor, suspension)
        _sync_user(suspension.user)
    return suspension


def restore_content(*, actor, suspension_id: int) -> Suspension:
    """Bring back what a suspension hid (after it has ended, or while it is still in force)."""
    if not can_suspend(actor):
        raise SanctionError("Only curators and admins can do that.")
    with transaction.atomic():
        suspension = _suspension_for(actor, suspension_id)
        if not suspension.content_still_hidden:
            raise SanctionError("Nothing of theirs is hidden by that suspension.")
        _restore(actor, suspension)
        _sync_user(suspension.user)
    return suspension


def _restore(actor, suspension: Suspension) -> None:
    from discussions.services import restore_content_of

    restore_content_of(actor=actor, suspension=suspension)
    suspension.content_restored_at = timezone.now()
    suspension.save(update_fields=["content_restored_at"])
