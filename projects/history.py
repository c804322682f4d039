"""Stage history: one ``StageChange`` each time a write-up is published at a new stage."""

from __future__ import annotations

from django.utils import timezone

from projects.models import ProjectPage, StageChange


def record_stage(sender, instance, **kwargs) -> None:
    """``page_published`` receiver: remember the stage a write-up was published at, if it moved."""
    if not isinstance(instance, ProjectPage):
        return
    last = StageChange.objects.filter(project_id=instance.pk).order_by("-changed_at", "-pk").first()
    if last is None or last.stage != instance.stage:
        StageChange.objects.create(project_id=instance.pk, stage=instance.stage, changed_at=timezone.now())


def connect() -> None:
    from wagtail.signals import page_published

    page_published.connect(record_stage, dispatch_uid="projects-stage-history")
