"""Load Boost's demo content. Safe to run again: every loader updates in place."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail import hooks

from boost.demo import pages, taxonomy, users
from boost.demo.context import DemoContext


def demo_password() -> str:
    """A per-checkout random password for the demo accounts, kept so reruns print the same one."""
    path = Path(settings.BASE_DIR) / ".local" / "demo-password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(exist_ok=True)
    password = f"boost-{secrets.token_urlsafe(9)}"
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


class Command(BaseCommand):
    help = "Load realistic demo content (people, communities, projects, discussions, events)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for newly created demo accounts.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        context = DemoContext(password=options.get("password") or demo_password())
        # Apps add their loaders with the `boost_demo_loaders` hook: (order, callable).
        loaders = [
            (0, taxonomy.load),
            (5, pages.load),
            (10, users.load),
            *[hook() for hook in hooks.get_hooks("boost_demo_loaders")],
        ]
        # Wagtail logs every page created and published; for a bulk load that is noise.
        wagtail_log = logging.getLogger("wagtail")
        previous_level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                for _, loader in sorted(loaders, key=lambda item: item[0]):
                    loader(context)
        finally:
            wagtail_log.setLevel(previous_level)
        if not options["quiet"]:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
            self.stdout.write(f"  Admin login:  admin@boost.localhost / {context.password}")
            self.stdout.write(
                f"  Admin second factor: TOTP secret {users.DEMO_TOTP_SECRET} "
                "(or run: .venv/bin/python manage.py demo_totp)"
            )
            self.stdout.write(f"  Member login: tom.hughes@boost.localhost / {context.password}")
            self.stdout.write("  Every demo account uses the same password; see boost/demo/users.py for the list.")
