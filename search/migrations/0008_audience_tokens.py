"""PostgreSQL: who may see an entry is also in its tsvectors, so the GIN index applies the
permission filter instead of the heap.

Measured (``bench/search.py --messages 1000000``): with a million discussion messages beside
100,000 write-ups, "discharge" took 374 ms for an anonymous reader. Messages are for signed-in
members, and the word is in ~80,000 of them: the index handed every one to the heap, where the
``members_only`` filter threw them away one row at a time. Now every entry carries position-less
audience tokens (``array_to_tsvector``, so phrases and ``ts_rank`` never see them):

* ``aud0anyone``: public and not members-only (what an anonymous reader may see);
* ``aud0signedin``: not private (what any signed-in person may see);
* ``aud0c<community id>``: private to that community.

A query ANDs the viewer's audience (``search.backends.database.audience_tsquery``) into the
tsquery it matches with. The SQL permission filter stays in every statement, and decides.

The generated columns are rebuilt (as in 0006), and with them every GIN index of 0006 and 0007.
"""

from importlib import import_module

from django.db import migrations

# Migration modules start with a digit, so the vendor-only RunSQL of 0001 is imported by name.
VendorRunSQL = import_module("search.migrations.0001_initial").VendorRunSQL
BANDS = import_module("search.migrations.0007_candidate_bands").BANDS

WEIGHTED_FIELDS = """setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')"""
BODY = "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')"
PHRASES = "coalesce(phrase_vector, ''::tsvector)"
AUDIENCE = """array_to_tsvector(CASE
            WHEN is_private THEN CASE WHEN community_id IS NULL THEN '{}'::text[]
                                      ELSE ARRAY['aud0c' || community_id::text] END
            WHEN members_only THEN ARRAY['aud0signedin']
            ELSE ARRAY['aud0anyone', 'aud0signedin'] END)"""


def rebuild_vectors(full: str, title_summary: str) -> list[str]:
    """Drop and re-add both generated vectors (storage MAIN, one table rewrite) and their indexes."""
    return [
        "ALTER TABLE search_searchentry DROP COLUMN search_vector_ab, DROP COLUMN search_vector",
        f"""ALTER TABLE search_searchentry
            ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({full}) STORED,
            ADD COLUMN search_vector_ab tsvector GENERATED ALWAYS AS ({title_summary}) STORED,
            ALTER COLUMN search_vector SET STORAGE MAIN""",
        "CREATE INDEX search_entry_vector_gin ON search_searchentry USING GIN (search_vector) WITH (fastupdate = off)",
        *(
            f"CREATE INDEX {name} ON search_searchentry USING GIN (search_vector_ab) WITH (fastupdate = off) "
            f"WHERE {condition}"
            for name, condition in BANDS
        ),
        *(
            f"CREATE INDEX {name.replace('_ab_', '_')} ON search_searchentry USING GIN (search_vector) "
            f"WITH (fastupdate = off) WHERE {condition}"
            for name, condition in BANDS
        ),
    ]


FORWARD = rebuild_vectors(
    f"{WEIGHTED_FIELDS} || {BODY} || {PHRASES} || {AUDIENCE}",
    f"{WEIGHTED_FIELDS} || ts_filter({PHRASES}, '{{a,b}}') || {AUDIENCE}",
)
REVERSE = rebuild_vectors(
    f"{WEIGHTED_FIELDS} || {BODY} || {PHRASES}",
    f"{WEIGHTED_FIELDS} || ts_filter({PHRASES}, '{{a,b}}')",
)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_candidate_bands")]

    operations = [VendorRunSQL("postgresql", FORWARD, REVERSE)]
