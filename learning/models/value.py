"""Value improvement (STAR): a pathway's interventions with spend, reach and benefit, and proposals
to shift resource between them. An exercise lives in a team's (or any) community workspace."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class ValueExercise(models.Model):
    community = models.ForeignKey("communities.CommunityPage", on_delete=models.CASCADE, related_name="value_exercises")
    title = models.CharField(max_length=160)
    pathway = models.CharField(max_length=160, help_text="The care pathway, e.g. “Stroke”.")
    benefit_unit = models.CharField(max_length=60, default="QALYs", help_text="The unit of benefit, e.g. QALYs.")
    workshop = models.ForeignKey(
        "communities.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The deliberation workshop (an event in the workspace).",
    )
    workshop_notes = models.TextField(max_length=6000, blank=True)
    decisions = models.TextField(max_length=6000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Intervention(models.Model):
    exercise = models.ForeignKey(ValueExercise, on_delete=models.CASCADE, related_name="interventions")
    name = models.CharField(max_length=160)
    annual_spend = models.DecimalField(max_digits=14, decimal_places=2)
    people_reached = models.PositiveIntegerField()
    benefit_per_person = models.DecimalField(max_digits=10, decimal_places=4)
    benefit_low = models.DecimalField(max_digits=10, decimal_places=4)
    benefit_high = models.DecimalField(max_digits=10, decimal_places=4)
    source = models.CharField(max_length=300, help_text="Where the benefit estimate comes from.")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annual_spend__gte=0), name="intervention_spend_not_negative"),
            models.CheckConstraint(condition=models.Q(people_reached__gt=0), name="intervention_reaches_people"),
            models.CheckConstraint(
                condition=models.Q(benefit_low__lte=models.F("benefit_high")), name="intervention_range_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def total_benefit(self) -> Decimal:
        return self.benefit_per_person * self.people_reached

    @property
    def cost_per_unit(self) -> Decimal | None:
        total = self.total_benefit
        return (self.annual_spend / total) if total > 0 else None


class ResourceShift(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        BUSINESS_CASE = "business_case", "In business case"
        ENACTED = "enacted", "Enacted"

    exercise = models.ForeignKey(ValueExercise, on_delete=models.CASCADE, related_name="proposals")
    from_intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="+")
    to_intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    expected_benefit_change = models.DecimalField(max_digits=12, decimal_places=4)
    rationale = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    priorities = models.ManyToManyField("projects.PriorityPage", blank=True, related_name="resource_shifts")
    writeups = models.ManyToManyField("projects.ProjectPage", blank=True, related_name="resource_shifts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="shift_amount_positive")]

    def __str__(self) -> str:
        return f"{self.from_intervention} → {self.to_intervention}"
