"""Who may see, post in and moderate a discussion. Every path (page, form post, socket) asks here.

A community thread is visible to whoever can see its community. A question on a page is visible
when the page is live and, if it sits under a private community, to whoever can see that community.
Posting needs a signed-in person; in a community discussion they must also be an active member
(or a moderator). Moderators are the community's facilitators, curators and admins.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from communities.models import CommunityPage, Membership
from communities.permissions import can_moderate, can_view_community, is_active_member, sees_all_communities
from discussions.models import Message, Thread


def community_for_page(page) -> CommunityPage | None:
    """The community a page sits under (itself if it is one), or None."""
    if page is None:
        return None
    steplen = page.steplen
    ancestors = [page.path[:i] for i in range(steplen, len(page.path) + 1, steplen)]
    return CommunityPage.objects.filter(path__in=ancestors).order_by("depth").last()


def can_view_thread(user, thread: Thread) -> bool:
    if thread.is_hidden and not can_moderate_thread(user, thread):
        return False
    if thread.page_id is not None and not thread.page.live:
        return False
    if thread.community_id is not None:
        return can_view_community(user, thread.community)
    return True


def can_post(user, thread: Thread) -> bool:
    """May ``user`` add to this thread (regardless of lock: the service says "locked" separately)."""
    if not user.is_authenticated or not user.is_active or not can_view_thread(user, thread):
        return False
    if thread.page_id is None:
        return is_active_member(user, thread.community) or can_moderate(user, thread.community)
    return True


def can_start_thread(user, community: CommunityPage) -> bool:
    if not user.is_authenticated or not user.is_active or not can_view_community(user, community):
        return False
    return is_active_member(user, community) or can_moderate(user, community)


def can_moderate_thread(user, thread: Thread) -> bool:
    if not user.is_authenticated:
        return False
    if thread.community_id is not None:
        return can_moderate(user, thread.community)
    return sees_all_communities(user)


def can_edit_message(user, message: Message) -> bool:
    return user.is_authenticated and message.author_id == user.pk


def people_who_can_see(thread: Thread) -> QuerySet:
    """Active accounts who can see ``thread``: the candidates for an @mention."""
    users = get_user_model().objects.filter(is_active=True)
    community = thread.community
    if community is None or not community.is_private:
        return users
    members = Membership.objects.filter(community=community, state=Membership.State.ACTIVE).values("user_id")
    return users.filter(Q(pk__in=members) | Q(is_superuser=True) | Q(groups__name__in=["Curator", "Admin"])).distinct()
