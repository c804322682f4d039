"""Verbs for cohorts and teams: applying, deciding, building teams, phase gates, attendance.

Keyword-only, one transaction each, permission checked here; a refusal raises
:class:`learning.services.LearningError` with a precise message and changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from boost.models import CareArea
from communities.models import RESERVED_SLUGS, Access, CommunityIndexPage, CommunityPage, Event, Membership
from communities.permissions import sees_all_communities
from learning.models import Application, Cohort, PhaseGate, ProgrammePage, SessionAttendance, Team
from learning.services import LearningError, NotVisible


def is_programme_lead(user, programme: ProgrammePage) -> bool:
    """Programme leads named on the page, and curators and admins (who oversee every programme)."""
    if not user.is_authenticated:
        return False
    if sees_all_communities(user):
        return True
    return programme.leads.filter(pk=user.pk).exists()


def _require_lead(user, programme: ProgrammePage) -> None:
    if not is_programme_lead(user, programme):
        raise NotVisible("Only this programme's leads can do that.")


def _locked_cohort(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)


def _accepted(cohort: Cohort) -> int:
    return cohort.applications.filter(state=Application.State.ACCEPTED).count()


def _full_message(cohort: Cohort) -> str:
    places = "place" if cohort.capacity == 1 else "places"
    return f"{cohort.name} is full: {cohort.capacity} of {cohort.capacity} {places} taken."


@transaction.atomic
def apply(*, user: User, cohort: Cohort, statement: str = "", nominated_by: User | None = None) -> Application:
    """Apply to a cohort (or be nominated for one). Refused twice, when closed and when full."""
    cohort = _locked_cohort(cohort)
    existing = Application.objects.filter(cohort=cohort, user=user).first()
    if existing:
        raise LearningError(
            f"You have already applied to {cohort.name} (on {existing.created_at:%d %B %Y}); "
            f"your application is: {existing.get_state_display().lower()}."
        )
    if not cohort.is_open:
        raise LearningError(f"{cohort.name} is closed to applications.")
    if timezone.localdate() > cohort.applications_close_on:
        closed = cohort.applications_close_on
        raise LearningError(f"Applications to {cohort.name} closed on {closed.day} {closed:%B %Y}.")
    if _accepted(cohort) >= cohort.capacity:
        raise LearningError(_full_message(cohort))
    statement = statement.strip()
    if len(statement) > 2000:
        raise LearningError("Keep your statement to 2,000 characters or fewer.")
    return Application.objects.create(cohort=cohort, user=user, statement=statement, nominated_by=nominated_by)


@transaction.atomic
def decide(*, actor: User, application: Application, state: str) -> Application:
    """A programme lead accepts, waitlists or declines; accepting past capacity is refused."""
    application = Application.objects.select_for_update().select_related("cohort").get(pk=application.pk)
    cohort = _locked_cohort(application.cohort)
    _require_lead(actor, cohort.programme)
    if state not in (Application.State.ACCEPTED, Application.State.WAITLISTED, Application.State.DECLINED):
        raise LearningError("Choose accept, waitlist or decline.")
    if state == Application.State.ACCEPTED and application.state != state and _accepted(cohort) >= cohort.capacity:
        raise LearningError(f"{_full_message(cohort)} Put {application.user.display_name} on the waiting list instead.")
    application.state, application.decided_by, application.decided_at = state, actor, timezone.now()
    application.save(update_fields=["state", "decided_by", "decided_at"])
    return application


def _workspace(title: str, purpose: str, care_area: CareArea | None, owner: User) -> CommunityPage:
    """A private, invite-only community: the team's (or cohort's) own discussions, events, resources."""
    index = CommunityIndexPage.objects.first()
    if index is None:
        raise LearningError("There is no communities directory to hold the workspace.")
    base = slugify(title)[:60] or "workspace"
    slug, n = base, 1
    siblings = set(index.get_children().values_list("slug", flat=True))
    while slug in siblings or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    page = CommunityPage(
        title=title, slug=slug, purpose=purpose, care_area=care_area, access=Access.INVITE, is_private=True, owner=owner
    )
    index.add_child(instance=page)
    # The service has already checked that the actor leads the programme; Wagtail page rights are for editors.
    page.save_revision(user=owner).publish(user=owner, skip_permission_checks=True)
    return page


@transaction.atomic
def create_cohort(*, actor: User, programme: ProgrammePage, **values) -> Cohort:
    _require_lead(actor, programme)
    if values["ends_on"] <= values["starts_on"]:
        raise LearningError("The cohort must end after it starts.")
    cohort = Cohort(programme=programme, **values)
    cohort.community = _workspace(
        f"{programme.title}: {values['name']}", f"Sessions and shared space for {values['name']}.", None, actor
    )
    cohort.save()
    Membership.objects.create(
        user=actor, community=cohort.community, role=Membership.Role.FACILITATOR, state=Membership.State.ACTIVE
    )
    return cohort


@transaction.atomic
def create_team(
    *,
    actor: User,
    cohort: Cohort,
    name: str,
    care_area: CareArea | None = None,
    coach: User | None = None,
    max_size: int = 10,
    backfill_days_agreed=0,
) -> Team:
    """A team in the cohort's first phase, with its private workspace; the coach facilitates it."""
    cohort = _locked_cohort(cohort)
    _require_lead(actor, cohort.programme)
    phases = cohort.programme.phase_keys()
    if not phases:
        raise LearningError("The programme has no phases to start a team in.")
    community = _workspace(
        f"{cohort.name}: {name}", f"The private workspace of the {name} stewardship group.", care_area, actor
    )
    team = Team.objects.create(
        cohort=cohort,
        name=name,
        care_area=care_area,
        coach=coach,
        community=community,
        phase=phases[0],
        max_size=max_size,
        backfill_days_agreed=backfill_days_agreed,
    )
    if coach:
        Membership.objects.create(
            user=coach, community=community, role=Membership.Role.FACILITATOR, state=Membership.State.ACTIVE
        )
    return team


def team_members(team: Team):
    return Membership.objects.filter(community_id=team.community_id, state=Membership.State.ACTIVE)


@transaction.atomic
def add_team_member(*, actor: User, team: Team, user: User) -> Membership:
    """Add an accepted applicant to a team, within its size limit (the coach does not count)."""
    team = Team.objects.select_for_update().select_related("cohort__programme").get(pk=team.pk)
    _require_lead(actor, team.cohort.programme)
    if not Application.objects.filter(cohort=team.cohort, user=user, state=Application.State.ACCEPTED).exists():
        raise LearningError(f"{user.display_name} has not been accepted onto {team.cohort.name}.")
    members = team_members(team)
    if members.filter(user=user).exists():
        raise LearningError(f"{user.display_name} is already in {team.name}.")
    if (
        Team.objects.filter(
            cohort=team.cohort, community__memberships__user=user, community__memberships__state=Membership.State.ACTIVE
        )
        .exclude(pk=team.pk)
        .exists()
    ):
        raise LearningError(f"{user.display_name} is already in another team in {team.cohort.name}.")
    count = members.exclude(user_id=team.coach_id).count()
    if count >= team.max_size:
        raise LearningError(f"{team.name} already has {count} people, its limit of {team.max_size}.")
    membership, _ = Membership.objects.update_or_create(
        user=user,
        community_id=team.community_id,
        defaults={"state": Membership.State.ACTIVE, "role": Membership.Role.MEMBER},
    )
    return membership


@transaction.atomic
def sign_off_gate(*, actor: User, team: Team, note: str = "", writeups=(), measures=(), maps=(), value_exercises=()):
    """Move a team to its next phase. Refused without evidence; every gate is kept."""
    team = Team.objects.select_for_update().select_related("cohort__programme").get(pk=team.pk)
    _require_lead(actor, team.cohort.programme)
    phases = team.cohort.programme.phase_keys()
    if team.phase not in phases:
        raise LearningError(f"{team.name}'s phase “{team.phase}” is no longer in the programme.")
    position = phases.index(team.phase)
    if position == len(phases) - 1:
        raise LearningError(f"{team.name} is already in the last phase.")
    if not (writeups or measures or maps or value_exercises):
        raise LearningError("Add evidence before signing off: at least one write-up, measure, map or value exercise.")
    gate = PhaseGate.objects.create(
        team=team, from_phase=team.phase, to_phase=phases[position + 1], note=note.strip(), signed_off_by=actor
    )
    gate.writeups.set(writeups)
    gate.measures.set(measures)
    gate.maps.set(maps)
    gate.value_exercises.set(value_exercises)
    team.phase = phases[position + 1]
    team.save(update_fields=["phase"])
    return gate


def cohort_of_event(event: Event) -> Cohort | None:
    """The cohort a session belongs to: held in the cohort's workspace or one of its teams'."""
    cohort = Cohort.objects.filter(community_id=event.community_id).select_related("programme").first()
    if cohort is None:
        team = Team.objects.filter(community_id=event.community_id).select_related("cohort__programme").first()
        cohort = team.cohort if team else None
    return cohort


@transaction.atomic
def mark_attendance(*, actor: User, event: Event, user_ids: list[int]) -> int:
    """Set who attended a session: the event's facilitators or the programme's leads. Returns the count."""
    from communities.permissions import can_moderate

    cohort = cohort_of_event(event)
    if not (can_moderate(actor, event.community) or (cohort and is_programme_lead(actor, cohort.programme))):
        raise NotVisible("Only the session's facilitators can mark attendance.")
    allowed = set(
        Membership.objects.filter(community_id=event.community_id, state=Membership.State.ACTIVE).values_list(
            "user_id", flat=True
        )
    )
    unknown = set(user_ids) - allowed
    if unknown:
        raise LearningError("Only members of the session's workspace can be marked as attending.")
    SessionAttendance.objects.filter(event=event).exclude(user_id__in=user_ids).delete()
    have = set(SessionAttendance.objects.filter(event=event).values_list("user_id", flat=True))
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(event=event, user_id=pk, marked_by=actor) for pk in user_ids if pk not in have]
    )
    return len(user_ids)
