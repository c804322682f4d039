"""What the capped candidate set of a results page reads (search/backends/database.py, issue 6).

PostgreSQL only (RunSQL, as 0001 does):

* ``search_vector_ab``: a second, smaller tsvector over title (A) and summary (B), with its own
  GIN index. Above the cap the backend takes title/summary matches first, and this index finds
  them without building a bitmap over every body match. It is exactly the first two parts of
  ``search_vector``, so whatever matches it also matches ``search_vector`` (the body is
  concatenated after them, so positions and phrases line up).
* ``facet_keys``: the document's facets as ``name=value`` strings (distinct, values cut at 200
  characters, as ``SearchFacet`` rows are), generated from the ``facets`` JSON by PostgreSQL
  itself. Facet counts unnest it from the candidate rows the page has already read, instead of
  looking up ~10 ``search_searchfacet`` rows per candidate (measured: 2.7 ms → 1.5 ms of server
  CPU per page at 100k).

* ``search_vector`` is stored ``MAIN`` (compressed in the row) rather than ``EXTENDED``: rows
  are wider than PostgreSQL's 2 kB TOAST threshold, and by default the vector, the largest
  column, went out of line, so ranking 500 candidates cost 500 TOAST look-ups (~1.4 ms of server
  CPU per page at 100k). Now the body goes out of line instead; only the ten hits shown read it.

Both engines: ``SearchFacet``'s ``(entry, name)`` index becomes ``(entry, name, value)``, so
counting a candidate's facets from that table (SQLite) reads the index alone.

SQLite needs no new column: FTS5 restricts a MATCH to title and summary with a column filter.
"""

from importlib import import_module

from django.db import migrations, models

# Migration modules start with a digit, so the vendor-only RunSQL of 0001 is imported by name.
VendorRunSQL = import_module("search.migrations.0001_initial").VendorRunSQL

POSTGRES_CANDIDATE_COLUMNS = [
    # First, so the table rewrite that adding the generated columns below causes applies it to every row.
    "ALTER TABLE search_searchentry ALTER COLUMN search_vector SET STORAGE MAIN",
    """ALTER TABLE search_searchentry ADD COLUMN search_vector_ab tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')) STORED""",
    "CREATE INDEX search_entry_vector_ab_gin ON search_searchentry USING GIN (search_vector_ab)",
    """CREATE FUNCTION search_facet_keys(facets jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT f.key || '=' || left(v.value, 200)), '{}')
        FROM jsonb_each(CASE WHEN jsonb_typeof(facets) = 'object' THEN facets ELSE '{}' END) f
        CROSS JOIN jsonb_array_elements_text(CASE WHEN jsonb_typeof(f.value) = 'array' THEN f.value ELSE '[]' END) v
    $$""",
    """ALTER TABLE search_searchentry ADD COLUMN facet_keys text[]
        GENERATED ALWAYS AS (search_facet_keys(facets)) STORED""",
]
POSTGRES_CANDIDATE_COLUMNS_REVERSE = [
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS facet_keys",
    "DROP FUNCTION IF EXISTS search_facet_keys(jsonb)",
    "DROP INDEX IF EXISTS search_entry_vector_ab_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector_ab",
    "ALTER TABLE search_searchentry ALTER COLUMN search_vector SET STORAGE EXTENDED",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_more_synonyms")]

    operations = [
        migrations.RemoveIndex(model_name="searchfacet", name="search_sear_entry_i_10d0c7_idx"),
        migrations.AddIndex(
            model_name="searchfacet",
            index=models.Index(fields=["entry", "name", "value"], name="search_sear_entry_i_259b66_idx"),
        ),
        VendorRunSQL("postgresql", POSTGRES_CANDIDATE_COLUMNS, POSTGRES_CANDIDATE_COLUMNS_REVERSE),
    ]
