"""Who may see, write, review, feature and adopt improvement stories. Views and services ask here."""

from __future__ import annotations

from projects.models import ProjectPage, ProjectTeamMember, is_leader

CURATOR = "Curator"


def _in_group(user, name: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_project_groups", None)
    if cache is None:
        loaded = user.loaded_groups()
        names = loaded.values() if loaded is not None else user.groups.values_list("name", flat=True)
        cache = user._project_groups = set(names)
    return user.is_superuser or name in cache


def is_coauthor(user, project: ProjectPage) -> bool:
    """Team members with an account who are credited as co-authors."""
    if not user.is_authenticated or not user.is_active:
        return False
    # A signed-in request's person (loaded_groups is not None) lives for one request: the answer is
    # kept on them, as the page asks it in several places (edit links, questions, visits).
    memo = user.__dict__.setdefault("_coauthor_of", {}) if user.loaded_groups() is not None else {}
    if project.pk not in memo:
        memo[project.pk] = ProjectTeamMember.objects.filter(project_id=project.pk, user=user, is_coauthor=True).exists()
    return memo[project.pk]


def can_edit_project(user, project: ProjectPage) -> bool:
    """Co-authors edit their story; nobody else does through the site (superusers may)."""
    return bool(user.is_authenticated and (user.is_superuser or is_coauthor(user, project)))


def can_review(user) -> bool:
    """Curators review stories in the workflow."""
    return _in_group(user, CURATOR)


def can_view_draft(user, project: ProjectPage) -> bool:
    """An unpublished story (a draft, in review, changes requested or rejected): its authors and reviewers only."""
    return can_edit_project(user, project) or can_review(user)


def can_view_project(user, project: ProjectPage, *, request=None) -> bool:
    """The story and everything derived from it (handover pack, data CSV, charts, attachments).

    One rule for every page: :func:`boost.permissions.can_view_page` (live, view restrictions on the
    page and its ancestors, private community, draft rights)."""
    from boost.permissions import can_view_page

    return can_view_page(user, project, request=request)


def can_feature(user) -> bool:
    """Leaders feature bright spots."""
    return is_leader(user)


def can_order_priorities(user) -> bool:
    return is_leader(user)


def can_adopt(user, project: ProjectPage) -> bool:
    """Any signed-in member may start a project adapted from a published one."""
    return bool(user.is_authenticated and user.is_active and project.live)


def can_contact_team(user, project: ProjectPage) -> bool:
    return bool(user.is_authenticated and user.is_active and project.live)
