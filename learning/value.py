"""Value improvement (STAR): verbs for exercises, interventions and resource-shift proposals, and the
derived figures (total benefit, cost per unit of benefit, value ranking).

Members of the exercise's workspace build it; the workspace's facilitators, the programme's leads,
curators and admins move a proposal's status. Refusals raise LearningError and change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from communities.models import CommunityPage
from communities.permissions import can_moderate, can_view_community, is_active_member
from learning.models import Intervention, ResourceShift, Team, ValueExercise
from learning.services import LearningError, NotVisible


def can_view_exercise(user, exercise: ValueExercise) -> bool:
    return can_view_community(user, exercise.community)


def can_edit_exercise(user, exercise: ValueExercise) -> bool:
    return user.is_authenticated and (
        is_active_member(user, exercise.community) or can_moderate(user, exercise.community)
    )


def can_decide(user, exercise: ValueExercise) -> bool:
    """Facilitators (coaches) of the workspace, curators, admins, and the leads of the team's programme."""
    if not user.is_authenticated:
        return False
    if can_moderate(user, exercise.community):
        return True
    team = Team.objects.filter(community_id=exercise.community_id).select_related("cohort__programme").first()
    return bool(team and team.cohort.programme.leads.filter(pk=user.pk).exists())


@transaction.atomic
def create_exercise(
    *, actor: User, community: CommunityPage, title: str, pathway: str, benefit_unit: str
) -> ValueExercise:
    if not (is_active_member(actor, community) or can_moderate(actor, community)):
        raise NotVisible("Only the workspace's members can start a value exercise.")
    return ValueExercise.objects.create(
        community=community,
        title=title.strip(),
        pathway=pathway.strip(),
        benefit_unit=benefit_unit.strip() or "QALYs",
        created_by=actor,
    )


def validate_intervention(values: dict) -> None:
    """The rules the form shows beside each field, enforced again here for every other caller."""
    if values["annual_spend"] < 0:
        raise LearningError("Annual spend cannot be negative.")
    if values["people_reached"] <= 0:
        raise LearningError("People reached must be at least 1.")
    if values["benefit_low"] > values["benefit_high"]:
        raise LearningError("The low estimate must not be above the high estimate.")
    if not values["benefit_low"] <= values["benefit_per_person"] <= values["benefit_high"]:
        raise LearningError("The benefit per person must lie between the low and high estimates.")


@transaction.atomic
def add_intervention(*, actor: User, exercise: ValueExercise, **values) -> Intervention:
    if not can_edit_exercise(actor, exercise):
        raise NotVisible("Only the workspace's members can change this exercise.")
    validate_intervention(values)
    return Intervention.objects.create(exercise=exercise, **values)


@transaction.atomic
def propose_shift(*, actor: User, exercise: ValueExercise, priorities=(), writeups=(), **values) -> ResourceShift:
    if not can_edit_exercise(actor, exercise):
        raise NotVisible("Only the workspace's members can change this exercise.")
    source, target = values["from_intervention"], values["to_intervention"]
    if source.exercise_id != exercise.pk or target.exercise_id != exercise.pk:
        raise LearningError("Both interventions must belong to this exercise.")
    if source.pk == target.pk:
        raise LearningError("Choose a different intervention to move the money to.")
    if values["amount"] <= 0:
        raise LearningError("The amount must be more than £0.")
    if values["amount"] > source.annual_spend:
        raise LearningError(
            f"The amount cannot be more than {source.name}'s annual spend (£{source.annual_spend:,.0f})."
        )
    shift = ResourceShift.objects.create(exercise=exercise, **values)
    shift.priorities.set(priorities)
    shift.writeups.set(writeups)
    return shift


@transaction.atomic
def set_status(*, actor: User, shift: ResourceShift, status: str) -> ResourceShift:
    if not can_decide(actor, shift.exercise):
        raise NotVisible("Only the workspace's facilitators and the programme's leads can change a proposal's status.")
    if status not in ResourceShift.Status.values:
        raise LearningError("Choose a status from the list.")
    shift.status = status
    shift.save(update_fields=["status"])
    return shift


@dataclass
class RankedIntervention:
    rank: int
    intervention: Intervention
    total_benefit: Decimal
    total_low: Decimal
    total_high: Decimal
    cost_per_unit: Decimal | None


def ranking(interventions: list[Intervention]) -> list[RankedIntervention]:
    """Best value first: lowest cost per unit of benefit; no benefit at all ranks last."""

    def key(item: Intervention):
        cost = item.cost_per_unit
        return (cost is None, cost if cost is not None else Decimal(0), item.name)

    return [
        RankedIntervention(
            rank=n,
            intervention=item,
            total_benefit=item.total_benefit,
            total_low=item.benefit_low * item.people_reached,
            total_high=item.benefit_high * item.people_reached,
            cost_per_unit=item.cost_per_unit,
        )
        for n, item in enumerate(sorted(interventions, key=key), start=1)
    ]


def summary(ranked: list[RankedIntervention], unit: str) -> str:
    """A sentence or two a screen reader user gets instead of the chart's picture."""
    if not ranked:
        return "No interventions yet."
    spend = sum(r.intervention.annual_spend for r in ranked)
    benefit = sum(r.total_benefit for r in ranked)
    best, worst = ranked[0], ranked[-1]
    text = (
        f"{len(ranked)} interventions cost £{spend:,.0f} a year in all and give about {benefit:,.1f} {unit}. "
        f"Best value: {best.intervention.name}"
    )
    if best.cost_per_unit is not None:
        text += f" at £{best.cost_per_unit:,.0f} per {unit.rstrip('s') if unit.endswith('s') else unit}"
    text += f". Lowest value: {worst.intervention.name}"
    if worst.cost_per_unit is not None and len(ranked) > 1:
        text += f" at £{worst.cost_per_unit:,.0f}"
    return text + "."


def visible_proposals(user, priority):
    """Resource-shift proposals serving ``priority`` that ``user`` may see: all of them for the
    priority's leads, curators and admins; otherwise those in public workspaces and the person's own."""
    from communities.models import Membership
    from communities.permissions import sees_all_communities

    proposals = ResourceShift.objects.filter(priorities=priority).select_related(
        "exercise__community", "from_intervention", "to_intervention"
    )
    if sees_all_communities(user) or (user.is_authenticated and priority.leads.filter(pk=user.pk).exists()):
        return proposals.order_by("exercise__community__title", "created_at")
    mine = (
        Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("community_id")
        if user.is_authenticated
        else []
    )
    visible = proposals.filter(exercise__community__is_private=False) | proposals.filter(
        exercise__community_id__in=mine
    )
    return visible.order_by("exercise__community__title", "created_at")
