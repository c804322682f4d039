import pytest

from tests.factories.discussions import join, make_community, make_thread


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
