"""Self-assessment on the improvement-skills framework, before and after a programme.

A learner records and sees their own levels and change. A programme lead sees only, per domain,
how many people answered both times and the median level before and after, and nothing at all for
a domain fewer than :data:`analytics.suppression.THRESHOLD` people answered both times: never one
person's answers. Refusals raise :class:`learning.services.LearningError` and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.db import transaction

from accounts.models import User
from analytics.suppression import THRESHOLD, Cell, cell
from boost.permissions import can_view_page
from learning.cohort_services import is_programme_lead
from learning.models import ProgrammePage, SelfAssessment, SkillsFramework
from learning.models.assessment import SCALE
from learning.services import LearningError, NotVisible

Stage = SelfAssessment.Stage


def framework_for(programme: ProgrammePage) -> SkillsFramework | None:
    """The programme's framework while it is published; ``None`` otherwise."""
    framework = programme.skills_framework
    return framework if framework is not None and framework.live else None


def own_assessments(user: User, programme: ProgrammePage) -> dict[str, SelfAssessment]:
    """The person's own assessments on the programme, by stage."""
    if not user.is_authenticated:
        return {}
    return {a.stage: a for a in SelfAssessment.objects.filter(user=user, programme=programme)}


def next_stage(assessments: dict[str, SelfAssessment]) -> str:
    """ "Before" until it is taken, then "after" (retaking "after" replaces it)."""
    return Stage.AFTER if Stage.BEFORE in assessments else Stage.BEFORE


@transaction.atomic
def record_self_assessment(*, user: User, programme: ProgrammePage, stage: str, levels: dict[str, int]):
    """Save the person's level (1–5) on every domain for ``stage``. "After" needs "before" first;
    "before" cannot be changed once "after" is saved (the change would no longer be real)."""
    programme = ProgrammePage.objects.select_related("skills_framework").get(pk=programme.pk)
    if not user.is_authenticated or not can_view_page(user, programme):
        raise NotVisible("No such programme")
    framework = framework_for(programme)
    if framework is None:
        raise LearningError(f"{programme.title} has no published self-assessment at the moment.")
    if stage not in Stage.values:
        raise LearningError("Choose whether this is your assessment before or after the programme.")
    existing = own_assessments(user, programme)
    if stage == Stage.AFTER and Stage.BEFORE not in existing:
        raise LearningError("Take the self-assessment before the programme first, so there is a change to show.")
    if stage == Stage.BEFORE and Stage.AFTER in existing:
        raise LearningError("You have already assessed yourself after the programme, so your “before” is kept.")
    domains = framework.domain_list()
    missing = [d["name"] for d in domains if levels.get(d["key"]) not in SCALE]
    if missing:
        raise LearningError(f"Choose a level from 1 to 5 for: {', '.join(missing)}.")
    answers = {d["key"]: int(levels[d["key"]]) for d in domains}
    assessment, _ = SelfAssessment.objects.update_or_create(
        user=user, programme=programme, stage=stage, defaults={"framework": framework, "levels": answers}
    )
    return assessment


@dataclass(frozen=True)
class DomainChange:
    key: str
    name: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def own_change(framework: SkillsFramework, assessments: dict[str, SelfAssessment]) -> list[DomainChange]:
    """The person's own level before and after, per domain of the framework as it is now."""
    before = assessments.get(Stage.BEFORE)
    after = assessments.get(Stage.AFTER)
    return [
        DomainChange(
            d["key"],
            d["name"],
            before.levels.get(d["key"]) if before else None,
            after.levels.get(d["key"]) if after else None,
        )
        for d in framework.domain_list()
    ]


@dataclass(frozen=True)
class AggregateRow:
    name: str
    people: Cell
    median_before: float | None
    median_after: float | None

    @property
    def change(self) -> float | None:
        if self.median_before is None or self.median_after is None:
            return None
        return self.median_after - self.median_before


def aggregate_change(*, actor: User, programme: ProgrammePage) -> dict:
    """Per domain, the people who answered before and after and their median levels; medians only
    when at least THRESHOLD people are counted. One query for the answers, however many people."""
    if not is_programme_lead(actor, programme):
        raise NotVisible("Only this programme's leads can see the self-assessment summary.")
    framework = framework_for(programme)
    if framework is None:
        return {"framework": None, "rows": [], "threshold": THRESHOLD, "people": cell(0)}
    pairs: dict[int, dict[str, dict]] = {}
    for user_id, stage, levels in SelfAssessment.objects.filter(programme=programme).values_list(
        "user_id", "stage", "levels"
    ):
        pairs.setdefault(user_id, {})[stage] = levels
    complete = [p for p in pairs.values() if Stage.BEFORE in p and Stage.AFTER in p]
    rows = []
    for domain in framework.domain_list():
        key = domain["key"]
        both = [
            (p[Stage.BEFORE][key], p[Stage.AFTER][key])
            for p in complete
            if key in p[Stage.BEFORE] and key in p[Stage.AFTER]
        ]
        shown = cell(len(both))
        rows.append(
            AggregateRow(
                domain["name"],
                shown,
                None if shown.suppressed else median(b for b, _ in both),
                None if shown.suppressed else median(a for _, a in both),
            )
        )
    return {"framework": framework, "rows": rows, "threshold": THRESHOLD, "people": cell(len(complete))}
