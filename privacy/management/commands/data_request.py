"""Answer a subject-access or erasure request received by email, on behalf of an administrator."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from privacy import services
from privacy.models import MessagesChoice


class Command(BaseCommand):
    help = (
        "Run a data-rights request for someone who asked by email: 'export' prepares their data for the "
        "administrator to download at /me/data/… (the link is emailed to the administrator), 'close' closes "
        "their account after the grace period, 'erase' erases it now."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["export", "close", "erase"])
        parser.add_argument("email", help="The person's email address on Boost.")
        parser.add_argument("--admin", required=True, help="Email address of the administrator acting.")
        parser.add_argument("--delete-messages", action="store_true", help="Delete what their messages say.")

    def handle(self, *args, action: str, email: str, admin: str, delete_messages: bool, **options) -> None:
        users = get_user_model().objects
        if not users.filter(email__iexact=email).exists():
            raise CommandError(f"Nobody on Boost has the email address {email}.")
        actor = users.filter(email__iexact=admin).first()
        if actor is None or not services.is_data_admin(actor):
            raise CommandError(f"{admin} is not an administrator.")
        messages = MessagesChoice.DELETE if delete_messages else MessagesChoice.ANONYMISE
        try:
            result = services.answer_data_request(actor=actor, email=email, action=action, messages=messages)
        except services.PrivacyError as error:
            raise CommandError(str(error)) from None
        if action == "export":
            self.stdout.write(f"Export {result.pk} queued; {actor.email} will be emailed a download link.")
        elif action == "erase":
            self.stdout.write(f"Erased (audit reference {result.reference}).")
        else:
            self.stdout.write(f"Account closes on {result.erase_after:%Y-%m-%d} unless they sign in and keep it.")
