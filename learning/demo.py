"""Demo learning content: an "Improvement fundamentals" programme with three modules of real
teaching text (``learning/demo_content.py``), and the stewardship programme. Idempotent."""

from __future__ import annotations

from boost.demo.context import DemoContext
from boost.models import HomePage
from learning.demo_content import MODULES
from learning.models import LearningModulePage, ProgrammeIndexPage, ProgrammePage


def _phase(key, name, summary, *, duration="", sessions=(), modules=(), outputs=()) -> dict:
    return {
        "type": "phase",
        "value": {
            "key": key,
            "name": name,
            "summary": summary,
            "duration": duration,
            "sessions": [{"title": title, "description": description} for title, description in sessions],
            "modules": [module.pk for module in modules],
            "outputs": list(outputs),
        },
    }


def _publish(page, context: DemoContext) -> None:
    page.save_revision(user=context.people.get("admin")).publish(user=context.people.get("admin"))


def _index(context: DemoContext) -> ProgrammeIndexPage:
    index = ProgrammeIndexPage.objects.first()
    if index is None:
        index = ProgrammeIndexPage(
            title="Learning programmes",
            slug="programmes",
            show_in_menus=True,
            intro="Build the skills to improve care: self-paced modules, and programmes that take teams from "
            "learning the methods to changing how their part of the system works.",
        )
        HomePage.objects.get().add_child(instance=index)
        _publish(index, context)
    return index


def _programme(index, context, slug: str, **fields) -> tuple[ProgrammePage, bool]:
    """The programme, and whether this run created it (later runs leave editors' changes alone)."""
    programme = ProgrammePage.objects.child_of(index).filter(slug=slug).first()
    if programme is not None:
        return programme, False
    programme = ProgrammePage(slug=slug, **fields)
    index.add_child(instance=programme)
    _publish(programme, context)
    return programme, True


def _modules(programme: ProgrammePage, context: DemoContext) -> list[LearningModulePage]:
    pages = []
    for spec in MODULES:
        module = LearningModulePage.objects.child_of(programme).filter(slug=spec["slug"]).first()
        if module is None:
            module = LearningModulePage(**spec)
            programme.add_child(instance=module)
            _publish(module, context)
        pages.append(module)
    return pages


def load(context: DemoContext) -> None:
    index = _index(context)
    leader = context.people.get("curator")
    fundamentals, new = _programme(
        index,
        context,
        "improvement-fundamentals",
        title="Improvement fundamentals",
        aim="Give anyone in health and care the basic methods of quality improvement: setting an aim, testing "
        "changes with PDSA cycles, and reading the charts that show whether a change made a difference.",
        audience="Anyone starting out in improvement: clinical and non-clinical staff, managers, patients and "
        "carers who take part in improvement work.",
        time_commitment="About an hour and a half, self-paced",
    )
    modules = _modules(fundamentals, context)
    if new:
        _fundamentals_phases(fundamentals, modules, leader, context)
    context.objects["programme:fundamentals"] = fundamentals
    for module in modules:
        context.objects[f"module:{module.slug}"] = module

    stewardship, new = _programme(
        index,
        context,
        "stewardship-groups",
        title="Stewardship groups: crawl, walk, run",
        aim="Grow teams of about ten people (mixed professions and patients, a flat hierarchy, one care area "
        "each) who learn improvement together, get to know their part of the system, then change how it works.",
        audience="Multi-professional teams and patient partners nominated for one care pathway, with a line "
        "manager who agrees protected time.",
        time_commitment="A day or two a month: six months of crawl, then walk and run with backfill time",
    )
    if new:
        _stewardship_phases(stewardship, modules, leader, context)
    context.objects["programme:stewardship"] = stewardship
    from learning.demo_cohort import load as load_cohort

    load_cohort(context)
    from learning.demo_assessment import load as load_assessments

    load_assessments(context)
    from learning.demo_nominations import load as load_nominations

    load_nominations(context)


def _fundamentals_phases(programme, modules, leader, context) -> None:
    programme.phases = [
        _phase(
            "crawl",
            "Learn the methods",
            "Three short modules, each with knowledge checks and a reflection to apply it to your own work.",
            modules=modules,
            outputs=["An aim for a problem in your own work", "A plan for your first PDSA cycle"],
        )
    ]
    programme.leads.set([leader] if leader else [])
    _publish(programme, context)


def _stewardship_phases(programme, modules, leader, context) -> None:
    programme.phases = [
        _phase(
            "crawl",
            "Crawl",
            "Training and team development: learn the methods and become a team.",
            duration="Six months, a day or two a month",
            sessions=[
                ("Launch day", "Meet your group, agree how you will work, choose your pathway."),
                ("Measurement for improvement", "Build your first measures and read them as SPC charts."),
                ("Working as a flat team", "Coaching session on shared leadership and lived-experience voice."),
            ],
            modules=modules,
            outputs=["A team charter", "A first PDSA cycle"],
        ),
        _phase(
            "walk",
            "Walk",
            "Get to know your system: its population, resources, activity and outcomes, with a little backfill "
            "time and the programme team's support.",
            duration="Three to six months",
            sessions=[("Mapping your pathway", "Build an eco-map of the services around a person's journey.")],
            outputs=["A map of your pathway", "A baseline of your key measures"],
        ),
        _phase(
            "run",
            "Run",
            "Change how things work: pathway improvement, new models of care, system change or value improvement.",
            duration="Ongoing",
            sessions=[("Value workshop", "Deliberate on spend and benefit across your pathway's interventions.")],
            outputs=["A value workshop", "A published write-up with measured results"],
        ),
    ]
    programme.leads.set([leader] if leader else [])
    _publish(programme, context)
