"""PostgreSQL: the search GIN indexes take new entries at once instead of through a pending list.

With ``fastupdate`` on (PostgreSQL's default) new entries wait in an unsorted pending list that
every search scans until VACUUM (or the list reaching ``gin_pending_list_limit``) merges it: right
after indexing 100,000 write-ups, engine p50/p95 was 9.1/14.0 ms, after VACUUM 7.5/12.0 ms
(``bench/search.py``). Search is read far more than written, and writes go through the task
worker, so the slower insert is paid off the request path. SQLite (FTS5) is untouched.
"""

from importlib import import_module

from django.db import migrations

# Migration modules start with a digit, so the vendor-only RunSQL of 0001 is imported by name.
VendorRunSQL = import_module("search.migrations.0001_initial").VendorRunSQL

FORWARD = [
    "ALTER INDEX search_entry_vector_gin SET (fastupdate = off)",
    "ALTER INDEX search_entry_vector_ab_gin SET (fastupdate = off)",
]
REVERSE = [
    "ALTER INDEX search_entry_vector_gin RESET (fastupdate)",
    "ALTER INDEX search_entry_vector_ab_gin RESET (fastupdate)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_candidate_indexes")]

    operations = [VendorRunSQL("postgresql", FORWARD, REVERSE)]
