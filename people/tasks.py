"""Background work for people/: announcing signals to followers."""

from __future__ import annotations

from django.tasks import task


@task
def announce_signals(record_ids: list[int]) -> int:
    """Notify followers of new measure signals (see :mod:`people.alerts`)."""
    from people.alerts import announce

    return announce(record_ids)
