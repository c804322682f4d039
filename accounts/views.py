"""A person's own dashboard and profile, and everyone's public profile pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from wagtail import hooks

from accounts import services
from accounts.forms import ProfileForm
from accounts.models import Profile
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
    profile = get_object_or_404(Profile.objects.select_related("user"), user_id=user_id, user__is_active=True)
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
