"""A priority's updates, newest first: write-ups published under it, stage moves, and the signals and
assurance changes new data gave their measures. The Atom feed of priority updates reads these; the
board report's "what changed since last month" draws on the same records (``StageChange``,
``MeasureSignal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from projects.models import MeasureSignal, PriorityPage, ProjectPage, Stage, StageChange


@dataclass(frozen=True)
class Update:
    key: str  # unique and stable, the feed entry's id
    title: str
    description: str
    url: str
    when: datetime
    category: str


def _stage(value: str) -> str:
    return Stage(value).label if value in Stage.values else value


def priority_updates(priority: PriorityPage, projects, limit: int) -> list[Update]:
    """The latest ``limit`` updates of the write-ups in ``projects`` (already narrowed to what the
    reader may see) that serve ``priority``. Three queries, whatever the number of write-ups."""
    by_id: dict[int, ProjectPage] = {
        project.pk: project
        for project in projects.filter(priorities=priority).only("pk", "title", "url_path", "path", "depth")
    }
    updates: list[Update] = []
    previous: dict[int, str] = {}
    for change in StageChange.objects.filter(project_id__in=list(by_id)).order_by("changed_at", "pk"):
        project = by_id[change.project_id]
        before = previous.get(change.project_id)
        previous[change.project_id] = change.stage
        if before is None:
            title, description = f"New write-up: {project.title}", f"Published at stage {_stage(change.stage)}."
            category = "New write-up"
        else:
            title = f"{project.title} moved to {_stage(change.stage)}"
            description, category = f"From {_stage(before)} to {_stage(change.stage)}.", "Stage move"
        updates.append(Update(f"stage-{change.pk}", title, description, project.url, change.changed_at, category))
    signals = MeasureSignal.objects.filter(measure__project_id__in=list(by_id), is_current=True).select_related(
        "measure"
    )
    for record in signals.order_by("-found_at", "-pk")[:limit]:
        project = by_id[record.measure.project_id]
        special = record.kind == MeasureSignal.Kind.SPECIAL_CAUSE
        updates.append(
            Update(
                key=f"signal-{record.pk}",
                title=f"{record.measure.name} ({project.title}): {'new signal' if special else 'assurance changed'}",
                description=record.description,
                url=f"{project.url}#measure-{record.measure_id}-heading",
                when=record.found_at,
                category=record.get_kind_display(),
            )
        )
    return sorted(updates, key=lambda update: (update.when, update.key), reverse=True)[:limit]
