"""Bringing the index up to date for objects that changed. Called by the task in tasks.py."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from search import registry
from search.backends import get_backend
from search.documents import SearchDocument

logger = logging.getLogger(__name__)


def update_objects(doc_type: str, object_ids: Iterable[Any]) -> tuple[int, int]:
    """Re-build the documents for these objects; index the ones that may be indexed and delete
    the rest (unpublished, deleted, no longer opted in). Returns (indexed, deleted)."""
    document_type = registry.get(doc_type)
    ids = [str(pk) for pk in object_ids]
    objects = {str(obj.pk): obj for obj in document_type.get_queryset().filter(pk__in=ids)}
    documents: list[SearchDocument] = []
    gone: list[str] = []
    for pk in ids:
        document = document_type.build(objects.get(pk))
        if document is None:
            gone.append(f"{doc_type}:{pk}")
        else:
            documents.append(document)
    backend = get_backend()
    if documents:
        backend.index(documents)
    if gone:
        backend.delete(gone)
    return len(documents), len(gone)


def all_documents(doc_types: Iterable[str] | None = None) -> Iterator[SearchDocument]:
    """Every indexable document of the registered (and installed) types."""
    types = registry.document_types()
    for name in doc_types or types:
        yield from types[name]().iter_documents()
