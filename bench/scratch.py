"""Start Django for an in-process benchmark: a scratch SQLite database unless the caller asks for the
one in DATABASE_URL, test settings, the database search backend without auto-indexing (seeding
thousands of rows would otherwise index each one), every host allowed, migrations applied."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def start_django(*, use_configured_db: bool) -> None:
    if not use_configured_db:
        scratch = Path(tempfile.mkdtemp(prefix="boost-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
        print(f"Scratch database: {scratch}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boost.settings.test")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    call_command("migrate", verbosity=0)
