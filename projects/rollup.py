"""Priority roll-ups: what is moving under each priority, from stored measure analyses."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from boost.permissions import visible_pages
from communities.models import CommunityPage
from projects.display import headline_measure
from projects.models import BrightSpot, MeasureType, PriorityPage, ProjectPage, Stage


def priority_cards(request, index_page) -> list[PriorityPage]:
    """The priorities the viewer may see in the leaders' order, each with the number of published
    projects under it that the viewer may see (a count never includes what the page would hide)."""
    user = request.user
    projects = visible_pages(ProjectPage.objects.all(), user, request=request).values("pk")
    return list(
        visible_pages(PriorityPage.objects.all(), user, request=request)
        .child_of(index_page)
        .order_by("path")
        .annotate(project_count=Count("projects", filter=Q(projects__in=projects), distinct=True))
    )


def rollup_for(projects, visible) -> dict[str, Any]:
    """Counts for a set of projects: by stage, sustained improvement on an outcome, spread. ``visible``
    is every project the viewer may see; spread and adopters count only those."""
    by_stage = dict(projects.values_list("stage").annotate(n=Count("pk", distinct=True)).order_by())
    sustained = (
        projects.filter(measures__measure_type=MeasureType.OUTCOME, measures__sustained_improvement=True)
        .values("pk")
        .distinct()
        .count()
    )
    spread = projects.filter(adaptations__in=visible.values("pk")).values("pk").distinct().count()
    adopters = visible.filter(adapted_from__in=projects.values("pk")).count()
    return {
        "total": sum(by_stage.values()),
        "stages": [
            {"value": stage.value, "label": stage.label, "count": by_stage.get(stage.value, 0)} for stage in Stage
        ],
        "sustained": sustained,
        "spread": spread,
        "adopters": adopters,
    }


def priority_rollup(request, priority: PriorityPage) -> dict[str, Any]:
    visible = visible_pages(ProjectPage.objects.all(), request.user, request=request)
    projects = visible.filter(priorities=priority)
    listed = list(projects.for_cards().order_by("-first_published_at", "-pk")[:50])
    for project in listed:
        project.headline_measure = headline_measure(list(project.measures.all()))
    bright_spots = [project for project in listed if getattr(project, "bright_spot", None)]
    community_ids = [community.pk for community in priority.communities.all()]
    return {
        "rollup": rollup_for(projects, visible),
        "projects": listed,
        "bright_spots": bright_spots,
        "leads": list(priority.leads.select_related("profile")),
        "communities": list(CommunityPage.objects.visible_to(request.user).filter(pk__in=community_ids))
        if community_ids
        else [],
    }


def featured_bright_spots(limit: int = 6) -> list[BrightSpot]:
    return list(
        BrightSpot.objects.filter(project__live=True).select_related("project").order_by("-featured_at")[:limit]
    )
