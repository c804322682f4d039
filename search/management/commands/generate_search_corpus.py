"""Fill the search index with a synthetic corpus (see search/corpus.py for why it goes straight
into the index, and how messages become thread documents). Example:
``manage.py generate_search_corpus --writeups 100000 --messages 1000000``."""

from __future__ import annotations

import time
from itertools import islice

from django.core.management.base import BaseCommand

from search.backends import get_backend
from search.corpus import threads
from search.corpus import writeups as writeups_source
from search.models import SearchEntry


class Command(BaseCommand):
    help = "Generate synthetic write-ups and discussion threads directly into the search index."

    def add_arguments(self, parser):
        parser.add_argument("--writeups", type=int, default=10_000)
        parser.add_argument("--messages", type=int, default=0, help="messages, in threads of 20 (one document each)")
        parser.add_argument("--start", type=int, default=0, help="first synthetic number (to grow a corpus)")
        parser.add_argument("--batch", type=int, default=2_000)
        parser.add_argument("--clear", action="store_true", help="remove earlier synthetic documents first")

    def handle(self, *args, writeups: int, messages: int, start: int, batch: int, clear: bool, **options):
        backend = get_backend()
        if clear:
            synthetic = SearchEntry.objects.filter(key__regex=r"^(writeup|thread|message):syn-")
            keys = list(synthetic.values_list("key", flat=True))
            for n in range(0, len(keys), 5000):
                backend.delete(keys[n : n + 5000])
            self.stdout.write(f"removed {len(keys)} synthetic documents")
        for label, generator in (
            ("write-ups", writeups_source(writeups, start=start)),
            (f"threads ({messages} messages)", threads(messages, start=start)),
        ):
            started = time.perf_counter()
            total = 0
            while chunk := list(islice(generator, batch)):
                backend.index(chunk)
                total += len(chunk)
            if total:
                elapsed = time.perf_counter() - started
                self.stdout.write(f"indexed {total} {label} in {elapsed:.1f}s ({total / elapsed:.0f} docs/s)")
