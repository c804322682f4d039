"""The site's structure, read once per content generation in each server process.

Every page asks the same things before it shows anything: which site this host is (and its home
page), which page a URL leads to, the view restrictions on the page and its ancestors, the community
it sits under and its breadcrumbs. None of it is personal, and none of it changes unless content
changes, which moves the content generation on (``boost.page_cache.content_changed``: pages
published, moved, deleted or restricted, sites, communities…). So the answers are kept here, in
process memory, for the current generation only: the first request after a change reads them from
the database and the rest of that generation's requests read none of them.

Rules that keep it exact and private:

- Only the current generation's answers are kept; the moment a different generation is seen, all
  are dropped. Generations only move forward, so an answer read before a change is never served
  after it.
- With Redis, generation 0 means "unknown" (Redis unreachable: the cache answers nothing and
  changes cannot move it on), so nothing is remembered then. The stamp file's 0 (no change recorded
  yet) is a real generation: the first change moves it on.
- A transaction that has changed content and not yet committed reads the database itself: it would
  otherwise see the site as it was, or keep as everyone's what may still roll back.
- Answers are the same for every viewer. What depends on the person (their groups, memberships, a
  password their session gave) is worked out per request from these answers, never kept here.
- Model instances are handed out as copies (:func:`copy.copy`), so a request that sets attributes
  on its page never changes another request's.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable
from typing import Any

# More than a site's hot pages (each a page instance: tens of KB); past it, answers are read
# afresh rather than kept, until the generation moves on.
MAX_ENTRIES = 1000

_lock = threading.Lock()
_generation: int | None = None
_answers: dict[Hashable, Any] = {}


def remembered[T](key: Hashable, read: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
    """The answer for ``key`` in the current content generation, from ``read()`` the first time
    (kept only if ``keep(answer)``, when given)."""
    from boost.page_cache import current_generation, shared_generation, uncommitted_content_change

    global _generation
    generation = current_generation()
    if (not generation and shared_generation()) or uncommitted_content_change():
        return read()
    with _lock:
        if generation != _generation:
            _answers.clear()
            _generation = generation
        elif key in _answers:
            return _answers[key]
    answer = read()
    with _lock:
        if generation == _generation and len(_answers) < MAX_ENTRIES and (keep is None or keep(answer)):
            _answers[key] = answer
    return answer


def forget() -> None:
    """Drop every answer (tests: each starts from a fresh database)."""
    global _generation
    with _lock:
        _answers.clear()
        _generation = None


def own_copy[T](instance: T) -> T:
    """A copy of a kept model instance for one request (its field and relation caches its own)."""
    return copy.copy(instance) if instance is not None else None


# --- the site and its home page ------------------------------------------------------------------


def _read_site(hostname: str, port: int):
    from wagtail.models.sites import Site, get_site_for_hostname

    try:
        site = get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None
    site.root_page.localized.specific  # noqa: B018  (read now, kept with the site)
    return site


def site_for_request(request):
    """Wagtail's ``Site.find_for_request`` answer, with the site's home page already specific."""
    from django.http.request import split_domain_port

    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    kept = remembered(("site", hostname, port), lambda: _read_site(hostname, port))
    if kept is None:
        return None
    site = own_copy(kept)
    root = own_copy(kept.root_page)
    root.__dict__["specific"] = own_copy(kept.root_page.specific)
    site._state.fields_cache["root_page"] = root
    return site


def request_site(request):
    """``Site.find_for_request`` for views that are not pages, from the same kept answer."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = site_for_request(request)
    return request._wagtail_site


def serve(request, path):
    """Wagtail's page view (``wagtail.views.serve``), handed the request's site from
    :func:`site_for_request` first (``request._wagtail_site`` is where ``Site.find_for_request``
    keeps its answer), so routing and every URL on the page start without a query."""
    from wagtail.views import serve as wagtail_serve

    request_site(request)
    return wagtail_serve(request, path)
