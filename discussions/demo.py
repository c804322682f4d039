"""Demo discussions: each demo community's own threads, spread over the past months (loader order 40).

Every community talks about its own work (no thread title repeats across communities, so search
and notifications never show the same title twice). Speakers are picked by their place in the
community: ``p0`` is the first facilitator, ``p1``… the members in the order they joined, as
``communities/demo.py`` makes them. Messages carry past dates (days and hours before today), not the
moment the loader ran. Every message has a fixed client id, so running the loader again finds what it
made instead of adding more; demo threads a community no longer has are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import timezone

from boost.demo.context import DemoContext
from communities.models import CommunityPage, Membership
from discussions import services
from discussions.models import Message, Notification, Reaction, Thread

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Line:
    speaker: int
    body: str
    reply_to: int | None = None
    hours_later: float = 3.0  # after the previous message


@dataclass(frozen=True)
class DemoThread:
    key: str
    title: str
    days_ago: int  # when the first message was posted
    start_hour: int
    lines: tuple[Line, ...]
    reactions: tuple[tuple[int, int, str], ...] = ()  # (speaker, message index, kind)


THREADS: dict[str, tuple[DemoThread, ...]] = {
    "frailty": (
        DemoThread(
            "training",
            "Shared frailty assessment: how did you train 300 staff?",
            150,
            9,
            (
                Line(
                    0,
                    "Our shared frailty, end of life and dementia assessment needs training for everyone who uses "
                    "it. How did others reach **300 staff** without taking them off the rota?",
                ),
                Line(1, "Ten-minute huddles on each shift for a fortnight, led by the ward's own champions.", 0),
                Line(
                    4,
                    "Same on our ward. The night staff asked for a recorded version, so we filmed one huddle on a "
                    "phone and put it on the shared drive.",
                    1,
                    26,
                ),
                Line(
                    0,
                    "Once the tool was in the GP system too we recorded 15,000 more people with a frailty "
                    "diagnosis. @[{p1}], can we share your huddle outline here?",
                    None,
                    50,
                ),
                Line(1, "Of course: one page, three questions, and *one* worked example from that week.", 3, 4),
            ),
            ((1, 0, "thanks"), (2, 3, "celebrate"), (0, 4, "thanks"), (3, 1, "idea")),
        ),
        DemoThread(
            "care-plans",
            "Turning a frailty code into a plan the person recognises",
            62,
            14,
            (
                Line(
                    2,
                    "As a carer: my mum was coded as moderately frail two years before anyone talked to us about "
                    "what that meant. What does a good first conversation look like?",
                ),
                Line(
                    0,
                    "Thank you for starting this, Joan. We now book a 30-minute call within four weeks of the "
                    "code, with the person and whoever supports them, and ask *what matters to you* first.",
                    0,
                    5,
                ),
                Line(
                    3,
                    "The befriending service can join those calls. People often tell a volunteer things they "
                    "would not tell a clinician.",
                    1,
                    20,
                ),
                Line(1, "Medicines review in the same call has cut our follow-up visits. Worth testing.", None, 30),
            ),
            ((0, 0, "thanks"), (1, 2, "idea"), (4, 1, "agree"), (2, 3, "same")),
        ),
    ),
    "skin-cancer-pathway": (
        DemoThread(
            "zero-day",
            "Zero-day patient tracking lists: the first six months",
            210,
            8,
            (
                Line(
                    0,
                    "Our skin cancer tracking list took us from 1,200 people waiting over 62 days to about 100 in "
                    "18 months. Ask me anything about the first six months.",
                ),
                Line(1, "What does the clinical plus operational pairing look like day to day?", 0, 2),
                Line(
                    0,
                    "A consultant and a pathway navigator go through every patient on the list **every day**, "
                    "at 8:30, standing up, fifteen minutes.",
                    1,
                    1.5,
                ),
                Line(1, "And when the consultant is on leave?", 2, 24),
                Line(0, "A named deputy. We never cancel the huddle: a missed day shows on the run chart.", 3, 3),
            ),
            ((1, 0, "celebrate"), (1, 2, "thanks"), (1, 4, "idea")),
        ),
        DemoThread(
            "escalation",
            "Escalation rules when a biopsy result is late",
            45,
            11,
            (
                Line(1, "Who do you escalate to when histology is past day 10, and how?", None),
                Line(
                    0,
                    "Day 10: the navigator phones the lab. Day 14: the consultant emails the lab lead, copied to "
                    "the cancer manager. It is written on the wall by the huddle board.",
                    0,
                    6,
                ),
            ),
            ((1, 1, "thanks"),),
        ),
    ),
    "domiciliary-care": (
        DemoThread(
            "waiting-list",
            "Bringing the wait for a care package down from 803 to 270",
            180,
            10,
            (
                Line(
                    0,
                    "Our list of people waiting for a package went from 803 to 270. Happy to share the scheduling "
                    "changes if useful.",
                ),
                Line(1, "Yes please! Was it the scheduling system itself or the way rounds were redesigned?", 0, 3),
                Line(
                    0,
                    "Both. The system released about **900 care hours**, but only because carers redesigned "
                    "their own rounds.",
                    1,
                    5,
                ),
                Line(3, "From the ward side, we noticed people going home two to three days sooner.", None, 48),
            ),
            ((1, 0, "celebrate"), (2, 2, "idea"), (3, 2, "thanks")),
        ),
        DemoThread(
            "ecosystem-map",
            "Mapping everyone involved in getting someone home",
            95,
            15,
            (
                Line(
                    2,
                    "How did you bring patients and carers into the ecosystem mapping *before* the changes were "
                    "designed?",
                ),
                Line(
                    0,
                    "Workshops at 4pm so carers could come after school pick-up, and we pay partners for their "
                    "time. More than 90 people came.",
                    0,
                    4,
                ),
                Line(
                    1,
                    "The map showed three hand-offs nobody in the team knew about, two of them through the "
                    "voluntary sector.",
                    1,
                    22,
                ),
                Line(2, "Did you share the map back with the people who came? @[{p0}]", 2, 6),
                Line(0, "We posted a printed copy to everyone, and it is in our resources.", 3, 20),
            ),
            ((2, 1, "thanks"), (3, 2, "idea"), (1, 4, "agree")),
        ),
    ),
    "musculoskeletal": (
        DemoThread(
            "assessment-day",
            "Which people on the MSK list gain most from an assessment day?",
            120,
            13,
            (
                Line(
                    0,
                    "We invited 100 people from the waiting list; 55% left with what they needed on the day. "
                    "Who did *not* benefit?",
                ),
                Line(
                    1,
                    "People living with frailty found the day long. A shorter afternoon slot with a seat at every "
                    "station might help.",
                    0,
                    5,
                ),
                Line(
                    2,
                    "People on four or more medicines: a pharmacist at the day sorted pain relief for many of them "
                    "without a follow-up.",
                    0,
                    26,
                ),
                Line(0, "Both going into the plan for the next day. Thank you, @[{p2}].", 2, 8),
            ),
            ((1, 0, "celebrate"), (0, 2, "idea"), (2, 3, "thanks")),
        ),
        DemoThread(
            "rooms",
            "Booking rooms for 14 providers on one day",
            30,
            10,
            (
                Line(0, "Practical question: how did others book enough rooms for 14 providers in one building?", None),
                Line(1, "A school in the holidays. Cheaper than the hospital and everything on one floor.", 0, 7),
            ),
            ((0, 1, "idea"),),
        ),
    ),
    "stroke-resource-allocation": (
        DemoThread(
            "scoring",
            "Scoring the top ten stroke interventions before workshop 3",
            20,
            9,
            (
                Line(
                    0,
                    "Please score the ten interventions on the shared sheet before the workshop: benefit, cost and "
                    "how soon the community team could take it on.",
                ),
                Line(
                    1,
                    "Done. Early supported discharge scored highest for me, but I scored the six-month review low "
                    "on *how soon*: we have no therapists for it yet.",
                    0,
                    28,
                ),
            ),
            ((0, 1, "thanks"),),
        ),
    ),
    "discharge-stewardship": (
        DemoThread(
            "pdsa",
            "What made your first discharge PDSA cycle stick?",
            75,
            16,
            (
                Line(0, "We are about to start our first **PDSA** cycle on the discharge-day checklist. Tips?"),
                Line(
                    1,
                    "Keep the first test tiny: one ward, one shift, one change. Test it with *one* patient and ask "
                    "them how it felt.",
                    0,
                    4,
                ),
                Line(
                    2,
                    'Write the prediction down before you start. Otherwise everyone says "we knew that" afterwards.',
                    None,
                    20,
                ),
                Line(
                    0,
                    "Both really useful. @[{p1}], what did you ask the patient afterwards?",
                    1,
                    3,
                ),
                Line(
                    1,
                    "Three things:\n\n- did you know when you were going home\n- did you have your medicines\n"
                    "- who did you call first when you got in",
                    3,
                    5,
                ),
            ),
            ((1, 1, "idea"), (2, 1, "thanks"), (0, 4, "thanks"), (3, 2, "agree")),
        ),
        DemoThread(
            "crawl",
            "Crawl: what ten discharges taught us",
            14,
            17,
            (
                Line(
                    0,
                    "Notes from the crawl meeting: in seven of the ten discharges, the first time the person heard "
                    "their date was the morning they left.",
                ),
                Line(3, "That is the finding to take to the next convening. Can we quote it?", 0, 18),
                Line(1, "Yes, and I am happy to tell it as the carer in two of those ten.", 1, 2),
            ),
            ((2, 0, "same"), (0, 2, "thanks"), (3, 2, "celebrate")),
        ),
    ),
}


def _speakers(community: CommunityPage) -> list:
    """Facilitators first, then members in the order they joined."""
    members = (
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE)
        .select_related("user__profile")
        .order_by("created_at", "pk")
    )
    ordered = sorted(members, key=lambda m: m.role != Membership.Role.FACILITATOR)
    return [membership.user for membership in ordered]


def _when(today: datetime, spec: DemoThread, hours_after_start: float) -> datetime:
    start = today - timedelta(days=spec.days_ago) + timedelta(hours=spec.start_hour)
    return start + timedelta(hours=hours_after_start)


def _seed_thread(community: CommunityPage, people: list, spec: DemoThread, today: datetime) -> Thread:
    names = {f"p{i}": person.display_name for i, person in enumerate(people)}
    messages: list[Message] = []
    thread = None
    elapsed = 0.0
    for index, line in enumerate(spec.lines):
        author = people[line.speaker % len(people)]
        body = line.body
        for key, name in names.items():
            body = body.replace("{" + key + "}", name)
        client_id = f"demo-{community.pk}-{spec.key}-{index}"
        if thread is None:
            thread = services.start_thread(
                author=author, community=community, title=spec.title, body=body, client_id=client_id
            )
            message = thread.messages.order_by("id").first()
        else:
            elapsed += line.hours_later
            reply_to = messages[line.reply_to].pk if line.reply_to is not None else None
            message = services.post_message(
                author=author, thread_id=thread.pk, body=body, client_id=client_id, reply_to_id=reply_to
            ).message
        # The conversation happened over days, not in the second the loader ran.
        posted_at = _when(today, spec, elapsed)
        Message.objects.filter(pk=message.pk).update(created_at=posted_at)
        Notification.objects.filter(message=message).update(created_at=posted_at)
        message.created_at = posted_at
        messages.append(message)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=messages[0].created_at, last_activity_at=messages[-1].created_at
    )
    for speaker, message_index, kind in spec.reactions:
        user = people[speaker % len(people)]
        message = messages[message_index]
        if user.pk == message.author_id or message.state != Message.State.PUBLISHED:
            continue
        if not Reaction.objects.filter(message=message, user=user, kind=kind).exists():
            services.toggle_reaction(user=user, message_id=message.pk, kind=kind)
    return thread


def _remove_retired(community: CommunityPage, keys: set[str]) -> None:
    """Threads an earlier version of the demo made here and the current one does not."""
    prefix = f"demo-{community.pk}-"
    made = Message.objects.filter(thread__community=community, client_id__startswith=prefix).values_list(
        "thread_id", "client_id"
    )
    retired = {thread_id for thread_id, client_id in made if client_id[len(prefix) :].rsplit("-", 1)[0] not in keys}
    if retired:
        Thread.objects.filter(pk__in=retired).delete()


def load(context: DemoContext) -> None:
    communities = list(CommunityPage.objects.live().order_by("path"))
    if not communities:
        return
    # Dates count back from the start of today, so a second run on the same day writes the same ones.
    today = datetime.combine(timezone.localdate(), datetime.min.time(), tzinfo=LONDON)
    # The demo writes a lot at once as few people; rate limits are for real use.
    with override_settings(DISCUSSIONS_RATE_LIMIT=(0, 60)):
        for community in communities:
            specs = THREADS.get(community.slug, ())
            _remove_retired(community, {spec.key for spec in specs})
            people = _speakers(community)
            if len(people) < 2:
                continue
            for spec in specs:
                _seed_thread(community, people, spec, today)
