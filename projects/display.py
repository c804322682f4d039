"""What a write-up page shows, gathered in a fixed number of queries (charts come cached on the measures)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.functional import SimpleLazyObject

from boost.page_cache import current_generation
from boost.permissions import visible_pages
from communities.models import CommunityPage
from projects import permissions
from projects.models import Annotation, BrightSpot, Measure, ProjectPage, ProjectTeamMember

MAX_LINEAGE = 6


def headline_measure(measures) -> Measure | None:
    """The measure the story's headline comes from: the first outcome measure with data, else any with data."""
    with_data = [measure for measure in measures if measure.n_points >= 2]
    outcomes = [measure for measure in with_data if measure.is_outcome]
    if outcomes:
        return outcomes[0]
    return with_data[0] if with_data else None


def current_signal(project: ProjectPage) -> str:
    """A one-line signal for an adopter's card: its headline measure's status, from prefetched measures."""
    measure = headline_measure(list(project.measures.all()))
    if measure is None:
        return "No data yet"
    return measure.analysis.get("variation_label") or measure.status or "No signal yet"


def _visible_communities(request, ids: list[int]) -> list[CommunityPage]:
    if not ids:
        return []
    return list(CommunityPage.objects.visible_to(request.user).filter(pk__in=ids).order_by("title"))


def _adopters(request, page: ProjectPage, visible) -> list[ProjectPage]:
    adopters = list(
        visible.filter(adapted_from_id=page.pk)
        .prefetch_related(
            "organisations",
            Prefetch(
                "measures", queryset=Measure.objects.defer("chart_svg", "small_chart_svg").order_by("sort_order", "pk")
            ),
        )
        .order_by("first_published_at")
    )
    for adopter in adopters:
        adopter.signal = current_signal(adopter)
    return adopters


def _lineage(page: ProjectPage, visible) -> list[ProjectPage]:
    lineage = []
    ancestor_id = page.adapted_from_id
    seen = {page.pk}
    while ancestor_id and ancestor_id not in seen and len(lineage) < MAX_LINEAGE:
        seen.add(ancestor_id)
        ancestor = visible.filter(pk=ancestor_id).only("title", "url_path", "adapted_from").first()
        if ancestor is None:
            break
        lineage.append(ancestor)
        ancestor_id = ancestor.adapted_from_id
    return lineage


def project_context(request, page: ProjectPage) -> dict[str, Any]:
    """The write-up's context. What the story shows is looked up lazily: the template caches
    those parts per content generation and viewer (``{% cache %}``), so a cached render runs none
    of these queries. What depends on the viewer's rights (edit, adopt, contact) is not cached."""
    user = request.user
    visible = visible_pages(ProjectPage.objects.all(), user, request=request)
    measures = SimpleLazyObject(lambda: list(Measure.objects.filter(project_id=page.pk).order_by("sort_order", "pk")))
    bright_spot = SimpleLazyObject(lambda: BrightSpot.objects.filter(project_id=page.pk).first())
    can_edit = permissions.can_edit_project(user, page)
    return {
        "measures": measures,
        "headline_measure": SimpleLazyObject(lambda: headline_measure(measures)),
        "team": SimpleLazyObject(
            lambda: list(ProjectTeamMember.objects.filter(project_id=page.pk).select_related("user__profile"))
        ),
        "pdsa_log": SimpleLazyObject(
            lambda: list(
                Annotation.objects.filter(measure__project_id=page.pk).select_related("measure").order_by("date", "pk")
            )
        ),
        "adopters": SimpleLazyObject(lambda: _adopters(request, page, visible)),
        "lineage": SimpleLazyObject(lambda: _lineage(page, visible)),
        "organisations": SimpleLazyObject(lambda: list(page.organisations.all())),
        "methods": SimpleLazyObject(lambda: list(page.methods.all())),
        "priorities": SimpleLazyObject(lambda: [priority for priority in page.priorities.all() if priority.live]),
        "communities": SimpleLazyObject(
            lambda: _visible_communities(request, [community.pk for community in page.communities.all()])
        ),
        "attachments": SimpleLazyObject(lambda: list(page.attachments.select_related("document")) if page.pk else []),
        "bright_spot": bright_spot,
        "can_edit": can_edit,
        "can_adopt": permissions.can_adopt(user, page),
        "can_feature": permissions.can_feature(user),
        "can_contact": permissions.can_contact_team(user, page) and not can_edit,
        "is_preview": getattr(request, "is_preview", False),
        "content_generation": current_generation(),
        "viewer_key": f"user-{user.pk}" if user.is_authenticated else "anonymous",
    }
