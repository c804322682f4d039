"""Background work for communities: notification emails, sent after the transaction commits."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task


@task
def send_notification(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text email to each recipient (separately, so addresses are not shared)."""
    sent = 0
    for recipient in recipients:
        sent += send_mail(subject, body, None, [recipient])
    return sent


def notify_on_commit(*, subject: str, body: str, recipients: list[str]) -> None:
    """Queue a notification only if the surrounding transaction commits."""
    recipients = sorted({address for address in recipients if address})
    if recipients:
        transaction.on_commit(
            lambda: send_notification.enqueue(subject=f"[Boost] {subject}", body=body, recipients=recipients)
        )
