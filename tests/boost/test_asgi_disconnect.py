"""A client that hangs up mid-request must not break the end of Django's request under uvicorn.

Under load the server log showed "RuntimeError: CurrentThreadExecutor already quit or is broken",
raised while Django sent ``request_finished`` for a request whose client had gone, so that
request's clean-up (closing old database connections included) never ran. The probe view in
``tests/boost/asgi_urls.py`` puts the request in the state that race leaves it in; see
``boost.asgi.BoostASGIHandler`` for the cause and the fix.
"""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.test import override_settings

from boost.asgi import BoostASGIHandler
from tests.discussions.live import live_site, live_template  # noqa: F401 - fixtures

HTTP_SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/probe/hang/",
    "raw_path": b"/probe/hang/",
    "query_string": b"",
    "root_path": "",
    "headers": [(b"host", b"127.0.0.1")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


async def hang_up(handler_class) -> None:
    communicator = ApplicationCommunicator(handler_class(), HTTP_SCOPE)
    await communicator.send_input({"type": "http.request", "body": b""})
    await asyncio.sleep(1)  # into the view, through the middleware's thread hops
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=10)


@pytest.mark.asyncio
@override_settings(ROOT_URLCONF="tests.boost.asgi_urls")
async def test_django_handler_alone_breaks_on_the_leaked_executor():
    """The failure, reproduced with Django's own handler: the test's premise holds."""
    with pytest.raises(RuntimeError, match="CurrentThreadExecutor already quit or is broken"):
        await hang_up(ASGIHandler)


@pytest.mark.asyncio
@override_settings(ROOT_URLCONF="tests.boost.asgi_urls")
async def test_boost_handler_finishes_the_request_after_a_hang_up():
    await hang_up(BoostASGIHandler)


@pytest.mark.django_db(transaction=True)
def test_hang_ups_under_uvicorn_leave_no_error(live_site):  # noqa: F811
    base = live_site.start_server({"DJANGO_SETTINGS_MODULE": "tests.boost.asgi_settings"})
    port = int(base.rsplit(":", 1)[1])
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /probe/hang/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            time.sleep(0.2)
    # The server still answers, and has had time to log anything the hang-ups raised.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 ")
    time.sleep(0.5)
    log = "".join(path.read_text() for path in live_site.workdir.glob("uvicorn-*.log"))
    assert "CurrentThreadExecutor" not in log, log
    assert "Exception in ASGI application" not in log, log
