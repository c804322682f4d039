"""Who may see and do what in a community. Every path (page, socket, search, feed) asks here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from communities.models import CommunityPage, Membership

# Roles that see every community, private ones included.
_OVERSEER_GROUPS = ("Curator", "Admin")


def sees_all_communities(user) -> bool:
    """Curators, admins and superusers see private communities without joining them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_sees_all_communities", None)
    if cached is None:
        loaded = user.loaded_groups()
        if loaded is not None:
            cached = any(name in _OVERSEER_GROUPS for name in loaded.values())
        else:
            cached = user.groups.filter(name__in=_OVERSEER_GROUPS).exists()
        user._sees_all_communities = cached
    return cached


# Memberships already looked up in the current unit of work (see remembered_memberships); None: none.
_memberships: ContextVar[dict[tuple[int, int], Membership | None] | None] = ContextVar("memberships", default=None)


@contextmanager
def remembered_memberships() -> Iterator[None]:
    """Within this block, each person's membership of a community is read once, however many checks
    ask for it. For one short unit of work (a websocket action: its rights re-check, then the service's
    own checks ask up to five times); never around work that changes memberships."""
    token = _memberships.set({})
    try:
        yield
    finally:
        _memberships.reset(token)


def remember_access(users: list, community: CommunityPage) -> None:
    """Inside :func:`remembered_memberships`: read many people's memberships of one community, and
    which of them see every community, in two queries instead of two a person (a thread's room
    re-checking the thousand people viewing it)."""
    memo = _memberships.get()
    if memo is None:
        raise RuntimeError("remember_access() needs remembered_memberships()")
    ids = [user.pk for user in users]
    found = {m.user_id: m for m in Membership.objects.filter(community=community, user_id__in=ids)}
    overseers: set[int] = set()
    if users:
        overseers = set(
            type(users[0])
            .groups.through.objects.filter(user_id__in=ids, group__name__in=_OVERSEER_GROUPS)
            .values_list("user_id", flat=True)
        )
    for user in users:
        memo[(user.pk, community.pk)] = found.get(user.pk)
        user._sees_all_communities = user.pk in overseers


def membership_of(user, community: CommunityPage) -> Membership | None:
    if not user.is_authenticated:
        return None
    memo = _memberships.get()
    if memo is None:
        return Membership.objects.filter(user=user, community=community).first()
    key = (user.pk, community.pk)
    if key not in memo:
        memo[key] = Membership.objects.filter(user=user, community=community).first()
    return memo[key]


def is_active_member(user, community: CommunityPage) -> bool:
    membership = membership_of(user, community)
    return membership is not None and membership.is_active


def is_facilitator(user, community: CommunityPage) -> bool:
    membership = membership_of(user, community)
    return membership is not None and membership.is_active and membership.role == Membership.Role.FACILITATOR


def can_view_community(user, community: CommunityPage) -> bool:
    """Public live communities: everyone. Private: active members, curators, admins."""
    if not community.live:
        return False
    if not community.is_private:
        return True
    return sees_all_communities(user) or is_active_member(user, community)


def can_moderate(user, community: CommunityPage) -> bool:
    """Facilitators of this community, curators and admins."""
    return sees_all_communities(user) or is_facilitator(user, community)


@dataclass(frozen=True)
class CommunityAccess:
    """Everything a request needs to know about one person and one community, worked out once."""

    membership: Membership | None
    sees_all: bool
    can_view: bool
    can_see_teaser: bool

    @property
    def state(self) -> str | None:
        return self.membership.state if self.membership else None

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.is_active

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.state == Membership.State.PENDING

    @property
    def is_facilitator(self) -> bool:
        return self.membership is not None and self.membership.is_facilitator

    @property
    def can_moderate(self) -> bool:
        return self.sees_all or self.is_facilitator


def community_access(user, community: CommunityPage) -> CommunityAccess:
    """Work out ``user``'s standing in ``community`` with at most two queries."""
    membership = membership_of(user, community)
    sees_all = sees_all_communities(user)
    is_member = membership is not None and membership.is_active
    can_view = community.live and (not community.is_private or sees_all or is_member)
    # A discoverable private community shows its title and purpose (and how to ask to join)
    # to people outside it; nothing else.
    can_see_teaser = community.live and community.is_private and community.discoverable
    return CommunityAccess(membership=membership, sees_all=sees_all, can_view=can_view, can_see_teaser=can_see_teaser)


def can_list_community(user, community: CommunityPage) -> bool:
    """The directory lists what a person may view, and discoverable private communities."""
    return can_view_community(user, community) or (community.live and community.is_private and community.discoverable)


def can_see_member_details(viewer, member_user, access: CommunityAccess) -> bool:
    """Inside a community, a profile set to "only me" still opens to that community's facilitators."""
    return access.can_moderate or (viewer.is_authenticated and viewer.pk == member_user.pk)
