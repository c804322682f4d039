"""Record each new signal and assurance change of a measure, once.

:func:`record_signals` runs inside :func:`projects.measurement.refresh_measure`, the one place the
statistics run, so every way data changes (a value added or deleted, a CSV import, a new phase, a
changed target) is covered. A signal is known by its rule, side and first date; the unique
``(measure, key)`` constraint makes a re-upload of the same data, or a concurrent refresh, record
nothing new. New records are announced by whoever listens to :data:`signals_recorded` (people/
tells followers), after the transaction commits.
"""

from __future__ import annotations

import django.dispatch
from django.db import IntegrityError, transaction

from projects import spc
from projects.models import Measure, MeasureSignal

# Sent with ``measure`` and ``records`` (the new MeasureSignal rows) inside the refresh's transaction.
signals_recorded = django.dispatch.Signal()

ASSURANCE_TEXT = {
    "": "no longer has an assurance reading against its target",
    spc.AssuranceIcon.CONSISTENTLY_PASS: "will now consistently pass its target",
    spc.AssuranceIcon.CONSISTENTLY_FAIL: "will now consistently fail its target",
    spc.AssuranceIcon.HIT_AND_MISS: "will now hit and miss its target: the target lies inside the process limits",
}


def signal_key(signal: spc.Signal) -> str:
    return f"{signal.rule.value}:{signal.side.value}:{signal.start_date.isoformat()}"


def _candidates(measure: Measure, result: spc.SpcResult, decimals: int) -> list[MeasureSignal]:
    latest = result.latest.date if result.latest else None
    found = []
    for signal in result.signals:
        if signal.classification is spc.Classification.COMMON_CAUSE:
            continue
        found.append(
            MeasureSignal(
                measure=measure,
                kind=MeasureSignal.Kind.SPECIAL_CAUSE,
                key=signal_key(signal),
                rule=signal.rule.value,
                side=signal.side.value,
                classification=signal.classification.value,
                start_date=signal.start_date,
                end_date=signal.end_date,
                description=spc.describe_signal(result, signal, unit=measure.unit, decimals=decimals)[:400],
                is_current=signal.end_date == latest,
            )
        )
    return found


def _assurance_change(measure: Measure, result: spc.SpcResult) -> MeasureSignal | None:
    now = result.assurance_icon.value if result.assurance_icon else ""
    previous = (
        MeasureSignal.objects.filter(measure=measure, kind=MeasureSignal.Kind.ASSURANCE)
        .order_by("-id")
        .values_list("assurance", flat=True)
        .first()
    )
    if (previous or "") == now:
        return None
    count = MeasureSignal.objects.filter(measure=measure, kind=MeasureSignal.Kind.ASSURANCE).count()
    return MeasureSignal(
        measure=measure,
        kind=MeasureSignal.Kind.ASSURANCE,
        key=f"assurance:{count + 1}",
        assurance=now,
        previous_assurance=previous or "",
        end_date=result.latest.date if result.latest else None,
        description=f"{measure.name} {ASSURANCE_TEXT[now]}",
        is_current=True,
    )


def record_signals(measure: Measure, result: spc.SpcResult, decimals: int) -> list[MeasureSignal]:
    """Store the signals and assurance change in ``result`` that ``measure`` has not shown before."""
    candidates = _candidates(measure, result, decimals)
    known = set(
        MeasureSignal.objects.filter(measure=measure, key__in=[c.key for c in candidates]).values_list("key", flat=True)
    )
    change = _assurance_change(measure, result)
    new = [c for c in candidates if c.key not in known] + ([change] if change else [])
    created = []
    for record in new:
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:  # another refresh recorded it first: announced once, by that one
            continue
        created.append(record)
    if created:
        signals_recorded.send(sender=Measure, measure=measure, records=created)
    return created
