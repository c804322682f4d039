"""Shared fixtures: people in every role, the home page, and a clean mailbox."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests.factories.accounts import UserFactory, user_with_role

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests
# make between page actions are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


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
