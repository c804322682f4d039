"""Nominations and line managers' confirmation of protected time.

Anyone who can see a programme may nominate a Boost member for one of its cohorts; the nomination
is an application like any other (same refusals: twice, closed, full) with who nominated. A
nomination, an applicant or a programme lead can ask the applicant's line manager to confirm the
protected time they need. The manager gets an email with a link that is signed (a tampered link is
refused), answers once (a used link is refused, saying when it was used) and expires after
``settings.LEARNING_MANAGER_LINK_DAYS`` days (an expired link is refused, saying when). Opening the
link changes nothing (mail scanners open links); only the manager's confirm or decline does.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from boost import ratelimit
from boost.permissions import can_view_page
from learning import cohort_services
from learning.models import Application, Cohort, ManagerConfirmation
from learning.services import LearningError, NotVisible

SALT = "learning.manager-confirmation"
MAX_DAYS = Decimal("20")


class LinkNotValid(LearningError):
    """The link was altered or never issued."""


class LinkUsed(LearningError):
    """The link has already been answered."""


class LinkExpired(LearningError):
    """The link is past its expiry date."""


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def link_token(confirmation: ManagerConfirmation) -> str:
    return signing.dumps({"n": str(confirmation.nonce)}, salt=SALT)


def link_url(confirmation: ManagerConfirmation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("learning:manager_confirm", args=[link_token(confirmation)])


def _clean_days(days) -> Decimal:
    try:
        value = Decimal(str(days).strip())
    except (InvalidOperation, ValueError):
        raise LearningError("Give the protected time as a number of days a month, for example 1 or 1.5.") from None
    if not value.is_finite() or value <= 0 or value > MAX_DAYS or value != value.quantize(Decimal("0.1")):
        raise LearningError(f"Give the protected time as more than 0 and at most {MAX_DAYS} days a month.")
    return value


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise LearningError("Enter the line manager's email address, like name@nhs.net.") from None
    return email


def _may_ask(actor: User, application: Application) -> bool:
    return actor.pk in (application.user_id, application.nominated_by_id) or cohort_services.is_programme_lead(
        actor, application.cohort.programme
    )


@transaction.atomic
def request_manager_confirmation(
    *, actor: User, application: Application, manager_email: str, days_per_month
) -> ManagerConfirmation:
    """Email the applicant's line manager a single-use, expiring link to confirm protected time.
    Refused while an earlier request is still waiting and within its dates."""
    application = (
        Application.objects.select_for_update().select_related("cohort__programme", "user").get(pk=application.pk)
    )
    if not _may_ask(actor, application):
        raise NotVisible("No such application")
    email = _clean_email(manager_email)
    days = _clean_days(days_per_month)
    if email == application.user.email.lower():
        raise LearningError("The line manager must be someone other than the person applying.")
    now = timezone.now()
    waiting = application.manager_confirmations.filter(decision="", expires_at__gt=now).first()
    if waiting:
        raise LearningError(
            f"A request to {waiting.manager_email} is still waiting for an answer (until {_when(waiting.expires_at)})."
        )
    ratelimit.consume("nominations", ratelimit.user_key(actor))
    confirmation = ManagerConfirmation.objects.create(
        application=application,
        manager_email=email,
        days_per_month=days,
        requested_by=actor,
        nonce=uuid.uuid4(),
        expires_at=now + timedelta(days=settings.LEARNING_MANAGER_LINK_DAYS),
    )
    transaction.on_commit(lambda: _send_manager_email(confirmation))
    return confirmation


def _send_manager_email(confirmation: ManagerConfirmation) -> None:
    application = confirmation.application
    who = application.user.display_name
    send_mail(
        f"[Boost] Please confirm protected time for {who}",
        f"{who} has applied to {application.cohort.name} of the programme “{application.cohort.programme.title}”.\n\n"
        f"They need {confirmation.days_per_month} days a month of protected time. As their line manager, please "
        f"confirm or decline at:\n\n{link_url(confirmation)}\n\n"
        f"The link works once and expires on {_when(confirmation.expires_at)}. If you are not {who}'s line manager, "
        "you can ignore this email.\n",
        None,
        [confirmation.manager_email],
    )


@transaction.atomic
def nominate(
    *,
    nominator: User,
    cohort: Cohort,
    nominee_email: str,
    statement: str = "",
    manager_email: str = "",
    days_per_month=None,
) -> Application:
    """Nominate a Boost member for a cohort, optionally asking their line manager to confirm time.
    Nothing is saved if any part is refused."""
    if not nominator.is_authenticated or not can_view_page(nominator, cohort.programme):
        raise NotVisible("No such cohort")
    email = (nominee_email or "").strip().lower()
    nominee = User.objects.filter(email=email, is_active=True).select_related("profile").first()
    if nominee is None:
        raise LearningError("No Boost member has that email address. Ask them to join Boost first.")
    if nominee.pk == nominator.pk:
        raise LearningError("To put yourself forward, apply on the cohort's page instead.")
    existing = Application.objects.filter(cohort=cohort, user=nominee).first()
    if existing:
        raise LearningError(
            f"{nominee.display_name} has already applied to or been nominated for {cohort.name}; "
            f"their application is: {existing.get_state_display().lower()}."
        )
    if manager_email and days_per_month in (None, ""):
        raise LearningError("Say how many days a month of protected time the line manager should confirm.")
    if days_per_month not in (None, "") and not manager_email:
        raise LearningError("Give the line manager's email address, so they can confirm the protected time.")
    ratelimit.consume("nominations", ratelimit.user_key(nominator))
    application = cohort_services.apply(user=nominee, cohort=cohort, statement=statement, nominated_by=nominator)
    if manager_email:
        request_manager_confirmation(
            actor=nominator, application=application, manager_email=manager_email, days_per_month=days_per_month
        )
    transaction.on_commit(lambda: _send_nominee_email(application, nominator))
    return application


def _send_nominee_email(application: Application, nominator: User) -> None:
    cohort = application.cohort
    url = settings.SITE_URL.rstrip("/") + reverse("learning:cohort", args=[cohort.pk])
    send_mail(
        f"[Boost] You have been nominated for {cohort.programme.title}",
        f"{nominator.display_name} has nominated you for {cohort.name} of “{cohort.programme.title}”. "
        f"The programme lead will decide soon. See the cohort at {url}\n",
        None,
        [application.user.email],
    )


def confirmation_for_link(token: str, *, lock: bool = False) -> ManagerConfirmation:
    """The request a link answers, if it may still be answered; else the precise refusal."""
    try:
        nonce = signing.loads(token, salt=SALT)["n"]
        uuid.UUID(nonce)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkNotValid("This confirmation link is not valid. Check it was copied in full from the email.") from None
    confirmations = ManagerConfirmation.objects.select_related("application__cohort__programme", "application__user")
    if lock:
        confirmations = confirmations.select_for_update(of=("self",))
    confirmation = confirmations.filter(nonce=nonce).first()
    if confirmation is None:
        raise LinkNotValid("This confirmation link is not valid. Check it was copied in full from the email.")
    if confirmation.responded_at is not None:
        raise LinkUsed(
            f"This link has already been used: the protected time was {confirmation.get_decision_display().lower()} "
            f"on {_when(confirmation.responded_at)}. Each link works once."
        )
    if confirmation.expires_at <= timezone.now():
        raise LinkExpired(
            f"This link expired on {_when(confirmation.expires_at)}. Ask "
            f"{confirmation.application.user.display_name} or the programme lead to send a new one."
        )
    return confirmation


@transaction.atomic
def answer_manager_link(*, token: str, decision: str) -> ManagerConfirmation:
    """The manager confirms or declines, once."""
    if decision not in (ManagerConfirmation.Decision.CONFIRMED, ManagerConfirmation.Decision.DECLINED):
        raise LearningError("Choose whether you confirm or decline the protected time.")
    confirmation = confirmation_for_link(token, lock=True)
    confirmation.decision, confirmation.responded_at = decision, timezone.now()
    confirmation.save(update_fields=["decision", "responded_at"])
    return confirmation
