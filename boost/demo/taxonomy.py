"""Care areas used across communities, projects and interests."""

from __future__ import annotations

from django.utils.text import slugify

from boost.demo.context import DemoContext
from boost.models import CareArea

CARE_AREAS = [
    "Frailty",
    "Cancer",
    "Discharge",
    "Domiciliary care",
    "Musculoskeletal",
    "Stroke",
    "Urgent and emergency care",
    "Mental health",
    "Primary care",
    "Dementia",
]


def load(context: DemoContext) -> None:
    for name in CARE_AREAS:
        area, _ = CareArea.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        context.objects[f"care_area:{area.slug}"] = area
