"""Who may see, post in and moderate a discussion. Every path (page, form post, socket) asks here.

A community thread is visible to whoever can see its community. A question on a page is visible
to whoever may see the page: :func:`boost.permissions.can_view_page`, the one rule for a page and
everything derived from it (live or draft rights, Wagtail's view restrictions on the page and its
ancestors, the private community it sits under), asked without a request: discussion rights are
per person and re-checked where there is no browser session (services, socket actions, the rights
watcher), so questions on a password-protected page are closed to everyone.
Posting needs a signed-in person; in a community discussion they must also be an active member
(or a moderator). Moderators are the community's facilitators, curators and admins.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.models import PageViewRestriction

from accounts.models import suspended_now
from boost.permissions import can_view_page, community_of, page_view_restrictions
from communities.models import CommunityPage, Membership
from communities.permissions import can_moderate, can_view_community, is_active_member, sees_all_communities
from discussions.models import Block, Flag, Message, Participant, Thread

# Roles that moderate every discussion, as ``communities.permissions`` defines who sees everything.
_OVERSEER_GROUPS = ("Curator", "Admin")


def community_for_page(page) -> CommunityPage | None:
    """The community a page sits under (itself if it is one), or None."""
    return community_of(page)


def thread_page_restrictions(thread: Thread) -> list[PageViewRestriction]:
    """Wagtail view restrictions on the thread's page and its ancestors (one query). Cached on the
    thread object, which lives for one request or one socket action; never on the page object, which
    a caller may hold for longer."""
    cached = getattr(thread, "_page_view_restrictions", None)
    if cached is not None:
        return cached
    restrictions = page_view_restrictions(thread.page)
    thread._page_view_restrictions = restrictions
    return restrictions


def participant_ids(thread: Thread) -> set[int]:
    """Who is in a private conversation (one query, cached on the thread object like the page
    restrictions above)."""
    cached = getattr(thread, "_participant_ids", None)
    if cached is None:
        cached = set(Participant.objects.filter(thread_id=thread.pk).values_list("user_id", flat=True))
        thread._participant_ids = cached
    return cached


def is_participant(user, thread: Thread) -> bool:
    return user.is_authenticated and user.pk in participant_ids(thread)


def can_read_reported(user, thread: Thread) -> bool:
    """Curators and admins may read a private conversation someone reported (flagged a message in),
    and only such a one; each reading is logged (``conversations.note_oversight_read``)."""
    if not user.is_authenticated or not user.is_active or not sees_all_communities(user):
        return False
    cached = getattr(thread, "_is_reported", None)
    if cached is None:
        cached = Flag.objects.filter(message__thread_id=thread.pk).exists()
        thread._is_reported = cached
    return cached


def blocks_between(user_id: int, others: set[int]) -> bool:
    """Has ``user_id`` blocked any of ``others``, or any of them blocked ``user_id``?"""
    if not others:
        return False
    return Block.objects.filter(
        Q(blocker_id=user_id, blocked_id__in=others) | Q(blocker_id__in=others, blocked_id=user_id)
    ).exists()


def can_view_thread(user, thread: Thread) -> bool:
    if thread.is_direct:
        return is_participant(user, thread) or can_read_reported(user, thread)
    if thread.is_hidden and not can_moderate_thread(user, thread):
        return False
    if thread.page_id is not None:
        # A page thread's community is the page's own (set when it is started), so nothing is looked up twice.
        return can_view_page(
            user, thread.page, restrictions=thread_page_restrictions(thread), community=thread.community
        )
    if thread.community_id is not None:
        return can_view_community(user, thread.community)
    return True


def can_post(user, thread: Thread) -> bool:
    """May ``user`` add to this thread (regardless of lock: the service says "locked" separately)."""
    if not user.is_authenticated or not user.is_active or user.is_suspended or not can_view_thread(user, thread):
        return False
    if thread.is_direct:
        # Overseers reading a report do not take part; nobody writes past a block either way.
        return is_participant(user, thread) and not blocks_between(user.pk, participant_ids(thread) - {user.pk})
    if thread.page_id is None:
        return is_active_member(user, thread.community) or can_moderate(user, thread.community)
    return True


def can_start_thread(user, community: CommunityPage) -> bool:
    if not user.is_authenticated or not user.is_active or user.is_suspended:
        return False
    if not can_view_community(user, community):
        return False
    return is_active_member(user, community) or can_moderate(user, community)


def can_moderate_thread(user, thread: Thread) -> bool:
    if not user.is_authenticated:
        return False
    if thread.is_direct:
        return can_read_reported(user, thread)
    if thread.community_id is not None:
        return can_moderate(user, thread.community)
    return sees_all_communities(user)


def can_edit_message(user, message: Message) -> bool:
    return user.is_authenticated and message.author_id == user.pk


def people_who_can_see(thread: Thread) -> QuerySet:
    """Active accounts who can see ``thread``: the candidates for an @mention."""
    users = get_user_model().objects.filter(is_active=True)
    if thread.is_direct:
        return users.filter(pk__in=participant_ids(thread))
    if thread.page_id is not None:
        for restriction in thread_page_restrictions(thread):
            if restriction.restriction_type == PageViewRestriction.PASSWORD:
                return users.none()
            if restriction.restriction_type == PageViewRestriction.GROUPS:
                allowed = [group.pk for group in restriction.groups.all()]
                users = users.filter(Q(is_superuser=True) | Q(pk__in=_members_of_groups(allowed)))
    community = thread.community
    if community is None or not community.is_private:
        return users
    members = Membership.objects.filter(community=community, state=Membership.State.ACTIVE).values("user_id")
    return users.filter(Q(pk__in=members) | Q(is_superuser=True) | Q(groups__name__in=["Curator", "Admin"])).distinct()


def _members_of_groups(group_ids: list[int]) -> QuerySet:
    return get_user_model().objects.filter(groups__in=group_ids).values("pk")


def _facilitated_communities(user) -> QuerySet:
    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR).values(
        "community_id"
    )


def can_use_moderation_queue(user) -> bool:
    """Curators and admins (the site-wide queue) and facilitators (their communities' flags)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_all_communities(user):
        return True
    loaded = user.loaded_memberships() if hasattr(user, "loaded_memberships") else None
    if loaded is not None:  # they came with the signed-in person (accounts.backends)
        return Membership.Role.FACILITATOR in loaded.values()
    return _facilitated_communities(user).exists()


def flags_moderated_by(user) -> QuerySet:
    """The open flags ``user`` may act on: all of them for curators and admins (questions under a
    write-up with no community included), those in their own communities for facilitators."""
    flags = Flag.objects.open()
    if not user.is_authenticated or not user.is_active:
        return flags.none()
    if sees_all_communities(user):
        return flags
    return flags.filter(message__thread__community_id__in=_facilitated_communities(user))


def moderators_to_tell(thread: Thread) -> list[int]:
    """Who hears of a new flag in ``thread``: the community's facilitators; for a thread with no
    community (a question under a write-up), or a community without facilitators, the curators and
    admins who can see the thread."""
    users = get_user_model().objects.filter(is_active=True).exclude(suspended_now())
    if thread.community_id is not None:
        facilitators = Membership.objects.filter(
            community_id=thread.community_id, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
        ).values("user_id")
        ids = list(users.filter(pk__in=facilitators).values_list("pk", flat=True))
        if ids:
            return ids
    overseers = users.filter(Q(is_superuser=True) | Q(groups__name__in=_OVERSEER_GROUPS)).distinct()
    return [user.pk for user in overseers if can_view_thread(user, thread)]
