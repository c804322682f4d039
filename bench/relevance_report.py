"""Collected only by bench/relevance.py: prints success@3 and every miss."""

from __future__ import annotations

import pytest

from search.backends.database import DatabaseBackend
from tests.search.corpus import CORPUS, RELEVANCE_SET
from tests.search.demo_relevance import DEMO_RELEVANCE_SET, demo_success_at_3
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


@pytest.mark.django_db
def test_print_demo_success_at_3(django_capture_on_commit_callbacks):
    import os

    from django.core.management import call_command
    from django.db import connection

    with django_capture_on_commit_callbacks(execute=True), open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    score, misses = demo_success_at_3()
    print(
        f"demo success@3 = {score:.3f} ({len(DEMO_RELEVANCE_SET) - len(misses)}/{len(DEMO_RELEVANCE_SET)}) "
        f"on {connection.vendor}"
    )
    for text, top in misses:
        print(f"  miss: {text!r} -> {top}")
    assert DEMO_RELEVANCE_SET
