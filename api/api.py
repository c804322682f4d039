"""Boost's read-only JSON API (django-ninja), version 1, at ``/api/v1/``; schema at ``/api/v1/openapi.json``.

It answers exactly what the same person could see on the site: signed out, public content; with a
session or a personal token (``Authorization: Bearer boost_…``), what that member may see. Every
list is paginated (``page``, ``page_size`` up to 100) and runs a fixed number of queries per page.
Bad input gets a 4xx with a JSON body ``{"error": code, "detail": words, "parameter": name}``;
nothing in an error says whether something private exists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from allauth.core.internal.ratelimit import get_ip
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError

from api.services import TokenRejected, authenticate
from boost.permissions import visible_pages
from boost.ratelimit import RateLimited, consume
from communities.models import CommunityPage, Event
from projects.models import CareSetting, Measure, PriorityPage, ProjectPage, Stage

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
PAGING = {"page", "page_size"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

api = NinjaAPI(
    title="Boost open data API",
    version="1",
    description=(
        "Read-only JSON of what you may see on Boost: improvement write-ups with their measures, data and "
        "SPC results; priorities; communities; events. Signed out you see public content; send a personal "
        "token (made on your account page) as `Authorization: Bearer <token>` to see what you may see."
    ),
    urls_namespace="api",
    # No interactive docs page: Swagger UI needs inline script, which the site's CSP forbids. The
    # schema itself is the documentation (README: "Open data API").
    docs_url=None,
    openapi_url="/openapi.json",
)


# --- errors ------------------------------------------------------------------------------------


class ErrorOut(Schema):
    error: str
    detail: str
    parameter: str | None = None


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str, parameter: str | None = None) -> None:
        self.status, self.error, self.detail, self.parameter = status, error, detail, parameter
        super().__init__(detail)


def _error(request, status: int, error: str, detail: str, parameter: str | None = None, **headers):
    response = api.create_response(request, {"error": error, "detail": detail, "parameter": parameter}, status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.error, exc.detail, exc.parameter)


@api.exception_handler(TokenRejected)
def _token_rejected(request, exc: TokenRejected):
    return _error(request, 401, exc.code, str(exc), WWW_Authenticate="Bearer")


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    return _error(
        request,
        429,
        "rate_limited",
        f"Too many requests: up to {exc.rate.count} {exc.rate.period}. Try again in {exc.retry_after} seconds.",
        Retry_After=str(exc.retry_after),
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    name = location[-1] if location else None
    message = first.get("msg", "Invalid value")
    code = PAGING_ERRORS.get(name, "invalid_parameter")
    return _error(request, 400, code, f"{name}: {message}" if name else message, name)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}


# --- who is asking -----------------------------------------------------------------------------


def viewer(request: HttpRequest, allowed: set[str]) -> tuple[Any, HttpRequest | None]:
    """The person the API answers as, and the request to judge shared-password pages by (none for a
    token: a password opens pages for one browser session, never for a script). Refuses unknown
    query parameters, and counts the request against the per-IP and per-token limits."""
    unknown = sorted(set(request.GET) - allowed - PAGING)
    if unknown:
        raise ApiError(400, "unknown_parameter", f"Unknown query parameter: {unknown[0]}.", unknown[0])
    consume("api_ip", ip_key(request))
    header = request.headers.get("Authorization", "")
    if not header:
        return request.user, request
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenRejected("invalid_token", "Send the token as 'Authorization: Bearer <token>'.")
    token = authenticate(secret)
    consume("api_token", f"token:{token.pk}")
    return token.user, None


def ip_key(request: HttpRequest) -> str:
    """The client's address, as allauth (and so Boost's other limits) finds it behind the proxy."""
    try:
        return f"ip:{get_ip(request)}"
    except PermissionDenied:  # no client address at all: such requests share one budget
        return "ip:unknown"


# --- paging ------------------------------------------------------------------------------------


# In the schema too, so clients (and schemathesis) know the bounds; the errors name the parameter.
Page = Annotated[int, Query(ge=1, le=10**9, description="Page number, from 1.")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}.")]
Slug = Annotated[
    str, Query(pattern=r"^[-a-zA-Z0-9_]+$", max_length=255, description="A slug, as in the page's address.")
]
PAGING_ERRORS = {"page": "invalid_page", "page_size": "invalid_page_size"}


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int


def paginate(request: HttpRequest, queryset, page: int, page_size: int):
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise ApiError(400, "invalid_page_size", f"page_size must be from 1 to {MAX_PAGE_SIZE}.", "page_size")
    if page < 1:
        raise ApiError(400, "invalid_page", "page must be 1 or more.", "page")
    paginator = Paginator(queryset, page_size)
    try:
        items = paginator.page(page)
    except EmptyPage:
        if page == 1:
            return {"count": 0, "page": 1, "page_size": page_size, "num_pages": 0}, []
        raise ApiError(404, "page_out_of_range", f"There are {paginator.num_pages} pages.", "page") from None
    meta = {"count": paginator.count, "page": page, "page_size": page_size, "num_pages": paginator.num_pages}
    return meta, list(items.object_list)


def date_range(after: date | None, before: date | None, names: tuple[str, str]) -> None:
    if after and before and before < after:
        raise ApiError(400, "invalid_date_range", f"{names[1]} is before {names[0]}.", names[1])


# --- write-ups ---------------------------------------------------------------------------------


class PointOut(Schema):
    date: date
    value: float
    centre: float | None
    upper_limit: float | None
    lower_limit: float | None
    classification: str
    rules: str


class SpcOut(Schema):
    chart: str
    variation_icon: str
    variation: str
    assurance_icon: str
    assurance: str
    signals: list[str]
    latest: str
    points: list[PointOut]


class MeasureOut(Schema):
    id: int
    name: str
    type: str
    definition: str
    unit: str
    better: str
    target: float | None
    n_points: int
    headline: str
    spc: SpcOut


class MeasureSummaryOut(Schema):
    id: int
    name: str
    type: str
    latest: str
    variation_icon: str
    assurance_icon: str


class PriorityRef(Schema):
    slug: str
    title: str


class WriteUpOut(Schema):
    id: int
    title: str
    url: str
    summary: str
    stage: str
    care_setting: str
    published_at: datetime | None
    organisations: list[str]
    priorities: list[PriorityRef]
    adapted_from: int | None
    measures: list[MeasureSummaryOut]


class WriteUpDetailOut(WriteUpOut):
    aim: str
    changes: str
    results: str
    measures_detail: list[MeasureOut]


class WriteUpPage(PageMeta):
    results: list[WriteUpOut]


def _number(value) -> float | None:
    return None if value in (None, "") else float(value)


def _spc(measure: Measure) -> dict[str, Any]:
    analysis = measure.analysis or {}
    return {
        "chart": analysis.get("kind", ""),
        "variation_icon": analysis.get("variation_icon", ""),
        "variation": analysis.get("variation_label", ""),
        "assurance_icon": analysis.get("assurance_icon", ""),
        "assurance": analysis.get("assurance_label", ""),
        "signals": analysis.get("signals", []),
        "latest": analysis.get("latest", ""),
        "points": [
            {
                "date": row["date"],
                "value": row["raw"],
                "centre": _number(row.get("centre_raw")),
                "upper_limit": _number(row.get("ucl_raw")),
                "lower_limit": _number(row.get("lcl_raw")),
                "classification": row["classification"],
                "rules": row["rules"],
            }
            for row in analysis.get("rows", [])
        ],
    }


def _write_up(project: ProjectPage, *, detail: bool = False) -> dict[str, Any]:
    measures = list(project.measures.all())
    data = {
        "id": project.pk,
        "title": project.title,
        "url": project.url,
        "summary": project.summary,
        "stage": project.stage,
        "care_setting": project.care_setting,
        "published_at": project.first_published_at,
        "organisations": [org.name for org in project.organisations.all()],
        "priorities": [{"slug": p.slug, "title": p.title} for p in project.priorities.all()],
        "adapted_from": project.adapted_from_id,
        "measures": [
            {
                "id": m.pk,
                "name": m.name,
                "type": m.measure_type,
                "latest": (m.analysis or {}).get("latest", ""),
                "variation_icon": (m.analysis or {}).get("variation_icon", ""),
                "assurance_icon": (m.analysis or {}).get("assurance_icon", ""),
            }
            for m in measures
        ],
    }
    if detail:
        data.update(
            aim=project.aim,
            changes=project.changes,
            results=project.results,
            measures_detail=[
                {
                    "id": m.pk,
                    "name": m.name,
                    "type": m.measure_type,
                    "definition": m.operational_definition,
                    "unit": m.unit,
                    "better": m.better,
                    "target": _number(m.target),
                    "n_points": m.n_points,
                    "headline": m.headline,
                    "spc": _spc(m),
                }
                for m in measures
            ],
        )
    return data


def _write_ups(request: HttpRequest, user, visibility_request):
    visible_priorities = visible_pages(PriorityPage.objects.all(), user, request=visibility_request)
    return visible_pages(ProjectPage.objects.all(), user, request=visibility_request).prefetch_related(
        "organisations",
        Prefetch("priorities", queryset=visible_priorities.only("pk", "slug", "title").order_by("path")),
        Prefetch(
            "measures", queryset=Measure.objects.defer("chart_svg", "small_chart_svg").order_by("sort_order", "pk")
        ),
    )


@api.get("/write-ups/", response={200: WriteUpPage, **ERRORS}, summary="Published write-ups you may see")
def write_ups(
    request,
    priority: Slug | None = None,
    community: Slug | None = None,
    stage: Stage | None = None,
    care_setting: CareSetting | None = None,
    published_after: date | None = None,
    published_before: date | None = None,
    page: Page = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
):
    """Newest first. Filter by a priority's or community's slug, a stage, a care setting, or the
    publication date (``published_after``/``published_before``, ``YYYY-MM-DD``, inclusive)."""
    user, visibility = viewer(
        request, {"priority", "community", "stage", "care_setting", "published_after", "published_before"}
    )
    date_range(published_after, published_before, ("published_after", "published_before"))
    projects = _write_ups(request, user, visibility)
    if priority:
        projects = projects.filter(
            priorities__in=visible_pages(PriorityPage.objects.filter(slug=priority), user, request=visibility)
        )
    if community:
        projects = projects.filter(communities__in=CommunityPage.objects.visible_to(user).filter(slug=community))
    if stage:
        projects = projects.filter(stage=stage)
    if care_setting:
        projects = projects.filter(care_setting=care_setting)
    if published_after:
        projects = projects.filter(first_published_at__date__gte=published_after)
    if published_before:
        projects = projects.filter(first_published_at__date__lte=published_before)
    meta, items = paginate(request, projects.order_by("-first_published_at", "-pk"), page, page_size)
    return {**meta, "results": [_write_up(project) for project in items]}


@api.get("/write-ups/{int:write_up_id}/", response={200: WriteUpDetailOut, **ERRORS}, summary="One write-up")
def write_up(request, write_up_id: int):
    """A write-up with its measures: definitions, data points, centre lines, limits, signals and icons."""
    user, visibility = viewer(request, set())
    project = _write_ups(request, user, visibility).filter(pk=write_up_id).first()
    if project is None:
        raise ApiError(404, "not_found", "No such write-up.")
    return _write_up(project, detail=True)


# --- priorities, communities, events -----------------------------------------------------------


class PriorityOut(Schema):
    id: int
    slug: str
    title: str
    aim: str
    url: str
    write_ups: int


class PriorityPage_(PageMeta):
    results: list[PriorityOut]


@api.get("/priorities/", response={200: PriorityPage_, **ERRORS}, summary="Improvement priorities")
def priorities(request, page: Page = 1, page_size: PageSize = DEFAULT_PAGE_SIZE):
    """In the leaders' order, each with the number of published write-ups under it you may see."""
    user, visibility = viewer(request, set())
    projects = visible_pages(ProjectPage.objects.all(), user, request=visibility).values("pk")
    queryset = (
        visible_pages(PriorityPage.objects.all(), user, request=visibility)
        .annotate(write_up_count=Count("projects", filter=Q(projects__in=projects), distinct=True))
        .order_by("path")
    )
    meta, items = paginate(request, queryset, page, page_size)
    results = [
        {"id": p.pk, "slug": p.slug, "title": p.title, "aim": p.aim, "url": p.url, "write_ups": p.write_up_count}
        for p in items
    ]
    return {**meta, "results": results}


class CommunityOut(Schema):
    id: int
    slug: str
    title: str
    purpose: str
    url: str
    is_private: bool


class CommunityPageOut(PageMeta):
    results: list[CommunityOut]


@api.get("/communities/", response={200: CommunityPageOut, **ERRORS}, summary="Communities you may see")
def communities(request, page: Page = 1, page_size: PageSize = DEFAULT_PAGE_SIZE):
    """Public communities, and the private ones you belong to."""
    user, visibility = viewer(request, set())
    queryset = visible_pages(CommunityPage.objects.visible_to(user), user, request=visibility).order_by("title", "pk")
    meta, items = paginate(request, queryset, page, page_size)
    results = [
        {"id": c.pk, "slug": c.slug, "title": c.title, "purpose": c.purpose, "url": c.url, "is_private": c.is_private}
        for c in items
    ]
    return {**meta, "results": results}


class EventOut(Schema):
    id: int
    title: str
    kind: str
    community: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    online: bool
    cancelled: bool
    url: str


class EventPageOut(PageMeta):
    results: list[EventOut]


@api.get("/events/", response={200: EventPageOut, **ERRORS}, summary="Events of communities you may see")
def events(
    request,
    community: Slug | None = None,
    starts_after: date | None = None,
    starts_before: date | None = None,
    page: Page = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
):
    """Soonest first. Filter by community slug and start date (``YYYY-MM-DD``, inclusive)."""
    user, visibility = viewer(request, {"community", "starts_after", "starts_before"})
    date_range(starts_after, starts_before, ("starts_after", "starts_before"))
    communities_seen = visible_pages(CommunityPage.objects.visible_to(user), user, request=visibility)
    queryset = Event.objects.filter(community__in=communities_seen.values("pk")).select_related("community")
    if community:
        queryset = queryset.filter(community__slug=community)
    if starts_after:
        queryset = queryset.filter(starts_at__date__gte=starts_after)
    if starts_before:
        queryset = queryset.filter(starts_at__date__lte=starts_before)
    meta, items = paginate(request, queryset.order_by("starts_at", "pk"), page, page_size)
    results = [
        {
            "id": e.pk,
            "title": e.title,
            "kind": e.kind,
            "community": e.community.slug,
            "starts_at": e.starts_at,
            "ends_at": e.ends_at,
            "timezone": e.timezone,
            "venue": e.venue,
            "online": bool(e.online_url),  # the joining link is for members, on the site
            "cancelled": e.is_cancelled,
            "url": reverse("communities:event", args=[e.community.slug, e.pk]),
        }
        for e in items
    ]
    return {**meta, "results": results}


def _writes(request):
    """The API is read-only: a token asking to change something is refused with 403, anyone else 405."""
    if request.headers.get("Authorization"):
        raise ApiError(403, "read_only_token", "API tokens are read-only: they cannot change anything.")
    raise ApiError(405, "method_not_allowed", "The API is read-only: use GET.")


# Every path answers writes with a JSON error of its own (Django's bare 405 would be HTML-less text).
def _writes_one(request, write_up_id: int):
    return _writes(request)


for _path in ("/write-ups/", "/priorities/", "/communities/", "/events/"):
    api.api_operation(["POST", "PUT", "PATCH", "DELETE"], _path, include_in_schema=False)(_writes)
api.api_operation(["POST", "PUT", "PATCH", "DELETE"], "/write-ups/{int:write_up_id}/", include_in_schema=False)(
    _writes_one
)
