"""Thin views for writing stories outside the admin, measures, review, spread and priority order."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.models import TaskState, WorkflowState

from boost.converters import parse_id
from projects import permissions, services
from projects.forms import (
    STEP_KEYS,
    STORY_STEPS,
    AboutForm,
    AnnotationForm,
    AttachmentForm,
    BrightSpotForm,
    ContactForm,
    CsvUploadForm,
    DataPointForm,
    MeasureForm,
    PhaseForm,
    ReviewForm,
    TeamMemberForm,
    sections_form,
)
from projects.models import (
    Annotation,
    DataPoint,
    Measure,
    Phase,
    PriorityIndexPage,
    PriorityPage,
    ProjectPage,
    ProjectTeamMember,
)


def _editable(request, pk: int) -> ProjectPage:
    """The project, if the signed-in person co-authors it; 404 otherwise (drafts are not revealed)."""
    project = get_object_or_404(ProjectPage, pk=pk)
    if not permissions.can_edit_project(request.user, project):
        raise Http404
    return project


def _viewable(request, pk: int) -> ProjectPage:
    project = get_object_or_404(ProjectPage, pk=pk)
    if not permissions.can_view_project(request.user, project, request=request):
        raise Http404
    return project


def _nav(project: ProjectPage, current: str) -> list[dict]:
    items = [
        {"key": key, "label": label, "url": reverse("projects:edit", args=[project.pk, key])}
        for key, label, _ in STORY_STEPS
    ]
    items += [
        {"key": "team", "label": "Team", "url": reverse("projects:team", args=[project.pk])},
        {"key": "measures", "label": "Measures and data", "url": reverse("projects:measures", args=[project.pk])},
        {"key": "submit", "label": "Check and submit", "url": reverse("projects:submit", args=[project.pk])},
    ]
    for item in items:
        item["current"] = item["key"] == current
    return items


def _next_url(project: ProjectPage, step: str) -> str:
    position = STEP_KEYS.index(step)
    if position + 1 < len(STEP_KEYS):
        return reverse("projects:edit", args=[project.pk, STEP_KEYS[position + 1]])
    return reverse("projects:team", args=[project.pk])


def _status(project: ProjectPage) -> dict:
    state = services.review_state(project)
    return {
        "in_review": state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS,
        "changes_requested": services.changes_requested_comment(project),
    }


@login_required
def start(request):
    """Step 1 for a new story: saving it creates the draft."""
    form = AboutForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.story_data()
        try:
            project = services.start_project(author=request.user, title=data.pop("title"), data=data)
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your draft is saved. Only your team can see it until a curator publishes it.")
            return redirect("projects:edit", project.pk, "problem")
    return render(
        request, "projects/story_step.html", {"form": form, "step_label": "About the project", "step_nav": None}
    )


@login_required
def edit(request, pk: int, step: str):
    project = _editable(request, pk)
    if step not in STEP_KEYS:
        raise Http404
    draft = services.latest_draft(project)
    label, fields = next((label, fields) for key, label, fields in STORY_STEPS if key == step)
    if step == "about":
        form = AboutForm(request.POST or None, user=request.user, initial=AboutForm.initial_from(draft))
    else:
        form_class = sections_form(fields)
        form = form_class(request.POST or None, initial={name: getattr(draft, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        data = form.story_data() if step == "about" else dict(form.cleaned_data)
        try:
            services.save_draft(user=request.user, project=project, data=data)
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved.")
            return redirect(_next_url(project, step))
    return render(
        request,
        "projects/story_step.html",
        {
            "form": form,
            "project": project,
            "draft": draft,
            "step_label": label,
            "step_nav": _nav(project, step),
            **_status(project),
        },
    )


@login_required
def team(request, pk: int):
    project = _editable(request, pk)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_team_member(
                user=request.user,
                project=project,
                member=form.cleaned_data["member"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                is_coauthor=form.cleaned_data["is_coauthor"],
                lived_experience=form.cleaned_data["lived_experience"],
            )
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Added to the team.")
            return redirect("projects:team", project.pk)
    members = ProjectTeamMember.objects.filter(project=project).select_related("user__profile")
    return render(
        request,
        "projects/team.html",
        {"form": form, "project": project, "members": members, "step_nav": _nav(project, "team"), **_status(project)},
    )


@login_required
@require_POST
def team_remove(request, pk: int, member_pk: int):
    project = _editable(request, pk)
    place = get_object_or_404(ProjectTeamMember, pk=member_pk, project=project)
    try:
        services.remove_team_member(user=request.user, team_member=place)
    except services.ProjectError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Removed from the team.")
    if not permissions.can_edit_project(request.user, project):
        return redirect("projects:mine")
    return redirect("projects:team", project.pk)


@login_required
def submit(request, pk: int):
    project = _editable(request, pk)
    draft = services.latest_draft(project)
    reasons = services.missing_for_submission(draft)
    attachment_form = AttachmentForm(prefix="attach")
    if request.method == "POST" and request.POST.get("action") == "attach":
        attachment_form = AttachmentForm(request.POST, request.FILES, prefix="attach")
        if attachment_form.is_valid():
            try:
                services.attach_document(
                    user=request.user,
                    project=project,
                    title=attachment_form.cleaned_data["title"],
                    upload=attachment_form.cleaned_data["file"],
                )
            except services.ProjectError as error:
                attachment_form.add_error("file", str(error))
            else:
                messages.success(request, "File attached to your draft.")
                return redirect("projects:submit", project.pk)
    elif request.method == "POST" and request.POST.get("action") == "detach":
        try:
            services.detach_document(
                user=request.user, project=project, document_id=parse_id(request.POST.get("document")) or 0
            )
        except services.ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Attachment removed from your draft.")
        return redirect("projects:submit", project.pk)
    elif request.method == "POST":
        try:
            services.submit_for_review(user=request.user, project=project)
        except services.ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Submitted for review. A curator will read it and publish it or send it back.")
            return redirect("projects:mine")
    return render(
        request,
        "projects/submit.html",
        {
            "project": project,
            "draft": draft,
            "completeness": draft.completeness,
            "reasons": reasons,
            "step_nav": _nav(project, "submit"),
            "measure_count": Measure.objects.filter(project=project).count(),
            "attachments": list(draft.attachments.all()),
            "attachment_form": attachment_form,
            "form": attachment_form,
            **_status(project),
        },
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    project = _editable(request, pk)
    try:
        services.withdraw_from_review(user=request.user, project=project)
    except services.ProjectError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Withdrawn from review. You can change it and submit it again.")
    return redirect("projects:submit", project.pk)


@login_required
def preview(request, pk: int):
    """The latest draft, rendered with the real write-up template (Wagtail's preview)."""
    project = get_object_or_404(ProjectPage, pk=pk)
    if not permissions.can_view_draft(request.user, project):
        raise Http404
    draft = services.latest_draft(project)
    return draft.make_preview_request(request, draft.default_preview_mode)


def _review_status(project: ProjectPage, state: WorkflowState | None) -> str:
    if state is not None:
        return "In review" if state.status == WorkflowState.STATUS_IN_PROGRESS else "Changes requested"
    if not project.live:
        return "Draft"
    return "Published, with draft changes" if project.has_unpublished_changes else "Published"


@login_required
def mine(request):
    """The stories I co-author, with where each is in review and any comment from the curators."""
    ids = ProjectTeamMember.objects.filter(user=request.user, is_coauthor=True).values("project_id")
    projects = list(ProjectPage.objects.filter(pk__in=ids).order_by("-latest_revision_created_at"))
    states = {
        int(state.object_id): state
        for state in WorkflowState.objects.active()
        .filter(base_content_type__model="page", object_id__in=[str(project.pk) for project in projects])
        .select_related("current_task_state")
    }
    for project in projects:
        state = states.get(project.pk)
        project.review_status = _review_status(project, state)
        needs_changes = state and state.status == WorkflowState.STATUS_NEEDS_CHANGES and state.current_task_state
        project.review_comment = state.current_task_state.comment if needs_changes else ""
    return render(request, "projects/mine.html", {"projects": projects})


# --- measures ---------------------------------------------------------------------------


@login_required
def measures(request, pk: int):
    project = _editable(request, pk)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.save_measure(user=request.user, project=project, data=form.cleaned_data)
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Measure '{measure.name}' added. Now add its data.")
            return redirect("projects:measure", project.pk, measure.pk)
    return render(
        request,
        "projects/measures.html",
        {
            "project": project,
            "form": form,
            "measures": Measure.objects.filter(project=project).defer("chart_svg", "small_chart_svg"),
            "step_nav": _nav(project, "measures"),
            **_status(project),
        },
    )


def _measure(request, pk: int, measure_pk: int) -> tuple[ProjectPage, Measure]:
    project = _editable(request, pk)
    return project, get_object_or_404(Measure, pk=measure_pk, project=project)


@login_required
def measure(request, pk: int, measure_pk: int):
    """One measure: its definition, data, CSV upload, annotations and phases, and its chart."""
    project, item = _measure(request, pk, measure_pk)
    forms = {
        "definition": MeasureForm(instance=item, prefix="definition"),
        "point": DataPointForm(prefix="point"),
        "upload": CsvUploadForm(prefix="upload"),
        "annotation": AnnotationForm(prefix="annotation"),
        "phase": PhaseForm(prefix="phase"),
    }
    csv_errors: list[str] = []
    action = request.POST.get("action")
    if request.method == "POST" and action in forms:
        form_class = type(forms[action])
        if action == "definition":
            form = MeasureForm(request.POST, instance=Measure.objects.get(pk=item.pk), prefix="definition")
        else:
            form = form_class(request.POST, request.FILES, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                done = _measure_action(request, item, action, form)
            except services.CsvRejected as error:
                csv_errors = error.errors
                form.add_error(None, str(error))
            except services.ProjectError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("projects:measure", project.pk, item.pk)
    item.refresh_from_db()
    errored = next((form for form in forms.values() if form.is_bound and form.errors), None)
    return render(
        request,
        "projects/measure.html",
        {
            "project": project,
            "measure": item,
            "forms": forms,
            "form": errored,
            "csv_errors": csv_errors,
            "points": item.points.all(),
            "annotations": item.annotations.all(),
            "phases": item.phases.all(),
            "step_nav": _nav(project, "measures"),
        },
    )


def _measure_action(request, item: Measure, action: str, form) -> str:
    user = request.user
    data = form.cleaned_data
    if action == "definition":
        services.save_measure(user=user, project=item.project, measure=item, data=data)
        return "Measure saved."
    if action == "point":
        services.add_data_point(user=user, measure=item, when=data["date"], value=data["value"])
        return "Value added."
    if action == "upload":
        count = services.import_csv(user=user, measure=item, raw=data["file"].read(), replace=data["replace"])
        return f"Imported {count} values."
    if action == "annotation":
        services.add_annotation(
            user=user, measure=item, when=data["date"], label=data["label"], is_pdsa=data["is_pdsa"]
        )
        return "Change added to the chart."
    services.add_phase(user=user, measure=item, start=data["start_date"], label=data["label"])
    return "The limits are now recalculated from that date."


@login_required
@require_POST
def measure_delete_item(request, pk: int, measure_pk: int, kind: str, item_pk: int):
    project, item = _measure(request, pk, measure_pk)
    models = {"point": DataPoint, "annotation": Annotation, "phase": Phase}
    if kind not in models:
        raise Http404
    target = get_object_or_404(models[kind], pk=item_pk, measure=item)
    verbs = {
        "point": lambda: services.delete_data_point(user=request.user, point=target),
        "annotation": lambda: services.delete_annotation(user=request.user, annotation=target),
        "phase": lambda: services.delete_phase(user=request.user, phase=target),
    }
    verbs[kind]()
    messages.success(request, "Deleted.")
    return redirect("projects:measure", project.pk, item.pk)


@login_required
@require_POST
def measure_rebase(request, pk: int, measure_pk: int, annotation_pk: int):
    """Recalculate the limits from an annotated change (the editor's offer after a sustained shift)."""
    project, item = _measure(request, pk, measure_pk)
    annotation = get_object_or_404(Annotation, pk=annotation_pk, measure=item)
    try:
        phase = services.rebase_at_annotation(user=request.user, annotation=annotation)
    except services.ProjectError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The limits are now recalculated from {phase.start_date:%-d %B %Y}.")
    return redirect("projects:measure", project.pk, item.pk)


@login_required
@require_POST
def measure_delete(request, pk: int, measure_pk: int):
    project, item = _measure(request, pk, measure_pk)
    services.delete_measure(user=request.user, measure=item)
    messages.success(request, f"Measure '{item.name}' deleted.")
    return redirect("projects:measures", project.pk)


def measure_chart(request, pk: int, measure_pk: int):
    """A measure's chart on its own, full size: the link small screens get beside the scrolling chart."""
    project = _viewable(request, pk)
    item = get_object_or_404(Measure.objects.only("pk", "project_id", "chart_svg"), pk=measure_pk, project=project)
    response = HttpResponse(item.chart_svg, content_type="image/svg+xml; charset=utf-8")
    # The SVG holds no script or link; nothing it could load is needed, so allow none.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def measure_csv(request, pk: int, measure_pk: int):
    """A measure's data as CSV (the same columns the upload accepts)."""
    project = _viewable(request, pk)
    item = get_object_or_404(Measure, pk=measure_pk, project=project)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="measure-{item.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "value"])
    for point in item.points.order_by("date"):
        writer.writerow([point.date.isoformat(), format(point.value.normalize(), "f")])
    return response


# --- spread, handover, contact, bright spots ---------------------------------------------------


@login_required
@require_POST
def adopt(request, pk: int):
    source = _viewable(request, pk)
    try:
        project = services.adopt_project(user=request.user, source=source)
    except services.ProjectError as error:
        messages.error(request, str(error))
        return redirect(source.url)
    messages.success(request, f"Your own project, adapted from '{source.title}', is ready to edit.")
    return redirect("projects:edit", project.pk, "about")


def handover(request, pk: int):
    """A printable one-page handover pack: aim, changes, measures and definitions, PDSA log, contacts."""
    project = _viewable(request, pk)
    page = project if project.live else services.latest_draft(project)
    items = list(
        Measure.objects.filter(project=project).defer("chart_svg", "small_chart_svg").prefetch_related("annotations")
    )
    log = sorted(
        ((annotation, item) for item in items for annotation in item.annotations.all()),
        key=lambda pair: (pair[0].date, pair[0].pk),
    )
    team_members = ProjectTeamMember.objects.filter(project=project).select_related("user__profile")
    return render(
        request,
        "projects/handover.html",
        {"project": page, "measures": items, "pdsa_log": log, "team": team_members},
    )


@login_required
def contact(request, pk: int):
    project = _viewable(request, pk)
    if not permissions.can_contact_team(request.user, project):
        raise Http404
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_team(sender=request.user, project=project, message=form.cleaned_data["message"])
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your message has been sent to the team.")
            return redirect(project.url)
    return render(request, "projects/contact.html", {"form": form, "project": project})


@login_required
@require_POST
def bright_spot(request, pk: int):
    project = _viewable(request, pk)
    if not permissions.can_feature(request.user):
        raise PermissionDenied
    form = BrightSpotForm(request.POST)
    try:
        if request.POST.get("action") == "remove":
            services.unfeature_bright_spot(user=request.user, project=project)
            messages.success(request, "No longer featured as a bright spot.")
        elif form.is_valid():
            services.feature_bright_spot(user=request.user, project=project, note=form.cleaned_data["note"])
            messages.success(request, "Featured as a bright spot.")
    except services.ProjectError as error:
        messages.error(request, str(error))
    return redirect(project.url)


# --- review (curators) and priority order (leaders) -------------------------------------------------


@login_required
def review_queue(request):
    if not permissions.can_review(request.user):
        raise Http404
    states = (
        TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS, workflow_state__base_content_type__model="page")
        .select_related("workflow_state__requested_by__profile", "revision")
        .order_by("started_at")
    )
    ids = [int(state.workflow_state.object_id) for state in states]
    projects = {project.pk: project for project in ProjectPage.objects.filter(pk__in=ids)}
    waiting = [
        (state, projects[int(state.workflow_state.object_id)])
        for state in states
        if int(state.workflow_state.object_id) in projects
    ]
    return render(request, "projects/review_queue.html", {"waiting": waiting})


@login_required
def review(request, pk: int):
    if not permissions.can_review(request.user):
        raise Http404
    project = get_object_or_404(ProjectPage, pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.approve_story(reviewer=request.user, project=project, comment=form.cleaned_data["comment"])
                messages.success(request, f"'{project.title}' is published.")
            else:
                services.request_changes(reviewer=request.user, project=project, comment=form.cleaned_data["comment"])
                messages.success(request, "Sent back to the authors with your comment.")
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            return redirect("projects:review_queue")
    draft = services.latest_draft(project)
    return render(
        request,
        "projects/review.html",
        {"project": project, "draft": draft, "form": form, "reasons": services.missing_for_submission(draft)},
    )


@login_required
def order_priorities(request):
    if not permissions.can_order_priorities(request.user):
        raise Http404
    index = PriorityIndexPage.objects.first()
    if index is None:
        raise Http404
    if request.method == "POST":
        priority = get_object_or_404(PriorityPage, pk=request.POST.get("priority"))
        try:
            services.move_priority(user=request.user, priority=priority, direction=request.POST.get("direction", ""))
        except services.ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Moved '{priority.title}' {request.POST.get('direction')}.")
        return redirect("projects:order_priorities")
    priorities = list(PriorityPage.objects.child_of(index).order_by("path"))
    return render(request, "projects/order_priorities.html", {"priorities": priorities, "index": index})


# --- exports ----------------------------------------------------------------------------------


def projects_csv(request):
    """The project index as CSV, with the same filters and sort as the page (``?stage=…&sort=…``)
    and only what this viewer may see there."""
    from boost.csv_export import csv_response
    from projects.display import headline_measure
    from projects.listing import ProjectFilterForm, filtered_projects

    form = ProjectFilterForm(request.GET or None, user=request.user, request=request)
    projects, _sort = filtered_projects(form, request.user, request=request)
    projects = projects.for_cards().prefetch_related("priorities")
    base = request.build_absolute_uri("/").rstrip("/")

    def rows():
        for project in projects:
            measure = headline_measure(list(project.measures.all()))
            yield [
                project.title,
                base + project.url,
                project.get_stage_display(),
                project.get_care_setting_display() if project.care_setting else "",
                "; ".join(org.name for org in project.organisations.all()),
                "; ".join(p.title for p in project.priorities.all() if p.live),
                project.first_published_at.date().isoformat() if project.first_published_at else "",
                measure.headline if measure else "",
            ]

    header = ["title", "url", "stage", "care_setting", "organisations", "priorities", "published", "headline"]
    return csv_response("projects.csv", header, rows())
