"""The registered search document types, by ``doc_type``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.documents import DocumentType

_TYPES: dict[str, type[DocumentType]] = {}
# Labels for types other branches are adding, so documents of those types read well before
# their document classes are registered (and in the synthetic benchmark corpus).
PLANNED_LABELS = {
    "writeup": "Project write-up",
    "priority": "Priority",
    "event": "Event",
    "thread": "Discussion",
    "message": "Message",
}


def register(document_class: type[DocumentType]) -> type[DocumentType]:
    _TYPES[document_class.doc_type] = document_class
    return document_class


def document_types() -> dict[str, type[DocumentType]]:
    """Registered types whose model exists in this deployment."""
    return {name: cls for name, cls in _TYPES.items() if cls.model_class() is not None}


def get(doc_type: str) -> DocumentType:
    return _TYPES[doc_type]()


def label(doc_type: str) -> str:
    cls = _TYPES.get(doc_type)
    if cls:
        return cls.label
    return PLANNED_LABELS.get(doc_type) or doc_type.replace("_", " ").capitalize()
