"""Measures and their data: dated values, annotations (changes, PDSA cycles) and phases.

The chart and the analysis are stored on the measure (``chart_svg``, ``analysis``) and rebuilt
by ``projects.measurement.refresh_measure`` whenever a service changes the measure or its data,
so reading a write-up never runs the statistics.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models


class MeasureType(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class Better(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Measure(models.Model):
    """Something a project counts over time, defined precisely enough for another team to count it too."""

    project = models.ForeignKey("projects.ProjectPage", on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=120)
    operational_definition = models.TextField(
        help_text="Exactly what is counted, from which source, how often: enough for another team to copy."
    )
    measure_type = models.CharField("Type", max_length=12, choices=MeasureType.choices, default=MeasureType.OUTCOME)
    unit = models.CharField(max_length=30, blank=True, help_text="For example: people, days, %, £.")
    better = models.CharField(
        "Which direction is better",
        max_length=8,
        choices=Better.choices,
        blank=True,
        help_text="Leave blank if neither.",
    )
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    # On by default, as in NHSRplotthedots (the reference); see projects/spc.py for why. The
    # migration that added it set it off on measures that existed before, so published limits
    # only change when their author chooses.
    screen_outliers = models.BooleanField(
        "Screen out unusual jumps when calculating the limits",
        default=True,
        help_text=(
            "Leaves out moving ranges of 3.267 times the average moving range or more, as the "
            "NHS-R 'plot the dots' tool does, so one odd value does not widen the limits. Untick to "
            "match the Making Data Count Excel tools, which do not screen."
        ),
    )
    # Blank: as precise as the data (projects.spc.data_decimals). Set it when the data's own
    # decimals mislead, e.g. a rate stored to four places but reported to one.
    decimal_places = models.PositiveSmallIntegerField(
        "Decimal places",
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text=(
            "Optional: how many decimal places values are shown with (0 to 4). Centre lines and limits "
            "get one more. Leave blank to show values as precisely as they were entered."
        ),
    )
    sort_order = models.PositiveIntegerField(default=0)

    # Derived from the data by projects.measurement.refresh_measure; never edited by hand.
    chart_svg = models.TextField(blank=True, editable=False)
    # The same chart drawn small, for the priority page's small multiples (text stays legible at
    # half a column's width, which scaling the full chart down would not give).
    small_chart_svg = models.TextField(blank=True, editable=False)
    analysis = models.JSONField(default=dict, blank=True, editable=False)
    headline = models.CharField(max_length=300, blank=True, editable=False)
    status = models.CharField(max_length=40, blank=True, editable=False)
    sustained_improvement = models.BooleanField(default=False, editable=False, db_index=True)
    n_points = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.target is not None and not self.better:
            raise ValidationError(
                {"better": "Say which direction is better: a target needs a direction to tell passing from failing."}
            )

    @property
    def is_outcome(self) -> bool:
        return self.measure_type == MeasureType.OUTCOME


class DataPoint(models.Model):
    """One dated value of a measure (a month, a week or a day, whatever the measure is counted by)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["measure", "date"], name="one_value_per_measure_date")]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} on {self.date}"


class Annotation(models.Model):
    """A change made or a PDSA cycle started on a date, drawn on the chart and listed in the PDSA log."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField()
    label = models.CharField(max_length=120)
    is_pdsa = models.BooleanField("PDSA cycle", default=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.label}"


class Phase(models.Model):
    """Recalculate the chart's limits from this date (after a change that moved the process)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="phases")
    start_date = models.DateField()
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [models.UniqueConstraint(fields=["measure", "start_date"], name="one_phase_per_measure_date")]

    def __str__(self) -> str:
        return f"{self.measure}: limits from {self.start_date}"
