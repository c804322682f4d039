"""Demo content for projects: seven priorities, write-ups built from real published results with
plausible monthly data that shows real signals, a bright spot and an adoption. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from boost.demo import images
from boost.demo.context import DemoContext
from communities.models import CommunityPage
from projects.measurement import refresh_measure
from projects.models import (
    Annotation,
    BrightSpot,
    DataPoint,
    Measure,
    Method,
    Phase,
    PriorityIndexPage,
    PriorityPage,
    ProjectIndexPage,
    ProjectPage,
    ProjectTeamMember,
    Stage,
    StageChange,
)
from projects.services import organisations_from_names

PRIORITIES = [
    (
        "Home when ready: timely discharge",
        "timely-discharge",
        "discharge",
        "Everyone who is medically ready leaves hospital the same day, to the right support.",
        "Every day someone waits in hospital when they are ready to leave costs them strength and independence.",
    ),
    (
        "Ambulance handover delays",
        "ambulance-handover",
        "urgent-and-emergency-care",
        "No ambulance waits more than 30 minutes to hand over a patient.",
        "Crews held at the front door cannot answer the next call in the community.",
    ),
    (
        "Living well with frailty",
        "frailty",
        "frailty",
        "Frailty is recognised early and everyone living with it has a shared plan.",
        "A recorded diagnosis opens the door to the right support before a crisis.",
    ),
    (
        "Care at home without the wait",
        "care-at-home",
        "domiciliary-care",
        "Nobody waits more than two weeks for a package of care at home.",
        "People waiting for care at home wait in hospital beds or go without.",
    ),
    (
        "Faster cancer diagnosis",
        "faster-cancer-diagnosis",
        "cancer",
        "No one waits more than 62 days from referral to treatment.",
        "Every week of waiting adds worry and, for some, risk.",
    ),
    (
        "Shorter waits for planned care",
        "planned-care-waits",
        "musculoskeletal",
        "Halve the longest waits for musculoskeletal and other planned care.",
        "Long waits for assessment mean months of pain and lost work.",
    ),
    (
        "Stroke care closer to home",
        "stroke-care",
        "stroke",
        "Move stroke rehabilitation into the community where it does most good.",
        "Most recovery happens at home; most of the money is spent in hospital.",
    ),
]


def _months(start: date, count: int) -> list[date]:
    return [date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(count)]


def _series(start_value: float, end_value: float, months: int, baseline: int, noise: float, seed: int) -> list[float]:
    """A noisy baseline, then a steady move to ``end_value``: the shape of a real improvement."""
    rng = random.Random(seed)
    values = []
    for i in range(months):
        if i < baseline:
            centre = start_value
        else:
            progress = (i - baseline + 1) / (months - baseline)
            centre = start_value + (end_value - start_value) * (1 - (1 - progress) ** 1.6)
        values.append(centre + rng.uniform(-noise, noise))
    values[0], values[-1] = start_value, end_value
    return [round(v) for v in values]


def _community(slug_or_area: str) -> CommunityPage | None:
    return (
        CommunityPage.objects.filter(care_area__slug=slug_or_area).order_by("pk").first()
        or CommunityPage.objects.filter(slug=slug_or_area).first()
    )


def _priorities(context: DemoContext) -> dict[str, PriorityPage]:
    index = PriorityIndexPage.objects.get()
    found = {}
    for title, slug, area, aim, why in PRIORITIES:
        priority = PriorityPage.objects.filter(slug=slug).first()
        if priority is None:
            priority = PriorityPage(title=title, slug=slug, aim=aim, why_it_matters=why)
            index.add_child(instance=priority)
        community = _community(area)
        priority.aim, priority.why_it_matters = aim, why
        priority.leads = [context.people["leader"]]
        priority.communities = [community] if community else []
        priority.save_revision(user=context.people["leader"]).publish()
        found[slug] = priority
        context.objects[f"priority:{slug}"] = priority
    return found


def _milestones(measures: list[dict]) -> list[tuple[date, str]]:
    """The project's milestones: its measures' annotations, else when its data starts and ends."""
    found: dict[str, date] = {}
    for spec in measures:
        for when, label in spec.get("annotations", []):
            found.setdefault(label, when)
    if found:
        return sorted((when, label) for label, when in found.items())
    days = sorted(when for spec in measures for when, _ in spec["data"])
    return [(days[0], "First data collected"), (days[-1], "Latest data")] if days else []


def _project(
    demo: DemoContext, *, slug, title, author, team, orgs, methods, priorities, areas, measures, **fields
) -> ProjectPage:
    index = ProjectIndexPage.objects.get()
    project = ProjectPage.objects.filter(slug=slug).first()
    if project is None:
        project = ProjectPage(title=title, slug=slug, owner=demo.people[author])
        index.add_child(instance=project)
    project.title = title
    for name, value in fields.items():
        setattr(project, name, value)
    project.organisations = organisations_from_names(orgs)
    project.methods = list(Method.objects.filter(slug__in=methods))
    project.priorities = [demo.objects[f"priority:{slug}"] for slug in priorities]
    project.communities = [community for area in areas if (community := _community(area))]
    project.care_area = demo.objects.get(f"care_area:{areas[0]}") if areas else None
    milestones = _milestones(measures)
    project.image = images.attach(
        project,
        title=f"{title}: timeline",
        alt=images.timeline_alt(title, milestones),
        draw=lambda: images.timeline(milestones, slug),
    )
    project.save_revision(user=demo.people[author]).publish()
    project.refresh_from_db()
    ProjectTeamMember.objects.update_or_create(
        project=project,
        user=demo.people[author],
        defaults={"is_coauthor": True, "sort_order": 0, "role": "Project lead"},
    )
    for position, member in enumerate(team, start=1):
        key = (
            {"project": project, "user": demo.people[member["person"]]}
            if "person" in member
            else {"project": project, "name": member["name"]}
        )
        ProjectTeamMember.objects.update_or_create(
            **key,
            defaults={
                "role": member.get("role", ""),
                "organisation": member.get("organisation", ""),
                "lived_experience": member.get("lived_experience", False),
                "is_coauthor": member.get("is_coauthor", True),
                "sort_order": position,
            },
        )
    for position, spec in enumerate(measures):
        measure, _ = Measure.objects.update_or_create(
            project=project,
            name=spec["name"],
            defaults={
                "operational_definition": spec["definition"],
                "measure_type": spec.get("type", "outcome"),
                "unit": spec.get("unit", ""),
                "better": spec.get("better", ""),
                "target": spec.get("target"),
                "sort_order": position,
            },
        )
        DataPoint.objects.filter(measure=measure).delete()
        DataPoint.objects.bulk_create(
            [DataPoint(measure=measure, date=when, value=Decimal(str(value))) for when, value in spec["data"]]
        )
        Annotation.objects.filter(measure=measure).delete()
        Annotation.objects.bulk_create(
            [Annotation(measure=measure, date=when, label=label) for when, label in spec.get("annotations", [])]
        )
        Phase.objects.filter(measure=measure).delete()
        Phase.objects.bulk_create(
            [Phase(measure=measure, start_date=when, label=label) for when, label in spec.get("phases", [])]
        )
        refresh_measure(measure)
    demo.objects[f"project:{slug}"] = project
    return project


def load(context: DemoContext) -> None:
    _priorities(context)
    people = context.people

    domcare_months = _months(date(2022, 10, 1), 18)
    domcare = _project(
        context,
        slug="care-package-waiting-list",
        title="Bringing down the wait for care at home",
        author="facilitator_domcare",
        team=[
            {"person": "patient_partner", "role": "Carer and patient partner", "lived_experience": True},
            {"name": "Aoife Kelly", "role": "Scheduling lead", "organisation": "South Eastern HSC Trust"},
            {"person": "voluntary", "role": "Voluntary sector partner", "organisation": "Age Well Community Trust"},
        ],
        orgs=["South Eastern HSC Trust"],
        methods=["ecosystem-mapping", "model-for-improvement", "spc"],
        priorities=["care-at-home", "timely-discharge"],
        areas=["domiciliary-care", "discharge"],
        stage="sustained",
        care_setting="home",
        summary="803 people were waiting for a package of care at home. We mapped everything around a person "
        "waiting for care with more than 90 people, then changed how care runs are scheduled. The list fell to 270.",
        problem="In October 2022, 803 people in our area were waiting for a package of care at home, some in "
        "hospital beds, many at home with family filling the gap.",
        what_was_known="Scheduling by hand wasted carers' time in travel and left short gaps that could not be used.",
        rationale="If carers' time is released from travel and admin, the same workforce can start more packages.",
        aim="Reduce the number of people waiting for a care package from 803 to under 300 by March 2024.",
        context="A large rural and urban area, independent and in-house providers, and a stretched workforce.",
        changes="1. Ecosystem mapping workshops with 90+ stakeholders, including people waiting and their carers.\n"
        "2. A scheduling system that plans runs by geography, releasing 900 care hours.\n"
        "3. A weekly huddle reviewing everyone waiting longest.",
        study_approach="Monthly counts of people waiting, shown on an XmR chart with the limits recalculated after "
        "the scheduling system went live.",
        measures_description="Outcome: people waiting. Process: care hours released. Balancing: packages that "
        "broke down in the first four weeks.",
        analysis="Statistical process control, Making Data Count rules.",
        ethics="Service evaluation; no identifiable data left the Trust.",
        results="The list fell from 803 to 270. A run of points below the baseline mean since mid-2023 shows the "
        "change has held. Packages breaking down did not rise.",
        findings_summary="Scheduling by geography released 900 hours, and the wait fell by two thirds.",
        interpretation="Released hours were the main driver; the huddle kept attention on the longest waits.",
        limitations="Demand fell slightly in winter 2023; we cannot separate that effect fully.",
        conclusions="Start with the map: the people waiting told us where the time was going.",
        funding="Trust transformation funds.",
        measures=[
            {
                "name": "People waiting for a care package",
                "definition": "Number of people assessed as needing domiciliary care and not yet receiving it, "
                "counted on the first working day of each month from the care management system.",
                "unit": "people",
                "better": "lower",
                # Six stable months, the fall as the scheduling system rolled out, then a new,
                # lower steady state: limits are recalculated once the new process has settled.
                "data": list(
                    zip(
                        domcare_months,
                        [803, 812, 795, 806, 798, 809, 742, 640, 520, 410, 330, 301, 288, 296, 279, 284, 275, 270],
                        strict=True,
                    )
                ),
                "annotations": [
                    (date(2022, 11, 1), "Ecosystem mapping workshops"),
                    (date(2023, 4, 1), "Scheduling system live"),
                    (date(2023, 6, 1), "PDSA: weekly longest-wait huddle"),
                ],
                "phases": [
                    (date(2023, 4, 1), "Scheduling system rolling out"),
                    (date(2023, 9, 1), "New steady state: limits recalculated"),
                ],
            },
            {
                "name": "Care hours released by scheduling",
                "definition": "Hours of carer time per month released from travel and gaps, from the scheduling "
                "system's reports, compared with the same runs before.",
                "type": "process",
                "unit": "hours",
                "better": "higher",
                "data": list(zip(domcare_months, [0] * 6 + _series(20, 95, 12, 0, 6, seed=2), strict=True)),
            },
            {
                "name": "Packages breaking down within four weeks",
                "definition": "Care packages started in the month that ended or were suspended within 28 days.",
                "type": "balancing",
                "unit": "%",
                "better": "lower",
                "target": 15,
                "data": list(zip(domcare_months, _series(9, 9, 18, 18, 1.5, seed=3), strict=True)),
            },
        ],
    )

    cancer_months = _months(date(2022, 7, 1), 24)
    cancer = _project(
        context,
        slug="skin-cancer-zero-day-ptl",
        title="A zero-day tracking list for skin cancer",
        author="facilitator_cancer",
        team=[
            {"name": "Dr Marcus Bell", "role": "Consultant dermatologist", "organisation": "Mid and South Essex NHS FT"}
        ],
        orgs=["Mid and South Essex NHS FT"],
        methods=["zero-day-ptl", "model-for-improvement"],
        priorities=["faster-cancer-diagnosis"],
        areas=["cancer"],
        stage="sustained",
        care_setting="acute",
        summary="1,200 people on the skin cancer pathway had waited more than 62 days. A clinical and operational "
        "team ran a zero-day patient tracking list every day. Eighteen months later, 100 had.",
        problem="Over 1,200 patients on the skin cancer pathway had waited more than 62 days.",
        aim="Fewer than 150 patients waiting over 62 days within 18 months.",
        changes="A zero-day patient tracking list: every patient reviewed every day by a clinician and a pathway "
        "manager together, with the next step booked before the meeting ends.",
        results="Patients waiting more than 62 days fell from 1,200 to 100 over 18 months.",
        measures=[
            {
                "name": "Patients waiting more than 62 days",
                "definition": "Patients on the skin cancer PTL beyond day 62 of the pathway at the month-end snapshot.",
                "unit": "patients",
                "better": "lower",
                # Six months at about 1,200, the fall once the zero-day list started, then nine
                # months holding at about 100. One phase would give limits that fit neither
                # level, so the limits are recalculated at the change and again once it settled.
                "data": list(
                    zip(
                        cancer_months,
                        _series(1200, 100, 15, 6, 45, seed=4) + _series(100, 100, 9, 9, 12, seed=5),
                        strict=True,
                    )
                ),
                "annotations": [(date(2023, 1, 1), "Zero-day PTL starts")],
                "phases": [
                    (date(2023, 1, 1), "Zero-day PTL starts"),
                    (date(2023, 10, 1), "New steady state: limits recalculated"),
                ],
            }
        ],
    )

    msk_months = _months(date(2023, 9, 1), 10)
    _project(
        context,
        slug="msk-community-assessment-day",
        title="A community assessment day for musculoskeletal waits",
        author="member_physio",
        team=[{"name": "Priya Natarajan", "role": "MSK service manager", "organisation": "Community MSK Service"}],
        orgs=["Community MSK Service"],
        methods=["model-for-improvement"],
        priorities=["planned-care-waits"],
        areas=["musculoskeletal"],
        stage="implementing",
        care_setting="community",
        summary="Fourteen providers ran one assessment day for 100 people on the waiting list. 55% had what they "
        "needed on the day; waits fell by three and a half weeks for everyone else.",
        problem="People waited months for a first MSK assessment, then were passed between services.",
        aim="Cut the wait for a first MSK assessment by four weeks.",
        changes="One community assessment day with 14 providers under one roof; 100 people invited from the list.",
        results="55% of the people who came had what they needed on the day. The average wait fell by 3.5 weeks.",
        measures=[
            {
                "name": "Average wait for a first MSK assessment",
                "definition": "Mean weeks from referral to first assessment for people seen in the month.",
                "unit": "weeks",
                "better": "lower",
                "data": list(zip(msk_months, [19, 18.5, 19.5, 19, 18, 15.5, 15, 15.5, 15, 15.5], strict=True)),
                "annotations": [(date(2024, 1, 15), "Community assessment day")],
            },
            {
                "name": "People whose needs were met on the day",
                "definition": "Of the people who attended the assessment day, the share who left with everything "
                "they needed (no further referral).",
                "type": "process",
                "unit": "%",
                "better": "higher",
                "data": [(date(2024, 1, 1), 55)],
            },
        ],
    )

    frailty_months = _months(date(2022, 4, 1), 24)
    _project(
        context,
        slug="shared-frailty-assessment",
        title="One shared assessment for frailty, end of life and dementia",
        author="facilitator_frailty",
        team=[{"person": "member_pharmacist", "role": "Clinical pharmacist", "organisation": "Primary Care Network"}],
        orgs=["Community Health Trust", "Primary Care Network"],
        methods=["model-for-improvement", "driver-diagram"],
        priorities=["frailty"],
        areas=["frailty", "dementia"],
        stage="spreading",
        care_setting="whole_system",
        summary="We built one shared assessment tool for frailty, end of life and dementia and trained 300 staff to "
        "use it. 15,000 more people now have a recorded frailty diagnosis.",
        problem="Frailty went unrecorded, so people missed the support that a diagnosis opens up.",
        aim="Record frailty for everyone over 65 who is living with it.",
        changes="A shared assessment tool used by every service, and training for 300 staff across the system.",
        results="15,000 more people have a recorded frailty diagnosis than at the start.",
        measures=[
            {
                "name": "People with a recorded frailty diagnosis",
                "definition": "Registered patients aged 65+ with a frailty code in their GP record, month end.",
                "unit": "people",
                "better": "higher",
                "data": list(zip(frailty_months, _series(41000, 56000, 24, 6, 350, seed=5), strict=True)),
                "annotations": [(date(2022, 10, 1), "Shared tool and training launched")],
            },
            {
                "name": "Staff trained in the shared assessment",
                "definition": "Cumulative staff completing the assessment training.",
                "type": "process",
                "unit": "staff",
                "better": "higher",
                "data": list(zip(frailty_months, [0] * 6 + _series(20, 300, 18, 0, 5, seed=6), strict=True)),
            },
        ],
    )

    stroke_months = _months(date(2022, 1, 1), 16)
    _project(
        context,
        slug="stroke-resource-allocation",
        title="Moving stroke resources from hospital to community",
        author="leader",
        team=[{"name": "Stroke network board", "role": "Decision panel", "is_coauthor": False}],
        orgs=["Integrated Care Board"],
        methods=["star"],
        priorities=["stroke-care"],
        areas=["stroke"],
        stage="implementing",
        care_setting="whole_system",
        summary="A socio-technical allocation of resources exercise weighed the top ten stroke interventions and "
        "moved money from acute beds to community rehabilitation.",
        problem="Most of the stroke budget was spent in hospital, while recovery happens at home.",
        aim="Spend at least 30% of the stroke budget on community rehabilitation.",
        changes="A STAR workshop with clinicians, managers and stroke survivors, scoring the top ten interventions "
        "for cost and benefit, then a staged shift of budget.",
        results="Community rehabilitation's share of spend rose from 18% to 29%.",
        measures=[
            {
                "name": "Share of stroke spend on community rehabilitation",
                "definition": "Community stroke rehabilitation spend as a percentage of total stroke spend, monthly.",
                "unit": "%",
                "better": "higher",
                "data": list(zip(stroke_months, _series(18, 29, 16, 6, 1, seed=7), strict=True)),
                "annotations": [(date(2022, 6, 1), "STAR workshop")],
            }
        ],
    )

    adoption = _project(
        context,
        slug="zero-day-list-for-discharge",
        title="Trying a zero-day tracking list for discharge",
        author="member_ward",
        team=[{"person": "patient_partner", "role": "Carer and patient partner", "lived_experience": True}],
        orgs=["City Hospital NHS Trust"],
        methods=["zero-day-ptl"],
        priorities=["timely-discharge"],
        areas=["discharge"],
        stage="testing",
        care_setting="acute",
        adapted_from=cancer,
        summary="We borrowed the skin cancer team's zero-day tracking list for people ready to leave hospital.",
        problem="People medically ready to leave stayed on our ward for days waiting for the next step.",
        aim="Halve the number of people on the ward who are ready to leave but still here.",
        changes="A daily ten-minute review of everyone ready to leave, with the next step booked in the meeting.",
        results="Early days: the count is falling but it is too soon to call it.",
        measures=[
            {
                "name": "People ready to leave but still on the ward",
                "definition": "Patients flagged 'medically optimised for discharge' at 9am, averaged over the week.",
                "unit": "people",
                "better": "lower",
                "data": list(zip(_months(date(2024, 1, 1), 9), [14, 15, 13, 14, 12, 10, 9, 9, 8], strict=True)),
                "annotations": [(date(2024, 4, 1), "PDSA 1: daily ten-minute review")],
            }
        ],
    )
    BrightSpot.objects.update_or_create(
        project=domcare,
        defaults={"note": "The waiting list fell by two thirds and held.", "featured_by": people["leader"]},
    )
    BrightSpot.objects.update_or_create(
        project=cancer, defaults={"note": "Over-62-day waits down from 1,200 to 100.", "featured_by": people["leader"]}
    )
    context.objects["project:adoption"] = adoption
    _stage_histories(context)


def _stage_histories(context: DemoContext) -> None:
    """Give each demo write-up a stage history over the past year (one stage every three months,
    the latest move 0 to 3 months ago), so the priority pages' stage funnel shows movement."""
    stages = list(Stage)
    now = timezone.now()
    projects = list(
        {value.pk: value for key, value in sorted(context.objects.items()) if key.startswith("project:")}.values()
    )
    for position, project in enumerate(projects):
        reached = stages[: stages.index(Stage(project.stage)) + 1]
        latest_move = (position % 4) * 30 + 5
        StageChange.objects.filter(project=project).delete()
        StageChange.objects.bulk_create(
            [
                StageChange(project=project, stage=stage, changed_at=now - timedelta(days=latest_move + 90 * step))
                for step, stage in enumerate(reversed(reached))
            ]
        )
