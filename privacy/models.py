"""Data rights (UK GDPR): data exports, account closures and the erasure audit trail.

Nothing here duplicates what other apps hold: an export reads them through the sections their
``data_export`` modules register (:mod:`privacy.registry`), and an erasure asks the same sections
to erase or anonymise.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField


class DataExportQuerySet(models.QuerySet):
    def downloadable(self) -> DataExportQuerySet:
        return self.filter(state=DataExport.State.READY, expires_at__gt=timezone.now())


class DataExport(models.Model):
    """One "download my data" request. The ZIP is kept in the database (not in ``MEDIA_ROOT``, which
    a proxy may serve) so the web process and the worker need no shared disk, and it is deleted when
    the link expires."""

    class State(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    # Who may download it: the subject, or the admin answering a subject-access request by email.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    archive = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.get_state_display()})"

    @property
    def is_downloadable(self) -> bool:
        return self.state == self.State.READY and self.expires_at is not None and self.expires_at > timezone.now()

    @property
    def filename(self) -> str:
        return f"boost-data-{self.subject_id}-{(self.ready_at or self.requested_at):%Y%m%d}.zip"


class MessagesChoice(models.TextChoices):
    ANONYMISE = "anonymise", "Keep my messages, shown as from “Former member”"
    DELETE = "delete", "Delete what my messages say (replies to them will show “deleted”)"


class AccountClosure(models.Model):
    """A request to close an account, waiting out its grace period (see ``ACCOUNT_CLOSURE_GRACE_DAYS``).
    The row is deleted when the erasure runs; what was done is kept in :class:`ErasureRecord`."""

    class Origin(models.TextChoices):
        SELF = "self", "The person closed their own account"
        REQUEST = "request", "An erasure request received by the site's administrators"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closure")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.SELF)
    messages = models.CharField(max_length=16, choices=MessagesChoice.choices, default=MessagesChoice.ANONYMISE)
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Closure of account {self.user_id} after {self.erase_after:%Y-%m-%d}"


class ErasureRecord(models.Model):
    """The audit trail of an erasure. Deliberately holds no personal data: not the person's id, name
    or email, only what was done, when, and on whose initiative."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    origin = models.CharField(max_length=16, choices=AccountClosure.Origin.choices)
    messages = models.CharField(max_length=16, choices=MessagesChoice.choices)
    requested_on = models.DateField()
    completed_at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict, help_text="What each section erased or anonymised, as counts.")

    class Meta:
        ordering = ["-completed_at"]

    def __str__(self) -> str:
        return f"Erasure {self.reference} on {self.completed_at:%Y-%m-%d}"


@register_setting(icon="lock")
class PrivacySettings(BaseSiteSetting):
    """The privacy notice shown at /privacy/: editable by admins in Settings."""

    notice = RichTextField(
        blank=True,
        help_text="What Boost collects about people, why, the lawful basis, how long it is kept and who to "
        "contact. The page adds links to download your data and to close your account.",
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where people send subject-access and erasure requests (the data protection officer)."
    )

    class Meta:
        verbose_name = "privacy notice"
