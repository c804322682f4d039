"""A short-lived cache of the leaders' dashboard figures, so a leader who looks again, or changes
tabs and comes back, is answered from memory rather than by the aggregate queries again.

Key: the date range, the community chosen and what the viewer may see (``sight``: people who may
see the same share figures; nobody gets figures covering what they may not see), plus a
*generation* that moves on whenever something the figures count changes: people joining or
leaving, profiles, roles, memberships, communities, events and RSVPs, write-ups (published, moved,
restricted or deleted), a day rolled up. Messages, threads, sign-ins and searches that found
nothing are not watched: a busy site writes them every second, which would empty the cache as fast
as it fills. They show on the dashboard within ``ANALYTICS_CACHE_SECONDS`` (default 300; 0 turns
the cache off), which the page says.

Django's cache holds it (Redis in production, so every server process shares entries and the
generation), as it does the page cache (``boost/page_cache.py``).
"""

from __future__ import annotations

import hashlib
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


def sight(viewer) -> str:
    """What ``viewer`` may see, as far as any figure depends on it: the communities listed (their
    ``visible_to``) and the pages hidden from them (``hidden_page_paths``, which write-up counts
    exclude). People who see exactly the same share cached figures (every curator and admin, say);
    anyone who sees less never gets figures computed for someone who sees more."""
    from boost.permissions import hidden_page_paths
    from communities.models import CommunityPage

    visible = CommunityPage.objects.visible_to(viewer).order_by("pk").values_list("pk", flat=True)
    text = "\n".join(hidden_page_paths(viewer)) + "|" + ",".join(map(str, visible))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def key(scope) -> str:
    community = scope.community.pk if scope.community is not None else "all"
    return f"analytics:figures:{generation()}:{scope.start}:{scope.end}:{community}:{sight(scope.viewer)}"


def get(scope):
    """The figures kept for ``scope``, or None."""
    if seconds() <= 0:
        return None
    return cache.get(key(scope))


def put(scope, figures) -> None:
    if seconds() > 0:
        # A day rolled up while computing moved the generation on: store under the new one.
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
