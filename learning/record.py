"""A person's learning record: modules, sessions attended, outputs contributed, certificates.

A fixed number of queries however many cohorts, modules or sessions the person has."""

from __future__ import annotations

from learning.models import Certificate, ModuleProgress


def learning_record(user) -> dict:
    progress = list(
        ModuleProgress.objects.filter(user=user, module__live=True).select_related("module").order_by("-updated_at")
    )
    return {
        "completed": [p for p in progress if p.state == ModuleProgress.State.COMPLETED],
        "in_progress": [p for p in progress if p.state == ModuleProgress.State.IN_PROGRESS],
        "certificates": list(Certificate.objects.filter(user=user).order_by("-issued_on")),
    }
