"""The Elasticsearch backend (elasticsearch-dsl 8.18 on the elasticsearch 8.19 client).

Index layout: a concrete index per build (``<prefix>-documents-<timestamp>``) behind two
aliases. Queries read ``<prefix>-documents``; indexing writes ``<prefix>-documents-write``.
``rebuild`` creates a new index, moves the write alias to it first (so edits made during the
rebuild land in the new index), bulk-loads every document, then swaps the read alias in one
atomic ``update_aliases`` call and drops the old index: no moment without results.

Text fields use an English analyzer (possessives, lowercase, stop words, stemming); the search
analyzer adds a ``synonym_graph`` filter over the synonyms set ``<prefix>-synonyms`` (the
synonyms API, Elasticsearch 8.10 and later), which holds the curators' ``SearchSynonym`` rows. The
filter is ``updateable`` and used only at search time, so a curator's edit is one
``put_synonym`` call (queued by search.signals) and the cluster reloads the analyzers itself: no
re-index. The permission filter sits in the query's ``bool.filter``, and facets are
aggregations over that same query, so counts never include documents the viewer may not see;
"did you mean" uses a phrase suggester whose ``collate`` query repeats the permission filter,
and suggestions are a ``bool_prefix`` query over a ``search_as_you_type`` title with the same
filter (the completion suggester's category contexts cannot express "everything" for curators
or "public or one of these communities" exactly, so it is not used).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.safestring import mark_safe
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Float,
    Integer,
    Keyword,
    Q,
    Search,
    SearchAsYouType,
    Text,
)

from search import registry
from search.documents import SearchDocument
from search.permissions import Viewer
from search.query import (
    FACETS,
    MAX_FACET_VALUES,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
    Suggestion,
    SuggestQuery,
)
from search.text import highlight, parse_query

logger = logging.getLogger(__name__)

TEXT_FIELDS = ["title^3", "summary^2", "body"]
INDEX_ANALYZER = "boost_english"
SEARCH_ANALYZER = "boost_english_search"


def english_text(**kwargs: Any) -> Text:
    return Text(analyzer=INDEX_ANALYZER, search_analyzer=SEARCH_ANALYZER, copy_to="spell", **kwargs)


class BoostSearchDocument(Document):
    """The single Elasticsearch mapping for every document type (``doc_type`` tells them apart)."""

    doc_type = Keyword()
    object_id = Keyword()
    title = english_text(fields={"raw": Keyword(), "prefix": SearchAsYouType()})
    summary = english_text()
    body = english_text()
    spell = Text(analyzer="standard")  # unstemmed words for "did you mean"
    url = Keyword(index=False)
    community_id = Integer()
    is_private = Boolean()
    members_only = Boolean()
    published_at = Date()
    boost = Float()
    key_facts = Keyword(index=False, multi=True)
    facet_type = Keyword(multi=True)
    facet_priority = Keyword(multi=True)
    facet_community = Keyword(multi=True)
    facet_care_area = Keyword(multi=True)
    facet_care_setting = Keyword(multi=True)
    facet_stage = Keyword(multi=True)
    facet_organisation = Keyword(multi=True)
    facet_method = Keyword(multi=True)
    facet_year = Keyword(multi=True)


def analysis_settings(synonyms_set: str) -> dict[str, Any]:
    """Index analysis settings: the English chain, and at search time the synonym graph over a
    synonyms set (updateable: it may sit only in a search analyzer, which is where it belongs)."""
    return {
        "filter": {
            "english_possessive_stemmer": {"type": "stemmer", "language": "possessive_english"},
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "boost_synonyms": {
                "type": "synonym_graph",
                "synonyms_set": synonyms_set,
                "updateable": True,
                "lenient": True,
            },
        },
        "analyzer": {
            INDEX_ANALYZER: {
                "tokenizer": "standard",
                "filter": ["english_possessive_stemmer", "lowercase", "english_stop", "english_stemmer"],
            },
            SEARCH_ANALYZER: {
                "tokenizer": "standard",
                "filter": [
                    "english_possessive_stemmer",
                    "lowercase",
                    "boost_synonyms",
                    "english_stop",
                    "english_stemmer",
                ],
            },
        },
    }


def synonym_rules() -> list[str]:
    """Solr-format equivalence rules ("a, b, c") from the curated synonyms."""
    from search.models import SearchSynonym

    rules = []
    for synonym in SearchSynonym.objects.all():
        terms = [t.replace(",", " ") for t in synonym.term_list]
        if len(terms) > 1:
            rules.append(", ".join(terms))
    return rules


def document_source(document: SearchDocument) -> dict[str, Any]:
    """The ``_source`` stored for a document."""
    source: dict[str, Any] = {
        "doc_type": document.doc_type,
        "object_id": document.object_id,
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "url": document.url,
        "community_id": document.community_id,
        "is_private": document.is_private,
        "members_only": document.members_only,
        "published_at": document.published_at.isoformat() if document.published_at else None,
        "boost": document.boost,
        "key_facts": document.key_facts,
    }
    for name, values in document.all_facets().items():
        source[f"facet_{name}"] = values
    return source


def permission_filter(viewer: Viewer) -> list[Q]:
    """The clauses every query, aggregation, suggestion and collate query carries."""
    clauses: list[Q] = []
    if not viewer.authenticated:
        clauses.append(Q("term", members_only=False))
    if not viewer.sees_all:
        if viewer.community_ids:
            clauses.append(
                Q(
                    "bool",
                    should=[Q("term", is_private=False), Q("terms", community_id=sorted(viewer.community_ids))],
                    minimum_should_match=1,
                )
            )
        else:
            clauses.append(Q("term", is_private=False))
    return clauses


def facet_filter(filters: dict[str, list[str]]) -> list[Q]:
    return [Q("terms", **{f"facet_{name}": values}) for name, values in filters.items()]


def engine_text(raw: str) -> str:
    """The user's own words, cleaned of syntax; synonyms are the analyzer's job here."""
    parsed = parse_query(raw, expand_synonyms=False)
    return " ".join(token for clause in parsed.clauses for alternative in clause.alternatives for token in alternative)


def text_queries(raw: str) -> list[Q]:
    """Loose words must all match across the fields; each quoted phrase must match as a phrase
    (in one field, words in order), as the database backend's ``<->`` does."""
    parsed = parse_query(raw, expand_synonyms=False)
    loose: list[str] = []
    queries: list[Q] = []
    for clause in parsed.clauses:
        for alternative in clause.alternatives:
            if len(alternative) > 1:  # without synonym expansion, only a quoted phrase has several tokens
                queries.append(Q("multi_match", query=" ".join(alternative), fields=TEXT_FIELDS, type="phrase"))
            else:
                loose.extend(alternative)
    if loose:
        queries.insert(
            0, Q("multi_match", query=" ".join(loose), fields=TEXT_FIELDS, type="cross_fields", operator="and")
        )
    return queries


def build_search(query: SearchQuery, index: str) -> Search:
    """The exact request body for a results page (tests assert on ``.to_dict()``)."""
    filters = [*permission_filter(query.viewer), *facet_filter(query.filters)]
    text = engine_text(query.text)
    must = text_queries(query.text) if text else [Q("match_all")]
    scored = Q(
        "function_score",
        query=Q("bool", must=must, filter=filters),
        functions=[{"field_value_factor": {"field": "boost", "missing": 1.0}}],
        boost_mode="multiply",
    )
    search = Search(index=index).query(scored).extra(track_total_hits=True)
    search = search.source(["doc_type", "title", "url", "summary", "body", "key_facts", "published_at"])
    if query.sort == "newest" or not text:
        search = search.sort({"published_at": {"order": "desc", "missing": "_last"}}, "_score")
    for name in FACETS:
        search.aggs.bucket(name, "terms", field=f"facet_{name}", size=MAX_FACET_VALUES)
    search = search.highlight_options(
        pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html", fragment_size=220, number_of_fragments=1
    ).highlight("summary", "body", no_match_size=220)
    if text:
        collate_filter = [clause.to_dict() for clause in filters]
        search = search.suggest(
            "did_you_mean",
            text,
            phrase={
                "field": "spell",
                "size": 1,
                "max_errors": 2,
                "direct_generator": [{"field": "spell", "suggest_mode": "always", "min_word_length": 3}],
                "collate": {
                    "query": {
                        "source": {
                            "bool": {
                                "must": {"match": {"spell": {"query": "{{suggestion}}", "operator": "and"}}},
                                "filter": collate_filter,
                            }
                        }
                    },
                    "prune": False,
                },
            },
        )
    return search[query.offset : query.offset + query.per_page]


def build_suggest(query: SuggestQuery, index: str) -> Search:
    """Suggestions as you type: ``bool_prefix`` on the title, with the permission filter."""
    matched = Q(
        "multi_match",
        query=engine_text(query.text),
        type="bool_prefix",
        fields=["title.prefix", "title.prefix._2gram", "title.prefix._3gram"],
    )
    scored = Q(
        "function_score",
        query=Q("bool", must=[matched], filter=permission_filter(query.viewer)),
        functions=[{"field_value_factor": {"field": "boost", "missing": 1.0}}],
        boost_mode="multiply",
    )
    return Search(index=index).query(scored).source(["doc_type", "title", "url"])[: query.limit]


class ElasticsearchBackend:
    """Search through an Elasticsearch cluster at ``ELASTICSEARCH_URL``."""

    name = "elasticsearch"

    def __init__(self, url: str, prefix: str | None = None) -> None:
        self.url = url
        self.prefix = prefix or getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "boost")
        self.read_alias = f"{self.prefix}-documents"
        self.write_alias = f"{self.prefix}-documents-write"
        self._client = None
        self._write_alias_ready = False

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=5, max_retries=1, retry_on_timeout=False)
        return self._client

    def _unavailable(self, exc: Exception) -> SearchUnavailable:
        logger.warning("elasticsearch unavailable: %s", exc)
        return SearchUnavailable(f"elasticsearch: {exc.__class__.__name__}")

    # --- index management ----------------------------------------------------------------
    def new_index_name(self) -> str:
        return f"{self.prefix}-documents-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"

    @property
    def synonyms_set(self) -> str:
        return f"{self.prefix}-synonyms"

    def put_synonyms(self, rules: list[str] | None = None) -> None:
        """Replace the synonyms set with the curated rules; the cluster reloads every search
        analyzer that uses it (so an edit needs no re-index)."""
        rules = synonym_rules() if rules is None else rules
        self.client.synonyms.put_synonym(id=self.synonyms_set, synonyms_set=[{"synonyms": rule} for rule in rules])

    def update_synonyms(self) -> None:
        try:
            self.put_synonyms()
        except Exception as exc:
            raise self._unavailable(exc) from exc

    def create_index(self, name: str, synonyms: list[str] | None = None) -> None:
        from elasticsearch_dsl import Index

        # The set must exist before an index that names it (a fresh cluster has none).
        self.put_synonyms(synonyms)
        index = Index(name)
        index.settings(number_of_shards=1, analysis=analysis_settings(self.synonyms_set))
        index.document(BoostSearchDocument)
        index.create(using=self.client)

    def ensure_write_alias(self) -> None:
        """First write ever: create an index behind both aliases (never write to a bare name)."""
        if self._write_alias_ready:
            return
        if not self.client.indices.exists_alias(name=self.write_alias):
            name = self.new_index_name()
            self.create_index(name)
            self.client.indices.update_aliases(
                actions=[
                    {"add": {"index": name, "alias": self.write_alias, "is_write_index": True}},
                    {"add": {"index": name, "alias": self.read_alias}},
                ]
            )
        self._write_alias_ready = True

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> tuple[int, list]:
        from elasticsearch.helpers import bulk

        return bulk(self.client, actions, raise_on_error=False, chunk_size=500, refresh=False)

    @staticmethod
    def index_actions(documents: Iterable[SearchDocument], index: str) -> Iterator[dict[str, Any]]:
        for document in documents:
            yield {"_op_type": "index", "_index": index, "_id": document.key, "_source": document_source(document)}

    def index(self, documents: list[SearchDocument]) -> None:
        from elasticsearch import ApiError, TransportError

        try:
            self.ensure_write_alias()
            self._bulk(self.index_actions(documents, self.write_alias))
        except (ApiError, TransportError) as exc:
            raise self._unavailable(exc) from exc

    def delete(self, keys: list[str]) -> None:
        from elasticsearch import ApiError, TransportError

        try:
            self.ensure_write_alias()
            self._bulk({"_op_type": "delete", "_index": self.write_alias, "_id": key} for key in keys)
        except (ApiError, TransportError) as exc:
            raise self._unavailable(exc) from exc

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Write a new index, then switch the read alias to it atomically; drop the old one."""
        client = self.client
        new = self.new_index_name()
        self.create_index(new)
        old_write = (
            list(client.indices.get_alias(name=self.write_alias).keys())
            if client.indices.exists_alias(name=self.write_alias)
            else []
        )
        client.indices.update_aliases(
            actions=[
                *({"remove": {"index": old, "alias": self.write_alias}} for old in old_write),
                {"add": {"index": new, "alias": self.write_alias, "is_write_index": True}},
            ]
        )
        count, _errors = self._bulk(self.index_actions(documents, new))
        client.indices.refresh(index=new)
        old_read = (
            list(client.indices.get_alias(name=self.read_alias).keys())
            if client.indices.exists_alias(name=self.read_alias)
            else []
        )
        client.indices.update_aliases(
            actions=[
                *({"remove": {"index": old, "alias": self.read_alias}} for old in old_read),
                {"add": {"index": new, "alias": self.read_alias}},
            ]
        )
        for old in sorted(set(old_read) | set(old_write)):
            if old != new:
                client.indices.delete(index=old, ignore_unavailable=True)
        self._write_alias_ready = True
        return count

    # --- reading -------------------------------------------------------------------------
    def _execute(self, search: Search):
        from elasticsearch import ApiError, TransportError

        try:
            return search.using(self.client).execute()
        except (ApiError, TransportError) as exc:
            raise self._unavailable(exc) from exc

    def search(self, query: SearchQuery) -> SearchResults:
        response = self._execute(build_search(query, self.read_alias))
        total = response.hits.total.value
        num_pages = max(1, -(-total // query.per_page))
        if query.page > num_pages:
            query.page = num_pages
            query.page_clamped = True
            response = self._execute(build_search(query, self.read_alias))
        hits = [self._hit(h, query) for h in response.hits]
        facets: dict[str, list[FacetValue]] = {}
        aggregations = response.aggregations if hasattr(response, "aggregations") else {}
        for name in FACETS:
            aggregation = getattr(aggregations, name, None)
            buckets = {b.key: b.doc_count for b in aggregation.buckets} if aggregation is not None else {}
            for selected in query.filters.get(name, []):
                buckets.setdefault(selected, 0)
            if buckets:
                facets[name] = [
                    FacetValue(value=str(k), count=v, selected=str(k) in query.filters.get(name, []), name=name)
                    for k, v in sorted(buckets.items(), key=lambda kv: (-kv[1], str(kv[0])))
                ]
        did_you_mean = None
        if total == 0 and hasattr(response, "suggest"):
            options = response.suggest.did_you_mean[0].options if response.suggest.did_you_mean else []
            did_you_mean = options[0].text if options else None
        return SearchResults(query=query, hits=hits, total=total, facets=facets, did_you_mean=did_you_mean)

    @staticmethod
    def _hit(hit, query: SearchQuery) -> Hit:
        fragments = getattr(hit.meta, "highlight", None)
        if fragments is not None:
            parts = getattr(fragments, "summary", None) or getattr(fragments, "body", None) or [""]
            snippet = mark_safe(parts[0])  # noqa: S308 - encoder "html" escaped the text before adding <mark>
        else:
            snippet = highlight(getattr(hit, "summary", "") or getattr(hit, "body", ""), query.parsed.all_words)
        published = getattr(hit, "published_at", None)
        if isinstance(published, str):
            published = datetime.fromisoformat(published)
        return Hit(
            doc_type=hit.doc_type,
            type_label=registry.label(hit.doc_type),
            title=hit.title,
            url=hit.url,
            snippet=snippet,
            key_facts=list(getattr(hit, "key_facts", []) or []),
            published_at=published,
            score=float(hit.meta.score or 0),
        )

    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        response = self._execute(build_suggest(query, self.read_alias))
        return [
            Suggestion(title=h.title, url=h.url, doc_type=h.doc_type, type_label=registry.label(h.doc_type))
            for h in response.hits
        ]

    def health(self) -> dict[str, Any]:
        from elasticsearch import ApiError, TransportError

        try:
            health = self.client.cluster.health(timeout="2s")
        except (ApiError, TransportError) as exc:
            raise self._unavailable(exc) from exc
        if health["status"] == "red":
            raise SearchUnavailable("elasticsearch cluster status is red")
        return {"backend": self.name, "cluster_status": health["status"], "read_alias": self.read_alias}
