"""A person's learning record: modules, sessions attended, outputs contributed, certificates.

A fixed number of queries however many cohorts, modules or sessions the person has."""

from __future__ import annotations

from learning.models import Certificate, ModuleProgress, SessionAttendance, ValueExercise


def learning_record(user) -> dict:
    from projects.models import ProjectPage

    progress = list(
        ModuleProgress.objects.filter(user=user, module__live=True).select_related("module").order_by("-updated_at")
    )
    return {
        "completed": [p for p in progress if p.state == ModuleProgress.State.COMPLETED],
        "in_progress": [p for p in progress if p.state == ModuleProgress.State.IN_PROGRESS],
        "certificates": list(Certificate.objects.filter(user=user).order_by("-issued_on")),
        # Marked by the session's facilitator or the programme lead, not by the person.
        "sessions": list(
            SessionAttendance.objects.filter(user=user).select_related("event__community").order_by("-event__starts_at")
        ),
        # Outputs: live write-ups the person is on the team of, and value exercises they started.
        "writeups": list(ProjectPage.objects.live().filter(team__user=user).order_by("-first_published_at")),
        "exercises": list(ValueExercise.objects.filter(created_by=user).order_by("-created_at")),
    }
