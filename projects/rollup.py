"""Priority roll-ups: what is moving under each priority, from stored measure analyses."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.functional import SimpleLazyObject

from boost.page_cache import current_generation
from boost.permissions import visible_pages
from communities.models import CommunityPage
from projects.display import headline_measure
from projects.models import BrightSpot, PriorityPage, ProjectPage


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


def priority_rollup(request, priority: PriorityPage) -> dict[str, Any]:
    """The priority page's context: its board report (looked up lazily: the template caches it per
    content generation and viewer, so a cached render runs none of its queries), project cards,
    bright spots, leads and communities."""
    from projects.board import priority_report

    user = request.user
    visible = visible_pages(ProjectPage.objects.all(), user, request=request)
    projects = visible.filter(priorities=priority)
    listed = list(projects.for_cards().order_by("-first_published_at", "-pk")[:50])
    for project in listed:
        project.headline_measure = headline_measure(list(project.measures.all()))
    bright_spots = [project for project in listed if getattr(project, "bright_spot", None)]
    community_ids = [community.pk for community in priority.communities.all()]
    return {
        "report": SimpleLazyObject(lambda: priority_report(request, priority)),
        "content_generation": current_generation(),
        "viewer_key": f"user-{user.pk}" if user.is_authenticated else "anonymous",
        "projects": listed,
        "bright_spots": bright_spots,
        "leads": list(priority.leads.select_related("profile")),
        "sections": priority_sections(request, priority),
        "communities": list(CommunityPage.objects.visible_to(request.user).filter(pk__in=community_ids))
        if community_ids
        else [],
    }


def priority_sections(request, priority: PriorityPage) -> list[dict]:
    """Sections other apps add to a priority page (learning's value proposals, say).

    Each app registers a ``boost_priority_sections(request, priority)`` hook returning
    ``{"key", "template", "order", ...}`` or None, so this app imports none of them. A hook must
    run no query itself (hand the template lazy values): the page caches each section's render per
    content generation and viewer, so a cached render runs none of its queries.

    A section may add ``"reach": {"noun", "count", "anchor"}`` (``count`` a callable the template
    calls): the board report's Reach section then counts it too, e.g. "2 value-work proposals"
    linking to the section's ``anchor``. It must count only what the section shows this viewer."""
    from wagtail import hooks

    sections = [section for hook in hooks.get_hooks("boost_priority_sections") if (section := hook(request, priority))]
    return sorted(sections, key=lambda section: section.get("order", 100))


def featured_bright_spots(limit: int = 6) -> list[BrightSpot]:
    return list(
        BrightSpot.objects.filter(project__live=True).select_related("project").order_by("-featured_at")[:limit]
    )
