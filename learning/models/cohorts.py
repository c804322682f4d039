"""Cohorts (one intake of a programme), applications, teams (stewardship groups), phase gates and
session attendance. A team's workspace is a private community, so its discussions, events and
resources are the community's own; a team's members are that community's active members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Cohort(models.Model):
    programme = models.ForeignKey("learning.ProgrammePage", on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    applications_close_on = models.DateField(help_text="The last day people can apply.")
    is_open = models.BooleanField(default=True, help_text="A lead can close applications early.")
    capacity = models.PositiveIntegerField(help_text="How many people the cohort can accept.")
    # The cohort's shared private community: its taught sessions are that community's events.
    community = models.OneToOneField(
        "communities.CommunityPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="cohort"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="cohort_has_places"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepting(self) -> bool:
        return self.is_open and timezone.localdate() <= self.applications_close_on


class Application(models.Model):
    """A person's application to (or nomination for) a cohort, and the lead's decision."""

    class State(models.TextChoices):
        APPLIED = "applied", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "On the waiting list"
        DECLINED = "declined", "Not accepted"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_applications")
    state = models.CharField(max_length=16, choices=State.choices, default=State.APPLIED)
    statement = models.TextField(max_length=2000, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="one_application_per_cohort")]
        indexes = [models.Index(fields=["cohort", "state"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.cohort}: {self.get_state_display()}"


class Team(models.Model):
    """A stewardship group: at most ``max_size`` people, one care area, a coach, a private workspace."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    care_area = models.ForeignKey("boost.CareArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.OneToOneField("communities.CommunityPage", on_delete=models.PROTECT, related_name="team")
    phase = models.CharField(max_length=32, help_text="The key of the programme phase the team is in.")
    max_size = models.PositiveSmallIntegerField(default=10)
    backfill_days_agreed = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    backfill_days_used = models.DecimalField(max_digits=6, decimal_places=1, default=0)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class PhaseGate(models.Model):
    """A programme lead's sign-off moving a team to its next phase, with the evidence for it. Kept."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="gates")
    from_phase = models.CharField(max_length=32)
    to_phase = models.CharField(max_length=32)
    note = models.TextField(max_length=2000, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    signed_off_at = models.DateTimeField(default=timezone.now)
    writeups = models.ManyToManyField("projects.ProjectPage", blank=True, related_name="+")
    measures = models.ManyToManyField("projects.Measure", blank=True, related_name="+")
    maps = models.ManyToManyField("ecomaps.EcoMap", blank=True, related_name="+")
    value_exercises = models.ManyToManyField("learning.ValueExercise", blank=True, related_name="+")

    class Meta:
        ordering = ["signed_off_at", "pk"]

    def __str__(self) -> str:
        return f"{self.team}: {self.from_phase} → {self.to_phase}"


class SessionAttendance(models.Model):
    """Who came to a session (a community event), as its facilitator or the programme lead marked it."""

    event = models.ForeignKey("communities.Event", on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attended")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_attendance_per_session")]

    def __str__(self) -> str:
        return f"{self.user} at {self.event}"


class ManagerConfirmation(models.Model):
    """A request to a line manager to confirm the protected time an applicant needs, answered once
    through a signed link in an email (see ``learning.nominations``). Kept as the record of it."""

    class Decision(models.TextChoices):
        WAITING = "", "Waiting for the manager"
        CONFIRMED = "confirmed", "Confirmed by the manager"
        DECLINED = "declined", "Declined by the manager"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="manager_confirmations")
    manager_email = models.EmailField()
    days_per_month = models.DecimalField(max_digits=4, decimal_places=1, help_text="Protected days a month.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The secret the emailed link signs; a link is good for one answer, before ``expires_at``.
    nonce = models.UUIDField(unique=True)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days_per_month__gt=0), name="manager_confirmation_has_days")
        ]

    def __str__(self) -> str:
        return f"{self.manager_email} for {self.application}: {self.get_decision_display()}"
