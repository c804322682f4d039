"""Anonymous page cache: whole HTML pages for readers who send no cookie, on Django's cache.

Why not a library: wagtail-cache (the Wagtail one) does not support Wagtail 8, and Django's
``cache_page``/``UpdateCacheMiddleware`` cannot be invalidated when content changes. This module
is small and uses Django's cache framework for storage.

What is cached
    Only the answer to a ``GET`` that carries **no Cookie header** (so no session, no sign-in, no
    messages, no CSRF token: the page is exactly what any anonymous reader sees), when the answer is
    a 200 HTML page that sets no cookie and is not marked ``private``/``no-store``/``no-cache``.
    A signed-in person always sends their session cookie, so is never served from this cache.
    Private, restricted, draft and preview content is never shown to a cookie-less reader (it is a
    404, a redirect to sign in, or a password form, which sets the CSRF cookie), so it never
    enters. Paths for accounts, admin, health, files and websockets are never cached.

Freshness
    Every entry records the content *generation* it was rendered in; it is served only while that
    is still the current generation. Any committed change to content a reader can see (a page
    published, unpublished, moved, deleted or restricted; a membership, event, measure, message,
    map or profile saved or deleted; see ``CONTENT_APPS`` and ``IGNORED_MODELS``) moves the
    generation on, so the next request renders afresh. It is one generation for the whole site,
    not per page: a write-up is listed on the home page, its priority, its index, search and its
    community, so exact per-page invalidation would have to know every listing, and a missed one
    would serve stale or withdrawn content. Writes are rare next to reads; after one, each page
    costs one render. ``PAGE_CACHE_SECONDS`` bounds what the generation cannot see (time passing:
    "upcoming" events, relative dates).

    Fragments that every reader of a kind sees alike (the home page's sections, per viewer) are
    cached with ``{% cache %}`` keyed on the same generation, so they follow the same rule.

    The generation must be shared by every server process. With Redis it lives in the cache;
    with the embedded local-memory cache (one cache per process) it is the modification time of a
    stamp file (``PAGE_CACHE_STAMP``), which all processes on the machine see at once.

Serving
    ``PageCacheMiddleware`` stores and serves entries inside Django (tests, ``runserver``).
    ``PageCacheASGI`` answers hits in front of Django in ``boost.asgi``, as static files are, so a
    cached page costs about what a static file does. Each entry is also kept gzipped (sent to
    clients that accept it). Entries carry a strong ETag per encoding (and a conditional request
    gets a 304).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "page-cache:generation"
EXCLUDED_PREFIXES = (
    "/accounts/",
    "/admin/",
    "/django-admin/",
    "/health/",
    "/media/",
    "/documents/",
    "/ws/",
    "/me/",
    "/static/",
)
NEVER_WITH = ("private", "no-store", "no-cache")


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _shared_cache() -> bool:
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"]


def shared_generation() -> bool:
    """Does the generation live in the shared cache (Redis), where 0 may mean "unreachable"?"""
    return _shared_cache()


def _stamp() -> Path:
    return Path(settings.PAGE_CACHE_STAMP)


def current_generation() -> int:
    if _shared_cache():
        return cache.get(GENERATION_KEY) or 0
    try:
        return os.stat(_stamp()).st_mtime_ns
    except FileNotFoundError:
        return 0


def bump_generation() -> None:
    """Move the content generation on now: every cached page is stale from this moment."""
    if _shared_cache():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
        return
    stamp = _stamp()
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    now = time.time_ns()
    # Two bumps inside the file system's timestamp granularity must still differ.
    previous = current_generation()
    os.utime(stamp, ns=(now, max(now, previous + 1)))


@dataclass(frozen=True)
class Entry:
    generation: int
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    gzipped: bytes


def _key(scheme: str, host: str, path: str, query: str) -> str:
    # The scheme is part of the key: Django answers plain http with a redirect to https, so a
    # page stored for https is never served to http.
    digest = hashlib.sha256(f"{scheme}\n{host}\n{path}\n{query}".encode()).hexdigest()
    return f"page-cache:{digest}"


def cacheable_request(method: str, path: str, has_cookie: bool) -> bool:
    return enabled() and method == "GET" and not has_cookie and not path.startswith(EXCLUDED_PREFIXES)


def lookup(scheme: str, host: str, path: str, query: str) -> Entry | None:
    entry = cache.get(_key(scheme, host, path, query))
    if entry is None or entry.generation != current_generation():
        return None
    return entry


def _storable(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in NEVER_WITH)


def store(request: HttpRequest, response: HttpResponse, generation: int) -> None:
    """Keep an anonymous reader's page, if it may be kept (see the module docstring)."""
    if not _storable(response):
        return
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in ("set-cookie", "content-length")
    )
    # Compressed once here, not per hit. These pages hold no secret (no token, nothing personal),
    # so compression cannot leak one (BREACH).
    gzipped = gzip.compress(response.content, compresslevel=6, mtime=0)
    entry = Entry(generation, response.status_code, headers, response.content, etag, gzipped)
    key = _key(request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""))
    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)


def response_for(entry: Entry, if_none_match: str, accept_encoding: str = "") -> HttpResponse:
    """The cached page: gzipped when the client accepts it (its own ETag), or 304 when the client
    already holds that version."""
    compressed = "gzip" in accept_encoding
    etag = entry.etag[:-1] + '-gzip"' if compressed else entry.etag
    if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(entry.gzipped if compressed else entry.body, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    response["ETag"] = etag
    response["Content-Length"] = str(len(response.content))
    if compressed:
        response["Content-Encoding"] = "gzip"
    return response


class PageCacheMiddleware:
    """Serve and store anonymous pages inside Django (the ASGI front serves hits before this)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def _before(self, request: HttpRequest):
        if not cacheable_request(request.method, request.path, bool(request.META.get("HTTP_COOKIE"))):
            return None, None
        entry = lookup(request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""))
        if entry is not None:
            meta = request.META
            return response_for(entry, meta.get("HTTP_IF_NONE_MATCH", ""), meta.get("HTTP_ACCEPT_ENCODING", "")), None
        return None, current_generation()

    def __call__(self, request: HttpRequest):
        if self.async_mode:
            return self.__acall__(request)
        hit, generation = self._before(request)
        if hit is not None:
            return hit
        response = self.get_response(request)
        if generation is not None:
            store(request, response, generation)
        return response

    async def __acall__(self, request: HttpRequest):
        hit, generation = self._before(request)
        if hit is not None:
            return hit
        response = await self.get_response(request)
        if generation is not None:
            store(request, response, generation)
        return response


class PageCacheASGI:
    """ASGI front that answers cached anonymous pages without entering Django."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        if not cacheable_request(scope["method"], scope["path"], bool(headers.get(b"cookie"))):
            return await self.app(scope, receive, send)
        host = headers.get(b"host", b"").decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        entry = lookup(scope.get("scheme", "http"), host, scope["path"], query)
        # Django validates the Host header; only a page Django stored under this host is served.
        if entry is None:
            return await self.app(scope, receive, send)
        response = response_for(
            entry,
            headers.get(b"if-none-match", b"").decode("latin-1"),
            headers.get(b"accept-encoding", b"").decode("latin-1"),
        )
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.items()],
            }
        )
        await send({"type": "http.response.body", "body": response.content})


# --- What moves the generation on ----------------------------------------------------------------

# Apps whose rows readers see on some page (pages, communities, write-ups, discussions, maps,
# names on profiles, images and documents, redirects).
CONTENT_APPS = {
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "taggit",
    "boost",
    "accounts",
    "communities",
    "projects",
    "discussions",
    "ecomaps",
    "learning",
}
# Rows in those apps that no page shows to an anonymous reader: saving them must not empty the
# cache (a sign-in, a read marker, a notification, a draft's revision, an image rendition).
IGNORED_MODELS = {
    "wagtailcore.Revision",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ModelLogEntry",
    "wagtailcore.WorkflowState",
    "wagtailcore.TaskState",
    "wagtailcore.PageSubscription",
    "wagtailcore.ReferenceIndex",
    "wagtailcore.UploadedFile",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtailimages.Rendition",
    "accounts.SignInRecord",
    "discussions.ReadMarker",
    "discussions.Notification",
    "discussions.NotificationPreference",
    "discussions.Flag",
    "learning.ModuleProgress",
    "learning.CheckAnswer",
    "learning.Reflection",
    "learning.SelfAssessment",
    "learning.ManagerConfirmation",
    "learning.SessionAttendance",
}


def _reader_visible(model) -> bool:
    meta = model._meta
    return meta.app_label in CONTENT_APPS and meta.label not in IGNORED_MODELS


def _on_save(sender, update_fields=None, **kwargs) -> None:
    # Signing in stamps the user's last_login, which no page shows.
    if sender._meta.label == "accounts.User" and update_fields and set(update_fields) <= {"last_login"}:
        return
    if _reader_visible(sender):
        content_changed()


def _on_delete(sender, **kwargs) -> None:
    if _reader_visible(sender):
        content_changed()


def _on_relation(sender, instance, action: str, model, **kwargs) -> None:
    # A many-to-many link (a write-up's priorities, a page's tags) between rows readers see.
    if action.startswith("post_") and (_reader_visible(type(instance)) or _reader_visible(model)):
        content_changed()


def _on_page_signal(sender, **kwargs) -> None:
    # A move updates the tree with queryset updates (no post_save); publish and unpublish are
    # covered by the page's save too, and listened to here so none is missed.
    content_changed()


class _BumpOnCommit:
    """The on-commit half of :func:`content_changed`; ``done`` once it has run (tests may run
    on-commit work without committing, and the entry then stays in the connection's list)."""

    done = False

    def __call__(self) -> None:
        self.done = True
        bump_generation()


def content_changed() -> None:
    """Call when content a reader can see changed.

    The generation moves on at once (so the rest of this request and transaction never read a
    stale page) and again when the change commits: a request that rendered the old content between
    the two, and stored it under the first new generation, is then stale too.
    """
    # Always, even with the page cache off: cached fragments (the home page's sections) are keyed
    # on the generation too.
    bump_generation()
    transaction.on_commit(_BumpOnCommit())


def uncommitted_content_change() -> bool:
    """Has this thread's open transaction changed content it has not committed yet? What it reads
    then is its own, not yet anyone else's, so nothing kept per generation may be read or stored."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        isinstance(entry[1], _BumpOnCommit) and not entry[1].done for entry in connection.run_on_commit
    )


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_on_save, dispatch_uid="page-cache-save")
    post_delete.connect(_on_delete, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_on_relation, dispatch_uid="page-cache-m2m")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_on_page_signal, dispatch_uid=f"page-cache-{signal!r}")
