"""Wagtail hooks: home-page sections, the demo loader, snippets for organisations and methods."""

from __future__ import annotations

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from boost.permissions import visible_pages
from projects.models import Method, Organisation, PriorityIndexPage, PriorityPage, ProjectIndexPage, ProjectPage


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class MethodViewSet(SnippetViewSet):
    model = Method
    icon = "list-ul"
    menu_label = "Improvement methods"
    list_display = ["name", "description"]


register_snippet(OrganisationViewSet)
register_snippet(MethodViewSet)


@hooks.register("boost_home_sections")
def priorities_section(request):
    index = PriorityIndexPage.objects.live().first()
    priorities = list(visible_pages(PriorityPage.objects.all(), request.user, request=request).order_by("path")[:7])
    if not priorities:
        return None
    return {
        "key": "priorities",
        "title": "Our improvement priorities",
        "template": "projects/home_priorities.html",
        "items": priorities,
        "order": 20,
        "more_url": index.url if index else "",
    }


def _project_index_url(request) -> str:
    """The project index's URL, looked up once per request (two home sections link to it)."""
    if not hasattr(request, "_boost_project_index_url"):
        index = ProjectIndexPage.objects.live().first()
        request._boost_project_index_url = index.url if index else ""
    return request._boost_project_index_url


def _stories_section(request, projects, *, key: str, title: str, order: int, query: str, more_label: str):
    """A home section of write-up cards with their derived headlines, or None when there are none."""
    projects = list(projects)
    if not projects:
        return None
    _attach_headlines(projects)
    index_url = _project_index_url(request)
    return {
        "key": key,
        "title": title,
        "template": "projects/home_projects.html",
        "items": projects,
        "order": order,
        "more_url": f"{index_url}{query}" if index_url else "",
        "more_label": more_label,
    }


@hooks.register("boost_home_sections")
def bright_spots_section(request):
    projects = (
        visible_pages(ProjectPage.objects.all(), request.user, request=request)
        .filter(bright_spot__isnull=False)
        .for_cards()
        .order_by("-bright_spot__featured_at")[:3]
    )
    return _stories_section(
        request,
        projects,
        key="bright-spots",
        title="Bright spots",
        order=30,
        query="?bright_spots=on",
        more_label="All bright spots",
    )


@hooks.register("boost_home_sections")
def latest_stories_section(request):
    projects = (
        visible_pages(ProjectPage.objects.all(), request.user, request=request)
        .for_cards()
        .order_by("-first_published_at", "-pk")[:3]
    )
    return _stories_section(
        request,
        projects,
        key="latest-stories",
        title="Latest improvement stories",
        order=40,
        query="",
        more_label="All improvement projects",
    )


def _attach_headlines(projects) -> None:
    from projects.display import headline_measure

    for project in projects:
        project.headline_measure = headline_measure(list(project.measures.all()))


@hooks.register("boost_dashboard_sections")
def my_stories_section(request):
    from django.urls import reverse

    from projects.models import ProjectTeamMember

    ids = ProjectTeamMember.objects.filter(user=request.user, is_coauthor=True).values("project_id")
    projects = list(ProjectPage.objects.filter(pk__in=ids).for_cards().order_by("-latest_revision_created_at")[:5])
    _attach_headlines(projects)
    return {
        "key": "my-stories",
        "title": "Your improvement stories",
        "template": "projects/home_projects.html",
        "items": [project for project in projects if project.live],
        "order": 30,
        "more_url": reverse("projects:mine"),
        "more_label": "All your stories, drafts and reviews",
    }


@hooks.register("boost_dashboard_sections")
def review_queue_section(request):
    from django.urls import reverse
    from wagtail.models import TaskState

    from projects.permissions import can_review

    if not can_review(request.user):
        return None
    waiting = TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS, workflow_state__base_content_type__model="page"
    ).count()
    return {
        "key": "review",
        "title": "Review improvement stories",
        "template": "projects/dashboard_review.html",
        "items": [],
        "order": 25,
        "waiting": waiting,
        "more_url": reverse("projects:review_queue"),
    }


@hooks.register("boost_demo_loaders")
def demo_loader():
    from projects.demo import load

    return (30, load)


@hooks.register("boost_community_sections")
def community_projects_section(request, community):
    """On a community page: the published projects linked to it (the community page checks who may see it)."""
    projects = list(
        visible_pages(ProjectPage.objects.all(), request.user, request=request)
        .filter(communities=community)
        .for_cards()
        .order_by("-first_published_at")[:6]
    )
    if not projects:
        return None
    _attach_headlines(projects)
    index = ProjectIndexPage.objects.live().first()
    return {
        "key": "projects",
        "title": "Improvement projects",
        "template": "projects/home_projects.html",
        "items": projects,
        "order": 40,
        "more_url": f"{index.url}?community={community.pk}" if index else "",
        "more_label": f"All projects linked to {community.title}",
    }


@hooks.register("boost_community_sections")
def community_priorities_section(request, community):
    priorities = list(
        visible_pages(PriorityPage.objects.all(), request.user, request=request)
        .filter(communities=community)
        .order_by("path")
    )
    if not priorities:
        return None
    return {
        "key": "priorities",
        "title": "System priorities this community supports",
        "template": "projects/home_priorities.html",
        "items": priorities,
        "order": 45,
    }
