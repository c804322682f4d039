"""Demo self-assessments: both programmes use the published framework, and the stewardship groups
in the run phase rated themselves before and after, so the lead's summary has figures to show
(enough people to pass small-number suppression). Idempotent."""

from __future__ import annotations

from boost.demo.context import DemoContext
from communities.models import Membership
from learning.frameworks import DEFAULT_INTRO, DEFAULT_NAME, default_domains
from learning.models import ProgrammePage, SelfAssessment, SkillsFramework


def framework() -> SkillsFramework:
    found = SkillsFramework.objects.filter(live=True).order_by("pk").first()
    if found is None:
        found = SkillsFramework.objects.create(
            name=DEFAULT_NAME, intro=DEFAULT_INTRO, domains=default_domains(), live=True
        )
    return found


def load(context: DemoContext) -> None:
    chosen = framework()
    for programme in ProgrammePage.objects.filter(slug__in=["improvement-fundamentals", "stewardship-groups"]):
        if programme.skills_framework_id is None:
            programme.skills_framework = chosen
            programme.save_revision(user=context.people.get("admin")).publish(user=context.people.get("admin"))
    stewardship = ProgrammePage.objects.filter(slug="stewardship-groups").first()
    if stewardship is None:
        return
    keys = [domain["key"] for domain in chosen.domain_list()]
    people = Membership.objects.filter(
        community__team__cohort__programme=stewardship,
        community__team__phase="run",
        state=Membership.State.ACTIVE,
        role=Membership.Role.MEMBER,
    ).values_list("user_id", flat=True)
    for n, user_id in enumerate(sorted(set(people))):
        # Plausible spread: most start at 1–2 and end 1–2 levels higher; measurement grows most.
        before = {key: 1 + (n + i) % 2 for i, key in enumerate(keys)}
        after = {key: min(5, level + 1 + (key == "measurement") + (n % 3 == 0)) for key, level in before.items()}
        for stage, levels in (("before", before), ("after", after)):
            SelfAssessment.objects.get_or_create(
                user_id=user_id,
                programme=stewardship,
                stage=stage,
                defaults={"framework": chosen, "levels": levels},
            )
