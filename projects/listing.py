"""The project index: filters, sorting and pagination in a fixed number of queries."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When

from boost.filters import FilterPanel, choice_group
from boost.forms import BoostForm
from boost.permissions import visible_pages
from communities.models import CommunityPage
from projects.display import headline_measure
from projects.models import CareSetting, Method, Organisation, PriorityPage, ProjectPage, Stage

PAGE_SIZE = 20
SORTS = {
    "newest": ("Newest first", ["-first_published_at", "-pk"]),
    "oldest": ("Oldest first", ["first_published_at", "pk"]),
    "title": ("Title A to Z", ["title", "pk"]),
    "stage": ("Stage (furthest first)", ["-stage_order", "title"]),
}
STAGE_ORDER = {stage.value: position for position, stage in enumerate(Stage)}


class ProjectFilterForm(BoostForm):
    """The index's filters: ticks within a group widen the list, groups narrow it."""

    priority = forms.ModelMultipleChoiceField(queryset=PriorityPage.objects.none(), required=False)
    community = forms.ModelMultipleChoiceField(queryset=CommunityPage.objects.none(), required=False)
    care_setting = forms.MultipleChoiceField(choices=CareSetting.choices, required=False)
    stage = forms.MultipleChoiceField(choices=Stage.choices, required=False)
    method = forms.ModelMultipleChoiceField(queryset=Method.objects.all(), required=False)
    organisation = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all(), required=False)
    bright_spots = forms.BooleanField(label="Bright spots only", required=False)
    sort = forms.ChoiceField(choices=[(key, label) for key, (label, _) in SORTS.items()], required=False)

    LEGENDS = {
        "priority": "Priority",
        "community": "Community",
        "care_setting": "Care setting",
        "stage": "Stage",
        "method": "Method",
        "organisation": "Organisation",
    }

    def __init__(self, *args, user=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = visible_pages(PriorityPage.objects.all(), user, request=request).order_by(
            "path"
        )
        self.fields["community"].queryset = CommunityPage.objects.visible_to(user).order_by("title")

    def panel(self, *, action: str) -> FilterPanel:
        """The form as the site's one filter panel (``boost/filters.py``)."""
        chosen = self.data.getlist if self.is_bound else (lambda name: [])
        groups = [
            choice_group(name, legend, self.fields[name].choices, selected=chosen(name))
            for name, legend in self.LEGENDS.items()
        ]
        groups.append(
            choice_group("bright_spots", "Bright spots", [("on", "Bright spots only")], selected=chosen("bright_spots"))
        )
        sort = self.data.get("sort") if self.is_bound else None
        active = any(chosen(name) for name in [*self.LEGENDS, "bright_spots"])
        return FilterPanel(
            title="Filter projects",
            action=action,
            groups=groups,
            clear_url=action + (f"?{urlencode({'sort': sort})}" if sort else ""),
            active=active,
            hidden=[("sort", sort)] if sort in SORTS else [],
            results_id="results",
        )


def _matching(projects, relation: str, values) -> object:
    """Projects linked to any of ``values`` through a many-to-many ``relation``, each once."""
    return projects.filter(pk__in=ProjectPage.objects.filter(**{f"{relation}__in": values}).values("pk"))


def filtered_projects(form: ProjectFilterForm, user, *, request=None):
    """The write-ups ``user`` may see (:func:`boost.permissions.visible_pages`), filtered and sorted."""
    projects = visible_pages(ProjectPage.objects.all(), user, request=request)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("priority"):
        projects = _matching(projects, "priorities", data["priority"])
    if data.get("community"):
        projects = _matching(projects, "communities", data["community"])
    if data.get("care_setting"):
        projects = projects.filter(care_setting__in=data["care_setting"])
    if data.get("stage"):
        projects = projects.filter(stage__in=data["stage"])
    if data.get("method"):
        projects = _matching(projects, "methods", data["method"])
    if data.get("organisation"):
        projects = _matching(projects, "organisations", data["organisation"])
    if data.get("bright_spots"):
        projects = projects.filter(bright_spot__isnull=False)
    sort = data.get("sort") or "newest"
    if sort == "stage":
        projects = projects.annotate(
            stage_order=Case(
                *[When(stage=value, then=Value(order)) for value, order in STAGE_ORDER.items()],
                output_field=IntegerField(),
            )
        )
    return projects.order_by(*SORTS[sort][1]), sort


def project_listing(request, *, index_page) -> dict[str, Any]:
    form = ProjectFilterForm(request.GET or None, user=request.user, request=request)
    projects, sort = filtered_projects(form, request.user, request=request)
    paginator = Paginator(projects.for_cards(), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    for project in page_obj.object_list:
        project.headline_measure = headline_measure(list(project.measures.all()))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "filter_panel": form.panel(action=index_page.get_url(request=request)),
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "projects_page": page_obj,
        "sort": sort,
        "query_string": query.urlencode(),
        "filters_active": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
    }
