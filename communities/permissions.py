"""Who may see and do what in a community. Every path (page, socket, search, feed) asks here."""

from __future__ import annotations

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
        cached = user.groups.filter(name__in=_OVERSEER_GROUPS).exists()
        user._sees_all_communities = cached
    return cached


def membership_of(user, community: CommunityPage) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).first()


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
