"""The leaders' analytics dashboard and a CSV of each figure. Leaders, curators and admins only;
anyone else gets the 404 a missing page gets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from analytics import cache as analytics_cache
from analytics.figures import FIGURES, Scope, all_figures
from analytics.forms import RangeForm
from analytics.suppression import Cell
from boost.csv_export import csv_response
from projects.models import is_leader

ROLES = {"Leader", "Curator", "Admin"}


def may_see_analytics(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or is_leader(user):
        return True
    loaded = user.loaded_groups()
    return bool(ROLES & set(loaded.values())) if loaded is not None else user.groups.filter(name__in=ROLES).exists()


def cached_figures(scope: Scope):
    """Every figure for ``scope``, from the short-lived cache when it has them (analytics/cache.py)."""
    figures = analytics_cache.get(scope)
    if figures is None:
        figures = all_figures(scope)
        analytics_cache.put(scope, figures)
    return figures


def _scope(request: HttpRequest) -> tuple[RangeForm, Scope | None]:
    if not may_see_analytics(request.user):
        raise Http404("No such page")
    form = RangeForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, Scope(start=data["start"], end=data["end"], community=data.get("community"), viewer=request.user)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)
    figures = cached_figures(scope) if scope else []
    query = request.GET.urlencode()
    return render(
        request,
        "analytics/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "query": query,
            "cache_minutes": -(-analytics_cache.seconds() // 60),
        },
        status=200 if scope else 400,
    )


@login_required
def figure_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in FIGURES:
        raise Http404("No such figure")
    form, scope = _scope(request)
    if scope is None:
        return HttpResponse("; ".join(str(e) for errors in form.errors.values() for e in errors), status=400)
    cached = analytics_cache.get(scope)
    figure = dict(zip(FIGURES, cached, strict=True))[key] if cached else FIGURES[key](scope)
    rows = [[value.text if isinstance(value, Cell) else value for value in row] for row in figure.rows]
    if figure.total is not None:
        rows.append(["Total", figure.total.text])
    return csv_response(f"boost-{key}-{scope.start}-{scope.end}.csv", figure.columns, rows)
