"""Demo discussions: lively threads in whichever demo communities exist (loader order 40).

Communities and their memberships come from the communities app's demo loader. If there are no
communities, this creates nothing. Every message has a fixed client id, so running the loader
again finds what it made instead of adding more.
"""

from __future__ import annotations

from django.test import override_settings

from boost.demo.context import DemoContext
from communities.models import CommunityPage, Membership
from discussions import services
from discussions.models import Message, Reaction

# (title, [(speaker index, body, reply-to index or None)], reactions [(speaker index, message index, kind)])
GENERIC_THREADS = [
    (
        "What made your first PDSA cycle stick?",
        [
            (0, "We are about to start our first **PDSA** cycles. What made yours stick rather than fizzle out?", None),
            (
                1,
                "Keep the first test tiny: one ward, one shift, one change. We tested a discharge checklist "
                "with *one* patient on a Tuesday and learned more than from a month of planning.",
                0,
            ),
            (
                2,
                'Write the prediction down before you start. Our team kept saying "we knew that" afterwards '
                "until we had the predictions on paper.",
                None,
            ),
            (
                0,
                "Both really useful. @[{name1}] did you measure anything on that first Tuesday, "
                "or just talk it through?",
                1,
            ),
            (
                1,
                "Just three things, by hand:\n\n- time the checklist took\n- what was missing\n- whether the patient "
                "went home before noon\n\nA run chart came later.",
                3,
            ),
            (
                3,
                "The [Model for Improvement](https://www.england.nhs.uk/) guide has a one-page PDSA template we "
                "print for every huddle.",
                None,
            ),
        ],
        [(1, 1, "idea"), (2, 1, "thanks"), (0, 4, "thanks"), (3, 2, "agree")],
    ),
    (
        "Involving patients and carers from the start",
        [
            (2, "How are people bringing patient and carer partners in *before* the change is designed?", None),
            (3, "We pay partners for their time and meet at 4pm so carers can come after school pick-up.", 0),
            (
                0,
                "We did a patient ecosystem map in workshops: more than 90 people came, and the map showed "
                "three hand-offs nobody in the team knew about.",
                0,
            ),
            (2, "That map idea is great. Did you share it back with the people who came?", 2),
        ],
        [(1, 2, "celebrate"), (3, 2, "idea")],
    ),
]

AREA_THREADS = {
    "frailty": (
        "Shared frailty assessment: how did you train 300 staff?",
        [
            (
                0,
                "Our shared frailty, end of life and dementia assessment needs training for everyone who uses it. "
                "How did others reach 300 staff without taking them off the rota?",
                None,
            ),
            (1, "Ten-minute huddle sessions on each shift for a fortnight, led by the ward's own champions.", 0),
            (
                2,
                "We recorded 15,000 more people with a frailty diagnosis once the tool was in the GP system too.",
                None,
            ),
        ],
        [(0, 1, "thanks"), (1, 2, "celebrate")],
    ),
    "domiciliary-care": (
        "Bringing the wait for a care package down",
        [
            (
                0,
                "Our list of people waiting for a package went from 803 to 270. Happy to share the scheduling "
                "changes if useful.",
                None,
            ),
            (1, "Yes please! Was it the scheduling system itself or the way rounds were redesigned?", 0),
            (0, "Both. The system released about 900 care hours, but only because carers redesigned their rounds.", 1),
        ],
        [(1, 0, "celebrate"), (2, 2, "idea")],
    ),
    "cancer": (
        "Zero-day patient tracking lists",
        [
            (0, "Our skin cancer PTL took us from 1,200 people waiting over 62 days to about 100 in 18 months.", None),
            (1, "What does the clinical plus operational pairing look like day to day?", 0),
            (0, "A consultant and a pathway navigator go through every patient on the list **every day**, at 8:30.", 1),
        ],
        [(1, 0, "celebrate"), (2, 2, "thanks")],
    ),
}


def _speakers(community: CommunityPage) -> list:
    members = (
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE)
        .select_related("user__profile")
        .order_by("-role", "created_at", "pk")
    )
    return [membership.user for membership in members]


def _seed_thread(community: CommunityPage, key: str, people: list, spec) -> None:
    title, lines, reactions = spec
    name1 = people[1 % len(people)].display_name
    messages: list[Message] = []
    thread = None
    for index, (speaker, body, reply_index) in enumerate(lines):
        author = people[speaker % len(people)]
        body = body.replace("{name1}", name1)
        client_id = f"demo-{community.pk}-{key}-{index}"
        if thread is None:
            thread = services.start_thread(
                author=author, community=community, title=title, body=body, client_id=client_id
            )
            messages.append(thread.messages.order_by("id").first())
            continue
        reply_to = messages[reply_index].pk if reply_index is not None and reply_index < len(messages) else None
        posted = services.post_message(
            author=author, thread_id=thread.pk, body=body, client_id=client_id, reply_to_id=reply_to
        )
        messages.append(posted.message)
    for speaker, message_index, kind in reactions:
        user = people[speaker % len(people)]
        message = messages[message_index]
        if (
            message.state == Message.State.PUBLISHED
            and not Reaction.objects.filter(message=message, user=user, kind=kind).exists()
        ):
            services.toggle_reaction(user=user, message_id=message.pk, kind=kind)


def load(context: DemoContext) -> None:
    communities = list(CommunityPage.objects.live().select_related("care_area").order_by("path"))
    if not communities:
        return
    # The demo writes a lot at once as few people; rate limits are for real use.
    with override_settings(DISCUSSIONS_RATE_LIMIT=(0, 60)):
        for community in communities:
            people = _speakers(community)
            if len(people) < 2:
                continue
            area = community.care_area.slug if community.care_area else ""
            specs = [("area", AREA_THREADS[area])] if area in AREA_THREADS else []
            specs += [(f"generic{i}", spec) for i, spec in enumerate(GENERIC_THREADS)]
            for key, spec in specs:
                _seed_thread(community, key, people, spec)
