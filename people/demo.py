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
    load_visits(context)
    load_conversation(context)


def load_conversation(context: DemoContext) -> None:
    """A private conversation: a colleague writes to Tom about his help offer, and he replies.
    Idempotent through the messages' client ids (a repeated client id returns the stored message)."""
    from discussions import services
    from discussions.conversations import TITLE
    from discussions.models import Message, Participant

    tom = context.people.get("member_physio")
    colleague = context.people.get("member_pharmacist")
    if tom is None or colleague is None:
        return
    first = Message.objects.filter(author=colleague, client_id="demo-dm-1").select_related("thread").first()
    if first is not None:
        thread = first.thread
    else:
        thread = Thread.objects.create(is_direct=True, title=TITLE, author=colleague)
        Participant.objects.bulk_create(
            [Participant(thread=thread, user=tom), Participant(thread=thread, user=colleague)]
        )
    lines = [
        (colleague, "demo-dm-1", "Hi Tom, I saw your offer about one-stop assessment days. Could we talk it through?"),
        (tom, "demo-dm-2", "Of course. Thursday afternoon suits me; I can share the template we use."),
    ]
    from datetime import timedelta

    from django.utils import timezone

    # Backdated like the rest of the demo (it looks lived in), once: a repeated load changes nothing.
    for days_ago, (author, client_id, body) in zip((3, 2), lines, strict=True):
        posted = services.post_message(author=author, thread_id=thread.pk, body=body, client_id=client_id)
        if posted.created:
            when = timezone.now() - timedelta(days=days_ago)
            Message.objects.filter(pk=posted.message.pk).update(created_at=when)
            Thread.objects.filter(pk=thread.pk).update(last_activity_at=when)
            if days_ago == 3:
                Thread.objects.filter(pk=thread.pk).update(created_at=when)


def load_visits(context: DemoContext) -> None:
    """The first measured write-up's team offers a visit in three weeks; Tom has asked to come, and
    says what he knows and can help with."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from people.models import Expertise, HelpOffer, VisitOffer, VisitRequest
    from projects.models import Method

    tom = context.people.get("member_physio")
    project = ProjectPage.objects.live().filter(measures__n_points__gte=12).distinct().order_by("path").first()
    if tom is None or project is None or project.owner_id is None:
        return
    day = timezone.localdate() + timedelta(days=21)
    starts = datetime.combine(day, time(10, 0), tzinfo=ZoneInfo("Europe/London"))
    offer, _ = VisitOffer.objects.get_or_create(
        project=project,
        starts_at=starts,
        defaults={
            "offered_by": project.owner,
            "ends_at": starts + timedelta(hours=2),
            "capacity": 4,
            "where": "Team base, Riverside Health Centre",
            "what_you_will_see": "The morning huddle and how the list is kept up to date.",
            "who_to_ask_for": project.owner.display_name,
        },
    )
    VisitRequest.objects.get_or_create(
        offer=offer, visitor=tom, defaults={"hoping_to_learn": "How you keep the list current across teams."}
    )
    # A visit he made a fortnight ago to another team, accepted, with what he will try.
    other = ProjectPage.objects.live().exclude(pk=project.pk).exclude(owner=tom).filter(owner__isnull=False)
    visited = other.order_by("path").first()
    if visited is not None and not VisitRequest.objects.filter(visitor=tom, offer__project=visited).exists():
        began = datetime.combine(
            timezone.localdate() - timedelta(days=14), time(14, 0), tzinfo=ZoneInfo("Europe/London")
        )
        past = VisitOffer.objects.create(
            project=visited,
            offered_by=visited.owner,
            starts_at=began,
            ends_at=began + timedelta(hours=2),
            capacity=3,
            where="Ward 7 seminar room",
            what_you_will_see="The board round and the discharge checklist in use.",
            who_to_ask_for=visited.owner.display_name,
        )
        VisitRequest.objects.create(
            offer=past,
            visitor=tom,
            hoping_to_learn="How the checklist is agreed at the board round.",
            state=VisitRequest.State.ACCEPTED,
            decided_at=began - timedelta(days=7),
            decided_by=visited.owner,
            reflection="A five-minute checklist review at our Monday huddle.",
            reflected_at=began + timedelta(days=1),
        )
    expertise, _ = Expertise.objects.get_or_create(user=tom, defaults={"region": "north_west", "open_to_calls": True})
    methods = list(Method.objects.order_by("name")[:2])
    if methods and not expertise.methods.exists():
        expertise.methods.set(methods)
    if not HelpOffer.objects.filter(user=tom).exists():
        HelpOffer.objects.create(
            user=tom,
            text="Happy to talk anyone through a **one-stop assessment day** for MSK waits.",
            html="<p>Happy to talk anyone through a <strong>one-stop assessment day</strong> for MSK waits.</p>",
        )
