"""The record of each special-cause signal and assurance change a measure has shown.

Written by :mod:`projects.signal_record` whenever the analysis is refreshed, once per signal: the
unique ``(measure, key)`` pair is what makes a re-upload of the same data announce nothing. The
people who follow a write-up are told about the records marked ``is_current`` (people/); leaders'
pages read the same rows for "what changed since last month".
"""

from __future__ import annotations

from django.db import models


class MeasureSignal(models.Model):
    """One signal (or assurance change) on one measure, in words, found at ``found_at``."""

    class Kind(models.TextChoices):
        SPECIAL_CAUSE = "special_cause", "Special-cause signal"
        ASSURANCE = "assurance", "Change of assurance"

    measure = models.ForeignKey("projects.Measure", on_delete=models.CASCADE, related_name="signal_records")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # special cause: "<rule>:<side>:<first date>"; assurance: "assurance:<n>" (the n-th change).
    key = models.CharField(max_length=120)
    rule = models.CharField(max_length=16, blank=True, help_text="projects.spc.Rule, for special causes")
    side = models.CharField(max_length=8, blank=True, help_text="high or low")
    classification = models.CharField(max_length=16, blank=True, help_text="improvement, concern or neutral")
    assurance = models.CharField(max_length=24, blank=True, help_text="The assurance icon after the change")
    previous_assurance = models.CharField(max_length=24, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=400)
    # True when the signal reached the measure's latest value as it was found (what the new data
    # shows), so it is announced; a signal found further back (a first upload of years of data, a
    # back-filled month) is recorded without an announcement.
    is_current = models.BooleanField(default=True)
    found_at = models.DateTimeField(auto_now_add=True, db_index=True)
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["measure", "key"], name="one_record_per_signal")]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.description}"

    @property
    def is_improvement(self) -> bool:
        return self.classification == "improvement" or self.assurance == "consistently_pass"
