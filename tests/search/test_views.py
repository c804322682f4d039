"""The search page, its JSON form, suggestions, bad input and an engine that is down."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from search.backends.database import DatabaseBackend
from search.documents import SearchDocument
from search.query import SearchUnavailable

URL = "/search/"


def test_urls_are_where_the_header_expects():
    assert reverse("search:results") == "/search/"
    assert reverse("search:suggest") == "/search/suggest/"
    assert reverse("search:api") == "/search/api/"


def test_results_page_mixes_types_with_labels_snippets_and_facts(client, corpus):
    response = client.get(URL, {"q": "frailty"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Project write-up" in html and "Community" in html and "Event" in html
    assert "<mark>frailty</mark>" in html.lower() or "<mark>Frailty</mark>" in html
    assert "120 members" in html
    assert 'name="type"' in html  # facets


def test_facets_combine(client, corpus):
    both = client.get(URL, {"q": "discharge", "format": "json"}).json()
    assert both["total"] > 2
    filtered = client.get(URL, {"q": "discharge", "type": "writeup", "care_setting": "Acute", "format": "json"}).json()
    assert filtered["total"] == 3  # acute write-ups mentioning discharge: 5, 16 and 17
    assert {r["url"] for r in filtered["results"]} == {"/projects/5/", "/projects/16/", "/projects/17/"}
    selected = [v for v in filtered["facets"]["type"] if v["selected"]]
    assert selected == [{"value": "writeup", "count": 3, "selected": True}]
    narrower = client.get(
        URL, {"q": "discharge", "type": "writeup", "care_setting": "Acute", "stage": "Idea", "format": "json"}
    ).json()
    assert [r["url"] for r in narrower["results"]] == ["/projects/17/"]


def test_sort_newest(client, corpus):
    data = client.get("/search/api/", {"q": "discharge", "sort": "newest"}).json()
    dates = [r["published_at"] for r in data["results"] if r["published_at"]]
    assert dates == sorted(dates, reverse=True)


def test_json_form_has_the_same_results_as_the_page(client, corpus):
    page = client.get(URL, {"q": "stroke"}).content.decode()
    data = client.get(URL, {"q": "stroke", "format": "json"}).json()
    assert data["total"] >= 1
    for result in data["results"]:
        assert result["url"] in page


def test_snippets_are_escaped_then_marked(client, db):
    DatabaseBackend().index(
        [
            SearchDocument(
                doc_type="page",
                object_id="x1",
                title="Tricky <b>title</b>",
                url="/x1/",
                summary='<script>alert("boo")</script> handover notes',
            )
        ]
    )
    html = client.get(URL, {"q": "handover"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>handover</mark>" in html
    assert "Tricky &lt;b&gt;title&lt;/b&gt;" in html


BAD_INPUT = [
    {},
    {"q": ""},
    {"q": "   "},
    {"q": "x" * 10_000},
    {"q": "discharge " * 2000},
    {"q": '"unbalanced quote'},
    {"q": 'AND OR NOT ( ) * ^ : { } " NEAR/3 -'},
    {"q": "title:discharge* OR body:(x"},
    {"q": "'; DROP TABLE search_searchentry; --"},
    {"q": "discharge", "type": "no-such-type"},
    {"q": "discharge", "unknown_facet": "x"},
    {"q": "discharge", "page": "abc"},
    {"q": "discharge", "page": "-3"},
    {"q": "discharge", "page": "99999999999999999999"},
    {"q": "discharge", "sort": "sideways"},
    {"q": "\x00 nul"},
    {"q": "🚑 A&E ☎"},
]


@pytest.mark.parametrize("params", BAD_INPUT)
def test_bad_input_never_breaks_the_page(client, corpus, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert client.get("/search/api/", params).status_code == 200
    assert client.get("/search/suggest/", params).status_code == 200


def test_page_out_of_range_shows_the_last_page_and_says_so(client, corpus):
    response = client.get(URL, {"q": "discharge", "page": 500})
    assert response.status_code == 200
    assert "so this is the last one" in response.content.decode()
    data = client.get(URL, {"q": "discharge", "page": 500, "format": "json"}).json()
    assert data["page"] == data["num_pages"] and data["results"]


def test_unknown_facet_value_gives_no_results_not_an_error(client, corpus):
    data = client.get(URL, {"q": "discharge", "stage": "Nonsense", "format": "json"}).json()
    assert data["total"] == 0


def test_did_you_mean(client, corpus):
    response = client.get(URL, {"q": "domicilary"})
    assert "Did you mean" in response.content.decode()
    assert client.get(URL, {"q": "domicilary", "format": "json"}).json()["did_you_mean"] == "domiciliary"


def test_suggestions(client, corpus):
    data = client.get("/search/suggest/", {"q": "frail"}).json()
    titles = [s["title"] for s in data["suggestions"]]
    assert "Frailty community of practice" in titles
    assert client.get("/search/suggest/", {"q": "f"}).json()["suggestions"] == []


class DownBackend:
    name = "down"

    def search(self, query):
        raise SearchUnavailable("down")

    suggest = search

    def health(self):
        raise SearchUnavailable("connection refused")


@pytest.fixture
def search_down(monkeypatch):
    import search.backends as backends

    monkeypatch.setattr(backends, "get_backend", lambda: DownBackend())


def test_engine_down_page_says_so_and_site_keeps_working(client, db, home_page, search_down):
    response = client.get(URL, {"q": "discharge"})
    assert response.status_code == 503
    assert "Search is not available" in response.content.decode()
    assert client.get("/search/api/", {"q": "discharge"}).status_code == 503
    assert client.get("/search/suggest/", {"q": "disch"}).status_code == 503
    assert client.get("/").status_code == 200
    health = client.get("/health/")
    assert health.status_code == 503
    assert health.json()["checks"]["search"]["status"] == "error"


def test_health_reports_the_database_backend(client, db):
    check = client.get("/health/").json()["checks"]["search"]
    assert check["status"] == "ok"
    assert check["backend"] == "database"
    assert check["engine"] in {"sqlite-fts5", "postgresql-fts"}


def _many(n: int) -> list[SearchDocument]:
    return [
        SearchDocument(
            doc_type="writeup",
            object_id=f"bulk{i}",
            title=f"Discharge improvement {i}",
            url=f"/projects/bulk{i}/",
            summary="Getting people home from hospital sooner.",
            community_id=7 if i % 3 == 0 else None,
            is_private=i % 3 == 0,
            facets={"organisation": [f"Trust {i % 7}", f"Council {i % 5}"], "stage": ["Testing"]},
            key_facts=["Stage: testing"],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("size", [5, 120])
def test_constant_queries_per_results_page(client, member, django_assert_num_queries, size):
    DatabaseBackend().index(_many(size))
    client.force_login(member)
    client.get(URL, {"q": "discharge"})  # warm caches (synonyms, site root)
    # Search's own: memberships, one statement for the page (candidates, facet counts, total, hits). The rest
    # is every page's: session, user (with its groups, so role checks cost none), site, two permission
    # look-ups for the admin link, the profile for the display name, the notification bell.
    # On PostgreSQL the page statement carries two SET LOCAL planner hints; inside the test's
    # transaction it runs in a savepoint that is rolled back to drop them: 2 more statements.
    with django_assert_num_queries(6 + (2 if connection.vendor == "postgresql" else 0)):
        response = client.get(URL, {"q": "discharge", "organisation": "Trust 1"})
    assert response.status_code == 200


def test_read_path_writes_only_the_count_of_a_search_that_found_nothing(client, corpus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"q": "domicilary"})
        client.get(URL, {"q": "frailty", "type": "writeup"})
        client.get("/search/suggest/", {"q": "frail"})
    writes = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes and all("search_searchmiss" in sql for sql in writes)  # "domicilary" found nothing


def test_json_link_only_for_staff_and_only_with_results(client, corpus, admin_user, member):
    link = "These results as JSON"
    assert link not in client.get(URL, {"q": "frailty"}).content.decode()  # anonymous
    client.force_login(member)
    assert link not in client.get(URL, {"q": "frailty"}).content.decode()
    client.force_login(admin_user)
    assert link in client.get(URL, {"q": "frailty"}).content.decode()
    assert link not in client.get(URL, {"q": "zzzqqqxxnothing"}).content.decode()


def test_key_facts_run_as_one_wrapping_line(client, corpus):
    html = client.get(URL, {"q": "frailty"}).content.decode()
    assert '<p class="boost-key-facts nhsuk-body-s"><span>' in html
    assert '<ul class="boost-key-facts' not in html
