"""Send curators, leaders and admins to set up a second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.services import requires_mfa

# Paths a person without MFA must still reach: setting MFA up, signing out, assets, health.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/health/")


class RequireMFAForStaffMiddleware:
    """Sync or async; in async mode an anonymous request costs no thread hop."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.async_mode:
            return self.__acall__(request)
        user = getattr(request, "user", None)
        if user is not None and self._must_set_up_mfa(request, user):
            return self._to_mfa_setup(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if hasattr(request, "auser") and not request.path.startswith(_ALLOWED_PREFIXES):
            user = await request.auser()
            # request.user (what the view reads) would otherwise load the user a second time.
            request._cached_user = user
            if await sync_to_async(self._must_set_up_mfa)(request, user):
                return self._to_mfa_setup(request)
        return await self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request: HttpRequest, user) -> bool:
        return (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and requires_mfa(user)
            and not Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
        )

    @staticmethod
    def _to_mfa_setup(request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            "Your role needs two-factor authentication. Set up an authenticator app or a passkey to continue.",
        )
        return redirect("mfa_index")


class SuspendedAccountMiddleware:
    """Sign out a suspended member on their next request and show them the suspension page.

    Suspending someone already ends their sessions (``privacy.services.end_sessions``); this is the
    net under it for any session that path could not reach. It reads ``User.is_suspended`` from the
    user row the request loads anyway, so it costs no query.
    """

    sync_capable = True
    async_capable = True
    _SKIPPED_PREFIXES = ("/static/", "/health/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.async_mode:
            return self.__acall__(request)
        if not request.path.startswith(self._SKIPPED_PREFIXES):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_suspended:
                from django.contrib.auth import logout

                from accounts.views import suspended_response

                logout(request)
                return suspended_response(request, user)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if hasattr(request, "auser") and not request.path.startswith(self._SKIPPED_PREFIXES):
            user = await request.auser()
            request._cached_user = user
            if user.is_authenticated and user.is_suspended:
                from django.contrib.auth import alogout

                from accounts.views import suspended_response

                await alogout(request)
                return await sync_to_async(suspended_response)(request, user)
        return await self.get_response(request)
