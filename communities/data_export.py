"""What communities/ holds about a person, for downloads and erasure (see ``privacy.registry``)."""

from __future__ import annotations

from communities.models import CommunityProposal, Event, Membership, Rsvp
from privacy.registry import DataSection, ErasureOptions, register


def _membership_rows(user) -> list[dict]:
    return [
        {
            "community": membership.community.title,
            "role": membership.get_role_display(),
            "state": membership.get_state_display(),
            "request_message": membership.request_message,
            "joined_or_requested_at": membership.created_at,
            "updated_at": membership.updated_at,
        }
        for membership in Membership.objects.filter(user=user).select_related("community").order_by("created_at")
    ]


def _erase_memberships(user, options: ErasureOptions) -> dict[str, int]:
    # One by one, so the facilitator-group sync and search's member counts hear each deletion.
    count = 0
    for membership in Membership.objects.filter(user=user):
        membership.delete()
        count += 1
    return {"deleted": count}


def _rsvp_rows(user) -> list[dict]:
    return [
        {
            "event": rsvp.event.title,
            "community": rsvp.event.community.title,
            "event_starts_at": rsvp.event.starts_at,
            "answer": rsvp.get_status_display(),
            "answered_at": rsvp.created_at,
        }
        for rsvp in Rsvp.objects.filter(user=user).select_related("event__community").order_by("created_at")
    ]


def _erase_rsvps(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = Rsvp.objects.filter(user=user).delete()
    return {"deleted": deleted}


def _proposal_rows(user) -> list[dict]:
    return list(
        CommunityProposal.objects.filter(proposer=user)
        .order_by("created_at")
        .values("name", "purpose", "learning_question", "access", "state", "decline_reason", "created_at")
    )


def _erase_proposals(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = CommunityProposal.objects.filter(proposer=user).delete()
    return {"deleted": deleted}


def _event_rows(user) -> list[dict]:
    return [
        {
            "event": event.title,
            "community": event.community.title,
            "starts_at": event.starts_at,
            "created_at": event.created_at,
        }
        for event in Event.objects.filter(created_by=user).select_related("community").order_by("created_at")
    ]


def _erase_event_authorship(user, options: ErasureOptions) -> dict[str, int]:
    """The events stay (the community owns them); only the link to their organiser goes."""
    count = 0
    for event in Event.objects.filter(created_by=user):
        event.created_by = None
        event.save(update_fields=["created_by", "updated_at"])
        count += 1
    return {"unlinked": count}


register(
    DataSection(
        name="memberships",
        title="Community memberships",
        description="Every community you joined, asked to join, left or were removed from, and your role there.",
        rows=_membership_rows,
        erase=_erase_memberships,
        order=20,
    )
)
register(
    DataSection(
        name="rsvps",
        title="Event replies",
        description="Your answers to community events: going, not going or on the waiting list.",
        rows=_rsvp_rows,
        erase=_erase_rsvps,
        order=21,
    )
)
register(
    DataSection(
        name="community_proposals",
        title="Communities you proposed",
        description="Proposals for new communities you sent to the curators, and what they decided.",
        rows=_proposal_rows,
        erase=_erase_proposals,
        order=22,
    )
)
register(
    DataSection(
        name="events_organised",
        title="Events you created",
        description="Community events you created (the events belong to their community and stay after you go).",
        rows=_event_rows,
        erase=_erase_event_authorship,
        order=23,
    )
)
