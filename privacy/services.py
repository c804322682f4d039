"""Verbs for data rights: download my data, close my account, and the erasure itself.

Who may do what: a signed-in person for themselves; an admin (Wagtail's Admin role or a superuser)
for anyone, when answering a subject-access or erasure request received by email. Each verb checks
that itself, runs in one transaction, and tells the discussion sockets on commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import roles
from discussions import events
from privacy.models import AccountClosure, DataExport, ErasureRecord, MessagesChoice
from privacy.registry import ErasureOptions, sections

logger = logging.getLogger(__name__)


class PrivacyError(Exception):
    """A refused data-rights action; the message is for people."""


def grace_days() -> int:
    return int(getattr(settings, "ACCOUNT_CLOSURE_GRACE_DAYS", 14))


def export_hours() -> int:
    return int(getattr(settings, "DATA_EXPORT_HOURS", 24))


def is_data_admin(user) -> bool:
    """May ``user`` run exports and erasures for other people?"""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.in_group(roles.ADMIN)))


def _check_actor(actor, subject) -> None:
    if not actor.is_authenticated or not actor.is_active:
        raise PrivacyError("Sign in first.")
    if actor.pk != subject.pk and not is_data_admin(actor):
        raise PrivacyError("Only administrators can do this for someone else.")


# --- sessions and sockets --------------------------------------------------------------


def end_sessions(user) -> int:
    """End every session ``user`` signed in with (any session backend) and close their open sockets
    once the transaction commits."""
    from accounts.models import SignInRecord

    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    keys = set(SignInRecord.objects.filter(user=user).exclude(session_key="").values_list("session_key", flat=True))
    for key in keys:
        store: SessionBase = engine(session_key=key)
        store.delete(key)
    SignInRecord.objects.filter(user=user).update(session_key="")
    events.broadcast_on_commit(events.user_group(user.pk), events.account_ended(user.pk))
    return len(keys)


# --- download my data ----------------------------------------------------------------------


@transaction.atomic
def request_export(*, actor, subject=None) -> DataExport:
    """Queue an export of everything Boost holds about ``subject`` (default: ``actor``), downloadable
    by ``actor`` alone for ``DATA_EXPORT_HOURS`` once built. A request while one is still being
    built returns that one."""
    subject = subject or actor
    _check_actor(actor, subject)
    pending = DataExport.objects.filter(subject=subject, recipient=actor, state=DataExport.State.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(subject=subject, recipient=actor)
    from privacy.tasks import build_data_export

    transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


def build_export(export_id: int) -> bool:
    """Build one export's archive (the worker calls this). Returns False if there was nothing to do."""
    from privacy.export import build_archive

    export = DataExport.objects.select_related("subject", "recipient").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.PENDING:
        return False
    try:
        archive = build_archive(export.subject)
    except Exception:
        logger.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(state=DataExport.State.FAILED)
        return False
    now = timezone.now()
    export.archive = archive
    export.size = len(archive)
    export.state = DataExport.State.READY
    export.ready_at = now
    export.expires_at = now + timedelta(hours=export_hours())
    export.save(update_fields=["archive", "size", "state", "ready_at", "expires_at"])
    url = settings.SITE_URL.rstrip("/") + reverse("privacy:download_data")
    whose = "about you" if export.subject_id == export.recipient_id else "that you asked for"
    send_mail(
        "[Boost] Your data is ready to download",
        f"The copy of the data Boost holds {whose} is ready.\n\n"
        f"Sign in and download it from {url} before {timezone.localtime(export.expires_at):%d %B %Y at %H:%M}. "
        "After that the file is deleted.\n",
        None,
        [export.recipient.email],
    )
    return True


def downloadable_export(*, viewer, token) -> DataExport | None:
    """The export ``viewer`` may download by ``token`` now, or None (someone else's, expired, not ready)."""
    if not viewer.is_authenticated:
        return None
    return DataExport.objects.downloadable().filter(token=token, recipient=viewer).first()


def purge_expired_exports() -> int:
    """Delete the archives of exports whose link has expired (the rows stay, as a record of the request)."""
    return DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=timezone.now()).update(
        archive=None, size=0, state=DataExport.State.EXPIRED
    )


# --- close my account ----------------------------------------------------------------------


@transaction.atomic
def request_closure(
    *,
    actor,
    subject=None,
    messages: str = MessagesChoice.ANONYMISE,
    origin: str = AccountClosure.Origin.SELF,
    immediately: bool = False,
) -> AccountClosure | ErasureRecord:
    """Close ``subject``'s account (default: ``actor``'s) after the grace period, in which they can
    cancel by signing in. ``immediately`` (admins only, for an erasure request that says so) erases
    now and returns the :class:`ErasureRecord`. Their sessions and sockets end at once."""
    subject = subject or actor
    _check_actor(actor, subject)
    if messages not in MessagesChoice.values:
        raise PrivacyError("Choose what happens to your messages.")
    if immediately and not is_data_admin(actor):
        raise PrivacyError("Only administrators can erase an account without a grace period.")
    if not subject.is_active and not hasattr(subject, "closure"):
        raise PrivacyError("That account is already closed.")
    closure, _ = AccountClosure.objects.update_or_create(
        user=subject,
        defaults={
            "origin": origin,
            "messages": messages,
            "requested_at": timezone.now(),
            "erase_after": timezone.now() + timedelta(days=grace_days()),
        },
    )
    if immediately:
        return erase_account(user=subject)
    end_sessions(subject)
    return closure


@transaction.atomic
def cancel_closure(*, actor, subject=None) -> bool:
    """Keep the account: cancel a closure still in its grace period. Returns whether one was cancelled."""
    subject = subject or actor
    _check_actor(actor, subject)
    deleted, _ = AccountClosure.objects.filter(user=subject, erase_after__gt=timezone.now()).delete()
    return bool(deleted)


def pending_closure(user) -> AccountClosure | None:
    if not user.is_authenticated:
        return None
    return AccountClosure.objects.filter(user=user).first()


@transaction.atomic
def erase_account(*, user) -> ErasureRecord:
    """Erase or anonymise everything Boost holds about ``user``, section by section (each app's
    ``data_export`` module), end their sessions and sockets, and leave an :class:`ErasureRecord` with
    no personal data. Search drops their entries as each section saves or deletes its rows."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    closure = AccountClosure.objects.filter(user=user).first()
    messages = closure.messages if closure else MessagesChoice.ANONYMISE
    options = ErasureOptions(delete_messages=messages == MessagesChoice.DELETE, former_name=user.display_name)
    end_sessions(user)
    summary: dict[str, dict[str, int]] = {}
    for section in sections():
        if section.erase is None:
            continue
        done = section.erase(user, options)
        if done:
            summary[section.name] = done
    DataExport.objects.filter(subject=user).delete()
    record = ErasureRecord.objects.create(
        origin=closure.origin if closure else AccountClosure.Origin.REQUEST,
        messages=messages,
        requested_on=(closure.requested_at if closure else timezone.now()).date(),
        summary=summary,
    )
    if closure is not None:
        closure.delete()
    return record


# --- requests received by email (admins) -------------------------------------------------------

REQUEST_ACTIONS = ("export", "close", "erase")


def answer_data_request(
    *, actor, email: str, action: str, messages: str = MessagesChoice.ANONYMISE
) -> DataExport | AccountClosure | ErasureRecord:
    """An admin runs a subject-access or erasure request that ``email``'s owner sent by email.

    ``export`` queues an export downloadable by ``actor`` alone (at /me/data/, the link is emailed);
    ``close`` closes the account after the grace period; ``erase`` erases it now. Every one is
    written to Wagtail's audit log under the admin's name, against the export, the closure or the
    erasure record, so the log of an erasure names nobody but the admin.
    """
    from wagtail.log_actions import log

    if not is_data_admin(actor):
        raise PrivacyError("Only administrators can answer data requests.")
    if action not in REQUEST_ACTIONS:
        raise PrivacyError("Choose what they asked for.")
    subject = get_user_model().objects.filter(email__iexact=email.strip()).first() if email else None
    if subject is None:
        raise PrivacyError(f"Nobody on Boost has the email address {email}.")
    if action == "export":
        result = request_export(actor=actor, subject=subject)
    else:
        result = request_closure(
            actor=actor,
            subject=subject,
            messages=messages,
            origin=AccountClosure.Origin.REQUEST,
            immediately=action == "erase",
        )
    log(result, f"privacy.{action}", user=actor)
    return result


def erase_due_accounts() -> list[ErasureRecord]:
    """Erase every account whose grace period is over, each in its own transaction."""
    due = AccountClosure.objects.filter(erase_after__lte=timezone.now()).select_related("user")
    return [erase_account(user=closure.user) for closure in due]
