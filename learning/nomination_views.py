"""Nominating someone for a cohort, asking a line manager to confirm protected time, and the
manager's own page behind the emailed link. Thin: every change goes through
:mod:`learning.nominations`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from learning import nominations
from learning.cohort_views import _cohort, _crumbs
from learning.forms import ManagerRequestForm, NominateForm
from learning.models import Application, ManagerConfirmation
from learning.services import LearningError, NotVisible

# A refused link's status: altered or unknown is "not found", used is a conflict, expired is gone.
LINK_STATUS = {nominations.LinkNotValid: 404, nominations.LinkUsed: 409, nominations.LinkExpired: 410}


def _cohort_crumbs(request, cohort):
    return _crumbs(request, cohort, {"url": reverse("learning:cohort", args=[cohort.pk]), "label": cohort.name})


@login_required
def nominate(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    form = NominateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = nominations.nominate(
                nominator=request.user,
                cohort=cohort,
                nominee_email=data["nominee_email"],
                statement=data["statement"],
                manager_email=data["manager_email"],
                days_per_month=data["days_per_month"],
            )
        except NotVisible as error:
            raise Http404("No such cohort") from error
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            told = " We have emailed their line manager to confirm the protected time." if data["manager_email"] else ""
            messages.success(request, f"You have nominated {application.user.display_name} for {cohort.name}.{told}")
            return redirect("learning:cohort", cohort.pk)
    return render(
        request,
        "learning/nominate.html",
        {"cohort": cohort, "programme": cohort.programme, "form": form, "crumbs": _cohort_crumbs(request, cohort)},
        status=400 if form.errors else 200,
    )


@login_required
def ask_manager(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The applicant asks their own line manager to confirm their protected time."""
    cohort = _cohort(request, cohort_id)
    application = Application.objects.filter(cohort=cohort, user=request.user).first()
    if application is None:
        raise Http404("No application")
    form = ManagerRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nominations.request_manager_confirmation(actor=request.user, application=application, **form.cleaned_data)
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "We have emailed your line manager a link to confirm your protected time.")
            return redirect("learning:cohort", cohort.pk)
    return render(
        request,
        "learning/ask_manager.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "form": form,
            "requests": list(application.manager_confirmations.all()),
            "crumbs": _cohort_crumbs(request, cohort),
        },
        status=400 if form.errors else 200,
    )


def _refused(request: HttpRequest, error: LearningError) -> HttpResponse:
    response = render(
        request, "learning/manager_link_refused.html", {"message": str(error)}, status=LINK_STATUS.get(type(error), 400)
    )
    return response


@never_cache
def manager_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Public (managers need no Boost account): opening changes nothing, answering uses the link."""
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            confirmation = nominations.answer_manager_link(token=token, decision=decision)
        except (nominations.LinkNotValid, nominations.LinkUsed, nominations.LinkExpired) as error:
            return _refused(request, error)
        except LearningError as error:
            try:
                confirmation = nominations.confirmation_for_link(token)
            except LearningError as refusal:
                return _refused(request, refusal)
            return _page(request, token, confirmation, error=str(error))
        return render(request, "learning/manager_answered.html", {"confirmation": confirmation})
    try:
        confirmation = nominations.confirmation_for_link(token)
    except LearningError as error:
        return _refused(request, error)
    return _page(request, token, confirmation)


def _page(request, token, confirmation: ManagerConfirmation, *, error: str = "") -> HttpResponse:
    response = render(
        request,
        "learning/manager_confirm.html",
        {"confirmation": confirmation, "application": confirmation.application, "error": error, "token": token},
        status=400 if error else 200,
    )
    # The link is a secret: never send it to another site as a referrer. Not "no-referrer": with it
    # browsers send the answer form's POST with "Origin: null", which Django's CSRF check refuses
    # (a 403 the browser journey caught). "same-origin" keeps the Origin and leaks nothing outside.
    response["Referrer-Policy"] = "same-origin"
    return response
