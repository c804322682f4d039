"""One ASGI application for HTTP and websockets.

Django is set up before any consumer is imported. Each app that serves websockets exposes
``websocket_urlpatterns`` in its ``routing`` module. Static files are answered in front of
Django (``boost.static``), and so are cached pages for anonymous readers (``boost.page_cache``).
"""

import asyncio
import os

import django
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boost.settings.dev")
django.setup(set_prefix=False)


class BoostASGIHandler(ASGIHandler):
    """Django's handler, with each request's response built in a child task.

    When a client hangs up, Django cancels the response; asgiref then copies the context of the
    still-running sync code back into the cancelled coroutine, and with it any ``async_to_sync``
    executor that code had open. Django's handler later sends ``request_finished`` from that
    same context, to an executor that has by then quit: "RuntimeError: CurrentThreadExecutor
    already quit or is broken", and the request's clean-up (closing old database connections
    included) never runs. A child task gets a copy of the context, so whatever the cancellation
    leaves behind stays in the child. (The middleware chain is also async end to end now, so
    there is no ``async_to_sync`` bridge in a page request; the task keeps any other one safe.)
    """

    async def run_get_response(self, request):
        return await asyncio.create_task(super().run_get_response(request))


django_asgi_app = BoostASGIHandler()

# Import every URL module now, while the server process starts, rather than in its first request:
# that import takes seconds of CPU on the event loop, and after a restart or deploy the first
# request comes with every socket reconnecting (issue 19: a crowd of 1,000 stalled behind it).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from boost.page_cache import PageCacheASGI  # noqa: E402
from boost.routing import websocket_urlpatterns  # noqa: E402
from boost.static import StaticFilesASGI  # noqa: E402
from boost.ws_auth import AuthMiddlewareStack  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": StaticFilesASGI(PageCacheASGI(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
