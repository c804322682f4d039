"""Communities and pages for search tests (the communities branch brings richer factories)."""

from __future__ import annotations

from boost.models import HomePage
from communities.models import CommunityIndexPage, CommunityPage, Membership


def community_index() -> CommunityIndexPage:
    existing = CommunityIndexPage.objects.first()
    if existing:
        return existing
    return HomePage.objects.get().add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))


def make_community(title: str, *, purpose: str = "", is_private: bool = False, discoverable: bool = False, **extra):
    page = CommunityPage(
        title=title,
        purpose=purpose or f"People improving {title.lower()}.",
        is_private=is_private,
        discoverable=discoverable,
        access="invite" if is_private else "open",
        **extra,
    )
    community_index().add_child(instance=page)
    page.save_revision().publish()
    return page


def join(user, community, *, role: str = "member", state: str = "active") -> Membership:
    return Membership.objects.create(user=user, community=community, role=role, state=state)
