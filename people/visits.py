"""Peer visits ("come and see"): a team offers dates, members ask to come, the team decides.

The verbs own their checks: only a write-up's co-authors offer and decide; a member may ask only
for a visit to a write-up they may see (else the same 404 as for none), not in the past, not when
it is full; accepting beyond capacity is refused with the offer row locked, so two acceptances at
once cannot overfill it. Each refusal says exactly why and changes nothing.
"""

from __future__ import annotations

from datetime import UTC

from django.db import IntegrityError, transaction
from django.utils import timezone

from boost.permissions import can_view_page
from people.models import VisitOffer, VisitRequest
from people.services import NotFound, PeopleError, _require_member
from projects.models import ProjectPage
from projects.permissions import can_edit_project


def _team_only(user, project: ProjectPage) -> None:
    if not can_edit_project(user, project):
        raise NotFound()


def offer_visit(
    *, user, project: ProjectPage, starts_at, ends_at, capacity: int, where: str, what: str, who: str
) -> VisitOffer:
    """The team offers a visit on a future date for ``capacity`` visitors."""
    _require_member(user)
    _team_only(user, project)
    if starts_at <= timezone.now():
        raise PeopleError("A visit must be offered for a date in the future.", "past")
    if ends_at <= starts_at:
        raise PeopleError("The visit must end after it starts.", "times")
    if not 1 <= capacity <= 50:
        raise PeopleError("Offer room for between 1 and 50 visitors.", "capacity")
    return VisitOffer.objects.create(
        project=project,
        offered_by=user,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        where=" ".join(where.split()),
        what_you_will_see=what.strip(),
        who_to_ask_for=" ".join(who.split()),
    )


def visible_offer(user, offer_id: int) -> VisitOffer:
    offer = VisitOffer.objects.select_related("project").filter(pk=offer_id).first()
    if offer is None or not offer.project.live or not can_view_page(user, offer.project):
        raise NotFound()
    return offer


def accepted_count(offer: VisitOffer) -> int:
    return offer.requests.filter(state=VisitRequest.State.ACCEPTED).count()


@transaction.atomic
def request_visit(*, visitor, offer_id: int, hoping_to_learn: str) -> VisitRequest:
    """A member asks to come, saying what they hope to learn."""
    _require_member(visitor)
    offer = visible_offer(visitor, offer_id)
    offer = VisitOffer.objects.select_for_update().select_related("project").get(pk=offer.pk)
    hoping = (hoping_to_learn or "").strip()
    if not hoping:
        raise PeopleError("Say what you hope to learn, so the team can plan your visit.", "empty")
    if len(hoping) > 1000:
        raise PeopleError(f"Keep it to 1,000 characters (this has {len(hoping):,}).", "too_long")
    if offer.starts_at <= timezone.now():
        raise PeopleError("This visit date has passed. Ask for another date.", "past")
    if accepted_count(offer) >= offer.capacity:
        raise PeopleError(f"This visit is full: all {offer.capacity} places are taken.", "full")
    if can_edit_project(visitor, offer.project):
        raise PeopleError("This is your own team's visit.", "own")
    try:
        with transaction.atomic():
            return VisitRequest.objects.create(offer=offer, visitor=visitor, hoping_to_learn=hoping)
    except IntegrityError:
        raise PeopleError("You have already asked to come on this visit.", "duplicate") from None


@transaction.atomic
def decide_visit(*, user, request_id: int, accept: bool) -> VisitRequest:
    """The team accepts (while places are left and the date is ahead) or declines a request."""
    _require_member(user)
    visit = VisitRequest.objects.select_related("offer__project").filter(pk=request_id).first()
    if visit is None:
        raise NotFound()
    _team_only(user, visit.offer.project)
    offer = VisitOffer.objects.select_for_update().get(pk=visit.offer_id)
    if accept:
        if offer.starts_at <= timezone.now():
            raise PeopleError("This visit date has passed, so it cannot be accepted.", "past")
        if visit.state != VisitRequest.State.ACCEPTED and accepted_count(offer) >= offer.capacity:
            raise PeopleError(
                f"This visit is full: all {offer.capacity} places are taken. Decline this request or offer "
                "another date.",
                "full",
            )
    visit.state = VisitRequest.State.ACCEPTED if accept else VisitRequest.State.DECLINED
    visit.decided_at = timezone.now()
    visit.decided_by = user
    visit.save(update_fields=["state", "decided_at", "decided_by"])
    return visit


def _own_past_visit(visitor, request_id) -> VisitRequest:
    _require_member(visitor)
    visit = (
        VisitRequest.objects.select_for_update(of=("self",))
        .select_related("offer__project")
        .filter(pk=request_id, visitor=visitor)
        .first()
        if isinstance(request_id, int)
        else None
    )
    if visit is None:
        raise NotFound()
    if visit.state != VisitRequest.State.ACCEPTED:
        raise PeopleError("Only a visit the team accepted can have a reflection.", "not_accepted")
    if visit.offer.starts_at > timezone.now():
        raise PeopleError("You can write your reflection after the visit.", "not_yet")
    return visit


@transaction.atomic
def reflect_on_visit(*, visitor, request_id: int, text: str) -> VisitRequest:
    """After an accepted visit's date, the visitor says in a few words what they will try."""
    visit = _own_past_visit(visitor, request_id)
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise PeopleError("Say what you will try after the visit.", "empty")
    if len(text) > 1000:
        raise PeopleError(f"Keep it to 1,000 characters (this has {len(text):,}).", "too_long")
    visit.reflection = text
    visit.reflected_at = timezone.now()
    visit.save(update_fields=["reflection", "reflected_at"])
    return visit


@transaction.atomic
def adapt_from_visit(*, visitor, request_id: int):
    """Turn the reflection into the visitor's own draft write-up, "adapted from" the visited one
    (the write-up lineage of ``projects.services.adopt_project``), linked back to this visit."""
    from projects.services import adopt_project

    visit = _own_past_visit(visitor, request_id)
    if not visit.reflection:
        raise PeopleError("Write what you will try first; it starts your write-up.", "no_reflection")
    if visit.adapted_project_id is not None:
        raise PeopleError("You have already started a write-up from this visit.", "duplicate")
    source = visit.offer.project
    if not source.live or not can_view_page(visitor, source):
        raise NotFound()
    project = adopt_project(user=visitor, source=source, title=f"Trying: {source.title}"[:255])
    visit.adapted_project = project
    visit.save(update_fields=["adapted_project"])
    return project


def visit_calendar(visit: VisitRequest, url: str) -> bytes:
    """The accepted visitor's calendar file (communities' RFC 5545 writer)."""
    from communities.ics import single_event_calendar

    offer = visit.offer
    description = (
        f"What you will see: {offer.what_you_will_see}\n\nAsk for: {offer.who_to_ask_for}\n\n"
        f"You hope to learn: {visit.hoping_to_learn}"
    )
    return single_event_calendar(
        uid=f"visit-{offer.uid}-{visit.pk}@boost",
        title=f"Visit: {offer.project.title}",
        starts_at=offer.starts_at.astimezone(UTC),
        ends_at=offer.ends_at.astimezone(UTC),
        description=description,
        location=offer.where,
        url=url,
    )
