"""Demo communities built from the published results in PRODUCT.md (our own words), with their
members, facilitators and events. Idempotent: reruns update in place and keep upcoming events upcoming."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from boost.demo import images
from boost.demo.context import DemoContext
from boost.models import HomePage
from communities.models import Access, CommunityIndexPage, CommunityPage, Event, Membership, Rsvp

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    days_from_today: int
    start_hour: int
    hours: float
    description: str
    online: bool = True
    venue: str = ""
    capacity: int | None = None
    going: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    title: str
    care_area: str
    purpose: str
    learning_question: str
    access: str
    facilitators: tuple[str, ...]
    members: tuple[str, ...]
    is_private: bool = False
    discoverable: bool = False
    pending: tuple[tuple[str, str], ...] = ()
    resources: tuple[dict, ...] = ()
    events: tuple[DemoEvent, ...] = field(default_factory=tuple)


COMMUNITIES = [
    DemoCommunity(
        slug="frailty",
        title="Living well with frailty",
        care_area="frailty",
        purpose=(
            "Nurses, pharmacists, therapists, carers and voluntary-sector partners finding frailty early and "
            "planning care with people, not for them. We grew out of a shared assessment tool covering frailty, "
            "end of life and dementia, now used by 300 trained staff, and 15,000 more people with a recorded "
            "frailty diagnosis."
        ),
        learning_question="How do we turn a recorded frailty diagnosis into a care plan the person recognises?",
        access=Access.OPEN,
        facilitators=("facilitator_frailty",),
        members=("member_pharmacist", "patient_partner", "voluntary", "member_ward"),
        resources=(
            {
                "type": "text",
                "value": "<p>Start with the shared assessment guide and the training outline we used with 300 "
                "staff across community, primary and acute teams.</p>",
            },
            {
                "type": "resource",
                "value": {
                    "title": "NHS England: Frailty",
                    "url": "https://www.england.nhs.uk/ourwork/clinical-policy/older-people/frailty/",
                    "description": "National guidance on identifying and supporting people living with frailty.",
                    "document": None,
                },
            },
        ),
        events=(
            DemoEvent(
                "One assessment, three conversations: frailty, end of life and dementia",
                Event.Kind.WEBINAR,
                9,
                12,
                1,
                "How one shared assessment replaced three separate forms, and what 300 staff said about the training.",
                capacity=100,
                going=("member_pharmacist", "patient_partner"),
            ),
            DemoEvent(
                "Coding frailty: from 15,000 new diagnoses to care plans",
                Event.Kind.MEETING,
                -21,
                14,
                1,
                "Members compared how practices record frailty and what happens next.",
                going=("member_pharmacist",),
            ),
        ),
    ),
    DemoCommunity(
        slug="skin-cancer-pathway",
        title="Skin cancer pathway: zero-day tracking",
        care_area="cancer",
        purpose=(
            "Clinical and operational teams running zero-day patient tracking lists for suspected skin cancer. "
            "One trust cut the number of people waiting over 62 days from 1,200 to 100 in 18 months; we share "
            "the list design, the huddle and the escalation rules."
        ),
        learning_question="What makes a daily tracking list stick after the first six months?",
        access=Access.REQUEST,
        facilitators=("facilitator_cancer",),
        members=("member_ward",),
        pending=(("member_physio", "I run a community dermatology triage clinic and want to learn the huddle."),),
        events=(
            DemoEvent(
                "Zero-day PTL huddle: a live walk-through",
                Event.Kind.WEBINAR,
                16,
                8,
                0.75,
                "Watch a real (anonymised) morning huddle and ask the team how they escalate.",
                capacity=40,
                going=("member_ward",),
            ),
        ),
    ),
    DemoCommunity(
        slug="domiciliary-care",
        title="Domiciliary care: getting people home with the right support",
        care_area="domiciliary-care",
        purpose=(
            "Home care providers, social workers and NHS teams shortening the wait for a care package. One "
            "trust brought the number of people waiting from 803 to 270 and released 900 care hours with a "
            "new scheduling system, after mapping the whole patient ecosystem with 90+ stakeholders."
        ),
        learning_question="Where do care hours get lost between assessment and the first visit?",
        access=Access.OPEN,
        facilitators=("facilitator_domcare",),
        members=("voluntary", "patient_partner", "member_ward"),
        events=(
            DemoEvent(
                "Mapping your patient ecosystem: a convening day",
                Event.Kind.CONVENING,
                30,
                10,
                6,
                "A day of workshops to map who is involved in getting someone home with care, as the "
                "South Eastern team did with more than 90 stakeholders.",
                online=False,
                venue="Riverside Conference Centre, 12 Quay Street, Belfast BT1 3AB",
                capacity=90,
                going=("voluntary", "patient_partner"),
            ),
            DemoEvent(
                "Scheduling that released 900 care hours",
                Event.Kind.WEBINAR,
                -45,
                13,
                1,
                "The scheduling rules, the data and the rota changes behind 900 released care hours.",
            ),
        ),
    ),
    DemoCommunity(
        slug="musculoskeletal",
        title="Musculoskeletal waits: community assessment days",
        care_area="musculoskeletal",
        purpose=(
            "Running one-stop community assessment days for people waiting for MSK care. Fourteen providers "
            "invited 100 people; 55% left with what they needed on the day and waits fell by three and a half "
            "weeks for everyone else."
        ),
        learning_question="Which people on an MSK waiting list benefit most from an assessment day?",
        access=Access.OPEN,
        facilitators=("member_physio",),
        members=("facilitator_frailty", "member_pharmacist"),
        events=(
            DemoEvent(
                "Planning an assessment day with 14 providers",
                Event.Kind.MEETING,
                5,
                15,
                1,
                "Who to invite, how to triage the list and how to book rooms for the day.",
                capacity=2,
                going=("facilitator_frailty", "member_pharmacist"),
            ),
        ),
    ),
    DemoCommunity(
        slug="stroke-resource-allocation",
        title="Stroke: moving resource into the community",
        care_area="stroke",
        purpose=(
            "A closed working group using a socio-technical allocation of resources exercise across the top "
            "ten stroke interventions, to agree how to move resource from acute to community care."
        ),
        learning_question="Which of the top ten interventions should be funded first in the community?",
        access=Access.INVITE,
        is_private=True,
        facilitators=("leader",),
        members=("facilitator_frailty",),
        events=(
            DemoEvent(
                "Allocation workshop 3: scoring the top ten interventions",
                Event.Kind.MEETING,
                12,
                9,
                3,
                "Scoring session; papers are in the community resources.",
                online=False,
                venue="ICB offices, Room 4.2",
                capacity=12,
                going=("leader", "facilitator_frailty"),
            ),
        ),
    ),
    DemoCommunity(
        slug="discharge-stewardship",
        title="Discharge stewardship group",
        care_area="discharge",
        purpose=(
            "One of the seven priorities chosen by 250 people at the system convening: safer, earlier "
            "discharge. A stewardship group of at most ten people, mixed professions, flat hierarchy, working "
            "through a six-month crawl, walk, run programme."
        ),
        learning_question="What would make every discharge feel planned to the person going home?",
        access=Access.REQUEST,
        is_private=True,
        discoverable=True,
        facilitators=("member_ward",),
        members=("patient_partner", "voluntary", "curator"),
        events=(
            DemoEvent(
                "Crawl: mapping last month's discharges",
                Event.Kind.MEETING,
                -14,
                16,
                1.5,
                "We walked through ten discharges with the people who lived them.",
                going=("patient_partner", "voluntary"),
            ),
            DemoEvent(
                "Walk: testing a discharge-day checklist",
                Event.Kind.MEETING,
                7,
                16,
                1.5,
                "First PDSA cycle of the checklist on one ward.",
                capacity=10,
                going=("patient_partner",),
            ),
        ),
    ),
]


def _index(context: DemoContext) -> CommunityIndexPage:
    index = CommunityIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = CommunityIndexPage(
            title="Communities",
            slug="communities",
            show_in_menus=True,
            intro="Communities of practice bring together people working on the same problem. Find one and join it.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    elif not index.show_in_menus:
        index.show_in_menus = True
        index.save(update_fields=["show_in_menus"])
    return index


def _event_time(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


# When each community started (its first publication): search's Year filter and "newest" read it.
FOUNDED = {
    "frailty": date(2022, 5, 10),
    "skin-cancer-pathway": date(2022, 11, 2),
    "domiciliary-care": date(2022, 9, 14),
    "musculoskeletal": date(2023, 8, 21),
    "stroke-resource-allocation": date(2024, 2, 5),
    "discharge-stewardship": date(2023, 3, 1),
}


def _banner(page: CommunityPage, spec: DemoCommunity):
    people = len(spec.facilitators) + len(spec.members)
    return images.attach(
        page,
        title=f"{spec.title}: banner",
        alt=images.community_banner_alt(spec.title, people),
        draw=lambda: images.community_banner(spec.slug, people),
    )


def load(context: DemoContext) -> None:
    index = _index(context)
    people = context.people
    for spec in COMMUNITIES:
        page = CommunityPage.objects.child_of(index).filter(slug=spec.slug).first()
        founded = FOUNDED.get(spec.slug, date(2023, 1, 1))
        fields = {
            "first_published_at": datetime(founded.year, founded.month, founded.day, 10, 0, tzinfo=LONDON),
            "title": spec.title,
            "purpose": spec.purpose,
            "learning_question": spec.learning_question,
            "care_area": context.objects.get(f"care_area:{spec.care_area}"),
            "access": spec.access,
            "is_private": spec.is_private,
            "discoverable": spec.discoverable,
            "resources": list(spec.resources),
        }
        if page is None:
            page = CommunityPage(slug=spec.slug, owner=people[spec.facilitators[0]], **fields)
            index.add_child(instance=page)
            page.image = _banner(page, spec)
            page.save_revision(user=people["admin"]).publish(user=people["admin"])
        else:
            for key, value in fields.items():
                setattr(page, key, value)
            page.image = _banner(page, spec)
            page.draft_title = page.title
            page.save()
        context.objects[f"community:{spec.slug}"] = page

        for key in spec.facilitators:
            Membership.objects.update_or_create(
                user=people[key],
                community=page,
                defaults={"role": Membership.Role.FACILITATOR, "state": Membership.State.ACTIVE},
            )
        for key in spec.members:
            Membership.objects.update_or_create(
                user=people[key],
                community=page,
                defaults={"role": Membership.Role.MEMBER, "state": Membership.State.ACTIVE},
            )
        for key, message in spec.pending:
            Membership.objects.update_or_create(
                user=people[key],
                community=page,
                defaults={"state": Membership.State.PENDING, "request_message": message},
            )

        for demo_event in spec.events:
            starts_at = _event_time(demo_event.days_from_today, demo_event.start_hour)
            event, _ = Event.objects.update_or_create(
                community=page,
                title=demo_event.title,
                defaults={
                    "kind": demo_event.kind,
                    "description": demo_event.description,
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(hours=demo_event.hours),
                    "timezone": "Europe/London",
                    "online_url": "https://meet.boost.localhost/" + spec.slug if demo_event.online else "",
                    "venue": demo_event.venue,
                    "capacity": demo_event.capacity,
                    "created_by": people[spec.facilitators[0]],
                },
            )
            for key in demo_event.going:
                Rsvp.objects.get_or_create(event=event, user=people[key], defaults={"status": Rsvp.Status.GOING})
