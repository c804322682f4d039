"""Shared fixtures: people in every role, the home page, and a clean mailbox."""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import types

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connections

from tests.factories.accounts import UserFactory, user_with_role

# channels.testing's package __init__ imports daphne for ChannelsLiveServerTestCase, which Boost does
# not use (uvicorn serves Boost). Only WebsocketCommunicator is needed, so stand in for daphne.testing
# when daphne is not installed rather than pull in Twisted for one import.
if importlib.util.find_spec("daphne") is None:
    _daphne = types.ModuleType("daphne")
    _daphne_testing = types.ModuleType("daphne.testing")
    _daphne_testing.DaphneProcess = None
    _daphne.testing = _daphne_testing
    sys.modules.setdefault("daphne", _daphne)
    sys.modules.setdefault("daphne.testing", _daphne_testing)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests
# make between page actions are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Transactional tests (browser, websocket) flush the database when they end, which would
    also wipe what migrations created (roles, the home page, the site). Give every one of them
    a serialized rollback, so that data is restored for the next test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (marker and marker.kwargs.get("transaction")) or (
            "transactional_db" in fixtures or "live_server" in fixtures
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)  # closest wins
    # Browser tests go last. Their session-wide Playwright keeps an event loop running in the test
    # thread until the run ends, and pytest-django puts tests without a database after the
    # transactional ones, so an async test without one would otherwise meet that running loop.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    # Django keeps the serialized migration data on the connection object, but Playwright's
    # sync API makes asgiref treat the test thread as async, which hands the test a different
    # connection object. Keeping the data on the connection class lets every one find it.
    connection = connections[DEFAULT_DB_ALIAS]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        type(connection)._test_serialized_contents = contents
    return django_db_setup


_live_server_requests = threading.Lock()


@pytest.fixture(scope="session", autouse=True)
def _one_live_server_request_at_a_time():
    """The live server answers browser requests on several threads, and with SQLite's in-memory
    test database they all share the test's one connection. Two requests at once (a page and a
    websocket retry, which the WSGI live server answers with 404) could reset each other's
    statements or transaction on it, and a page then came back 404 now and then. Requests are
    therefore handled one at a time; the browser still opens connections in parallel."""
    original = WSGIHandler.__call__

    def serialised(self, environ, start_response):
        with _live_server_requests:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = serialised
    yield
    WSGIHandler.__call__ = original


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # Each async test runs on its own event loop; a channel layer (Redis's holds asyncio locks and
    # connection pools) must not outlive the loop it was made on.
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...``: the changes made inside run their on-commit work as if committed
    (search indexing, the content generation), and what earlier fixtures changed counts as committed
    too. The site structure kept per generation (``boost.structure``) is only used outside an
    uncommitted change, as in production between requests."""
    from django.db import connection

    from boost.page_cache import _BumpOnCommit

    def block():
        for _, callback, _ in connection.run_on_commit:
            if isinstance(callback, _BumpOnCommit) and not callback.done:
                callback()
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; each test starts with a clean slate. The site
    # structure kept per content generation goes too: the database is fresh, the generation not.
    from boost import structure

    cache.clear()
    structure.forget()
    yield
    cache.clear()
    structure.forget()


@pytest.fixture
def member(db):
    return user_with_role("Member")


@pytest.fixture
def other_member(db):
    return user_with_role("Member")


@pytest.fixture
def facilitator(db):
    return user_with_role("Facilitator")


@pytest.fixture
def curator(db):
    return user_with_role("Curator", with_mfa=True)


@pytest.fixture
def leader(db):
    return user_with_role("Leader", with_mfa=True)


@pytest.fixture
def admin_user(db):
    return user_with_role("Admin", with_mfa=True, superuser=True)


@pytest.fixture
def home_page(db):
    from boost.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def user_factory(db):
    return UserFactory
