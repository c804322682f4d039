"""The database search index: search/ owns these tables; content apps never write to them.

``SearchEntry`` is one indexed document (any type). On SQLite an FTS5 table (``search_fts``,
external content, kept in step by triggers) indexes its title/summary/body; on PostgreSQL a
generated, weighted ``tsvector`` column with a GIN index does. Both are created by migration
0001 with ``RunSQL`` for the matching vendor only, so the model itself stays portable.
Migration 0004 adds, on PostgreSQL only, what the capped candidates of a results page read: a
title/summary ``tsvector`` with its own GIN index and a generated ``facet_keys`` array
(search/backends/database.py explains both).
"""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel


class SearchEntry(models.Model):
    """One searchable document, as the database backend stores it."""

    key = models.CharField(max_length=80, unique=True, help_text="doc_type:object_id")
    doc_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    # Permission: the community the document belongs to (None: no community), whether it is
    # visible only inside that community, and whether it needs a signed-in viewer.
    community_id = models.IntegerField(null=True, blank=True)
    is_private = models.BooleanField(default=False)
    members_only = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    boost = models.FloatField(default=1.0, help_text="Ranking multiplier: freshness and evidence.")
    key_facts = models.JSONField(default=list, blank=True)
    facets = models.JSONField(default=dict, blank=True, help_text="Display copy; SearchFacet is what is queried.")

    class Meta:
        indexes = [
            models.Index(fields=["doc_type", "object_id"]),
            models.Index(fields=["is_private", "community_id"]),
            models.Index(fields=["published_at"]),
        ]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return self.key


class SearchFacet(models.Model):
    """A facet value of an entry (multi-valued facets such as organisation get one row each)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facet_values")
    name = models.CharField(max_length=32)
    value = models.CharField(max_length=200)

    class Meta:
        # (entry, name, value) covers the facet count of a page's candidates: an index-only scan on PostgreSQL.
        indexes = [models.Index(fields=["name", "value", "entry"]), models.Index(fields=["entry", "name", "value"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SearchTerm(models.Model):
    """The vocabulary of indexed words, for "did you mean". Candidates found here are only
    offered after the corrected query returns something the viewer may see."""

    term = models.CharField(max_length=64, unique=True)
    length = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return self.term


class SearchSynonym(models.Model):
    """A set of words and phrases that mean the same thing (e.g. "A&E, emergency department").

    Curators edit these as a Wagtail snippet. The database backend expands queries with them;
    the Elasticsearch backend turns them into a synonym filter when the index is built.
    """

    terms = models.CharField(
        max_length=400, unique=True, help_text='Comma-separated equivalents, e.g. "GP, general practice".'
    )
    note = models.CharField(max_length=200, blank=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]


class SearchPhrase(models.Model):
    """A multi-word synonym phrase that PostgreSQL indexes as one token (search/phrases.py).

    Kept in step with ``SearchSynonym`` by ``search.phrases.sync_phrases``; not edited by hand.
    On PostgreSQL migration 0006 adds ``tsq``, the phrase's ``tsquery``, which the indexing
    trigger matches entries against."""

    phrase = models.CharField(max_length=400, unique=True, help_text="Its words, lower case, space-separated.")
    token = models.CharField(max_length=32)
    query = models.CharField(max_length=800, help_text="to_tsquery input: the words joined by <->.")
    ready = models.BooleanField(default=False, help_text="Every entry carries its token (queries may use it).")

    def __str__(self) -> str:
        return self.phrase


class SearchMiss(models.Model):
    """How often, on one day, a search found nothing: for leaders to see what people look for and
    do not find. Deliberately holds no person, session or address, only the normalised words and a
    count, and rows older than ``SEARCH_MISS_RETENTION_DAYS`` are deleted (search/misses.py)."""

    day = models.DateField()
    text = models.CharField(max_length=100)
    times = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "text"], name="search_miss_one_row_a_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day}: {self.text} ×{self.times}"
