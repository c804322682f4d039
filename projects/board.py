"""A priority's board report: what its projects' outcome measures say, how its projects move through
the stages, where the work has spread and whom it reaches.

Everything comes from stored results: each measure's analysis and small chart are computed when
its data changes (``projects.measurement.refresh_measure``), stage history is recorded when a
write-up is published (``projects.history``). The report runs a fixed number of queries whatever
the number of projects and measures, and the page caches it per content generation and viewer.
Only write-ups the viewer may see (``visible_pages``) contribute to anything, counts included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from boost.permissions import visible_pages
from projects import spc
from projects.models import (
    CareSetting,
    Measure,
    MeasureSignal,
    MeasureType,
    Organisation,
    PriorityPage,
    ProjectPage,
    ProjectTeamMember,
    Stage,
    StageChange,
)
from projects.report_charts import render_funnel_svg

FUNNEL_MONTHS = 12
SPREAD_DEPTH = 3  # adaptations of adaptations of adaptations; deeper lineages are rare
SIGNAL_CLASSES = {"improvement": "Improvement", "concern": "Concern"}
STAGES = list(Stage)
CARE_SETTING_LABELS = dict(CareSetting.choices)


def month_start(day: date, months_back: int = 0) -> date:
    total = day.year * 12 + day.month - 1 - months_back
    return date(total // 12, total % 12 + 1, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@dataclass
class SpreadNode:
    project: ProjectPage
    children: list[SpreadNode] = field(default_factory=list)


def summary_rows(measures: list[Measure], projects_by_id: dict[int, ProjectPage]) -> list[dict[str, Any]]:
    """One Making Data Count row per outcome measure: latest value, icons, target and a reading."""
    rows = []
    for measure in measures:
        analysis = measure.analysis or {}
        decimals = measure.decimal_places
        target = measure.target
        target = "" if target is None else spc.format_value(float(target), measure.unit, decimals=decimals)
        rows.append(
            {
                "measure": measure,
                "project": projects_by_id[measure.project_id],
                "latest": analysis.get("latest", ""),
                "latest_date": analysis.get("latest_date", ""),
                "variation_svg": analysis.get("variation_svg", ""),
                "variation_label": analysis.get("variation_label", ""),
                "assurance_svg": analysis.get("assurance_svg", ""),
                "assurance_label": analysis.get("assurance_label", ""),
                "target": target,
                "reading": measure.headline or "Not enough data for a reading yet",
            }
        )
    return rows


def stage_funnel(projects: list[ProjectPage], changes: list[StageChange], today: date) -> dict[str, Any]:
    """How many of the projects stood at each published stage at the end of each of the last
    twelve months (the current month counts up to today)."""
    history: dict[int, list[StageChange]] = defaultdict(list)
    for change in changes:
        history[change.project_id].append(change)
    months = [month_start(today, back) for back in range(FUNNEL_MONTHS - 1, -1, -1)]
    rows = []
    for first_day in months:
        ends = _aware(month_start(first_day, -1))
        counts: Counter[str] = Counter()
        for project in projects:
            stage = None
            for change in history.get(project.pk, ()):
                if change.changed_at < ends:
                    stage = change.stage
            published = project.first_published_at
            if stage is None and not history.get(project.pk) and published and published < ends:
                stage = project.stage  # published before stage history was kept
            if stage is not None:
                counts[stage] += 1
        rows.append(
            {
                "month": first_day,
                "label": first_day.strftime("%b %Y"),
                "counts": [counts.get(stage.value, 0) for stage in STAGES],
                "total": sum(counts.values()),
            }
        )
    first, last = rows[0], rows[-1]

    def described(row) -> str:
        parts = [f"{n} at {stage.label.lower()}" for stage, n in zip(STAGES, row["counts"], strict=True) if n]
        return ", ".join(parts) if parts else "none published"

    summary = (
        f"At the end of {first['label']}: {first['total']} project{'s' if first['total'] != 1 else ''} "
        f"({described(first)}). Now, in {last['label']}: {last['total']} ({described(last)})."
    )
    return {
        "stages": STAGES,
        "rows": rows,
        "summary": summary,
        "svg": render_funnel_svg(rows, [stage.label for stage in STAGES], summary),
    }


def spread_tree(linked: list[ProjectPage], visible) -> tuple[list[SpreadNode], list[ProjectPage]]:
    """The lineage ("adapted from") below the priority's projects, as a tree the viewer may see,
    one query per level; and every adopter in it."""
    nodes = {project.pk: SpreadNode(project) for project in linked}
    # Adaptations usually keep their source's priorities, so many adopters are linked projects too.
    adopters = [project for project in linked if project.adapted_from_id in nodes]
    for project in adopters:
        nodes[project.adapted_from_id].children.append(nodes[project.pk])
    parents = list(nodes)
    for _ in range(SPREAD_DEPTH):
        if not parents:
            break
        level = list(
            visible.filter(adapted_from_id__in=parents)
            .exclude(pk__in=list(nodes))
            .only("pk", "title", "url_path", "path", "depth", "care_setting", "adapted_from_id", "first_published_at")
            .order_by("first_published_at", "pk")
        )
        for project in level:
            node = nodes[project.pk] = SpreadNode(project)
            nodes[project.adapted_from_id].children.append(node)
        adopters.extend(level)
        parents = [project.pk for project in level]
    roots = [
        nodes[project.pk] for project in linked if nodes[project.pk].children and project.adapted_from_id not in nodes
    ]
    return roots, adopters


def _by_care_setting(projects) -> list[dict[str, Any]]:
    counts = Counter(project.care_setting for project in projects)
    return [
        {"label": CARE_SETTING_LABELS.get(key, "Not given") if key else "Not given", "count": n}
        for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _by_organisation(project_ids: list[int]) -> list[dict[str, Any]]:
    if not project_ids:
        return []
    organisations = (
        Organisation.objects.filter(projects__in=project_ids)
        .annotate(n=Count("projects", filter=Q(projects__in=project_ids), distinct=True))
        .order_by("-n", "name")
        .values_list("name", "n")
    )
    return [{"label": name, "count": n} for name, n in organisations]


def changes_since(
    since: date, projects: list[ProjectPage], changes: list[StageChange], measures: list[Measure]
) -> dict[str, Any]:
    """What moved since the start of last month: new projects, stage moves, and the signals and
    assurance changes new data gave the outcome measures (``MeasureSignal``, recorded once each
    when a measure's data changes; only those reaching the latest value, as alerts announce)."""
    since_at = _aware(since)
    by_id = {project.pk: project for project in projects}
    new_projects = [p for p in projects if p.first_published_at and p.first_published_at >= since_at]
    moves = []
    previous: dict[int, str] = {}
    for change in changes:
        before = previous.get(change.project_id)
        if before and change.changed_at >= since_at:
            moves.append(
                {
                    "project": by_id[change.project_id],
                    "from": Stage(before).label if before in Stage.values else before,
                    "to": Stage(change.stage).label if change.stage in Stage.values else change.stage,
                    "when": change.changed_at,
                }
            )
        previous[change.project_id] = change.stage
    by_measure = {measure.pk: measure for measure in measures}
    signals = [
        {
            "measure": by_measure[record.measure_id],
            "project": by_id[by_measure[record.measure_id].project_id],
            "kind": SIGNAL_CLASSES.get(record.classification, "Signal")
            if record.kind == MeasureSignal.Kind.SPECIAL_CAUSE
            else "Assurance change",
            "description": record.description,
        }
        for record in MeasureSignal.objects.filter(
            measure_id__in=list(by_measure), found_at__gte=since_at, is_current=True
        ).order_by("found_at", "pk")
    ]
    return {"since": since, "new_projects": new_projects, "moves": moves, "signals": signals}


def priority_report(request, priority: PriorityPage) -> dict[str, Any]:
    """The board report for ``priority`` as the viewer may see it, in a fixed number of queries."""
    visible = visible_pages(ProjectPage.objects.all(), request.user, request=request)
    fields = ("title", "url_path", "path", "depth", "stage", "care_setting", "first_published_at", "adapted_from_id")
    linked = list(visible.filter(priorities=priority).only("pk", *fields).order_by("title", "pk"))
    by_id = {project.pk: project for project in linked}
    ids = list(by_id)
    measures = list(
        Measure.objects.filter(project_id__in=ids, measure_type=MeasureType.OUTCOME)
        .defer("chart_svg")
        .order_by("project__title", "project_id", "sort_order", "pk")
    )
    for measure in measures:
        measure.project = by_id[measure.project_id]  # the cards' links need no query per measure
    changes = list(StageChange.objects.filter(project_id__in=ids).order_by("changed_at", "pk"))
    roots, adopters = spread_tree(linked, visible)
    adopter_ids = [project.pk for project in adopters]
    everyone = ids + adopter_ids
    organisations = _by_organisation(everyone)
    today = timezone.localdate()
    lived = ProjectTeamMember.objects.filter(project_id__in=everyone, lived_experience=True).count() if everyone else 0
    return {
        "summary_rows": summary_rows(measures, by_id),
        "small_multiples": [measure for measure in measures if measure.n_points],
        "funnel": stage_funnel(linked, changes, today),
        "spread": {
            "roots": roots,
            "adopters": len(adopters),
            "by_organisation": _by_organisation(adopter_ids),
            "by_care_setting": _by_care_setting(adopters),
        },
        "reach": {
            "projects": len(linked),
            "organisations": organisations,
            "care_settings": _by_care_setting([*linked, *adopters]),
            "lived_experience": lived,
        },
        "changes": changes_since(month_start(today, 1), linked, changes, measures),
    }
