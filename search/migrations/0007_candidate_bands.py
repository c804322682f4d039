"""PostgreSQL: the title/summary GIN index is split into partial indexes by ``boost`` band.

Above the candidate cap a results page ranks only the first ``MAX_CANDIDATES`` title/summary
matches it finds (search/backends/database.py). One index hands them over in storage order, so
for a common word the best write-ups (recent, well evidenced: a high ``boost``) were as likely
to be left out as any other: at 100k synthetic write-ups the capped top 10 shared 20% with a
ranking of every match (``bench/search.py --exactness``). With one partial index per band
(``boost`` >= 1.2, 1.0-1.2, 0.8-1.0, < 0.8; the bands of ``database.BOOST_BANDS``) the page takes
the best band first, and each band's bitmap is a fraction of the old one. Together the four
indexes cover every row once, as the single index did. Body-only matches (the second tier) get
the same four bands over ``search_vector``, beside its whole index, which the queries without a
band (newest first, suggestions, "did you mean") still use.
"""

from importlib import import_module

from django.db import migrations

# Migration modules start with a digit, so the vendor-only RunSQL of 0001 is imported by name.
VendorRunSQL = import_module("search.migrations.0001_initial").VendorRunSQL

BANDS = [
    ("search_entry_vector_ab_band0", "boost >= 1.2"),
    ("search_entry_vector_ab_band1", "boost >= 1.0 AND boost < 1.2"),
    ("search_entry_vector_ab_band2", "boost >= 0.8 AND boost < 1.0"),
    ("search_entry_vector_ab_band3", "boost < 0.8"),
]
FORWARD = [
    *(
        f"CREATE INDEX {name} ON search_searchentry USING GIN (search_vector_ab) WITH (fastupdate = off) WHERE {cond}"
        for name, cond in BANDS
    ),
    "DROP INDEX search_entry_vector_ab_gin",
    # The body-only tier is banded too. The whole-vector index stays: newest-first pages,
    # suggestions and "did you mean" match without a band.
    *(
        f"CREATE INDEX {name.replace('_ab_', '_')} ON search_searchentry USING GIN (search_vector) "
        f"WITH (fastupdate = off) WHERE {cond}"
        for name, cond in BANDS
    ),
]
REVERSE = [
    *(f"DROP INDEX {name.replace('_ab_', '_')}" for name, _ in BANDS),
    "CREATE INDEX search_entry_vector_ab_gin ON search_searchentry USING GIN (search_vector_ab) WITH (fastupdate = off)",
    *(f"DROP INDEX {name}" for name, _ in BANDS),
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_phrase_tokens")]

    operations = [VendorRunSQL("postgresql", FORWARD, REVERSE)]
