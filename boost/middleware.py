"""Cross-cutting request handling: structured access logs and the admin's CSP.

Both run sync or async: under uvicorn one sync-only middleware turns Django's whole chain into
sync code in a thread, with an ``async_to_sync`` bridge back for the async-capable rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse

access_log = logging.getLogger("boost.request")


class DualModeMiddleware:
    """Base for middleware whose work around ``get_response`` is the same sync or async."""

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
        return self.process(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return self.process(request, await self.get_response(request))

    def process(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return response


class RequestLogMiddleware(DualModeMiddleware):
    """One structured log line per request: method, path, status, duration, user id.

    The user id is logged when the request loaded the user; the log never loads it (that would
    be a query, and in async code a blocking one).
    """

    def __call__(self, request: HttpRequest):
        request._log_started = time.perf_counter()
        return super().__call__(request)

    def process(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        user = getattr(request, "_cached_user", None) or getattr(request, "_acached_user", None)
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - request._log_started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class AdminCSPMiddleware(DualModeMiddleware):
    """Give the admin its looser policy; it must sit inside Django's CSP middleware."""

    def process(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # Wagtail's admin uses inline scripts it does not nonce.
        if request.path.startswith(("/admin/", "/django-admin/")) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response


class DatabaseOutageMiddleware(DualModeMiddleware):
    """A 500 while the database cannot be reached becomes a 503 that keeps the person's text
    (``boost/outage.py``). Sits outside every middleware that may load the session or user."""

    def process(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        from boost.outage import database_reachable, outage_response

        if response.status_code != 500 or database_reachable():
            return response
        return outage_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        from asgiref.sync import sync_to_async

        response = await self.get_response(request)
        if response.status_code != 500:
            return response
        return await sync_to_async(self.process, thread_sensitive=False)(request, response)
