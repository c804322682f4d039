"""``{% follow_button page %}``, ``{% follow_person_button person %}`` and ``{% watch_buttons thread %}``:
POST forms showing the viewer's current choice (one query each), nothing for signed-out readers."""

from __future__ import annotations

from django import template

from people.models import Follow, ThreadWatch
from people.services import kind_of_page

register = template.Library()

NOUNS = {"community": "community", "project": "write-up", "priority": "priority"}


@register.inclusion_tag("people/includes/follow_button.html", takes_context=True)
def follow_button(context, page):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(page, "live", False):
        return {"show": False}
    kind = kind_of_page(page)
    return {
        "show": kind is not None,
        "following": Follow.objects.filter(user=user, page_id=page.pk).exists(),
        "page": page,
        "noun": NOUNS.get(kind or "", "page"),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("people/includes/follow_person_button.html", takes_context=True)
def follow_person_button(context, person):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk == person.pk:
        return {"show": False}
    return {
        "show": True,
        "following": Follow.objects.filter(user=user, person_id=person.pk).exists(),
        "person": person,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("people/includes/watch_buttons.html", takes_context=True)
def watch_buttons(context, thread):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    level = ThreadWatch.objects.filter(user=user, thread_id=thread.pk).values_list("level", flat=True).first()
    return {
        "show": True,
        "level": level or "none",
        "thread": thread,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("people/includes/people_who_did.html", takes_context=True)
def people_who_did(context, project):
    """A write-up's team and the teams of its adopters that the viewer may see, each with a way to
    reach them (their profile, and the team's contact form)."""
    from boost.permissions import visible_pages
    from people.expertise import visible_profiles
    from projects.models import ProjectPage, ProjectTeamMember

    request = context.get("request")
    user = request.user
    adopters = visible_pages(ProjectPage.objects.filter(adapted_from=project), user, request=request)
    places = (
        ProjectTeamMember.objects.filter(project_id__in=[project.pk, *adopters.values_list("pk", flat=True)])
        .filter(user__in=visible_profiles(user).values("user_id"))
        .select_related("user__profile", "project")
        .order_by("project__path", "sort_order", "pk")
    )
    teams: dict[int, dict] = {}
    for place in places:
        team = teams.setdefault(
            place.project_id,
            {"project": place.project, "is_this": place.project_id == project.pk, "people": []},
        )
        team["people"].append(place)
    return {"teams": list(teams.values()), "user": user, "request": request}


@register.inclusion_tag("people/includes/visit_offers.html", takes_context=True)
def visit_offers(context, project):
    """ "Come and see": the write-up's upcoming visits with places left, and for its team a way to
    offer one (one query, two for a co-author)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from people.models import VisitOffer, VisitRequest
    from projects.permissions import can_edit_project

    request = context.get("request")
    user = request.user
    offers = list(
        VisitOffer.objects.filter(project=project, starts_at__gt=timezone.now()).annotate(
            taken=Count("requests", filter=Q(requests__state=VisitRequest.State.ACCEPTED))
        )[:5]
    )
    return {
        "offers": offers,
        "user": user,
        "is_team": user.is_authenticated and can_edit_project(user, project),
        "project": project,
    }
