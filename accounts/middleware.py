"""Send curators, leaders and admins to set up a second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.services import requires_mfa

# Paths a person without MFA must still reach: setting MFA up, signing out, assets, health.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/health/")


class RequireMFAForStaffMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and requires_mfa(user)
            and not Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
        ):
            messages.warning(
                request,
                "Your role needs two-factor authentication. Set up an authenticator app or a passkey to continue.",
            )
            return redirect("mfa_index")
        return self.get_response(request)
