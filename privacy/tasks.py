"""Background work for data rights: building exports, erasing accounts whose grace period is over."""

from __future__ import annotations

from django.tasks import task


@task
def build_data_export(export_id: int) -> bool:
    """Build the archive of one requested export and email its recipient that it is ready."""
    from privacy import services

    return services.build_export(export_id)


@task
def erase_due_accounts() -> int:
    """Erase every account whose closure grace period has ended (queued by ``manage.py erase_closed_accounts``)."""
    from privacy import services

    return len(services.erase_due_accounts())
