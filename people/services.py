"""Verbs for following and watching. Each checks the one rights rule first: following something the
person may not see is refused exactly as if it did not exist (:class:`NotFound`, a 404 to views)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from wagtail.models import Page

from people.models import Follow, FollowKind, ThreadWatch, WatchLevel


class PeopleError(Exception):
    """A refused action; ``message`` is for people."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(PeopleError):
    """The thing does not exist or this person may not see it: the same answer for both."""

    def __init__(self, message: str = "There is nothing here.") -> None:
        super().__init__(message, "not_found")


def kind_of_page(page: Page) -> str | None:
    """Which kind of followable thing ``page`` (a specific page) is, or None."""
    from communities.models import CommunityPage
    from projects.models import PriorityPage, ProjectPage

    if isinstance(page, CommunityPage):
        return FollowKind.COMMUNITY
    if isinstance(page, ProjectPage):
        return FollowKind.PROJECT
    if isinstance(page, PriorityPage):
        return FollowKind.PRIORITY
    return None


def followable_page(user, page_id: int) -> Page:
    """The live community, write-up or priority ``user`` may see, else :class:`NotFound`."""
    from boost.permissions import can_view_page

    page = Page.objects.filter(pk=page_id, live=True).first()
    page = page.specific if page is not None else None
    if page is None or kind_of_page(page) is None or not can_view_page(user, page):
        raise NotFound()
    return page


def followable_person(user, person_id: int):
    """Another active person whose profile ``user`` may see, else :class:`NotFound`."""
    from accounts.models import Profile
    from accounts.permissions import can_view_profile

    profile = (
        Profile.objects.select_related("user")
        .filter(user_id=person_id, user__is_active=True, user__content_hidden=False)
        .first()
    )
    if profile is None or not can_view_profile(user, profile):
        raise NotFound()
    if profile.user_id == user.pk:
        raise PeopleError("You cannot follow yourself.", "self")
    return profile.user


def _require_member(user) -> None:
    if not user.is_authenticated or not user.is_active:
        raise NotFound()


@transaction.atomic
def follow_page(*, user, page_id: int) -> Follow:
    """Follow a community, write-up or priority the person may see (idempotent)."""
    _require_member(user)
    page = followable_page(user, page_id)
    try:
        with transaction.atomic():
            follow, _ = Follow.objects.get_or_create(user=user, page=page, defaults={"kind": kind_of_page(page)})
    except IntegrityError:  # a second click raced the first
        follow = Follow.objects.get(user=user, page=page)
    return follow


@transaction.atomic
def follow_person(*, user, person_id: int) -> Follow:
    """Follow another person whose profile the follower may see (idempotent)."""
    _require_member(user)
    person = followable_person(user, person_id)
    try:
        with transaction.atomic():
            follow, _ = Follow.objects.get_or_create(user=user, person=person, defaults={"kind": FollowKind.PERSON})
    except IntegrityError:
        follow = Follow.objects.get(user=user, person=person)
    return follow


@transaction.atomic
def unfollow_page(*, user, page_id: int) -> None:
    """Stop following a page. Allowed even when the page has since become hidden: it is their own row."""
    _require_member(user)
    deleted, _ = Follow.objects.filter(user=user, page_id=page_id).delete()
    if not deleted:
        followable_page(user, page_id)  # 404 for what they may not see; else not following is fine


@transaction.atomic
def unfollow_person(*, user, person_id: int) -> None:
    _require_member(user)
    deleted, _ = Follow.objects.filter(user=user, person_id=person_id).delete()
    if not deleted:
        followable_person(user, person_id)


def _visible_thread(user, thread_id: int):
    from discussions.models import Thread
    from discussions.permissions import can_view_thread

    thread = Thread.objects.select_related("community", "page").filter(pk=thread_id).first()
    if thread is None or not can_view_thread(user, thread):
        raise NotFound()
    return thread


@transaction.atomic
def set_thread_watch(*, user, thread_id: int, level: str) -> ThreadWatch | None:
    """Watch or mute a discussion the person may see; ``level`` "none" goes back to the default."""
    _require_member(user)
    if level not in {WatchLevel.WATCH, WatchLevel.MUTE, "none"}:
        raise PeopleError("Choose watch, mute or neither.")
    thread = _visible_thread(user, thread_id)
    if level == "none":
        ThreadWatch.objects.filter(user=user, thread=thread).delete()
        return None
    watch, _ = ThreadWatch.objects.update_or_create(user=user, thread=thread, defaults={"level": level})
    return watch


# --- expertise ---------------------------------------------------------------------------------


MAX_OFFERS = 3


@transaction.atomic
def set_expertise(
    *,
    user,
    methods=(),
    care_areas=(),
    region: str = "",
    open_to_visits: bool = False,
    open_to_calls: bool = False,
    offers: list[str] = (),
):
    """Replace the person's expertise and offers, all or nothing (a refused offer changes nothing)."""
    from people.models import Expertise, HelpOffer, Region
    from people.offers import OfferRefused, clean_offer

    _require_member(user)
    if region and region not in Region.values:
        raise PeopleError("Choose a region from the list.", "region")
    texts = [text for text in offers if text and text.strip()]
    if len(texts) > MAX_OFFERS:
        raise PeopleError(f"You can list at most {MAX_OFFERS} offers.", "offers")
    cleaned = []
    for number, text in enumerate(texts, start=1):
        try:
            cleaned.append(clean_offer(text))
        except OfferRefused as error:
            raise PeopleError(f"Offer {number}: {error.message}", "offers") from None
    expertise, _ = Expertise.objects.get_or_create(user=user)
    expertise.region = region
    expertise.open_to_visits = bool(open_to_visits)
    expertise.open_to_calls = bool(open_to_calls)
    expertise.save()
    expertise.methods.set(methods)
    expertise.care_areas.set(care_areas)
    HelpOffer.objects.filter(user=user).delete()
    HelpOffer.objects.bulk_create(
        [HelpOffer(user=user, text=text, html=html, sort_order=n) for n, (text, html) in enumerate(cleaned)]
    )
    return expertise
