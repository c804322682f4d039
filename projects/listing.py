"""The project index: filters, sorting and pagination in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When

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
    priority = forms.ModelChoiceField(queryset=PriorityPage.objects.none(), required=False, empty_label="Any priority")
    community = forms.ModelChoiceField(
        queryset=CommunityPage.objects.none(), required=False, empty_label="Any community"
    )
    care_setting = forms.ChoiceField(choices=[("", "Any care setting"), *CareSetting.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    method = forms.ModelChoiceField(queryset=Method.objects.all(), required=False, empty_label="Any method")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, empty_label="Any organisation"
    )
    bright_spots = forms.BooleanField(label="Bright spots only", required=False)
    sort = forms.ChoiceField(choices=[(key, label) for key, (label, _) in SORTS.items()], required=False)

    def __init__(self, *args, user=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = visible_pages(PriorityPage.objects.all(), user, request=request).order_by(
            "path"
        )
        self.fields["community"].queryset = CommunityPage.objects.visible_to(user).order_by("title")


def filtered_projects(form: ProjectFilterForm, user, *, request=None):
    """The write-ups ``user`` may see (:func:`boost.permissions.visible_pages`), filtered and sorted."""
    projects = visible_pages(ProjectPage.objects.all(), user, request=request)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("priority"):
        projects = projects.filter(priorities=data["priority"])
    if data.get("community"):
        projects = projects.filter(communities=data["community"])
    if data.get("care_setting"):
        projects = projects.filter(care_setting=data["care_setting"])
    if data.get("stage"):
        projects = projects.filter(stage=data["stage"])
    if data.get("method"):
        projects = projects.filter(methods=data["method"])
    if data.get("organisation"):
        projects = projects.filter(organisations=data["organisation"])
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
        "projects_page": page_obj,
        "sort": sort,
        "query_string": query.urlencode(),
        "filters_active": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
    }
