"""Programmes and modules for tests: small, built in code."""

from __future__ import annotations

from boost.models import HomePage
from learning.models import LearningModulePage, ProgrammeIndexPage, ProgrammePage


def _check(question: str, right: str = "Right", wrong: str = "Wrong") -> tuple[str, dict]:
    return (
        "knowledge_check",
        {
            "question": question,
            "options": [
                {"text": wrong, "correct": False, "feedback": f"Feedback: {wrong} is not it."},
                {"text": right, "correct": True, "feedback": f"Feedback: {right} is it."},
            ],
        },
    )


def programme_index() -> ProgrammeIndexPage:
    index = ProgrammeIndexPage.objects.first()
    if index is None:
        index = ProgrammeIndexPage(title="Learning programmes", slug="programmes")
        HomePage.objects.get().add_child(instance=index)
        index.save_revision().publish()
    return index


def make_programme(title: str = "Improvement fundamentals", *, leads=(), **fields) -> ProgrammePage:
    from django.utils.text import slugify

    programme = ProgrammePage(
        title=title,
        slug=fields.pop("slug", slugify(title)),
        aim=fields.pop("aim", "Learn the basics of improvement."),
        audience=fields.pop("audience", "Anyone."),
        time_commitment=fields.pop("time_commitment", "An hour"),
        **fields,
    )
    programme_index().add_child(instance=programme)
    programme.save_revision().publish()
    programme.refresh_from_db()
    if leads:
        programme.leads.set(leads)
        programme.save()
    return programme


def make_module(programme: ProgrammePage, title: str = "PDSA", *, checks: int = 2, reflection: bool = True):
    from django.utils.text import slugify

    body = [("text", "<p>Plan, do, study, act.</p>")]
    body += [_check(f"Question {n + 1}?") for n in range(checks)]
    if reflection:
        body.append(("reflection", {"prompt": "What will you test first?", "hint": ""}))
    module = LearningModulePage(title=title, slug=slugify(title), summary=f"About {title}.", body=body)
    programme.add_child(instance=module)
    module.save_revision().publish()
    module.refresh_from_db()
    return module


def list_modules(programme: ProgrammePage, modules) -> ProgrammePage:
    """Put ``modules`` in the programme's first phase (crawl) and publish."""
    raw = programme.phases.raw_data
    phases = [dict(item) for item in raw]
    first = dict(phases[0]["value"])
    first["modules"] = [module.pk for module in modules]
    phases[0] = {**phases[0], "value": first}
    programme.phases = phases
    programme.save_revision().publish()
    programme.refresh_from_db()
    return programme


def make_cohort(
    programme: ProgrammePage,
    lead,
    name: str,
    *,
    capacity: int = 10,
    starts_in: int = 10,
    closes_in: int = 5,
    runs_for: int = 170,
):
    """A cohort whose applications are open today: closes in ``closes_in`` days, starts in
    ``starts_in`` and runs ``runs_for`` days after that."""
    from datetime import timedelta

    from django.utils import timezone

    from learning import cohort_services

    today = timezone.localdate()
    return cohort_services.create_cohort(
        actor=lead,
        programme=programme,
        name=name,
        starts_on=today + timedelta(days=starts_in),
        ends_on=today + timedelta(days=starts_in + runs_for),
        applications_close_on=today + timedelta(days=closes_in),
        capacity=capacity,
    )
