"""The search page, its JSON form and the suggestions endpoint. Thin: parse, run, render.

When the engine is down the page answers HTTP 503 with a friendly explanation (and the JSON
form a 503 with ``{"error": ...}``): the status tells monitors and tools the truth, the page
tells people, and every other page of the site keeps working.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from boost import ratelimit
from boost.filters import FilterGroup, FilterOption, FilterPanel
from search import misses
from search.permissions import Viewer
from search.query import FACETS, MAX_PAGE, SORTS, SearchQuery, SearchUnavailable, SuggestQuery

CRUMBS = [{"url": "/", "label": "Home"}]
UNAVAILABLE = "Search is not available at the moment. Please try again in a few minutes."


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), MAX_PAGE))
    except (TypeError, ValueError):
        return 1


def query_from_request(request: HttpRequest) -> SearchQuery:
    return SearchQuery(
        text=request.GET.get("q", ""),
        viewer=Viewer.for_user(request.user),
        filters={name: request.GET.getlist(name) for name in FACETS},
        sort=request.GET.get("sort", "relevance"),
        page=_page_number(request.GET.get("page")),
    )


def filter_panel(query: SearchQuery, outcome) -> FilterPanel:
    """The facets as the site's one filter panel, keeping the words and the sort."""
    hidden = [("q", query.text)] + ([("sort", query.sort)] if query.sort != "relevance" else [])
    groups = [
        FilterGroup(
            name=name,
            legend=FACETS.get(name, name),
            options=[FilterOption(f.value, f.label, f.selected, f.count) for f in facets],
        )
        for name, facets in outcome.facets.items()
    ]
    return FilterPanel(
        title="Filter results",
        action="/search/",
        groups=groups,
        clear_url=f"/search/?{urlencode({'q': query.text})}",
        active=bool(query.filters),
        hidden=hidden,
    )


def _wants_json(request: HttpRequest, api: bool) -> bool:
    return api or request.GET.get("format") == "json"


def _limit_anonymous(request: HttpRequest, *, as_json: bool, action: str = "anonymous_search") -> HttpResponse | None:
    """Signed-out searches are counted per IP address (signed-in people are not limited): a
    scraper or a loop gets 429, in the form it asked for, before the engine does any work."""
    if request.user.is_authenticated:
        return None
    try:
        ratelimit.consume(action, ratelimit.request_key(request))
    except ratelimit.RateLimited as error:
        if not as_json:
            return ratelimit.too_many_requests(request, error)
        response = JsonResponse({"error": error.message, "retry_after": error.retry_after}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    return None


@require_GET
def results(request: HttpRequest, api: bool = False) -> HttpResponse:
    """Search results as HTML (``/search/``) or JSON (``/search/api/`` or ``?format=json``)."""
    if refused := _limit_anonymous(request, as_json=_wants_json(request, api)):
        return refused
    query = query_from_request(request)
    try:
        outcome = query.run()
    except SearchUnavailable:
        if _wants_json(request, api):
            return JsonResponse({"error": UNAVAILABLE}, status=503)
        return render(
            request,
            "search/results.html",
            {"query": query, "unavailable": UNAVAILABLE, "facet_names": FACETS, "crumbs": CRUMBS},
            status=503,
        )
    misses.record(query, outcome)
    if _wants_json(request, api):
        return JsonResponse(outcome.as_json())
    return render(
        request,
        "search/results.html",
        {
            "query": query,
            "results": outcome,
            "facet_names": FACETS,
            "sorts": SORTS,
            "has_filters": bool(query.filters),
            "filter_panel": filter_panel(query, outcome),
            "crumbs": CRUMBS,
        },
    )


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """Title suggestions as the person types (the header's combobox enhancement)."""
    # Suggestions come a keystroke at a time, so they have their own, larger budget.
    if refused := _limit_anonymous(request, as_json=True, action="anonymous_suggest"):
        return refused
    query = SuggestQuery(text=request.GET.get("q", ""), viewer=Viewer.for_user(request.user))
    try:
        suggestions = query.run()
    except SearchUnavailable:
        return JsonResponse({"suggestions": [], "error": UNAVAILABLE}, status=503)
    return JsonResponse({"query": query.text, "suggestions": [s.as_json() for s in suggestions]})
