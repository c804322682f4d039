"""Verbs for communities: joining and leaving, requests, invitations, proposals, events and RSVPs.

Every function is keyword-only, runs in one transaction, checks permission through
``communities.permissions`` and raises a :class:`CommunityError` subclass with a message fit to
show the person when it refuses. Refusals change nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from boost import ratelimit
from communities.models import (
    Access,
    CommunityIndexPage,
    CommunityPage,
    CommunityProposal,
    Event,
    Invitation,
    Membership,
    Rsvp,
)
from communities.permissions import can_list_community, can_moderate, sees_all_communities
from communities.tasks import notify_on_commit

INVITATION_LIFETIME = timedelta(days=14)


class CommunityError(Exception):
    """A refusal or bad input; ``str(error)`` is a message for the person who asked."""


class NotAllowed(CommunityError):
    pass


class MembershipError(CommunityError):
    pass


class InvitationError(CommunityError):
    pass


class ProposalError(CommunityError):
    pass


class EventError(CommunityError):
    pass


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _community_url(community: CommunityPage) -> str:
    return community.full_url or _absolute(community.url or "/")


def _facilitator_emails(community: CommunityPage) -> list[str]:
    return list(
        Membership.objects.filter(
            community=community, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
        ).values_list("user__email", flat=True)
    )


def _locked_membership(user: User, community: CommunityPage) -> Membership | None:
    return Membership.objects.select_for_update().filter(user=user, community=community).first()


def _refuse_existing(membership: Membership | None) -> None:
    if membership is None:
        return
    if membership.state == Membership.State.ACTIVE:
        raise MembershipError("You are already a member of this community.")
    if membership.state == Membership.State.PENDING:
        raise MembershipError("You have already asked to join; a facilitator will reply soon.")
    if membership.state == Membership.State.REMOVED:
        raise MembershipError(
            "A facilitator removed you from this community, so you cannot rejoin by yourself. "
            "Ask a facilitator to invite you back."
        )


# --- Joining and leaving ----------------------------------------------------------------


@transaction.atomic
def join_community(*, user: User, community: CommunityPage) -> Membership:
    """Join an open community in one step. Someone who left may come back; someone removed may not."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in to join a community.")
    if not can_list_community(user, community):
        raise NotAllowed("This community cannot be found.")
    if community.access != Access.OPEN:
        raise MembershipError(
            "This community is invite only." if community.access == Access.INVITE else "Ask to join this community."
        )
    membership = _locked_membership(user, community)
    _refuse_existing(membership)
    if membership is None:
        return Membership.objects.create(user=user, community=community, state=Membership.State.ACTIVE)
    membership.state, membership.role = Membership.State.ACTIVE, Membership.Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    return membership


@transaction.atomic
def request_to_join(*, user: User, community: CommunityPage, message: str = "") -> Membership:
    """Ask to join a request-to-join community; its facilitators are emailed."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in to ask to join a community.")
    if not can_list_community(user, community):
        raise NotAllowed("This community cannot be found.")
    if community.access == Access.OPEN:
        raise MembershipError("This community is open: you can join it straight away.")
    if community.access == Access.INVITE:
        raise MembershipError("This community is invite only: a facilitator must invite you.")
    message = message.strip()
    if len(message) > 500:
        raise MembershipError("Keep your message to 500 characters or fewer.")
    membership = _locked_membership(user, community)
    _refuse_existing(membership)
    ratelimit.consume("join_requests", ratelimit.user_key(user))
    if membership is None:
        membership = Membership.objects.create(
            user=user, community=community, state=Membership.State.PENDING, request_message=message
        )
    else:
        membership.state, membership.role, membership.request_message = (
            Membership.State.PENDING,
            Membership.Role.MEMBER,
            message,
        )
        membership.save(update_fields=["state", "role", "request_message", "updated_at"])
    notify_on_commit(
        subject=f"{user.display_name} asked to join {community.title}",
        body=(
            f"{user.display_name} asked to join {community.title}.\n\n"
            + (f"Their message: {message}\n\n" if message else "")
            + f"Approve or decline the request: {_community_url(community)}requests/\n"
        ),
        recipients=_facilitator_emails(community),
    )
    return membership


def _pending(membership_id: int, community: CommunityPage) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(pk=membership_id, community=community)
        .first()
    )
    if membership is None or membership.state != Membership.State.PENDING:
        raise MembershipError("That request has already been answered or withdrawn.")
    return membership


@transaction.atomic
def approve_request(*, actor: User, community: CommunityPage, membership_id: int) -> Membership:
    """A facilitator (or curator/admin) lets a requester in; the requester is emailed."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can answer requests.")
    membership = _pending(membership_id, community)
    membership.state = Membership.State.ACTIVE
    membership.save(update_fields=["state", "updated_at"])
    notify_on_commit(
        subject=f"You are now a member of {community.title}",
        body=f"{actor.display_name} approved your request to join {community.title}.\n\n{_community_url(community)}\n",
        recipients=[membership.user.email],
    )
    return membership


@transaction.atomic
def decline_request(*, actor: User, community: CommunityPage, membership_id: int, reason: str = "") -> None:
    """Decline a request to join; the requester is emailed (with the reason, if given) and may ask again later."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can answer requests.")
    membership = _pending(membership_id, community)
    email = membership.user.email
    membership.delete()
    reason = reason.strip()[:500]
    notify_on_commit(
        subject=f"Your request to join {community.title}",
        body=(
            f"Your request to join {community.title} was not accepted this time.\n\n"
            + (f"The facilitator said: {reason}\n" if reason else "")
        ),
        recipients=[email],
    )


@transaction.atomic
def withdraw_request(*, user: User, community: CommunityPage) -> None:
    membership = _locked_membership(user, community)
    if membership is None or membership.state != Membership.State.PENDING:
        raise MembershipError("You have no request waiting for this community.")
    membership.delete()


def _other_active_facilitators(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            community_id=membership.community_id, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _lock_community(community: CommunityPage) -> None:
    # Serialises facilitator changes in one community so two facilitators cannot remove each
    # other at once and leave nobody in charge.
    list(CommunityPage.objects.select_for_update().filter(pk=community.pk).values_list("pk", flat=True))


@transaction.atomic
def leave_community(*, user: User, community: CommunityPage) -> Membership:
    """Leave a community (or withdraw a request). The last facilitator must hand over first."""
    _lock_community(community)
    membership = _locked_membership(user, community)
    if membership is None or membership.state not in (Membership.State.ACTIVE, Membership.State.PENDING):
        raise MembershipError("You are not a member of this community.")
    if membership.state == Membership.State.PENDING:
        membership.delete()
        return membership
    if membership.is_facilitator and not _other_active_facilitators(membership):
        raise MembershipError("You are the only facilitator. Make another member a facilitator before you leave.")
    membership.state, membership.role = Membership.State.LEFT, Membership.Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    return membership


def _target(community: CommunityPage, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "community")
        .filter(pk=membership_id, community=community, state=Membership.State.ACTIVE)
        .first()
    )
    if membership is None:
        raise MembershipError("That person is not a member of this community.")
    return membership


@transaction.atomic
def remove_member(*, actor: User, community: CommunityPage, membership_id: int) -> Membership:
    """A facilitator removes someone; they cannot rejoin an open community by themselves afterwards."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can remove members.")
    _lock_community(community)
    membership = _target(community, membership_id)
    if membership.user_id == actor.pk:
        raise MembershipError("To leave the community yourself, use “Leave this community”.")
    if membership.is_facilitator and not _other_active_facilitators(membership):
        raise MembershipError("You cannot remove the last facilitator: make someone else a facilitator first.")
    membership.state, membership.role = Membership.State.REMOVED, Membership.Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    return membership


@transaction.atomic
def make_facilitator(*, actor: User, community: CommunityPage, membership_id: int) -> Membership:
    """Give a member the facilitator role (and with it, editing of this community's page)."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can make someone a facilitator.")
    membership = _target(community, membership_id)
    if membership.role == Membership.Role.FACILITATOR:
        raise MembershipError(f"{membership.user.display_name} is already a facilitator.")
    membership.role = Membership.Role.FACILITATOR
    membership.save(update_fields=["role", "updated_at"])
    notify_on_commit(
        subject=f"You are now a facilitator of {community.title}",
        body=f"{actor.display_name} made you a facilitator of {community.title}.\n\n{_community_url(community)}\n",
        recipients=[membership.user.email],
    )
    return membership


@transaction.atomic
def stop_facilitating(*, actor: User, community: CommunityPage, membership_id: int) -> Membership:
    """Return a facilitator to ordinary membership; never the last one."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can change roles.")
    _lock_community(community)
    membership = _target(community, membership_id)
    if membership.role != Membership.Role.FACILITATOR:
        raise MembershipError(f"{membership.user.display_name} is not a facilitator.")
    if not _other_active_facilitators(membership):
        raise MembershipError("A community needs at least one facilitator: make someone else a facilitator first.")
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["role", "updated_at"])
    return membership


# --- Invitations ------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("community").filter(token_hash=_hash(token)).first()


@transaction.atomic
def invite(*, actor: User, community: CommunityPage, email: str) -> tuple[Invitation, str]:
    """Email a single-use link (valid 14 days) that lets the person, new to Boost or not, join."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can invite people.")
    email = email.strip().lower()
    if not email or "@" not in email:
        raise InvitationError("Enter an email address, like name@nhs.net.")
    if Membership.objects.filter(
        community=community, user__email__iexact=email, state=Membership.State.ACTIVE
    ).exists():
        raise InvitationError(f"{email} is already a member of this community.")
    ratelimit.consume("invitations", ratelimit.user_key(actor))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        community=community,
        email=email,
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    from django.urls import reverse

    link = _absolute(reverse("communities:invitation", args=[token]))
    notify_on_commit(
        subject=f"{actor.display_name} invited you to {community.title}",
        body=(
            f"{actor.display_name} invited you to join {community.title} on Boost.\n\n"
            f"{community.purpose}\n\n"
            f"Accept the invitation (you can create an account if you do not have one): {link}\n\n"
            f"The link works once and expires on {timezone.localtime(invitation.expires_at):%d %B %Y}.\n"
        ),
        recipients=[email],
    )
    return invitation, token


@transaction.atomic
def accept_invitation(*, user: User, token: str) -> Membership:
    """Use an invitation: the person becomes an active member (even after an earlier removal:
    a facilitator chose to invite them back)."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in or create an account to accept the invitation.")
    invitation = Invitation.objects.select_for_update().filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check you copied all of it.")
    if invitation.used_at is not None:
        raise InvitationError("This invitation has already been used. Ask a facilitator for a new one.")
    if invitation.is_expired:
        raise InvitationError("This invitation has expired. Ask a facilitator for a new one.")
    community = invitation.community
    if not community.live:
        raise InvitationError("This community is no longer running.")
    membership = _locked_membership(user, community)
    if membership is not None and membership.is_active:
        raise MembershipError("You are already a member of this community.")
    if membership is None:
        membership = Membership.objects.create(user=user, community=community, state=Membership.State.ACTIVE)
    else:
        membership.state, membership.role = Membership.State.ACTIVE, Membership.Role.MEMBER
        membership.save(update_fields=["state", "role", "updated_at"])
    invitation.used_at, invitation.used_by = timezone.now(), user
    invitation.save(update_fields=["used_at", "used_by"])
    return membership


# --- Proposals --------------------------------------------------------------------------


@transaction.atomic
def propose_community(
    *,
    user: User,
    name: str,
    purpose: str,
    learning_question: str = "",
    care_area=None,
    access: str = Access.OPEN,
    is_private: bool = False,
    proposed_facilitators: str = "",
) -> CommunityProposal:
    """Any member may propose a community; curators are emailed."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in to propose a community.")
    name, purpose = name.strip(), purpose.strip()
    if not name or not purpose:
        raise ProposalError("Give the community a name and a purpose.")
    if (
        CommunityPage.objects.filter(title__iexact=name).exists()
        or CommunityProposal.objects.filter(name__iexact=name, state=CommunityProposal.State.PENDING).exists()
    ):
        raise ProposalError(f"A community called “{name}” already exists or is being reviewed.")
    ratelimit.consume("community_proposals", ratelimit.user_key(user))
    proposal = CommunityProposal.objects.create(
        proposer=user,
        name=name,
        purpose=purpose,
        learning_question=learning_question.strip(),
        care_area=care_area,
        access=access,
        is_private=is_private,
        proposed_facilitators=proposed_facilitators.strip(),
    )
    curators = User.objects.filter(Q(groups__name="Curator") | Q(is_superuser=True), is_active=True).distinct()
    from django.urls import reverse

    notify_on_commit(
        subject=f"New community proposal: {name}",
        body=(
            f"{user.display_name} proposed “{name}”.\n\n{purpose}\n\n"
            f"Review it: {_absolute(reverse('communities:proposals'))}\n"
        ),
        recipients=list(curators.values_list("email", flat=True)),
    )
    return proposal


def _pending_proposal(proposal_id: int) -> CommunityProposal:
    proposal = CommunityProposal.objects.select_for_update().select_related("proposer").filter(pk=proposal_id).first()
    if proposal is None or proposal.state != CommunityProposal.State.PENDING:
        raise ProposalError("That proposal has already been decided.")
    return proposal


@transaction.atomic
def approve_proposal(*, actor: User, proposal_id: int) -> CommunityPage:
    """Create and publish the community, with the proposer (and named members) as facilitators."""
    from django.utils.text import slugify

    from communities.models import RESERVED_SLUGS

    if not sees_all_communities(actor):
        raise NotAllowed("Only curators can approve community proposals.")
    proposal = _pending_proposal(proposal_id)
    index = CommunityIndexPage.objects.first()
    if index is None:
        raise ProposalError("There is no communities directory page to add the community to.")
    base = slugify(proposal.name)[:60] or "community"
    slug, n = base, 1
    siblings = set(index.get_children().values_list("slug", flat=True))
    while slug in siblings or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    page = CommunityPage(
        title=proposal.name,
        slug=slug,
        purpose=proposal.purpose,
        learning_question=proposal.learning_question,
        care_area=proposal.care_area,
        access=proposal.access,
        is_private=proposal.is_private,
        owner=proposal.proposer,
    )
    index.add_child(instance=page)
    page.save_revision(user=actor).publish(user=actor)
    facilitators = {proposal.proposer, *User.objects.filter(email__in=proposal.facilitator_emails(), is_active=True)}
    for person in facilitators:
        Membership.objects.update_or_create(
            user=person,
            community=page,
            defaults={"role": Membership.Role.FACILITATOR, "state": Membership.State.ACTIVE},
        )
    proposal.state, proposal.decided_by, proposal.decided_at, proposal.community = (
        CommunityProposal.State.APPROVED,
        actor,
        timezone.now(),
        page,
    )
    proposal.save(update_fields=["state", "decided_by", "decided_at", "community"])
    notify_on_commit(
        subject=f"Your community “{page.title}” is live",
        body=f"{actor.display_name} approved your proposal. You are its facilitator.\n\n{_community_url(page)}\n",
        recipients=[person.email for person in facilitators],
    )
    return page


@transaction.atomic
def decline_proposal(*, actor: User, proposal_id: int, reason: str) -> CommunityProposal:
    """Decline a proposal with a reason the proposer is sent."""
    if not sees_all_communities(actor):
        raise NotAllowed("Only curators can decline community proposals.")
    reason = reason.strip()
    if not reason:
        raise ProposalError("Give the proposer a reason, so they know what to change.")
    proposal = _pending_proposal(proposal_id)
    proposal.state, proposal.decline_reason, proposal.decided_by, proposal.decided_at = (
        CommunityProposal.State.DECLINED,
        reason[:1000],
        actor,
        timezone.now(),
    )
    proposal.save(update_fields=["state", "decline_reason", "decided_by", "decided_at"])
    notify_on_commit(
        subject=f"Your proposal “{proposal.name}”",
        body=f"Your proposal for “{proposal.name}” was not approved.\n\nThe curator said: {reason}\n",
        recipients=[proposal.proposer.email],
    )
    return proposal


# --- Events -----------------------------------------------------------------------------

EVENT_FIELDS = ("title", "kind", "description", "starts_at", "ends_at", "timezone", "online_url", "venue", "capacity")


def _validate_event(values: dict) -> None:
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise EventError("Enter when the event starts and ends.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise EventError("Event times need a time zone.")
    if ends_at <= starts_at:
        raise EventError("The event must end after it starts.")
    if not values.get("title", "").strip():
        raise EventError("Give the event a title.")
    if "\n" in values["title"] or "\r" in values["title"]:
        raise EventError("Give the event a title on one line, without line breaks.")
    if not values.get("online_url") and not values.get("venue", "").strip():
        raise EventError("Give an online joining link or a venue (or both).")
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        raise EventError("Capacity must be at least 1, or empty for no limit.")


@transaction.atomic
def create_event(*, actor: User, community: CommunityPage, **values) -> Event:
    """A facilitator schedules an event. ``values``: the fields in ``EVENT_FIELDS``."""
    if not can_moderate(actor, community):
        raise NotAllowed("Only this community's facilitators can add events.")
    values = {key: values[key] for key in EVENT_FIELDS if key in values}
    _validate_event(values)
    if values["starts_at"] < timezone.now():
        raise EventError("The event cannot start in the past.")
    return Event.objects.create(community=community, created_by=actor, **values)


@transaction.atomic
def update_event(*, actor: User, event: Event, **values) -> Event:
    """Change an event; calendar apps see the new SEQUENCE. More places promote the waiting list."""
    if not can_moderate(actor, event.community):
        raise NotAllowed("Only this community's facilitators can change events.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError("This event has been cancelled and cannot be changed.")
    merged = {key: values.get(key, getattr(event, key)) for key in EVENT_FIELDS}
    _validate_event(merged)
    for key, value in merged.items():
        setattr(event, key, value)
    event.sequence += 1
    event.save()
    _promote_waiting(event)
    return event


@transaction.atomic
def cancel_event(*, actor: User, event: Event, reason: str = "") -> Event:
    """Cancel an event; everyone going or waiting is emailed. The event stays listed as cancelled."""
    if not can_moderate(actor, event.community):
        raise NotAllowed("Only this community's facilitators can cancel events.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError("This event is already cancelled.")
    event.cancelled_at, event.cancel_reason = timezone.now(), reason.strip()[:300]
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "cancel_reason", "sequence", "updated_at"])
    emails = Rsvp.objects.filter(event=event, status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITING]).values_list(
        "user__email", flat=True
    )
    notify_on_commit(
        subject=f"Cancelled: {event.title}",
        body=(
            f"{event.title} ({event.local_starts_at:%A %d %B %Y, %H:%M} {event.timezone}) has been cancelled.\n"
            + (f"\n{event.cancel_reason}\n" if event.cancel_reason else "")
        ),
        recipients=list(emails),
    )
    return event


def _going_count(event: Event) -> int:
    return Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).count()


def _promote_waiting(event: Event) -> list[Rsvp]:
    """Fill free places from the waiting list, first come first served; each person promoted is emailed."""
    promoted: list[Rsvp] = []
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - _going_count(event)
        if free <= 0:
            return promoted
    waiting = (
        Rsvp.objects.select_for_update()
        .select_related("user")
        .filter(event=event, status=Rsvp.Status.WAITING)
        .order_by("status_changed_at", "pk")
    )
    for rsvp in waiting[:free] if free is not None else waiting:
        rsvp.status, rsvp.status_changed_at = Rsvp.Status.GOING, timezone.now()
        rsvp.save(update_fields=["status", "status_changed_at"])
        promoted.append(rsvp)
        notify_on_commit(
            subject=f"A place came up: {event.title}",
            body=(
                f"A place came up at {event.title} on {event.local_starts_at:%A %d %B %Y, %H:%M} ({event.timezone}) "
                "and it is yours. If you can no longer come, change your answer so someone else can go.\n"
            ),
            recipients=[rsvp.user.email],
        )
    return promoted


@transaction.atomic
def rsvp(*, user: User, event: Event, going: bool) -> Rsvp:
    """Answer an event. Going to a full event puts you on the waiting list; leaving frees a place
    for the first person waiting.

    The event row is locked (``select_for_update``; on SQLite the IMMEDIATE transaction takes the
    write lock) before the places are counted, so two people can never take the last place.
    """
    if not user.is_authenticated:
        raise NotAllowed("Sign in to answer.")
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    membership = Membership.objects.filter(user=user, community=event.community, state=Membership.State.ACTIVE)
    if not membership.exists():
        raise NotAllowed("Join the community to answer its events.")
    if event.is_cancelled:
        raise EventError("This event has been cancelled.")
    if event.starts_at <= timezone.now():
        raise EventError("This event has already started, so answers are closed.")
    current = Rsvp.objects.select_for_update().filter(event=event, user=user).first()
    previous = current.status if current else None
    if going:
        if previous in (Rsvp.Status.GOING, Rsvp.Status.WAITING):
            return current
        full = event.capacity is not None and _going_count(event) >= event.capacity
        status = Rsvp.Status.WAITING if full else Rsvp.Status.GOING
    else:
        status = Rsvp.Status.NOT_GOING
    if current is None:
        current = Rsvp.objects.create(event=event, user=user, status=status, status_changed_at=timezone.now())
    elif previous != status:
        current.status, current.status_changed_at = status, timezone.now()
        current.save(update_fields=["status", "status_changed_at"])
    if previous == Rsvp.Status.GOING and status != Rsvp.Status.GOING:
        _promote_waiting(event)
    return current
