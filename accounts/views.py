"""A person's own dashboard and profile, and everyone's public profile pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail import hooks

from accounts import sanctions, services
from accounts.forms import FindMemberForm, LiftSuspensionForm, ProfileForm, SuspendForm
from accounts.models import Profile, Suspension, User
from accounts.permissions import can_view_profile, visible_fields


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member's home: their profile and sections other apps contribute (communities, stories…)."""
    profile = services.get_profile(request.user)
    sections = [section for hook in hooks.get_hooks("boost_dashboard_sections") if (section := hook(request))]
    return render(request, "accounts/dashboard.html", {"profile": profile, "sections": sections})


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    profile = services.get_profile(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:dashboard")
    else:
        form = ProfileForm(instance=profile)
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})


def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    """A person's profile page, showing only what they chose to show; 404 when not visible."""
    # A profile hidden with the rest of a suspended member's content is gone, as a closed one is.
    profile = get_object_or_404(
        Profile.objects.select_related("user"), user_id=user_id, user__is_active=True, user__content_hidden=False
    )
    if not can_view_profile(request.user, profile):
        raise Http404("No such profile")
    sections = [
        section for hook in hooks.get_hooks("boost_profile_sections") if (section := hook(request, profile.user))
    ]
    return render(
        request,
        "accounts/profile.html",
        {"profile": profile, "shown": visible_fields(request.user, profile), "sections": sections},
    )


# --- suspensions ------------------------------------------------------------------------------


def suspended_response(request: HttpRequest, user) -> HttpResponse:
    """What a suspended member sees when they try to sign in (or on their next request): that
    they are suspended and until when. Never the reason."""
    return render(request, "accounts/suspended.html", {"ends_at": user.suspended_until}, status=403)


def _sanctioner(request: HttpRequest):
    if not sanctions.can_suspend(request.user):
        raise Http404("No such page")
    return request.user


SUSPENSION_HISTORY = 100


@login_required
def suspensions(request: HttpRequest) -> HttpResponse:
    """Curators and admins: suspensions in force and the recent record, and a way to find a member."""
    _sanctioner(request)
    form = FindMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if member is not None:
            return redirect("accounts:suspend", member.pk)
        form.add_error("email", "There is no member with that email address.")
    people = ("user__profile", "suspended_by__profile", "lifted_by__profile")
    records = list(Suspension.objects.select_related(*people)[:SUSPENSION_HISTORY])
    return render(
        request,
        "accounts/suspensions.html",
        {
            "form": form,
            "in_force": [record for record in records if record.is_in_force],
            "records": records,
        },
        status=400 if form.errors else 200,
    )


@login_required
def suspend(request: HttpRequest, user_id: int) -> HttpResponse:
    """Curators and admins: suspend one member, with a reason, an end date or none, and a choice
    about their content."""
    actor = _sanctioner(request)
    member = get_object_or_404(User.objects.select_related("profile"), pk=user_id, is_active=True)
    current = sanctions.current_suspension(member)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sanctions.suspend_member(
                actor=actor,
                member=member,
                reason=form.cleaned_data["reason"],
                ends_at=form.ends_at(),
                hide_content=form.cleaned_data["content"] == "hide",
            )
        except sanctions.SanctionError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"{member.display_name} is suspended and has been signed out everywhere.")
            return redirect("accounts:suspensions")
    return render(
        request,
        "accounts/suspend.html",
        {"form": form, "member": member, "current": current, "allowed": sanctions.may_sanction(actor, member)},
        status=400 if form.errors else 200,
    )


@login_required
def lift_suspension(request: HttpRequest, suspension_id: int) -> HttpResponse:
    actor = _sanctioner(request)
    suspension = get_object_or_404(Suspension.objects.select_related("user__profile"), pk=suspension_id)
    if not sanctions.may_sanction(actor, suspension.user):
        raise Http404("No such suspension")
    form = LiftSuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sanctions.lift_suspension(
                actor=actor, suspension_id=suspension.pk, restore_content=form.cleaned_data["restore_content"]
            )
        except sanctions.SanctionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{suspension.user.display_name}'s suspension is lifted.")
        return redirect("accounts:suspensions")
    return render(request, "accounts/lift_suspension.html", {"form": form, "suspension": suspension})


@login_required
@require_POST
def restore_suspended_content(request: HttpRequest, suspension_id: int) -> HttpResponse:
    actor = _sanctioner(request)
    try:
        suspension = sanctions.restore_content(actor=actor, suspension_id=suspension_id)
    except sanctions.SanctionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{suspension.user.display_name}'s content is shown again.")
    return redirect("accounts:suspensions")
