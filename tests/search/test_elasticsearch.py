"""The Elasticsearch path, without a cluster: documents, the exact request bodies (permission
filter included), response handling and the alias switch. Live tests run only with
ELASTICSEARCH_URL set; otherwise they are skipped and the reason is printed in the summary."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from search.backends.elastic import (
    ElasticsearchBackend,
    analysis_settings,
    build_search,
    build_suggest,
    document_source,
    permission_filter,
    synonym_rules,
)
from search.documents import SearchDocument
from search.permissions import Viewer
from search.query import SearchQuery, SuggestQuery

INDEX = "boost-documents"
AGGS = {
    name: {"terms": {"field": f"facet_{name}", "size": 200}}
    for name in [
        "type",
        "priority",
        "community",
        "care_area",
        "care_setting",
        "stage",
        "organisation",
        "method",
        "year",
    ]
}
MEMBER_FILTER = {
    "bool": {
        "minimum_should_match": 1,
        "should": [{"term": {"is_private": False}}, {"terms": {"community_id": [3, 7]}}],
    }
}


def test_document_source():
    document = SearchDocument(
        doc_type="community",
        object_id="12",
        title="Frailty",
        url="/c/frailty/",
        summary="Older people",
        community_id=12,
        is_private=True,
        published_at=datetime(2025, 3, 1, tzinfo=UTC),
        facets={"care_area": ["Frailty"], "organisation": ["A", "B"]},
        key_facts=["3 members"],
    )
    assert document_source(document) == {
        "doc_type": "community",
        "object_id": "12",
        "title": "Frailty",
        "summary": "Older people",
        "body": "",
        "url": "/c/frailty/",
        "community_id": 12,
        "is_private": True,
        "members_only": False,
        "published_at": "2025-03-01T00:00:00+00:00",
        "boost": 1.0,
        "key_facts": ["3 members"],
        "facet_care_area": ["Frailty"],
        "facet_organisation": ["A", "B"],
        "facet_type": ["community"],
        "facet_year": ["2025"],
    }


def test_exact_search_body_for_a_member_with_a_facet_and_page_two(db):
    query = SearchQuery(
        text='A&E "handover',
        viewer=Viewer(authenticated=True, community_ids=frozenset({7, 3})),
        filters={"type": ["writeup"]},
        page=2,
    )
    filters = [MEMBER_FILTER, {"terms": {"facet_type": ["writeup"]}}]
    assert build_search(query, INDEX).to_dict() == {
        "query": {
            "function_score": {
                "boost_mode": "multiply",
                "functions": [{"field_value_factor": {"field": "boost", "missing": 1.0}}],
                "query": {
                    "bool": {
                        "filter": filters,
                        "must": [
                            {
                                "multi_match": {
                                    "query": "a&e handover",
                                    "fields": ["title^3", "summary^2", "body"],
                                    "operator": "and",
                                    "type": "cross_fields",
                                }
                            }
                        ],
                    }
                },
            }
        },
        "aggs": AGGS,
        "track_total_hits": True,
        "from": 10,
        "size": 10,
        "_source": ["doc_type", "title", "url", "summary", "body", "key_facts", "published_at"],
        "highlight": {
            "fields": {"summary": {"no_match_size": 220}, "body": {"no_match_size": 220}},
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "fragment_size": 220,
            "number_of_fragments": 1,
        },
        "suggest": {
            "did_you_mean": {
                "text": "a&e handover",
                "phrase": {
                    "field": "spell",
                    "size": 1,
                    "max_errors": 2,
                    "direct_generator": [{"field": "spell", "suggest_mode": "always", "min_word_length": 3}],
                    "collate": {
                        "query": {
                            "source": {
                                "bool": {
                                    "must": {"match": {"spell": {"query": "{{suggestion}}", "operator": "and"}}},
                                    "filter": filters,
                                }
                            }
                        },
                        "prune": False,
                    },
                },
            }
        },
    }


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (Viewer.anonymous(), [{"term": {"members_only": False}}, {"term": {"is_private": False}}]),
        (Viewer(authenticated=True), [{"term": {"is_private": False}}]),
        (Viewer(authenticated=True, community_ids=frozenset({7, 3})), [MEMBER_FILTER]),
        (Viewer(authenticated=True, sees_all=True), []),
    ],
)
def test_permission_filter_for_each_kind_of_viewer(viewer, expected):
    assert [clause.to_dict() for clause in permission_filter(viewer)] == expected


def test_every_part_of_the_request_carries_the_permission_filter(db):
    body = build_search(SearchQuery(text="discharge", viewer=Viewer.anonymous()), INDEX).to_dict()
    anonymous = [{"term": {"members_only": False}}, {"term": {"is_private": False}}]
    # Aggregations (facet counts) run over the filtered query, never a post_filter.
    assert body["query"]["function_score"]["query"]["bool"]["filter"] == anonymous
    assert "post_filter" not in body
    assert body["suggest"]["did_you_mean"]["phrase"]["collate"]["query"]["source"]["bool"]["filter"] == anonymous
    assert "sort" not in body


def test_newest_sort_and_browse_without_text(db):
    body = build_search(SearchQuery(text="", filters={"type": ["event"]}, sort="newest"), INDEX).to_dict()
    assert body["sort"] == [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    assert body["query"]["function_score"]["query"]["bool"]["must"] == [{"match_all": {}}]
    assert "suggest" not in body


def test_exact_suggest_body():
    assert build_suggest(SuggestQuery(text="disch"), INDEX).to_dict() == {
        "query": {
            "function_score": {
                "boost_mode": "multiply",
                "functions": [{"field_value_factor": {"field": "boost", "missing": 1.0}}],
                "query": {
                    "bool": {
                        "filter": [{"term": {"members_only": False}}, {"term": {"is_private": False}}],
                        "must": [
                            {
                                "multi_match": {
                                    "query": "disch",
                                    "fields": ["title.prefix", "title.prefix._2gram", "title.prefix._3gram"],
                                    "type": "bool_prefix",
                                }
                            }
                        ],
                    }
                },
            }
        },
        "size": 8,
        "_source": ["doc_type", "title", "url"],
    }


def test_synonym_filter_reads_an_updateable_synonyms_set_at_search_time_only(db):
    assert "A&E, emergency department, accident and emergency, ED" in synonym_rules()
    analysis = analysis_settings("boost-synonyms")
    assert analysis["filter"]["boost_synonyms"] == {
        "type": "synonym_graph",
        "synonyms_set": "boost-synonyms",
        "updateable": True,
        "lenient": True,
    }
    assert "boost_synonyms" in analysis["analyzer"]["boost_english_search"]["filter"]
    assert "boost_synonyms" not in analysis["analyzer"]["boost_english"]["filter"]


class FakeIndices:
    def __init__(self, log, aliases):
        self.log = log
        self.aliases = aliases  # alias -> set of index names

    def create(self, index, body=None, **kwargs):
        self.log.append(("create", index, body))

    def exists_alias(self, name):
        return bool(self.aliases.get(name))

    def get_alias(self, name):
        return {index: {} for index in self.aliases.get(name, set())}

    def update_aliases(self, actions):
        self.log.append(("update_aliases", actions))
        for action in actions:
            ((verb, spec),) = action.items()
            target = self.aliases.setdefault(spec["alias"], set())
            (target.add if verb == "add" else target.discard)(spec["index"])

    def refresh(self, index):
        self.log.append(("refresh", index))

    def delete(self, index, **kwargs):
        self.log.append(("delete", index))


class FakeSynonyms:
    def __init__(self, log):
        self.log = log

    def put_synonym(self, id, synonyms_set):
        self.log.append(("put_synonym", id, synonyms_set))


class FakeClient:
    def __init__(self, aliases=None, response=None):
        self.log: list = []
        self.indices = FakeIndices(self.log, aliases or {})
        self.synonyms = FakeSynonyms(self.log)
        self.response = response
        self.searches: list = []

    def search(self, index, body, **kwargs):
        self.searches.append((index, body))

        class Response:
            pass

        wrapped = Response()
        wrapped.body = self.response
        return wrapped


def test_rebuild_writes_a_new_index_then_switches_the_alias(db, monkeypatch):
    client = FakeClient(
        aliases={"boost-documents": {"boost-documents-old"}, "boost-documents-write": {"boost-documents-old"}}
    )
    backend = ElasticsearchBackend("http://es.invalid:9200")
    backend._client = client
    monkeypatch.setattr(backend, "new_index_name", lambda: "boost-documents-new")
    bulked = []
    monkeypatch.setattr(backend, "_bulk", lambda actions: (len(bulked.extend(actions) or bulked), []))
    documents = [SearchDocument(doc_type="page", object_id=str(i), title=f"Page {i}", url=f"/{i}/") for i in range(3)]
    assert backend.rebuild(documents) == 3
    steps = [entry[0] for entry in client.log]
    assert steps == ["put_synonym", "create", "update_aliases", "refresh", "update_aliases", "delete"]
    # The synonyms set exists before the index that names it.
    assert client.log.pop(0) == ("put_synonym", "boost-synonyms", [{"synonyms": r} for r in synonym_rules()])
    create = client.log[0]
    assert create[1] == "boost-documents-new"
    assert create[2]["settings"]["analysis"]["filter"]["boost_synonyms"]["synonyms_set"] == "boost-synonyms"
    assert create[2]["mappings"]["properties"]["title"]["search_analyzer"] == "boost_english_search"
    # The write alias moves first, so edits during the rebuild land in the new index...
    assert client.log[1][1] == [
        {"remove": {"index": "boost-documents-old", "alias": "boost-documents-write"}},
        {"add": {"index": "boost-documents-new", "alias": "boost-documents-write", "is_write_index": True}},
    ]
    # ...every document goes to the new index by name...
    assert {a["_index"] for a in bulked} == {"boost-documents-new"} and len(bulked) == 3
    # ...then readers switch in one atomic call, and only then the old index goes.
    assert client.log[3][1] == [
        {"remove": {"index": "boost-documents-old", "alias": "boost-documents"}},
        {"add": {"index": "boost-documents-new", "alias": "boost-documents"}},
    ]
    assert client.log[4] == ("delete", "boost-documents-old")


def test_search_reads_the_response_into_results(db):
    response = {
        "took": 1,
        "timed_out": False,
        "hits": {
            "total": {"value": 1, "relation": "eq"},
            "max_score": 2.0,
            "hits": [
                {
                    "_index": "boost-documents-x",
                    "_id": "writeup:1",
                    "_score": 2.0,
                    "_source": {
                        "doc_type": "writeup",
                        "title": "Discharge to assess",
                        "url": "/projects/1/",
                        "summary": "Home first",
                        "key_facts": ["Stage: spreading"],
                        "published_at": "2025-06-01T00:00:00+00:00",
                    },
                    "highlight": {"summary": ["&lt;b&gt; <mark>Discharge</mark>"]},
                }
            ],
        },
        "aggregations": {"type": {"buckets": [{"key": "writeup", "doc_count": 1}]}},
        "suggest": {"did_you_mean": [{"text": "dischrge", "options": []}]},
    }
    backend = ElasticsearchBackend("http://es.invalid:9200")
    backend._client = FakeClient(response=response)
    results = backend.search(SearchQuery(text="discharge", viewer=Viewer.anonymous()))
    assert results.total == 1
    assert results.hits[0].title == "Discharge to assess"
    assert str(results.hits[0].snippet) == "&lt;b&gt; <mark>Discharge</mark>"
    assert results.hits[0].type_label == "Project write-up"
    assert [(v.value, v.count) for v in results.facets["type"]] == [("writeup", 1)]
    index, body = backend._client.searches[0]
    assert index == ["boost-documents"]
    assert body["query"]["function_score"]["query"]["bool"]["filter"][0] == {"term": {"members_only": False}}


def test_unreachable_cluster_is_reported_as_unavailable(db):
    from search.query import SearchUnavailable

    backend = ElasticsearchBackend("http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="discharge"))
    with pytest.raises(SearchUnavailable):
        backend.health()


def test_a_curated_synonym_edit_replaces_the_synonyms_set_without_a_rebuild(
    db, settings, django_capture_on_commit_callbacks
):
    from search.backends import _backend_for
    from search.models import SearchSynonym

    settings.ELASTICSEARCH_URL = "http://es.invalid:9200"
    backend = _backend_for(settings.ELASTICSEARCH_URL)
    backend._client = client = FakeClient()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            synonym = SearchSynonym.objects.create(terms="zebra crossing, pedestrian crossing")
        assert client.log == [("put_synonym", "boost-synonyms", [{"synonyms": r} for r in synonym_rules()])]
        assert {"synonyms": "zebra crossing, pedestrian crossing"} in client.log[0][2]
        with django_capture_on_commit_callbacks(execute=True):
            synonym.delete()
        assert {"synonyms": "zebra crossing, pedestrian crossing"} not in client.log[1][2]
        assert [entry[0] for entry in client.log] == ["put_synonym", "put_synonym"]  # no index was rebuilt
    finally:
        _backend_for.cache_clear()


def test_a_synonym_edit_with_the_cluster_down_is_logged_and_saved(
    db, settings, caplog, django_capture_on_commit_callbacks
):
    from search.backends import _backend_for
    from search.models import SearchSynonym

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    try:
        with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend runs it here
            SearchSynonym.objects.create(terms="zebra crossing, pedestrian crossing")
        assert SearchSynonym.objects.filter(terms__startswith="zebra").exists()
        assert "synonyms not pushed to the search engine" in caplog.text
    finally:
        _backend_for.cache_clear()


ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(
    not ES_URL, reason="Elasticsearch live tests skipped: ELASTICSEARCH_URL is not set (no cluster on this machine)"
)


@pytest.mark.elasticsearch
@live
def test_live_rebuild_search_and_permissions(db):
    from tests.search.corpus import CORPUS, PRIVATE_COMMUNITY_ID

    backend = ElasticsearchBackend(ES_URL, prefix="boost-test")
    assert backend.rebuild(CORPUS) == len(CORPUS)
    anonymous = backend.search(SearchQuery(text="zebrafish", viewer=Viewer.anonymous()))
    assert anonymous.total == 0
    member = Viewer(authenticated=True, community_ids=frozenset({PRIVATE_COMMUNITY_ID}))
    assert backend.search(SearchQuery(text="zebrafish", viewer=member)).total == 2
    synonym = backend.search(SearchQuery(text="COPD", viewer=Viewer.anonymous()))
    assert "/projects/8/" in {hit.url for hit in synonym.hits}
    assert backend.health()["backend"] == "elasticsearch"
    # A curator's new synonym applies without a rebuild: the cluster reloads the search analyzer.
    assert backend.search(SearchQuery(text="danio", viewer=member)).total == 0
    backend.put_synonyms([*synonym_rules(), "zebrafish, danio"])
    assert backend.search(SearchQuery(text="danio", viewer=member)).total == 2


def test_quoted_phrases_are_phrase_queries_and_loose_words_cross_fields(db):
    query = SearchQuery(text='monitoring "virtual ward" "at home" remote', viewer=Viewer())
    must = build_search(query, INDEX).to_dict()["query"]["function_score"]["query"]["bool"]["must"]
    fields = ["title^3", "summary^2", "body"]
    assert must == [
        {"multi_match": {"query": "monitoring remote", "fields": fields, "type": "cross_fields", "operator": "and"}},
        {"multi_match": {"query": "virtual ward", "fields": fields, "type": "phrase"}},
        {"multi_match": {"query": "at home", "fields": fields, "type": "phrase"}},
    ]


def test_a_query_of_only_a_phrase_has_no_cross_fields_clause(db):
    must = build_search(SearchQuery(text='"length of stay"', viewer=Viewer()), INDEX).to_dict()["query"][
        "function_score"
    ]["query"]["bool"]["must"]
    assert must == [
        {"multi_match": {"query": "length of stay", "fields": ["title^3", "summary^2", "body"], "type": "phrase"}}
    ]
