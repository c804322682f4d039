"""The synthetic benchmark corpus: write-ups and discussion threads shaped as the product indexes
them, generated straight into the index by ``manage.py generate_search_corpus``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from search.corpus import MESSAGES_PER_THREAD, thread_count, threads
from search.models import SearchEntry
from search.permissions import Viewer
from search.query import SearchQuery


def test_messages_become_thread_documents_like_the_products():
    made = list(threads(45))
    assert thread_count(45) == len(made) == 3
    thread = made[0]
    assert thread.doc_type == "thread" and thread.key == "thread:syn-0"
    assert thread.summary and thread.body.count("compare notes") == MESSAGES_PER_THREAD - 1
    assert thread.is_private == (thread.community_id % 5 == 0) and not thread.members_only
    assert 0 < thread.boost <= 1.35
    # Growing a corpus continues the numbering instead of repeating it.
    assert [t.object_id for t in threads(40, start=60)] == ["syn-3", "syn-4"]


@pytest.mark.django_db
def test_the_command_fills_grows_and_clears_only_synthetic_documents():
    out = StringIO()
    call_command("generate_search_corpus", writeups=30, messages=100, stdout=out)
    assert SearchEntry.objects.filter(key__startswith="writeup:syn-").count() == 30
    assert SearchEntry.objects.filter(key__startswith="thread:syn-").count() == 5
    assert "indexed 30 write-ups" in out.getvalue() and "indexed 5 threads (100 messages)" in out.getvalue()
    member = Viewer(authenticated=True, sees_all=True)
    assert SearchQuery(text="compare notes", viewer=member).run().total == 5
    call_command("generate_search_corpus", writeups=0, messages=0, clear=True, stdout=StringIO())
    assert not SearchEntry.objects.filter(key__contains=":syn-").exists()
