"""A clear 503 instead of a 500 while the database cannot be reached, keeping what was typed.

A database outage shows up wherever the request first touches it: loading the session in a
middleware, or saving a message in a view. Either way Django answers with its 500 page, and a
person who wrote a long reply loses it. :class:`boost.middleware.DatabaseOutageMiddleware` asks,
for each 500 only, whether a fresh connection can reach the database now; if not, it answers with
this module's page instead: 503 and ``Retry-After``, "not saved", and for a message form (a reply,
a new discussion, a question, an edit) the form again, holding the person's text and the same
client id, so sending it again cannot post it twice.

The page is rendered without the request: context processors (menus, site settings) would query
the database that is down.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 30

# The message forms whose text is given back, and the fields each carries (text shown, the rest hidden).
KEEP_TEXT = {
    "discussions:reply": ("body", "client_id", "reply_to"),
    "discussions:new_thread": ("title", "body", "client_id"),
    "discussions:ask": ("title", "body", "client_id"),
    "discussions:edit": ("body",),
}
LABELS = {"title": "Title", "body": "Your message"}


def database_reachable() -> bool:
    """Whether a new connection to the default database answers ``SELECT 1`` (the request's own
    connection may be broken, or inside a transaction)."""
    probe = connections.create_connection("default")
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except (OperationalError, InterfaceError):
        return False
    finally:
        probe.close()


def kept_fields(request: HttpRequest) -> tuple[list[dict], list[dict]] | None:
    """The posted message form's (text fields, hidden fields), or None for any other request."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    names = KEEP_TEXT.get(match.view_name)
    if names is None:
        return None
    shown, hidden = [], [{"name": "csrfmiddlewaretoken", "value": request.POST.get("csrfmiddlewaretoken", "")}]
    for name in names:
        value = request.POST.get(name, "")
        if name in LABELS:
            shown.append({"name": name, "label": LABELS[name], "value": value, "multiline": name == "body"})
        elif value:
            hidden.append({"name": name, "value": value})
    return shown, hidden


def outage_response(request: HttpRequest) -> HttpResponse:
    form = kept_fields(request)
    context = {
        "action": request.path if form else None,
        "shown": form[0] if form else [],
        "hidden": form[1] if form else [],
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
