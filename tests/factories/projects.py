"""Factories for projects: stories (draft or published), measures with monthly data, priorities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from projects import services
from projects.measurement import refresh_measure
from projects.models import (
    DataPoint,
    Measure,
    PriorityIndexPage,
    PriorityPage,
    ProjectPage,
)

READY = {
    "summary": "A plain summary of what we did.",
    "problem": "People waited too long.",
    "aim": "Halve the wait by March.",
    "changes": "A daily huddle and a shared list.",
    "results": "The wait halved.",
}


def month(i: int, start: date = date(2022, 10, 1)) -> date:
    total = start.month - 1 + i
    return date(start.year + total // 12, total % 12 + 1, 1)


def make_project(author, *, title: str = "Shorter waits", publish: bool = True, **data) -> ProjectPage:
    """A story by ``author``; published (live) unless ``publish=False``."""
    project = services.start_project(author=author, title=title, data={**READY, **data})
    if publish:
        project.get_latest_revision().publish()
        project.refresh_from_db()
    return project


def make_measure(project: ProjectPage, values=(), *, name: str = "People waiting", **fields) -> Measure:
    fields.setdefault("operational_definition", "Count of people on the list on the 1st of each month.")
    fields.setdefault("better", "lower")
    measure = Measure.objects.create(project=project, name=name, **fields)
    DataPoint.objects.bulk_create(
        [DataPoint(measure=measure, date=month(i), value=Decimal(str(v))) for i, v in enumerate(values)]
    )
    return refresh_measure(measure)


def make_priority(title: str = "Discharge", **fields) -> PriorityPage:
    index = PriorityIndexPage.objects.get()
    fields.setdefault("aim", "Everyone home when they are ready.")
    priority = PriorityPage(title=title, **fields)
    index.add_child(instance=priority)
    priority.save_revision().publish()
    priority.refresh_from_db()
    return priority


# A falling series: 12 baseline points around 800, then a sustained drop to about 270.
FALLING = [
    803,
    790,
    812,
    798,
    805,
    795,
    808,
    800,
    790,
    802,
    796,
    804,
    700,
    620,
    540,
    470,
    400,
    350,
    320,
    300,
    290,
    280,
    275,
    270,
]
