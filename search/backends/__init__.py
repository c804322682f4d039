"""Backend selection: Elasticsearch when ``ELASTICSEARCH_URL`` is set, else the database."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from search.backends.base import SearchBackend


@cache
def _backend_for(url: str) -> SearchBackend:
    if url:
        from search.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend(url)
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def get_backend() -> SearchBackend:
    return _backend_for(settings.ELASTICSEARCH_URL or "")
