"""Wagtail admin access for facilitators: each community has its own group, allowed to edit that page only.

Why a group per community rather than a custom permission policy: Wagtail's page explorer,
"pages I can edit" listings, workflow and revision screens all read ``GroupPagePermission``;
a group per community lets every one of those screens work unchanged. The group carries
``change_page`` and ``publish_page`` on the community page (no ``add_page``: communities have no
child pages; no ``bulk_delete_page``), plus admin access and image/document choosing so the
resources StreamField works, with ``GroupCollectionPermission`` on the community's own collection
so the choosers offer its files and no other community's. Membership of the group follows the
``Membership`` rows.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from boost.file_contexts import FACILITATOR_ACTIONS, collection_for, grant_collection
from communities.models import CommunityPage, Membership

PAGE_PERMISSIONS = ("change_page", "publish_page")
MODEL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


def facilitator_group(community: CommunityPage) -> Group:
    """The community's facilitator group, created with its permissions on first use."""
    if community.facilitator_group_id:
        return community.facilitator_group
    group, _ = Group.objects.get_or_create(name=f"Community facilitators #{community.pk}")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in={app for app, _ in MODEL_PERMISSIONS},
            codename__in={codename for _, codename in MODEL_PERMISSIONS},
        )
    )
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=community.page_ptr, permission=permission)
    # The choosers show them the community's own collection (and the public site's, via their role).
    grant_collection(group, collection_for(community), FACILITATOR_ACTIONS)
    CommunityPage.objects.filter(pk=community.pk).update(facilitator_group=group)
    community.facilitator_group = group
    return group


def sync_facilitator(membership: Membership) -> None:
    """Put the person in, or take them out of, the community's facilitator group."""
    community = membership.community
    if membership.is_facilitator:
        facilitator_group(community).user_set.add(membership.user_id)
    elif community.facilitator_group_id:
        community.facilitator_group.user_set.remove(membership.user_id)
