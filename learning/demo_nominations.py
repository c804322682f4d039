"""Demo nominations: two of the 2026 cohort were nominated by their coach, and their line managers
confirmed (one) and have yet to answer (the other) the protected time. Idempotent."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from boost.demo.context import DemoContext
from learning.models import Application, ManagerConfirmation

# (applicant's email, days a month, confirmed)
NOMINATED = [("ben.cole@boost.localhost", Decimal("2"), True), ("gill.hart@boost.localhost", Decimal("1.5"), False)]


def load(context: DemoContext) -> None:
    nominator = context.people.get("facilitator_cancer")
    for email, days, confirmed in NOMINATED:
        application = Application.objects.filter(cohort__name="2026 cohort", user__email=email).first()
        if application is None or application.manager_confirmations.exists():
            continue
        if nominator and application.nominated_by_id is None:
            application.nominated_by = nominator
            application.save(update_fields=["nominated_by"])
        now = timezone.now()
        ManagerConfirmation.objects.create(
            application=application,
            manager_email=f"manager.of.{email.split('@')[0]}@example.nhs.uk",
            days_per_month=days,
            requested_by=nominator,
            nonce=uuid.uuid4(),
            decision=ManagerConfirmation.Decision.CONFIRMED if confirmed else "",
            responded_at=now if confirmed else None,
            expires_at=now + timedelta(days=14),
        )
