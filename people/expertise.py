"""Reading expertise: what a person has done (from published write-ups) and the people finder.

"Has done" is the write-ups a person is on (as owner or team member) that the *viewer* may see,
with their methods and care areas: never stored, so never stale, and never a hint of a write-up the
viewer may not open. The finder lists only profiles the viewer may see (their owner's visibility)
and matches the organisation only where its owner shows it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.permissions import visible_profiles
from boost.permissions import visible_pages
from projects.models import ProjectPage


def done_by(person, viewer, *, request=None):
    """Published write-ups ``person`` is on that ``viewer`` may see, with methods and care area."""
    projects = ProjectPage.objects.filter(Q(owner=person) | Q(team__user=person)).distinct()
    return list(
        visible_pages(projects, viewer, request=request)
        .select_related("care_area")
        .prefetch_related("methods")
        .order_by("-first_published_at")
    )


def find_people(viewer, *, name="", method=None, care_area=None, organisation="", region="", open_to="", request=None):
    """Profiles matching the filters that ``viewer`` may see, as a queryset of users with what the
    result list shows (profile, expertise) loaded in a fixed number of queries."""
    users = get_user_model().objects.filter(pk__in=visible_profiles(viewer).values("user_id"))
    if name:
        users = users.filter(
            Q(profile__display_name__icontains=name) | Q(first_name__icontains=name) | Q(last_name__icontains=name)
        )
    if method is not None:
        done = visible_pages(ProjectPage.objects.filter(methods=method), viewer, request=request)
        by_team = Q(pk__in=done.values("owner_id")) | Q(project_roles__project__in=done.values("pk"))
        users = users.filter(Q(expertise__methods=method) | by_team)
    if care_area is not None:
        users = users.filter(expertise__care_areas=care_area)
    if organisation:
        users = users.filter(profile__organisation__icontains=organisation, profile__show_organisation=True)
    if region:
        users = users.filter(expertise__region=region)
    if open_to == "visits":
        users = users.filter(expertise__open_to_visits=True)
    elif open_to == "calls":
        users = users.filter(expertise__open_to_calls=True)
    return (
        users.distinct()
        .select_related("profile", "expertise")
        .prefetch_related("expertise__methods")
        .order_by("profile__display_name", "first_name", "pk")
    )
