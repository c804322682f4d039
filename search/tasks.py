"""Background indexing. Enqueued by search.signals only after the transaction commits."""

from __future__ import annotations

import logging

from django.tasks import task

from search.indexing import update_objects
from search.query import SearchUnavailable

logger = logging.getLogger(__name__)


@task
def update_index(doc_type: str, object_ids: list[str]) -> dict[str, int]:
    """Index or remove these objects. An unavailable engine is logged, not raised: the content
    change already committed, and ``rebuild_search_index`` repairs any drift."""
    try:
        indexed, deleted = update_objects(doc_type, object_ids)
    except SearchUnavailable:
        logger.exception("search index update skipped for %s %s", doc_type, object_ids)
        return {"indexed": 0, "deleted": 0}
    return {"indexed": indexed, "deleted": deleted}


@task
def backfill_phrase_tokens(phrase_ids: list[int]) -> dict[str, int]:
    """Give every indexed entry the tokens of newly curated synonym phrases (search/phrases.py)."""
    from search.phrases import backfill

    return {"entries": backfill(phrase_ids)}


@task
def update_synonyms() -> dict[str, bool]:
    """Push the curated synonyms to the engine (Elasticsearch's synonyms set). An unavailable
    engine is logged: the next edit or ``rebuild_search_index`` pushes them again."""
    from search.backends import get_backend

    try:
        get_backend().update_synonyms()
    except SearchUnavailable:
        logger.exception("synonyms not pushed to the search engine")
        return {"updated": False}
    return {"updated": True}
