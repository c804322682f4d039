"""success@3 over the relevance set: the share of queries with an expected document in the top three."""

from __future__ import annotations

from search.permissions import Viewer
from search.query import SearchQuery
from tests.search.corpus import RELEVANCE_SET


def success_at_3(viewer: Viewer | None = None) -> tuple[float, list[tuple[str, list[str]]]]:
    misses: list[tuple[str, list[str]]] = []
    for text, expected in RELEVANCE_SET:
        results = SearchQuery(text=text, viewer=viewer or Viewer.anonymous(), per_page=3).run()
        top = [f"{hit.doc_type}:{hit.url.strip('/').split('/')[-1]}" for hit in results.hits]
        keys = [_key(hit) for hit in results.hits]
        if not expected & set(keys):
            misses.append((text, top))
    return 1 - len(misses) / len(RELEVANCE_SET), misses


def _key(hit) -> str:
    from tests.search.corpus import CORPUS

    by_url = {d.url: d.key for d in CORPUS}
    return by_url.get(hit.url, hit.url)
