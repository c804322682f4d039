"""Peer visit pages: the team's offers and requests, asking to come, deciding, the visitor's
calendar file and each person's record of visits. Thin: :mod:`people.visits` decides."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from people import visits
from people.forms import VisitOfferForm, VisitRequestForm
from people.models import VisitOffer, VisitRequest
from people.services import NotFound, PeopleError
from projects.models import ProjectPage
from projects.permissions import can_edit_project

LONDON = ZoneInfo("Europe/London")


@login_required
def project_visits(request: HttpRequest, project_id: int) -> HttpResponse:
    """The team's page: offer a visit, see who asked, accept or decline."""
    project = get_object_or_404(ProjectPage, pk=project_id)
    if not can_edit_project(request.user, project):
        raise Http404("Not found")
    form = VisitOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visits.offer_visit(
                user=request.user,
                project=project,
                starts_at=datetime.combine(data["date"], data["start"], tzinfo=LONDON),
                ends_at=datetime.combine(data["date"], data["end"], tzinfo=LONDON),
                capacity=data["capacity"],
                where=data["where"],
                what=data["what"],
                who=data["who"],
            )
        except PeopleError as error:
            form.add_error("date" if error.code == "past" else None, error.message)
        else:
            messages.success(request, "Your visit is offered. Members can now ask to come.")
            return redirect("people:project_visits", project.pk)
    offers = list(
        VisitOffer.objects.filter(project=project).prefetch_related("requests__visitor__profile").order_by("-starts_at")
    )
    return render(
        request,
        "people/project_visits.html",
        {"project": project, "form": form, "offers": offers},
        status=400 if form.errors else 200,
    )


@login_required
def request_visit(request: HttpRequest, offer_id: int) -> HttpResponse:
    try:
        offer = visits.visible_offer(request.user, offer_id)
    except NotFound:
        raise Http404("Not found") from None
    form = VisitRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visits.request_visit(
                visitor=request.user, offer_id=offer.pk, hoping_to_learn=form.cleaned_data["hoping_to_learn"]
            )
        except PeopleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your request is sent. The team will accept or decline it.")
            return redirect("people:my_visits")
    return render(
        request,
        "people/request_visit.html",
        {"offer": offer, "form": form, "taken": visits.accepted_count(offer)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def decide_visit(request: HttpRequest, request_id: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in {"accept", "decline"}:
        messages.error(request, "Choose accept or decline.")
        visit = get_object_or_404(VisitRequest.objects.select_related("offer"), pk=request_id)
        return redirect("people:project_visits", visit.offer.project_id)
    try:
        visit = visits.decide_visit(user=request.user, request_id=request_id, accept=decision == "accept")
    except NotFound:
        raise Http404("Not found") from None
    except PeopleError as error:
        messages.error(request, error.message)
        visit = VisitRequest.objects.select_related("offer").get(pk=request_id)
    else:
        messages.success(request, f"{visit.visitor.display_name}'s request is {visit.get_state_display().lower()}.")
    return redirect("people:project_visits", visit.offer.project_id)


@login_required
def my_visits(request: HttpRequest) -> HttpResponse:
    """A person's record of visits: the ones they asked for, and those to their teams' write-ups."""
    mine = list(VisitRequest.objects.filter(visitor=request.user).select_related("offer__project", "adapted_project"))
    now = timezone.now()
    for visit in mine:
        visit.can_reflect = visit.state == VisitRequest.State.ACCEPTED and visit.offer.starts_at <= now
    hosted = list(
        VisitRequest.objects.filter(
            Q(offer__project__owner=request.user)
            | Q(offer__project__team__user=request.user, offer__project__team__is_coauthor=True)
        )
        .distinct()
        .select_related("offer__project", "visitor__profile")
    )
    return render(request, "people/my_visits.html", {"mine": mine, "hosted": hosted})


@login_required
@require_POST
def reflect(request: HttpRequest, request_id: int) -> HttpResponse:
    """The visitor's reflection after the visit (a form on "Your visits")."""
    try:
        visits.reflect_on_visit(visitor=request.user, request_id=request_id, text=request.POST.get("reflection", ""))
    except NotFound:
        raise Http404("Not found") from None
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thank you. Your reflection is saved; you can start a write-up from it.")
    return redirect(f"{reverse('people:my_visits')}#visit-{request_id}")


@login_required
@require_POST
def adapt(request: HttpRequest, request_id: int) -> HttpResponse:
    """Start the visitor's own write-up, adapted from the visited one."""
    try:
        project = visits.adapt_from_visit(visitor=request.user, request_id=request_id)
    except NotFound:
        raise Http404("Not found") from None
    except PeopleError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('people:my_visits')}#visit-{request_id}")
    messages.success(request, "Your own write-up, adapted from the one you visited, is ready to edit.")
    return redirect("projects:edit", project.pk, "about")


@login_required
def visit_ics(request: HttpRequest, request_id: int) -> HttpResponse:
    """The calendar file, for the visitor of an accepted visit only."""
    visit = (
        VisitRequest.objects.select_related("offer__project")
        .filter(pk=request_id, visitor=request.user, state=VisitRequest.State.ACCEPTED)
        .first()
    )
    if visit is None:
        raise Http404("Not found")
    url = request.build_absolute_uri(visit.offer.project.url or "/")
    response = HttpResponse(visits.visit_calendar(visit, url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
