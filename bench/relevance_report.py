"""Collected only by bench/relevance.py: prints success@3 and every miss."""

from __future__ import annotations

import pytest

from search.backends.database import DatabaseBackend
from tests.search.corpus import CORPUS, RELEVANCE_SET
from tests.search.relevance import success_at_3


@pytest.mark.django_db
def test_print_success_at_3():
    from django.db import connection

    DatabaseBackend().index(CORPUS)
    score, misses = success_at_3()
    print(f"\nsuccess@3 = {score:.3f} ({len(RELEVANCE_SET) - len(misses)}/{len(RELEVANCE_SET)}) on {connection.vendor}")
    for text, top in misses:
        print(f"  miss: {text!r} -> {top}")
    assert RELEVANCE_SET
