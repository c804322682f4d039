"""The verbs of the projects app: writing and reviewing stories, measures and their data, spread,
bright spots and priority order. Each is keyword-only, runs in one transaction, checks permissions
through ``projects.permissions`` and raises a ``ProjectError`` with a message for people."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from wagtail.models import Page, Revision, TaskState, WorkflowState

from boost import ratelimit
from projects import permissions
from projects.csv_import import parse_date, read_csv
from projects.measurement import refresh_measure
from projects.models import (
    SECTION_FIELDS,
    Annotation,
    BrightSpot,
    DataPoint,
    Measure,
    Organisation,
    Phase,
    PriorityIndexPage,
    PriorityPage,
    ProjectIndexPage,
    ProjectPage,
    ProjectTeamMember,
    Stage,
)

STORY_FIELDS = ("title", "summary", *SECTION_FIELDS, "stage", "care_setting", "care_area")
STORY_RELATIONS = ("organisations", "methods", "priorities", "communities")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class ProjectError(Exception):
    """A refused or invalid action; ``str(error)`` is safe to show to the person who tried it."""


class NotAllowed(ProjectError):
    pass


class CsvRejected(ProjectError):
    def __init__(self, errors: list[str]):
        super().__init__(f"The file was not imported: {len(errors)} problem(s) found. Nothing was saved.")
        self.errors = errors


# --- stories -------------------------------------------------------------------------


def _require_editor(user, project: ProjectPage) -> None:
    if not permissions.can_edit_project(user, project):
        raise NotAllowed("Only the story's co-authors can change it.")


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70] or "project"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def organisations_from_names(names: Iterable[str]) -> list[Organisation]:
    """Find or create organisations by name (members type them; curators tidy them in the admin)."""
    found = []
    for name in names:
        name = " ".join(name.split())[:160]
        if not name:
            continue
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            slug = slugify(name)[:150] or "organisation"
            if Organisation.objects.filter(slug=slug).exists():
                slug = f"{slug}-{Organisation.objects.count() + 1}"
            organisation = Organisation.objects.create(name=name, slug=slug)
        found.append(organisation)
    return found


@transaction.atomic
def start_project(*, author, title: str, data: dict[str, Any] | None = None) -> ProjectPage:
    """Create a draft story (not live) under the projects index, with ``author`` as its first co-author."""
    if not author.is_authenticated or not author.is_active:
        raise NotAllowed("Sign in to write a story.")
    title = " ".join(title.split())
    if not title:
        raise ProjectError("Give the story a title.")
    index = ProjectIndexPage.objects.first()
    if index is None:
        raise ProjectError("The projects section has not been set up yet.")
    data = dict(data or {})
    project = ProjectPage(title=title, slug=_unique_slug(index, title), live=False, owner=author)
    _apply(project, data)
    index.add_child(instance=project)
    ProjectTeamMember.objects.create(project=project, user=author, is_coauthor=True, sort_order=0)
    project.save_revision(user=author, log_action=True)
    return project


def _apply(target: ProjectPage, data: dict[str, Any]) -> None:
    for name in STORY_FIELDS:
        if name in data:
            value = data[name]
            setattr(target, name, value if value is not None or name == "care_area" else "")
    if "adapted_from" in data:
        target.adapted_from = data["adapted_from"]
    for name in STORY_RELATIONS:
        if name in data:
            setattr(target, name, list(data[name]))


def latest_draft(project: ProjectPage) -> ProjectPage:
    """The newest version of the story (the draft if there is one), as a page object."""
    # Another instance may have saved a revision since ``project`` was loaded.
    project.refresh_from_db(fields=["latest_revision", "has_unpublished_changes", "live"])
    return project.get_latest_revision_as_object()


def review_state(project: ProjectPage) -> WorkflowState | None:
    """The story's current review, if any (in review or changes requested)."""
    return project.current_workflow_state


@transaction.atomic
def save_draft(*, user, project: ProjectPage, data: dict[str, Any]) -> Revision:
    """Save the author's changes as a new draft revision; the published version is untouched."""
    _require_editor(user, project)
    state = review_state(project)
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ProjectError("This story is waiting for review. Withdraw it from review to make changes.")
    draft = latest_draft(project)
    if "title" in data and not " ".join(str(data["title"]).split()):
        raise ProjectError("Give the story a title.")
    _apply(draft, data)
    return draft.save_revision(user=user, log_action=True)


def missing_for_submission(draft: ProjectPage) -> list[str]:
    """Precise reasons a story cannot be submitted yet (empty when it can)."""
    completeness = draft.completeness
    reasons = []
    if not draft.title.strip():
        reasons.append("Give the story a title.")
    if completeness["summary_missing"]:
        reasons.append("Write the plain-English summary.")
    reasons += [f"Write the '{section.label}' section." for section in completeness["missing_required"]]
    return reasons


@transaction.atomic
def submit_for_review(*, user, project: ProjectPage) -> WorkflowState:
    """Send the latest draft to the curators through Wagtail's workflow (or resubmit after changes)."""
    _require_editor(user, project)
    draft = latest_draft(project)
    reasons = missing_for_submission(draft)
    if reasons:
        raise ProjectError("The story is not ready to submit. " + " ".join(reasons))
    state = review_state(project)
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ProjectError("This story is already waiting for review.")
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    workflow = project.get_workflow()
    if workflow is None:
        raise ProjectError("Review is not set up on this site; ask an administrator.")
    return workflow.start(project, user)


@transaction.atomic
def withdraw_from_review(*, user, project: ProjectPage) -> None:
    """Take a story out of review so its authors can change it."""
    _require_editor(user, project)
    state = review_state(project)
    if state is None:
        raise ProjectError("This story is not in review.")
    state.cancel(user=user)


def _current_task_state(project: ProjectPage) -> TaskState:
    state = review_state(project)
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS or state.current_task_state is None:
        raise ProjectError("This story is not waiting for review.")
    return state.current_task_state


@transaction.atomic
def approve_story(*, reviewer, project: ProjectPage, comment: str = "") -> ProjectPage:
    """Approve the story under review: the workflow finishes and publishes the reviewed revision."""
    if not permissions.can_review(reviewer):
        raise NotAllowed("Only curators review stories.")
    task_state = _current_task_state(project)
    task_state.approve(user=reviewer, comment=comment.strip())
    project.refresh_from_db()
    return project


@transaction.atomic
def request_changes(*, reviewer, project: ProjectPage, comment: str) -> TaskState:
    """Send the story back to its authors with a comment they will see; it stays unpublished."""
    if not permissions.can_review(reviewer):
        raise NotAllowed("Only curators review stories.")
    comment = comment.strip()
    if not comment:
        raise ProjectError("Say what needs to change: the authors will see your comment.")
    task_state = _current_task_state(project)
    return task_state.reject(user=reviewer, comment=comment)


def changes_requested_comment(project: ProjectPage) -> str:
    """The reviewer's comment when the story is waiting for the authors' changes, else ""."""
    state = review_state(project)
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES or state.current_task_state is None:
        return ""
    return state.current_task_state.comment


@transaction.atomic
def attach_document(*, user, project: ProjectPage, title: str, upload) -> Revision:
    """Attach a file (a driver diagram, a tracking-list template) to the draft as a Wagtail document."""
    from django.conf import settings
    from wagtail.documents import get_document_model

    from projects.models import ProjectAttachment

    _require_editor(user, project)
    state = review_state(project)
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ProjectError("This story is waiting for review. Withdraw it from review to make changes.")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or []
    if allowed and extension not in allowed:
        raise ProjectError(
            f"Files ending .{extension or '(none)'} cannot be attached. Use one of: {', '.join(allowed)}."
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ProjectError(f"The file is too big: the most it can be is {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
    title = " ".join(title.split())[:160] or upload.name
    from boost.file_contexts import collection_for

    # The write-up's own collection: its files follow the write-up's rights (boost/file_contexts.py).
    document = get_document_model().objects.create(
        title=title, file=upload, uploaded_by_user=user, collection=collection_for(project)
    )
    draft = latest_draft(project)
    draft.attachments.add(ProjectAttachment(document=document, title=title))
    return draft.save_revision(user=user, log_action=True)


@transaction.atomic
def detach_document(*, user, project: ProjectPage, document_id: int) -> Revision:
    """Remove an attachment from the draft (the published version keeps it until the draft is published)."""
    _require_editor(user, project)
    draft = latest_draft(project)
    keep = [attachment for attachment in draft.attachments.all() if attachment.document_id != document_id]
    draft.attachments = keep
    return draft.save_revision(user=user, log_action=True)


# --- team ------------------------------------------------------------------------------


@transaction.atomic
def add_team_member(
    *,
    user,
    project: ProjectPage,
    member=None,
    name: str = "",
    role: str = "",
    organisation: str = "",
    is_coauthor: bool = True,
    lived_experience: bool = False,
) -> ProjectTeamMember:
    """Add a Boost member or a named external person to the team."""
    _require_editor(user, project)
    name = " ".join(name.split())
    if member is None and not name:
        raise ProjectError("Give the person's name, or the email address of their Boost account.")
    if member is not None and ProjectTeamMember.objects.filter(project=project, user=member).exists():
        raise ProjectError(f"{member.display_name} is already on the team.")
    order = ProjectTeamMember.objects.filter(project=project).aggregate(m=Max("sort_order"))["m"] or 0
    return ProjectTeamMember.objects.create(
        project=project,
        user=member,
        name=name,
        role=role.strip(),
        organisation=organisation.strip(),
        is_coauthor=is_coauthor,
        lived_experience=lived_experience,
        sort_order=order + 1,
    )


@transaction.atomic
def remove_team_member(*, user, team_member: ProjectTeamMember) -> None:
    project = team_member.project
    _require_editor(user, project)
    others = ProjectTeamMember.objects.filter(project=project, user__isnull=False, is_coauthor=True).exclude(
        pk=team_member.pk
    )
    if team_member.user_id and team_member.is_coauthor and not others.exists():
        raise ProjectError("A story needs at least one co-author with a Boost account.")
    team_member.delete()


# --- measures --------------------------------------------------------------------------


def _validated(measure: Measure) -> Measure:
    try:
        measure.full_clean(exclude=["project"])
    except ValidationError as error:
        messages = [f"{message}" for messages in error.message_dict.values() for message in messages]
        raise ProjectError(" ".join(messages)) from None
    return measure


@transaction.atomic
def save_measure(*, user, project: ProjectPage, measure: Measure | None = None, data: dict[str, Any]) -> Measure:
    """Create or change a measure's definition (a target needs a direction); its chart is rebuilt."""
    _require_editor(user, project)
    if measure is None:
        order = Measure.objects.filter(project=project).aggregate(m=Max("sort_order"))["m"]
        measure = Measure(project=project, sort_order=0 if order is None else order + 1)
    elif measure.project_id != project.pk:
        raise NotAllowed("That measure belongs to another project.")
    nullable = ("target", "decimal_places")
    for name in ("name", "operational_definition", "measure_type", "unit", "better", *nullable, "screen_outliers"):
        if name in data:
            setattr(measure, name, data[name] if data[name] is not None or name in nullable else "")
    _validated(measure).save()
    return refresh_measure(measure)


@transaction.atomic
def delete_measure(*, user, measure: Measure) -> None:
    _require_editor(user, measure.project)
    measure.delete()


@transaction.atomic
def add_data_point(*, user, measure: Measure, when: date, value: Decimal) -> DataPoint:
    """Add one dated value (a date that already has a value is refused: edit or delete that one)."""
    _require_editor(user, measure.project)
    if DataPoint.objects.filter(measure=measure, date=when).exists():
        raise ProjectError(f"There is already a value for {when:%-d %B %Y}. Delete it first to change it.")
    point = DataPoint.objects.create(measure=measure, date=when, value=value)
    refresh_measure(measure)
    return point


@transaction.atomic
def delete_data_point(*, user, point: DataPoint) -> None:
    measure = point.measure
    _require_editor(user, measure.project)
    point.delete()
    refresh_measure(measure)


@transaction.atomic
def import_csv(*, user, measure: Measure, raw: bytes, replace: bool = False) -> int:
    """Import dated values from a CSV file: all rows or none. Returns how many values were saved.

    With ``replace`` the measure's existing values are replaced; otherwise a date that already has
    a value is reported as an error on its line.
    """
    _require_editor(user, measure.project)
    parsed = read_csv(raw)
    errors = list(parsed.errors)
    if not errors and not replace:
        existing = set(DataPoint.objects.filter(measure=measure).values_list("date", flat=True))
        clashes = [when for when, _ in parsed.rows if when in existing]
        if clashes:
            # Report by line: the parser kept the rows in file order, so find each clash's line again.
            lines = {when: line for line, when in _lines_of(raw)}
            errors = [
                f"Line {lines.get(when, '?')}: {when.isoformat()} already has a value in this measure "
                "(tick 'Replace the existing data' to replace it)."
                for when in clashes
            ]
    if errors:
        raise CsvRejected(errors)
    if replace:
        DataPoint.objects.filter(measure=measure).delete()
    DataPoint.objects.bulk_create([DataPoint(measure=measure, date=when, value=value) for when, value in parsed.rows])
    refresh_measure(measure)
    return len(parsed.rows)


def _lines_of(raw: bytes) -> list[tuple[int, date]]:
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    header = [column.strip().lower() for column in next(reader)]
    at = header.index("date")
    found = []
    for row in reader:
        if len(row) > at and (when := parse_date(row[at])) is not None:
            found.append((reader.line_num, when))
    return found


@transaction.atomic
def add_annotation(*, user, measure: Measure, when: date, label: str, is_pdsa: bool = True) -> Annotation:
    """Mark a change or PDSA cycle on the chart."""
    _require_editor(user, measure.project)
    label = " ".join(label.split())
    if not label:
        raise ProjectError("Say what changed on that date.")
    annotation = Annotation.objects.create(measure=measure, date=when, label=label[:120], is_pdsa=is_pdsa)
    refresh_measure(measure)
    return annotation


@transaction.atomic
def delete_annotation(*, user, annotation: Annotation) -> None:
    measure = annotation.measure
    _require_editor(user, measure.project)
    annotation.delete()
    refresh_measure(measure)


@transaction.atomic
def add_phase(*, user, measure: Measure, start: date, label: str = "") -> Phase:
    """Recalculate the limits from ``start`` (a new phase after a change).

    ``start`` must be the date of a value after the first one: as in the NHS-R reference, limits
    are recalculated from a data point, so a date with no value is refused with the nearest
    dates that have one.
    """
    _require_editor(user, measure.project)
    if Phase.objects.filter(measure=measure, start_date=start).exists():
        raise ProjectError(f"The limits are already recalculated from {start:%-d %B %Y}.")
    dates = list(DataPoint.objects.filter(measure=measure).order_by("date").values_list("date", flat=True))
    if not dates:
        raise ProjectError("Add the measure's data first: limits are recalculated from a dated value.")
    if start == dates[0]:
        raise ProjectError(f"{start:%-d %B %Y} is the first value: the limits already start there.")
    if start not in dates:
        before = [d for d in dates if d < start]
        after = [d for d in dates if d > start]
        nearest = " or ".join(f"{d:%-d %B %Y}" for d in (before[-1:] + after[:1]) if d != dates[0])
        hint = f" The nearest dates with a value: {nearest}." if nearest else ""
        raise ProjectError(
            f"There is no value on {start:%-d %B %Y}: limits are recalculated from a date that has one.{hint}"
        )
    phase = Phase.objects.create(measure=measure, start_date=start, label=" ".join(label.split())[:120])
    refresh_measure(measure)
    return phase


@transaction.atomic
def rebase_at_annotation(*, user, annotation: Annotation) -> Phase:
    """Recalculate the limits from an annotated change: a new phase from its first value.

    The phase starts at the first value on or after the change's date (a change made mid-month
    shows in the next month's value) and takes the change's label. The editor offers this when
    the change was followed by a sustained shift (``projects.spc.shift_after``), but an author may
    choose it for any change that has values after it.
    """
    measure = annotation.measure
    _require_editor(user, measure.project)
    start = (
        DataPoint.objects.filter(measure=measure, date__gte=annotation.date)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if start is None:
        raise ProjectError(
            f"There are no values on or after {annotation.date:%-d %B %Y} yet: add data before recalculating "
            "the limits from this change."
        )
    return add_phase(user=user, measure=measure, start=start, label=annotation.label)


@transaction.atomic
def delete_phase(*, user, phase: Phase) -> None:
    measure = phase.measure
    _require_editor(user, measure.project)
    phase.delete()
    refresh_measure(measure)


# --- spread, bright spots, priorities, contact ----------------------------------------------------


@transaction.atomic
def adopt_project(*, user, source: ProjectPage, title: str = "") -> ProjectPage:
    """ "We're trying this": a new draft story adapted from ``source``, pre-filled, with its measures' definitions."""
    if not permissions.can_adopt(user, source):
        raise NotAllowed("Sign in to try a published project.")
    profile = getattr(user, "profile", None)
    own_organisation = getattr(profile, "organisation", "") if profile else ""
    data: dict[str, Any] = {
        "summary": f"We are trying '{source.title}' in our service.",
        "rationale": f"Adapted from '{source.title}', which reported: {source.summary}".strip()[:2000],
        "aim": source.aim,
        "changes": source.changes,
        "measures_description": source.measures_description,
        "stage": Stage.TESTING,
        "care_setting": source.care_setting,
        "care_area": source.care_area,
        "methods": list(source.methods.all()),
        "priorities": list(source.priorities.all()),
        "communities": list(source.communities.all()),
        "organisations": organisations_from_names([own_organisation]) if own_organisation else [],
        "adapted_from": source,
    }
    project = start_project(author=user, title=title or f"Trying: {source.title}", data=data)
    for measure in source.measures.all():
        copy = Measure.objects.create(
            project=project,
            name=measure.name,
            operational_definition=measure.operational_definition,
            measure_type=measure.measure_type,
            unit=measure.unit,
            better=measure.better,
            target=None,
            sort_order=measure.sort_order,
        )
        refresh_measure(copy)
    return project


@transaction.atomic
def feature_bright_spot(*, user, project: ProjectPage, note: str = "") -> BrightSpot:
    if not permissions.can_feature(user):
        raise NotAllowed("Only leaders feature bright spots.")
    if not project.live:
        raise ProjectError("Only a published story can be a bright spot.")
    spot, _ = BrightSpot.objects.update_or_create(
        project=project, defaults={"note": note.strip()[:300], "featured_by": user}
    )
    return spot


@transaction.atomic
def unfeature_bright_spot(*, user, project: ProjectPage) -> None:
    if not permissions.can_feature(user):
        raise NotAllowed("Only leaders feature bright spots.")
    BrightSpot.objects.filter(project=project).delete()


@transaction.atomic
def move_priority(*, user, priority: PriorityPage, direction: str) -> None:
    """Move a priority up or down the list, with Wagtail's own page ordering."""
    if not permissions.can_order_priorities(user):
        raise NotAllowed("Only leaders order the priorities.")
    if direction not in ("up", "down"):
        raise ProjectError("Move a priority up or down.")
    siblings = list(PriorityIndexPage.objects.get().get_children().order_by("path"))
    position = next(i for i, page in enumerate(siblings) if page.pk == priority.pk)
    if direction == "up" and position > 0:
        priority.move(siblings[position - 1], pos="left", user=user)
    elif direction == "down" and position < len(siblings) - 1:
        priority.move(siblings[position + 1], pos="right", user=user)


def contact_team(*, sender, project: ProjectPage, message: str) -> int:
    """Email the story's co-authors a question from a signed-in member. Returns how many were emailed."""
    if not permissions.can_contact_team(sender, project):
        raise NotAllowed("Sign in to contact the team.")
    message = message.strip()
    if not message:
        raise ProjectError("Write your message to the team.")
    if len(message) > 3000:
        raise ProjectError("Keep the message under 3,000 characters.")
    recipients = list(
        ProjectTeamMember.objects.filter(project=project, user__isnull=False, is_coauthor=True)
        .values_list("user__email", flat=True)
        .distinct()
    )
    if not recipients:
        raise ProjectError("This team has no one to contact on Boost yet.")
    ratelimit.consume("contact_team", ratelimit.user_key(sender))
    body = (
        f"{sender.display_name} ({sender.email}) has a question about your project '{project.title}':\n\n"
        f"{message}\n\nReply to them directly at {sender.email}."
    )
    send_mail(f"A question about '{project.title}'", body, None, recipients)
    return len(recipients)
