"""When each write-up's published stage changed: the priority page's stage funnel over time reads it."""

from __future__ import annotations

from django.db import models


class StageChange(models.Model):
    """A write-up was published at a stage it was not at before (its first publication counts too).

    Recorded by ``projects.history.record_stage`` on Wagtail's ``page_published`` signal; a
    migration filled it from the publish entries in Wagtail's page history. Only published stages
    are recorded: a draft's stage is not yet a fact anyone else can see.
    """

    project = models.ForeignKey("projects.ProjectPage", on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=16)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["project", "changed_at"], name="stage_change_project_time")]

    def __str__(self) -> str:
        return f"{self.project_id} at {self.stage} from {self.changed_at:%Y-%m-%d}"
