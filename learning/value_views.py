"""Value exercise pages: thin, through :mod:`learning.value`. Outsiders to the workspace get 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from communities.models import CommunityPage
from learning import value as services
from learning.forms import ExerciseForm, InterventionForm, ProposalForm, StatusForm
from learning.models import ResourceShift, ValueExercise
from learning.services import LearningError, NotVisible
from learning.value_chart import value_chart_svg
from projects.models import PriorityPage, ProjectPage


class NotesForm(forms.Form):
    workshop_notes = forms.CharField(
        label="Workshop notes", required=False, max_length=6000, widget=forms.Textarea(attrs={"rows": 5})
    )
    decisions = forms.CharField(
        label="Decisions", required=False, max_length=6000, widget=forms.Textarea(attrs={"rows": 4})
    )


def community_exercises(request: HttpRequest, community_id: int) -> HttpResponse:
    community = CommunityPage.objects.filter(pk=community_id).first()
    if community is None or not services.can_view_community(request.user, community):
        raise Http404("No such workspace")
    can_start = request.user.is_authenticated and (
        services.is_active_member(request.user, community) or services.can_moderate(request.user, community)
    )
    form = ExerciseForm(request.POST or None) if can_start else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such workspace")
        if form.is_valid():
            exercise = services.create_exercise(actor=request.user, community=community, **form.cleaned_data)
            return redirect("learning:exercise", exercise.pk)
    return render(
        request,
        "learning/exercises.html",
        {
            "community": community,
            "exercises": ValueExercise.objects.filter(community=community),
            "form": form,
            "crumbs": [
                {"url": "/", "label": "Home"},
                {"url": community.get_url(request=request), "label": community.title},
            ],
        },
        status=400 if form is not None and form.errors else 200,
    )


def _exercise(request: HttpRequest, exercise_id: int) -> ValueExercise:
    exercise = ValueExercise.objects.select_related("community", "workshop").filter(pk=exercise_id).first()
    if exercise is None or not services.can_view_exercise(request.user, exercise):
        raise Http404("No such exercise")
    return exercise


def _proposal_form(exercise, data=None):
    return ProposalForm(
        data,
        prefix="proposal",
        exercise=exercise,
        priorities=PriorityPage.objects.live().order_by("title"),
        writeups=ProjectPage.objects.live().filter(communities=exercise.community).order_by("title"),
    )


def exercise(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise(request, exercise_id)
    can_edit = services.can_edit_exercise(request.user, exercise)
    can_decide = services.can_decide(request.user, exercise)
    intervention_form = InterventionForm(prefix="intervention") if can_edit else None
    proposal_form = _proposal_form(exercise) if can_edit else None
    notes_form = (
        NotesForm(initial={"workshop_notes": exercise.workshop_notes, "decisions": exercise.decisions}, prefix="notes")
        if can_edit
        else None
    )
    status_error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "intervention" and can_edit:
                intervention_form = InterventionForm(request.POST, prefix="intervention")
                if intervention_form.is_valid():
                    item = services.add_intervention(
                        actor=request.user, exercise=exercise, **intervention_form.cleaned_data
                    )
                    messages.success(request, f"{item.name} added.")
                    return redirect(f"{reverse('learning:exercise', args=[exercise.pk])}#interventions")
            elif action == "proposal" and can_edit:
                proposal_form = _proposal_form(exercise, request.POST)
                if proposal_form.is_valid():
                    data = dict(proposal_form.cleaned_data)
                    priorities, writeups = data.pop("priorities"), data.pop("writeups")
                    services.propose_shift(
                        actor=request.user, exercise=exercise, priorities=priorities, writeups=writeups, **data
                    )
                    messages.success(request, "Proposal recorded.")
                    return redirect(f"{reverse('learning:exercise', args=[exercise.pk])}#proposals")
            elif action == "notes" and can_edit:
                notes_form = NotesForm(request.POST, prefix="notes")
                if notes_form.is_valid():
                    exercise.workshop_notes = notes_form.cleaned_data["workshop_notes"]
                    exercise.decisions = notes_form.cleaned_data["decisions"]
                    exercise.save(update_fields=["workshop_notes", "decisions"])
                    messages.success(request, "Workshop notes saved.")
                    return redirect(f"{reverse('learning:exercise', args=[exercise.pk])}#workshop")
            elif action == "status" and can_decide:
                shift = exercise.proposals.filter(pk=(request.POST.get("proposal") or "0")[:19]).first()
                form = StatusForm(request.POST)
                if shift is None or not form.is_valid():
                    status_error = "Choose a proposal and a status."
                else:
                    services.set_status(actor=request.user, shift=shift, status=form.cleaned_data["status"])
                    messages.success(request, f"Proposal is now: {shift.get_status_display().lower()}.")
                    return redirect(f"{reverse('learning:exercise', args=[exercise.pk])}#proposals")
            else:
                raise Http404("No such action")
        except NotVisible as error:
            raise Http404("No such exercise") from error
        except LearningError as error:
            target = {"intervention": intervention_form, "proposal": proposal_form}.get(action)
            if target is not None:
                target.add_error(None, str(error))
            else:
                status_error = str(error)
    interventions = list(exercise.interventions.all())
    ranked = services.ranking(interventions)
    proposals = list(
        exercise.proposals.select_related("from_intervention", "to_intervention").prefetch_related(
            "priorities", "writeups"
        )
    )
    failed = any(f is not None and f.errors for f in (intervention_form, proposal_form, notes_form)) or status_error
    return render(
        request,
        "learning/exercise.html",
        {
            "exercise": exercise,
            "ranked": ranked,
            "summary": services.summary(ranked, exercise.benefit_unit),
            "chart": value_chart_svg(
                ranked, exercise.benefit_unit, f"{exercise.title}: spend against benefit"
            ),  # every text in it is escaped by the builder
            "proposals": proposals,
            "intervention_form": intervention_form,
            "proposal_form": proposal_form if len(interventions) >= 2 else None,
            "notes_form": notes_form,
            "status_choices": ResourceShift.Status.choices,
            "can_decide": can_decide,
            "status_error": status_error,
            "crumbs": [
                {"url": "/", "label": "Home"},
                {"url": exercise.community.get_url(request=request), "label": exercise.community.title},
                {"url": reverse("learning:exercises", args=[exercise.community_id]), "label": "Value work"},
            ],
        },
        status=400 if failed else 200,
    )


def priority_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """Every resource-shift proposal serving a priority, across teams: for its leads, curators and
    admins, and for members of each proposal's own workspace (others see only their own)."""
    priority = PriorityPage.objects.live().filter(slug=slug).first()
    if priority is None:
        raise Http404("No such priority")
    proposals = services.visible_proposals(request.user, priority)
    return render(
        request,
        "learning/priority_proposals.html",
        {
            "priority": priority,
            "proposals": list(proposals),
            "crumbs": [
                {"url": "/", "label": "Home"},
                {"url": priority.get_url(request=request), "label": priority.title},
            ],
        },
    )
