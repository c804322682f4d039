"""Receivers: what other apps' changes mean for the people who follow them."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from projects.signal_record import signals_recorded


@receiver(signals_recorded)
def announce_new_signals(sender, measure, records, **kwargs) -> None:
    """Tell followers about a measure's new signals once the data that showed them is committed."""
    ids = [record.pk for record in records if record.is_current]
    if not ids:
        return
    from people.tasks import announce_signals

    transaction.on_commit(lambda: announce_signals.enqueue(ids), robust=True)
