"""The five roles, as Wagtail groups, and what each may do.

The groups are created by a data migration; this module is the single definition both the
migration and the tests read. Page-level permissions (which pages a facilitator may edit)
are granted by the apps that own those pages, not here.
"""

from __future__ import annotations

MEMBER = "Member"
FACILITATOR = "Facilitator"
CURATOR = "Curator"
LEADER = "Leader"
ADMIN = "Admin"

ALL_ROLES = [MEMBER, FACILITATOR, CURATOR, LEADER, ADMIN]

# app_label.codename for each role. Members act through the site, never the admin.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    MEMBER: [],
    FACILITATOR: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    CURATOR: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "boost.add_carearea",
        "boost.change_carearea",
    ],
    LEADER: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    ADMIN: [
        "wagtailadmin.access_admin",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailcore.view_workflow",
        "wagtailcore.add_workflow",
        "wagtailcore.change_workflow",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "boost.add_carearea",
        "boost.change_carearea",
        "boost.delete_carearea",
        "boost.change_sitesettings",
    ],
}

# Permissions that an app's own data migration grants a role, because its models do not exist when
# accounts' roles migration (0003, which reads ROLE_PERMISSIONS) runs.
APP_MIGRATION_PERMISSIONS: dict[str, list[str]] = {
    CURATOR: [  # learning 0003: curators edit and publish the skills framework
        "learning.add_skillsframework",
        "learning.change_skillsframework",
        "learning.publish_skillsframework",
        "learning.view_skillsframework",
    ],
}

# Page permissions granted on the site's root page, by role (Wagtail page permission codenames).
ROOT_PAGE_PERMISSIONS: dict[str, list[str]] = {
    CURATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    ADMIN: ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
}
