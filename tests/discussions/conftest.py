import importlib.util
import sys
import types

import pytest

from tests.factories.discussions import join, make_community, make_thread

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


@pytest.fixture
def community(db):
    return make_community(title="Frailty")


@pytest.fixture
def private_community(db):
    return make_community(private=True, title="Private huddle")


@pytest.fixture
def thread(community, member):
    join(member, community)
    return make_thread(member, community)


@pytest.fixture
def broadcasts(monkeypatch):
    """Record what would be sent to the channel layer (after commit)."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr("discussions.events.send_now", lambda group, event: sent.append((group, event)))
    return sent
