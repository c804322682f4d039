"""A short-lived cache of the leaders' dashboard figures, so a leader who looks again, or changes
tabs and comes back, is answered from memory rather than by the aggregate queries again.

Key: the date range, the community chosen and the viewer (each person's figures cover only what
they may see), plus a *generation* that moves on whenever something the figures count changes:
people joining or leaving, profiles, roles, memberships, communities, events and RSVPs, write-ups
(published, moved, restricted or deleted). Messages, threads, sign-ins and searches that found
nothing are not watched: a busy site writes them every second, which would empty the cache as fast
as it fills. They show on the dashboard within ``ANALYTICS_CACHE_SECONDS`` (default 300; 0 turns
the cache off), which the page says.

Django's cache holds it (Redis in production, so every server process shares entries and the
generation), as it does the page cache (``boost/page_cache.py``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "analytics:generation"
WATCHED = {
    "accounts.User",
    "accounts.Profile",
    "communities.CommunityPage",
    "communities.Membership",
    "communities.Event",
    "communities.Rsvp",
    "projects.ProjectPage",
    "wagtailcore.Page",
    "wagtailcore.PageViewRestriction",
}


def seconds() -> int:
    return getattr(settings, "ANALYTICS_CACHE_SECONDS", 300)


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = str(time.time_ns())
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def figures_changed() -> None:
    """Move the generation on now (the rest of this request never reads stale figures) and again
    when the change commits (a reader who computed the old figures in between stored them under the
    first new generation, which is then stale too)."""

    def bump() -> None:
        cache.set(GENERATION_KEY, str(time.time_ns()), None)

    bump()
    transaction.on_commit(bump)


def key(scope) -> str:
    community = scope.community.pk if scope.community is not None else "all"
    viewer = scope.viewer.pk if scope.viewer.is_authenticated else "anonymous"
    return f"analytics:figures:{generation()}:{scope.start}:{scope.end}:{community}:{viewer}"


def get(scope):
    if seconds() <= 0:
        return None
    return cache.get(key(scope))


def put(scope, figures) -> None:
    if seconds() > 0:
        cache.set(key(scope), figures, seconds())


def _on_save(sender, update_fields=None, **kwargs) -> None:
    label = sender._meta.label
    # Signing in stamps last_login only: "active in the last 30 days" may lag by the cache's lifetime.
    if label == "accounts.User" and update_fields and set(update_fields) <= {"last_login"}:
        return
    if label in WATCHED:
        figures_changed()


def _on_delete(sender, **kwargs) -> None:
    if sender._meta.label in WATCHED:
        figures_changed()


def _on_relation(sender, instance, action: str, model, **kwargs) -> None:
    # A person's roles (groups) decide what they may see; a write-up's communities what it counts in.
    if action.startswith("post_") and (type(instance)._meta.label in WATCHED or model._meta.label in WATCHED):
        figures_changed()


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_on_save, dispatch_uid="analytics-cache-save")
    post_delete.connect(_on_delete, dispatch_uid="analytics-cache-delete")
    m2m_changed.connect(_on_relation, dispatch_uid="analytics-cache-m2m")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(lambda **kwargs: figures_changed(), dispatch_uid=f"analytics-cache-{signal!r}", weak=False)
