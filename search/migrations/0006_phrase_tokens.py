"""Multi-word synonym phrases indexed as single tokens on PostgreSQL (search/phrases.py says why).

* ``SearchPhrase``: the phrases, seeded from the curated synonyms (ready: this migration gives
  every existing entry its tokens).
* PostgreSQL only (RunSQL, as 0001 does): the phrase's ``tsquery`` as a generated ``tsq``;
  ``search_phrase_vector(title, summary, body)``, the tokens of the phrases a document contains,
  weighted A/B/C by the field they are in; a ``BEFORE INSERT OR UPDATE`` trigger that keeps each
  entry's ``phrase_vector`` with it (generated columns are computed after BEFORE triggers); and
  ``search_vector`` and ``search_vector_ab`` rebuilt to include those tokens (title and summary
  ones only in the latter), stored ``MAIN``, GIN without a pending list as in 0004 and 0005.

A phrase that spans two fields (the end of a title and the start of its summary) no longer
counts as that phrase here: each field is matched on its own, as SQLite's FTS5 columns are.
"""

from importlib import import_module

from django.db import migrations, models

# Migration modules start with a digit, so the vendor-only RunSQL of 0001 is imported by name.
VendorRunSQL = import_module("search.migrations.0001_initial").VendorRunSQL

WEIGHTED_FIELDS = """setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')"""

FORWARD = [
    """ALTER TABLE search_searchphrase ADD COLUMN tsq tsquery
        GENERATED ALWAYS AS (to_tsquery('english'::regconfig, query)) STORED""",
    "ALTER TABLE search_searchentry ADD COLUMN phrase_vector tsvector",
    # STABLE, not IMMUTABLE: it reads the phrase table, so it may not sit in a generated column.
    # PL/pgSQL, not SQL: a SQL function with a CTE is planned again on every call (13 ms a row,
    # measured); PL/pgSQL keeps its plan (0.1 ms a row, about what the three to_tsvector cost).
    """CREATE FUNCTION search_phrase_vector(title text, summary text, body text) RETURNS tsvector
        LANGUAGE plpgsql STABLE AS $$
        DECLARE
            a tsvector := to_tsvector('english'::regconfig, coalesce(title, ''));
            b tsvector := to_tsvector('english'::regconfig, coalesce(summary, ''));
            c tsvector := to_tsvector('english'::regconfig, coalesce(body, ''));
            in_a text;
            in_b text;
            in_c text;
        BEGIN
            SELECT string_agg(p.token, ' ') FILTER (WHERE a @@ p.tsq),
                   string_agg(p.token, ' ') FILTER (WHERE NOT a @@ p.tsq AND b @@ p.tsq),
                   string_agg(p.token, ' ') FILTER (WHERE NOT a @@ p.tsq AND NOT b @@ p.tsq AND c @@ p.tsq)
              INTO in_a, in_b, in_c
              FROM search_searchphrase p WHERE numnode(p.tsq) > 1;
            RETURN setweight(to_tsvector('simple', coalesce(in_a, '')), 'A') ||
                   setweight(to_tsvector('simple', coalesce(in_b, '')), 'B') ||
                   setweight(to_tsvector('simple', coalesce(in_c, '')), 'C');
        END
    $$""",
    """CREATE FUNCTION search_entry_phrases() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.phrase_vector := search_phrase_vector(NEW.title, NEW.summary, NEW.body);
            RETURN NEW;
        END
    $$""",
    """CREATE TRIGGER search_entry_phrases BEFORE INSERT OR UPDATE OF title, summary, body
        ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_phrases()""",
    # The generated vectors go first, so the back-fill below does not rewrite them and their indexes.
    "DROP INDEX search_entry_vector_ab_gin",
    "DROP INDEX search_entry_vector_gin",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector_ab, DROP COLUMN search_vector",
    "UPDATE search_searchentry SET phrase_vector = search_phrase_vector(title, summary, body)",
    # One ALTER TABLE: the storage setting is in place before the single rewrite that fills both.
    f"""ALTER TABLE search_searchentry
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({WEIGHTED_FIELDS} ||
            setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C') ||
            coalesce(phrase_vector, ''::tsvector)) STORED,
        ADD COLUMN search_vector_ab tsvector GENERATED ALWAYS AS ({WEIGHTED_FIELDS} ||
            ts_filter(coalesce(phrase_vector, ''::tsvector), '{{a,b}}')) STORED,
        ALTER COLUMN search_vector SET STORAGE MAIN""",
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING GIN (search_vector) WITH (fastupdate = off)",
    """CREATE INDEX search_entry_vector_ab_gin ON search_searchentry USING GIN (search_vector_ab)
        WITH (fastupdate = off)""",
]
REVERSE = [
    "DROP INDEX search_entry_vector_ab_gin",
    "DROP INDEX search_entry_vector_gin",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector_ab, DROP COLUMN search_vector",
    f"""ALTER TABLE search_searchentry
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({WEIGHTED_FIELDS} ||
            setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')) STORED,
        ADD COLUMN search_vector_ab tsvector GENERATED ALWAYS AS ({WEIGHTED_FIELDS}) STORED,
        ALTER COLUMN search_vector SET STORAGE MAIN""",
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING GIN (search_vector) WITH (fastupdate = off)",
    """CREATE INDEX search_entry_vector_ab_gin ON search_searchentry USING GIN (search_vector_ab)
        WITH (fastupdate = off)""",
    "DROP TRIGGER search_entry_phrases ON search_searchentry",
    "DROP FUNCTION search_entry_phrases()",
    "DROP FUNCTION search_phrase_vector(text, text, text)",
    "ALTER TABLE search_searchentry DROP COLUMN phrase_vector",
]


def seed(apps, schema_editor):
    from search.phrases import phrases_from_terms, token_for

    SearchSynonym = apps.get_model("search", "SearchSynonym")
    SearchPhrase = apps.get_model("search", "SearchPhrase")
    term_lists = ([t.strip() for t in s.terms.split(",") if t.strip()] for s in SearchSynonym.objects.all())
    SearchPhrase.objects.bulk_create(
        [
            SearchPhrase(phrase=key, token=token_for(key), query=query, ready=True)
            for key, query in phrases_from_terms(term_lists).items()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0005_gin_without_pending_list")]

    operations = [
        migrations.CreateModel(
            name="SearchPhrase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "phrase",
                    models.CharField(help_text="Its words, lower case, space-separated.", max_length=400, unique=True),
                ),
                ("token", models.CharField(max_length=32)),
                ("query", models.CharField(help_text="to_tsquery input: the words joined by <->.", max_length=800)),
                (
                    "ready",
                    models.BooleanField(
                        default=False, help_text="Every entry carries its token (queries may use it)."
                    ),
                ),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        VendorRunSQL("postgresql", FORWARD, REVERSE),
    ]
