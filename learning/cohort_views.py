"""Cohort, team, gate, attendance and dashboard views: thin, through :mod:`learning.cohort_services`.
Anyone who may not see the programme, or is not a lead where a lead is needed, gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from boost.permissions import can_view_page
from communities.models import Event, Membership
from ecomaps.models import EcoMap
from learning import cohort_services as services
from learning.dashboard import cohort_dashboard, dashboard_csv
from learning.forms import ApplyForm, AttendanceForm, DecisionForm, GateForm, TeamForm, TeamMemberForm
from learning.models import Application, Cohort, SessionAttendance, Team, ValueExercise
from learning.services import LearningError, NotVisible
from projects.models import Measure, ProjectPage


def _cohort(request: HttpRequest, cohort_id: int, *, lead: bool = False) -> Cohort:
    cohort = Cohort.objects.select_related("programme", "community").filter(pk=cohort_id).first()
    if cohort is None or not can_view_page(request.user, cohort.programme, request=request):
        raise Http404("No such cohort")
    if lead and not services.is_programme_lead(request.user, cohort.programme):
        raise Http404("No such cohort")
    return cohort


def _crumbs(request, cohort: Cohort, *extra) -> list[dict]:
    crumbs = [
        {"url": "/", "label": "Home"},
        {"url": cohort.programme.get_url(request=request), "label": cohort.programme.title},
    ]
    return crumbs + list(extra)


def cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    is_lead = services.is_programme_lead(request.user, cohort.programme)
    mine = (
        Application.objects.filter(cohort=cohort, user=request.user).select_related("nominated_by__profile").first()
        if request.user.is_authenticated
        else None
    )
    manager_request = mine.manager_confirmations.first() if mine else None
    form = ApplyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                services.apply(user=request.user, cohort=cohort, statement=form.cleaned_data["statement"])
            except LearningError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"You have applied to {cohort.name}. The programme lead will decide soon.")
                return redirect("learning:cohort", cohort.pk)
    accepted = cohort.applications.filter(state=Application.State.ACCEPTED).count()
    teams = list(cohort.teams.select_related("care_area"))
    for team in teams:
        team.phase_name = cohort.programme.phase_name(team.phase)
    return render(
        request,
        "learning/cohort.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "mine": mine,
            "manager_request": manager_request,
            "form": form,
            "places_left": max(cohort.capacity - accepted, 0),
            "teams": teams,
            "is_lead": is_lead,
            "crumbs": _crumbs(request, cohort),
        },
        status=400 if form.errors else 200,
    )


@login_required
def applications(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id, lead=True)
    error = ""
    if request.method == "POST":
        form = DecisionForm(request.POST)
        application = cohort.applications.filter(pk=request.POST.get("application", "0")[:19] or 0).first()
        if application is None or not form.is_valid():
            error = "Choose an application and a decision."
        else:
            try:
                services.decide(actor=request.user, application=application, state=form.cleaned_data["state"])
            except LearningError as failure:
                error = str(failure)
            else:
                messages.success(request, f"{application.user.display_name}: {application.get_state_display()}.")
                return redirect("learning:applications", cohort.pk)
    rows = list(
        cohort.applications.select_related("user__profile", "nominated_by__profile")
        .prefetch_related("manager_confirmations")
        .order_by("state", "created_at")
    )
    accepted = sum(1 for row in rows if row.state == Application.State.ACCEPTED)
    return render(
        request,
        "learning/applications.html",
        {
            "cohort": cohort,
            "rows": rows,
            "accepted": accepted,
            "error": error,
            "crumbs": _crumbs(
                request, cohort, {"url": reverse("learning:cohort", args=[cohort.pk]), "label": cohort.name}
            ),
        },
        status=400 if error else 200,
    )


@login_required
def dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id, lead=True)
    data = cohort_dashboard(cohort)
    team_form = TeamForm(request.POST or None)
    if request.method == "POST" and team_form.is_valid():
        try:
            team = services.create_team(actor=request.user, cohort=cohort, **team_form.cleaned_data)
        except LearningError as error:
            team_form.add_error(None, str(error))
        else:
            messages.success(request, f"{team.name} is set up with its private workspace.")
            return redirect("learning:team", team.pk)
    return render(
        request,
        "learning/dashboard.html",
        {
            **data,
            "form": team_form,
            "crumbs": _crumbs(
                request, cohort, {"url": reverse("learning:cohort", args=[cohort.pk]), "label": cohort.name}
            ),
        },
        status=400 if team_form.errors else 200,
    )


@login_required
def dashboard_download(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id, lead=True)
    response = HttpResponse(dashboard_csv(cohort_dashboard(cohort)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-dashboard.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _team(request: HttpRequest, team_id: int) -> tuple[Team, bool]:
    team = (
        Team.objects.select_related("cohort__programme", "community", "care_area", "coach__profile")
        .filter(pk=team_id)
        .first()
    )
    if team is None or not can_view_page(request.user, team.cohort.programme, request=request):
        raise Http404("No such team")
    is_lead = services.is_programme_lead(request.user, team.cohort.programme)
    is_member = (
        request.user.is_authenticated
        and Membership.objects.filter(
            community_id=team.community_id, user=request.user, state=Membership.State.ACTIVE
        ).exists()
    )
    if not (is_lead or is_member):
        raise Http404("No such team")
    return team, is_lead


def _evidence(team: Team) -> dict:
    community = team.community
    return {
        "writeups": ProjectPage.objects.live().filter(communities=community).order_by("title"),
        "measures": Measure.objects.filter(project__communities=community).order_by("name"),
        "maps": EcoMap.objects.filter(community=community).order_by("title"),
        "value_exercises": ValueExercise.objects.filter(community=community).order_by("title"),
    }


@login_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    team, is_lead = _team(request, team_id)
    programme = team.cohort.programme
    members = list(
        services.team_members(team).select_related("user__profile").order_by("role", "user__profile__display_name")
    )
    from accounts.models import Profession

    mix: dict[str, int] = {}
    for membership in members:
        if membership.role == Membership.Role.MEMBER:
            label = membership.user.profile.get_profession_display() or "Not given"
            mix[label] = mix.get(label, 0) + 1
    lived = sum(
        1
        for m in members
        if m.role == Membership.Role.MEMBER and m.user.profile.profession == Profession.LIVED_EXPERIENCE
    )
    gate_form = member_form = None
    if is_lead:
        gate_form = GateForm(evidence=_evidence(team), prefix="gate")
        accepted = Application.objects.filter(cohort=team.cohort, state=Application.State.ACCEPTED).values("user_id")
        in_teams = Membership.objects.filter(community__team__cohort=team.cohort, state=Membership.State.ACTIVE).values(
            "user_id"
        )
        from accounts.models import User

        member_form = TeamMemberForm(
            prefix="member",
            candidates=User.objects.filter(pk__in=accepted).exclude(pk__in=in_teams).select_related("profile"),
        )
    if request.method == "POST" and is_lead:
        action = request.POST.get("action")
        try:
            if action == "gate":
                gate_form = GateForm(request.POST, evidence=_evidence(team), prefix="gate")
                if gate_form.is_valid():
                    data = gate_form.cleaned_data
                    gate = services.sign_off_gate(
                        actor=request.user,
                        team=team,
                        note=data.get("note", ""),
                        writeups=data.get("writeups") or [],
                        measures=data.get("measures") or [],
                        maps=data.get("maps") or [],
                        value_exercises=data.get("value_exercises") or [],
                    )
                    messages.success(request, f"{team.name} moves to {programme.phase_name(gate.to_phase)}.")
                    return redirect("learning:team", team.pk)
            elif action == "member":
                member_form = TeamMemberForm(
                    request.POST, prefix="member", candidates=member_form.fields["user"].queryset
                )
                if member_form.is_valid():
                    services.add_team_member(actor=request.user, team=team, user=member_form.cleaned_data["user"])
                    messages.success(request, f"{member_form.cleaned_data['user'].display_name} joined {team.name}.")
                    return redirect("learning:team", team.pk)
        except LearningError as error:
            (gate_form if action == "gate" else member_form).add_error(None, str(error))
    gates = list(
        team.gates.select_related("signed_off_by__profile").prefetch_related(
            "writeups", "measures", "maps", "value_exercises"
        )
    )
    for gate in gates:
        gate.from_name, gate.to_name = programme.phase_name(gate.from_phase), programme.phase_name(gate.to_phase)
    failed = bool((gate_form and gate_form.errors) or (member_form and member_form.errors))
    return render(
        request,
        "learning/team.html",
        {
            "team": team,
            "programme": programme,
            "phase_name": programme.phase_name(team.phase),
            "members": members,
            "mix": sorted(mix.items()),
            "lived": lived,
            "gates": gates,
            "gate_form": gate_form,
            "member_form": member_form,
            "is_lead": is_lead,
            "is_last_phase": programme.phase_keys()[-1:] == [team.phase],
            "exercises": list(ValueExercise.objects.filter(community=team.community)),
            "crumbs": _crumbs(
                request,
                team.cohort,
                {"url": reverse("learning:cohort", args=[team.cohort.pk]), "label": team.cohort.name},
            ),
        },
        status=400 if failed else 200,
    )


@login_required
def attendance(request: HttpRequest, event_id: int) -> HttpResponse:
    event = Event.objects.select_related("community").filter(pk=event_id).first()
    if event is None:
        raise Http404("No such session")
    people = [
        m.user
        for m in Membership.objects.filter(community=event.community, state=Membership.State.ACTIVE)
        .select_related("user__profile")
        .order_by("user__profile__display_name")
    ]
    marked = [str(pk) for pk in SessionAttendance.objects.filter(event=event).values_list("user_id", flat=True)]
    form = AttendanceForm(request.POST or None, people=people, initial={"attended": marked})
    cohort = services.cohort_of_event(event)
    from communities.permissions import can_moderate

    if not (
        can_moderate(request.user, event.community)
        or (cohort and services.is_programme_lead(request.user, cohort.programme))
    ):
        raise Http404("No such session")
    if request.method == "POST" and form.is_valid():
        try:
            count = services.mark_attendance(
                actor=request.user, event=event, user_ids=[int(pk) for pk in form.cleaned_data["attended"]]
            )
        except NotVisible as error:
            raise Http404("No such session") from error
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Attendance saved: {count} {'person' if count == 1 else 'people'}.")
            return redirect("learning:attendance", event.pk)
    return render(
        request,
        "learning/attendance.html",
        {
            "event": event,
            "form": form,
            "crumbs": [
                {"url": "/", "label": "Home"},
                {"url": event.community.get_url(request=request), "label": event.community.title},
            ],
        },
        status=400 if form.errors else 200,
    )
