"""Demo content: Tom (the demo member) follows a community, two write-ups with measures, a priority
and a colleague, and watches a discussion, so his dashboard feed has something to show.
Idempotent: follows are got or created."""

from __future__ import annotations

from boost.demo.context import DemoContext
from communities.models import CommunityPage, Membership
from discussions.models import Thread
from people.models import Follow, FollowKind, ThreadWatch, WatchLevel
from projects.models import PriorityPage, ProjectPage


def load(context: DemoContext) -> None:
    tom = context.people.get("member_physio")
    if tom is None:
        return
    community = (
        CommunityPage.objects.live()
        .filter(memberships__user=tom, memberships__state=Membership.State.ACTIVE)
        .order_by("path")
        .first()
    ) or CommunityPage.objects.live().filter(is_private=False).order_by("path").first()
    pages = [(community, FollowKind.COMMUNITY)] if community else []
    measured = ProjectPage.objects.live().filter(measures__n_points__gte=12).distinct().order_by("path")[:2]
    pages += [(project, FollowKind.PROJECT) for project in measured]
    priority = PriorityPage.objects.live().order_by("path").first()
    if priority:
        pages.append((priority, FollowKind.PRIORITY))
    for page, kind in pages:
        Follow.objects.get_or_create(user=tom, page=page, defaults={"kind": kind})
    colleague = context.people.get("member_pharmacist")
    if colleague is not None:
        Follow.objects.get_or_create(user=tom, person=colleague, defaults={"kind": FollowKind.PERSON})
    if community is not None:
        thread = Thread.objects.filter(community=community, is_hidden=False).order_by("pk").first()
        if thread is not None:
            ThreadWatch.objects.get_or_create(user=tom, thread=thread, defaults={"level": WatchLevel.WATCH})
