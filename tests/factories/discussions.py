"""Communities, pages and threads for discussion tests (communities' own factories live on another branch)."""

from __future__ import annotations

import itertools
import uuid

from boost.models import HomePage, StandardPage
from communities.models import CommunityIndexPage, CommunityPage, Membership
from discussions import services
from discussions.models import Thread

_counter = itertools.count(1)


def community_index() -> CommunityIndexPage:
    index = CommunityIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
    return index


def make_community(*, private: bool = False, title: str | None = None) -> CommunityPage:
    n = next(_counter)
    title = title or f"Community {n}"
    page = CommunityPage(
        title=title, slug=f"community-{n}-{uuid.uuid4().hex[:6]}", purpose="Learning together.", is_private=private
    )
    return community_index().add_child(instance=page)


def join(user, community: CommunityPage, role: str = Membership.Role.MEMBER) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, community=community, defaults={"role": role, "state": Membership.State.ACTIVE}
    )
    return membership


def make_standard_page(title: str = "A write-up") -> StandardPage:
    home = HomePage.objects.get()
    return home.add_child(instance=StandardPage(title=title, slug=f"page-{uuid.uuid4().hex[:8]}"))


def cid() -> str:
    return uuid.uuid4().hex


def make_thread(
    author, community=None, *, title: str = "How do you run a huddle?", body: str = "Tell me.", page=None
) -> Thread:
    return services.start_thread(author=author, community=community, page=page, title=title, body=body, client_id=cid())


def post(author, thread: Thread, body: str = "A reply", **kwargs):
    return services.post_message(author=author, thread_id=thread.pk, body=body, client_id=cid(), **kwargs).message
