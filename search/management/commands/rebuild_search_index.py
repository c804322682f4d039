"""Rebuild the whole search index with no downtime.

Elasticsearch: a new index behind the write alias, bulk-loaded, then the read alias switched in
one atomic call. Database: the index tables are refilled inside one transaction, so readers see
the old entries until the new ones commit.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search import registry
from search.backends import get_backend
from search.indexing import all_documents


class Command(BaseCommand):
    help = "Rebuild every search index from the content (no downtime)."

    def add_arguments(self, parser):
        parser.add_argument("--type", action="append", dest="types", help="only these document types (repeatable)")

    def handle(self, *args, types: list[str] | None = None, **options):
        known = registry.document_types()
        unknown = set(types or []) - set(known)
        if unknown:
            raise CommandError(f"unknown document types: {', '.join(sorted(unknown))} (known: {', '.join(known)})")
        backend = get_backend()
        started = time.perf_counter()
        if types:
            # A partial rebuild updates in place rather than replacing the whole index.
            from search.indexing import update_objects

            count = 0
            for name in types:
                ids = list(known[name]().get_queryset().values_list("pk", flat=True))
                indexed, _ = update_objects(name, ids)
                count += indexed
        else:
            count = backend.rebuild(all_documents())
        self.stdout.write(
            self.style.SUCCESS(f"{backend.name}: indexed {count} documents in {time.perf_counter() - started:.1f}s")
        )
