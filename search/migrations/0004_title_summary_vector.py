"""PostgreSQL: a second, smaller tsvector over title (A) and summary (B) only, with its own GIN index.

Above the candidate cap the database backend takes title/summary matches first (see
search/backends/database.py); this index finds them without building a bitmap over every body
match. It is exactly the first two parts of ``search_vector``, so a document that matches it also
matches ``search_vector`` (positions line up: the body is concatenated after them). SQLite needs
no schema change: FTS5 restricts a MATCH to columns with a ``{title summary}:`` filter.
"""

from importlib import import_module

from django.db import migrations

# Migration modules start with a digit, so the vendor-only RunSQL of 0001 is imported by name.
VendorRunSQL = import_module("search.migrations.0001_initial").VendorRunSQL

POSTGRES_TITLE_SUMMARY_VECTOR = [
    """ALTER TABLE search_searchentry ADD COLUMN search_vector_ab tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')) STORED""",
    "CREATE INDEX search_entry_vector_ab_gin ON search_searchentry USING GIN (search_vector_ab)",
]
POSTGRES_TITLE_SUMMARY_VECTOR_REVERSE = [
    "DROP INDEX IF EXISTS search_entry_vector_ab_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector_ab",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_more_synonyms")]

    operations = [
        VendorRunSQL("postgresql", POSTGRES_TITLE_SUMMARY_VECTOR, POSTGRES_TITLE_SUMMARY_VECTOR_REVERSE),
    ]
