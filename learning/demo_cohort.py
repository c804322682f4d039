"""Demo cohort of the stewardship programme: four groups (cancer, MSK, frailty, stroke) at different
phases, with sessions, attendance, gates, and the stroke group's value exercise (ten interventions
and a proposal to move resource from acute to community rehabilitation). Idempotent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Profession, User
from boost.demo import images
from boost.demo.context import DemoContext
from boost.models import CareArea
from communities.models import Event, Membership
from learning import cohort_services
from learning.models import (
    Application,
    Cohort,
    Intervention,
    PhaseGate,
    ProgrammePage,
    ResourceShift,
    SessionAttendance,
    Team,
    ValueExercise,
)
from projects.models import PriorityPage, ProjectPage

LONDON = ZoneInfo("Europe/London")
P = Profession

# (team name, care area, phase, coach key, existing demo people, new people as (name, profession))
TEAMS = [
    (
        "Cancer stewardship group",
        "cancer",
        "run",
        "facilitator_cancer",
        (),
        [
            ("Aisha Khan", P.DOCTOR),
            ("Ben Cole", P.MANAGER),
            ("Chloe Adams", P.NURSE),
            ("Dev Patel", P.IMPROVEMENT),
            ("Elaine Ward", P.LIVED_EXPERIENCE),
            ("Femi Bello", P.AHP),
            ("Gill Hart", P.MANAGER),
        ],
    ),
    (
        "MSK stewardship group",
        "musculoskeletal",
        "walk",
        None,
        ("member_physio",),
        [
            ("Hannah Lowe", P.AHP),
            ("Imran Ali", P.DOCTOR),
            ("Jo Price", P.MANAGER),
            ("Kwame Mensah", P.LIVED_EXPERIENCE),
            ("Lucy Ford", P.VOLUNTARY),
        ],
    ),
    (
        "Frailty stewardship group",
        "frailty",
        "crawl",
        "facilitator_frailty",
        ("member_pharmacist",),
        [
            ("Maria Silva", P.NURSE),
            ("Neil Grant", P.SOCIAL_CARE),
            ("Olu Ade", P.DOCTOR),
            ("Pat Quinn", P.LIVED_EXPERIENCE),
        ],
    ),
    (
        "Stroke stewardship group",
        "stroke",
        "run",
        None,
        (),
        [
            ("Rachel Moss", P.DOCTOR),
            ("Sunil Rao", P.AHP),
            ("Tara Byrne", P.NURSE),
            ("Uma Shah", P.MANAGER),
            ("Victor Lane", P.IMPROVEMENT),
            ("Wendy Cross", P.LIVED_EXPERIENCE),
            ("Yusuf Amin", P.AHP),
            ("Zoe Hall", P.SOCIAL_CARE),
        ],
    ),
]

# Annual spend (£), people a year, QALYs per person (best, low, high), source.
STROKE_INTERVENTIONS = [
    (
        "Hyperacute stroke unit care (first 72 hours)",
        4200000,
        900,
        "0.35",
        "0.25",
        "0.45",
        "SSNAP audit activity; NICE NG128 costing template",
    ),
    ("Intravenous thrombolysis", 380000, 110, "0.45", "0.30", "0.60", "NICE TA264; Wardlaw et al. 2012 meta-analysis"),
    ("Mechanical thrombectomy", 1150000, 75, "1.10", "0.70", "1.50", "Ganesalingam et al. 2015 cost-effectiveness"),
    (
        "Acute stroke unit stay beyond 14 days",
        3600000,
        320,
        "0.04",
        "0.00",
        "0.10",
        "Local bed-day audit; expert panel estimate",
    ),
    ("Early supported discharge", 950000, 380, "0.18", "0.10", "0.25", "Langhorne et al. 2017 Cochrane review"),
    ("Community stroke rehabilitation at home", 1300000, 520, "0.15", "0.08", "0.22", "NICE NG236 economic model"),
    ("Six-month reviews", 120000, 700, "0.01", "0.00", "0.03", "Stroke Association data; panel estimate"),
    ("TIA and secondary prevention clinic", 600000, 1100, "0.05", "0.02", "0.08", "EXPRESS study; NICE NG128"),
    (
        "Psychological support after stroke",
        210000,
        260,
        "0.06",
        "0.02",
        "0.10",
        "Panel estimate from NHS Talking Therapies outcomes",
    ),
    ("Vocational rehabilitation", 140000, 60, "0.12", "0.05", "0.20", "Radford et al. 2020 (RETAKE feasibility trial)"),
]


def _person(name: str, profession: str) -> User:
    email = name.lower().replace(" ", ".") + "@boost.localhost"
    user, created = User.objects.get_or_create(email=email)
    if created:
        user.first_name, _, user.last_name = name.partition(" ")
        user.set_unusable_password()
        user.save()
        user.profile.display_name, user.profile.profession = name, profession
        user.profile.save()
    return user


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _event(community, title: str, days: int, creator) -> Event:
    event = Event.objects.filter(community=community, title=title).first()
    if event is None:
        event = Event.objects.create(
            community=community,
            title=title,
            starts_at=_at(days, 9),
            ends_at=_at(days, 16),
            venue="Learning centre",
            created_by=creator,
        )
    return event


def load(context: DemoContext) -> None:
    programme = ProgrammePage.objects.filter(slug="stewardship-groups").first()
    lead = context.people.get("curator")
    if programme is None or lead is None:
        return
    cohort = Cohort.objects.filter(programme=programme, name="2026 cohort").first()
    if cohort is None:
        cohort = cohort_services.create_cohort(
            actor=lead,
            programme=programme,
            name="2026 cohort",
            starts_on=date(2026, 1, 12),
            ends_on=date(2027, 1, 11),
            applications_close_on=date(2025, 12, 1),
            capacity=40,
        )
    sessions = [
        _event(cohort.community, title, days, lead)
        for title, days in [
            ("Launch day", -300),
            ("Measurement for improvement", -240),
            ("Working as a flat team", -180),
        ]
    ]
    _banner(cohort.community, people=40)
    for spec in TEAMS:
        team = _team(context, cohort, lead, sessions, *spec)
        _banner(team.community, people=team.community.memberships.count())
    _stroke_value(context, cohort, lead)


def _banner(community, *, people: int) -> None:
    """Workspaces get the same drawn banner as every demo community (the demo never shows a bare page)."""
    if community.image_id is None:
        community.image = images.attach(
            community,
            title=f"{community.title}: banner",
            alt=images.community_banner_alt(community.title, people),
            draw=lambda: images.community_banner(community.slug, people),
        )
        community.save(update_fields=["image"])


def _team(context, cohort, lead, sessions, name, area, phase, coach_key, existing, new) -> Team:
    people = [context.people[key] for key in existing] + [_person(n, prof) for n, prof in new]
    coach = context.people.get(coach_key) if coach_key else None
    team = Team.objects.filter(cohort=cohort, name=name).first()
    if team is None:
        team = cohort_services.create_team(
            actor=lead,
            cohort=cohort,
            name=name,
            care_area=CareArea.objects.filter(slug=area).first(),
            coach=coach,
            backfill_days_agreed=Decimal(len(people) * 6),
        )
        team.backfill_days_used = Decimal(len(people) * {"crawl": 1, "walk": 3, "run": 5}[phase])
        team.save(update_fields=["backfill_days_used"])
    for person in people:
        Application.objects.get_or_create(
            cohort=cohort,
            user=person,
            defaults={"state": Application.State.ACCEPTED, "decided_by": lead, "decided_at": timezone.now()},
        )
        Membership.objects.get_or_create(
            user=person, community=cohort.community, defaults={"state": Membership.State.ACTIVE}
        )
        Membership.objects.get_or_create(
            user=person, community=team.community, defaults={"state": Membership.State.ACTIVE}
        )
    # Attendance: most people came to most sessions.
    for n, session in enumerate(sessions):
        for m, person in enumerate(people):
            if (n + m) % 4:
                SessionAttendance.objects.get_or_create(event=session, user=person, defaults={"marked_by": lead})
    context.objects[f"team:{area}"] = team
    if not team.gates.exists() and phase != "crawl":
        evidence = {
            "cancer": "skin-cancer-zero-day-ptl",
            "musculoskeletal": "msk-community-assessment-day",
            "stroke": "stroke-resource-allocation",
        }
        writeup = ProjectPage.objects.filter(slug=evidence[area]).first()
        order = ["crawl", "walk", "run"]
        for step in range(order.index(phase)):
            gate = PhaseGate.objects.create(
                team=team,
                from_phase=order[step],
                to_phase=order[step + 1],
                signed_off_by=lead,
                signed_off_at=timezone.now() - timedelta(days=200 - 90 * step),
                note=[
                    "Team charter agreed and a first PDSA cycle run.",
                    "Pathway mapped with patients; baseline measures in place.",
                ][step],
            )
            if writeup:
                gate.writeups.set([writeup])
        Team.objects.filter(pk=team.pk).update(phase=phase)
    return team


def _stroke_value(context, cohort, lead) -> None:
    team = context.objects["team:stroke"]
    exercise = ValueExercise.objects.filter(community=team.community).first()
    if exercise is not None:
        return
    workshop = _event(team.community, "Value workshop: the stroke pathway", -40, lead)
    exercise = ValueExercise.objects.create(
        community=team.community,
        title="Stroke pathway: socio-technical allocation of resources",
        pathway="Stroke",
        benefit_unit="QALYs",
        workshop=workshop,
        created_by=lead,
        workshop_notes="Twenty-two people took part: the group, two stroke survivors and their carers, finance, "
        "commissioning and the community therapy lead. Each intervention's evidence was presented, then people "
        "voted on where an extra or a saved pound would do most good.",
        decisions="Move part of the spend on acute stays beyond 14 days into community stroke rehabilitation, "
        "timed with the opening of the new early supported discharge hours. Review in six months.",
    )
    items = {}
    for name, spend, people, best, low, high, source in STROKE_INTERVENTIONS:
        items[name] = Intervention.objects.create(
            exercise=exercise,
            name=name,
            annual_spend=Decimal(spend),
            people_reached=people,
            benefit_per_person=Decimal(best),
            benefit_low=Decimal(low),
            benefit_high=Decimal(high),
            source=source,
        )
    shift = ResourceShift.objects.create(
        exercise=exercise,
        from_intervention=items["Acute stroke unit stay beyond 14 days"],
        to_intervention=items["Community stroke rehabilitation at home"],
        amount=Decimal(600000),
        expected_benefit_change=Decimal("33.8"),
        status=ResourceShift.Status.AGREED,
        rationale="£600,000 buys about 2 QALYs a year in long acute stays and about 36 in community rehabilitation.",
    )
    priority = PriorityPage.objects.filter(slug="stroke-care").first()
    if priority:
        shift.priorities.set([priority])
    writeup = ProjectPage.objects.filter(slug="stroke-resource-allocation").first()
    if writeup:
        shift.writeups.set([writeup])
    last = team.gates.order_by("-signed_off_at").first()
    if last:
        last.value_exercises.add(exercise)
