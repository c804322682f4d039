"""Who may see and change an eco-map. A map follows the privacy of what it belongs to: a
community's map is seen by whoever may see the community (``communities.permissions``); a
priority's map by whoever may see the priority page (:func:`boost.permissions.can_view_page`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from boost.permissions import can_view_page
from communities.permissions import community_access, sees_all_communities
from ecomaps.models import EcoMap


@dataclass(frozen=True)
class MapAccess:
    """One person's rights on one map, worked out once per request or action."""

    can_view: bool
    can_contribute: bool  # annotate, endorse
    can_edit: bool  # stations, journeys, links, nudges
    can_facilitate: bool = False  # workshops and validation rounds: never given by a workshop


NO_ACCESS = MapAccess(can_view=False, can_contribute=False, can_edit=False)


def _is_priority_lead(user, priority) -> bool:
    return user.is_authenticated and priority.leads.filter(pk=user.pk).exists()


def community_map_access(user, community) -> MapAccess:
    """Rights on the maps of ``community``: members contribute, facilitators edit."""
    access = community_access(user, community)
    if not access.can_view:
        return NO_ACCESS
    active = user.is_authenticated and user.is_active
    can_edit = active and access.can_moderate
    return MapAccess(
        can_view=True,
        can_contribute=active and (access.is_member or access.can_moderate),
        can_edit=can_edit,
        can_facilitate=can_edit,
    )


def priority_map_access(user, priority) -> MapAccess:
    """Rights on the maps of ``priority``: signed-in viewers contribute, its leads (and curators) edit."""
    if not priority.live or not can_view_page(user, priority):
        return NO_ACCESS
    active = user.is_authenticated and user.is_active
    can_edit = active and (sees_all_communities(user) or _is_priority_lead(user, priority))
    return MapAccess(can_view=True, can_contribute=active, can_edit=can_edit, can_facilitate=can_edit)


def map_access(user, ecomap: EcoMap) -> MapAccess:
    """Rights on one map: its owner's, and while a workshop runs, every contributor edits."""
    if ecomap.community_id is not None:
        access = community_map_access(user, ecomap.community)
    else:
        access = priority_map_access(user, ecomap.priority)
    if ecomap.workshop_open and access.can_contribute and not access.can_edit:
        return replace(access, can_edit=True)
    return access


def can_view_map(user, ecomap: EcoMap) -> bool:
    return map_access(user, ecomap).can_view
