"""Self-assessment pages: the learner's own form and change, and the lead's aggregated summary.
Thin: each change goes through :mod:`learning.assessment`; anyone who may not see it gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from boost.permissions import can_view_page
from learning import assessment
from learning.cohort_services import is_programme_lead
from learning.forms import SelfAssessmentForm
from learning.models import ProgrammePage
from learning.services import LearningError, NotVisible


def _programme(request: HttpRequest, programme_id: int) -> ProgrammePage:
    programme = ProgrammePage.objects.select_related("skills_framework").filter(pk=programme_id).first()
    if programme is None or not can_view_page(request.user, programme, request=request):
        raise Http404("No such programme")
    return programme


def _crumbs(request: HttpRequest, programme: ProgrammePage) -> list[dict]:
    return [{"url": "/", "label": "Home"}, {"url": programme.get_url(request=request), "label": programme.title}]


@login_required
def self_assessment(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    framework = assessment.framework_for(programme)
    if framework is None:
        raise Http404("No self-assessment")
    mine = assessment.own_assessments(request.user, programme)
    stage = assessment.next_stage(mine)
    domains = framework.domain_list()
    current = mine.get(stage)
    form = SelfAssessmentForm(request.POST or None, domains=domains, initial=current.levels if current else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment.record_self_assessment(
                user=request.user, programme=programme, stage=stage, levels=form.cleaned_data
            )
        except NotVisible as error:
            raise Http404("No such programme") from error
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your self-assessment is saved. Only you can see your answers.")
            return redirect(f"{reverse('learning:self_assessment', args=[programme.pk])}#your-levels")
    return render(
        request,
        "learning/self_assessment.html",
        {
            "programme": programme,
            "framework": framework,
            "form": form,
            "stage": stage,
            "stage_label": assessment.Stage(stage).label.lower(),
            "retaking": current is not None,
            "changes": assessment.own_change(framework, mine) if mine else [],
            "has_after": assessment.Stage.AFTER in mine,
            "is_lead": is_programme_lead(request.user, programme),
            "crumbs": _crumbs(request, programme),
        },
        status=400 if form.errors else 200,
    )


@login_required
def self_assessment_summary(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    try:
        summary = assessment.aggregate_change(actor=request.user, programme=programme)
    except NotVisible as error:
        raise Http404("No such programme") from error
    crumbs = [
        *_crumbs(request, programme),
        {"url": reverse("learning:self_assessment", args=[programme.pk]), "label": "Self-assessment"},
    ]
    return render(
        request, "learning/self_assessment_summary.html", {"programme": programme, **summary, "crumbs": crumbs}
    )
