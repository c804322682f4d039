"""search/ listens to the content apps; they never import search/.

Every registered document type's model is connected on ``post_save``/``post_delete`` (and, for
pages, Wagtail's ``page_published``/``page_unpublished``); models a type ``depends_on`` (a
Membership changes a community's member count) re-index the dependent documents. The task is
enqueued with ``transaction.on_commit`` so nothing is indexed for a transaction that rolled back
and the worker never reads a row before it is committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from search import registry

logger = logging.getLogger(__name__)
_connected: list[tuple[Any, Callable, Any]] = []


def _send(doc_type: str, ids: list[str]) -> None:
    from search.tasks import update_index

    try:
        update_index.enqueue(doc_type, ids)
    except Exception:
        logger.exception("could not enqueue search indexing for %s %s", doc_type, ids)


def enqueue(doc_type: str, object_ids: Iterable[Any]) -> None:
    ids = sorted({str(pk) for pk in object_ids})
    if ids:
        transaction.on_commit(lambda: _send(doc_type, ids))


def _own_handler(doc_type: str) -> Callable:
    def handler(sender, instance, **kwargs) -> None:
        enqueue(doc_type, [instance.pk])

    return handler


def _related_ids(doc_type: str, related: Callable[[Any], Iterable[Any]], instance: Any) -> list[str]:
    try:
        return sorted({str(pk) for pk in related(instance)})
    except Exception:
        logger.exception("could not find %s documents affected by %r", doc_type, instance)
        return []


def _dependency_handler(doc_type: str, related: Callable[[Any], Iterable[Any]]) -> Callable:
    """Re-index what depends on ``instance``: the documents related to it now (before a delete
    removes the link) and, once committed, the documents related to it then. The second look is
    needed because a page's ``ParentalManyToManyField`` links (a write-up's priorities) are written
    after its ``post_save`` fires."""

    def handler(sender, instance, signal=None, **kwargs) -> None:
        before = _related_ids(doc_type, related, instance)

        def after_commit() -> None:
            after = [] if signal is post_delete else _related_ids(doc_type, related, instance)
            ids = sorted({*before, *after})
            if ids:
                _send(doc_type, ids)

        transaction.on_commit(after_commit)

    return handler


def _connect(signal, handler, sender) -> None:
    signal.connect(handler, sender=sender, weak=False)
    _connected.append((signal, handler, sender))


def connect_all() -> None:
    """Connect every registered type. Idempotent."""
    disconnect_all()
    for doc_type, document_class in registry.document_types().items():
        model = document_class.model_class()
        handler = _own_handler(doc_type)
        _connect(post_save, handler, model)
        _connect(post_delete, handler, model)
        if document_class.is_page:
            _connect(page_published, handler, model)
            _connect(page_unpublished, handler, model)
        for label, related in document_class.depends_on.items():
            try:
                dependency = apps.get_model(label)
            except LookupError:
                continue
            dep_handler = _dependency_handler(doc_type, related)
            _connect(post_save, dep_handler, dependency)
            _connect(post_delete, dep_handler, dependency)


def disconnect_all() -> None:
    while _connected:
        signal, handler, sender = _connected.pop()
        signal.disconnect(handler, sender=sender)


def connect_synonym_cache() -> None:
    """Curators' synonym edits apply to the next database query, and to Elasticsearch once the
    queued ``update_synonyms`` task has replaced its synonyms set; new multi-word phrases become
    database index tokens once every entry has them (search/phrases.py)."""
    from search.backends import get_backend
    from search.models import SearchSynonym
    from search.phrases import sync_phrases
    from search.tasks import update_synonyms
    from search.text import clear_synonym_cache

    def clear(sender, raw: bool = False, **kwargs) -> None:
        clear_synonym_cache()
        if raw:
            # Fixture loading (loaddata, a test database restoring its serialized rows) saves the
            # phrase table's own rows too: deriving them here as well would insert them twice.
            return
        sync_phrases()
        if get_backend().name != "database":
            transaction.on_commit(push)

    def push() -> None:
        try:
            update_synonyms.enqueue()
        except Exception:
            logger.exception("could not enqueue the synonyms update")

    post_save.connect(clear, sender=SearchSynonym, weak=False, dispatch_uid="search-synonym-save")
    post_delete.connect(clear, sender=SearchSynonym, weak=False, dispatch_uid="search-synonym-delete")
