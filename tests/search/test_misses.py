"""The search-miss log: searches that found nothing are counted per day without who searched,
personal-looking words are never kept, old rows go, and leaders see only frequent misses."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.suppression import SUPPRESSED
from search.models import SearchMiss

pytestmark = pytest.mark.django_db
URL = "/search/"


def test_a_search_that_finds_nothing_is_counted_once_a_day_and_nothing_else_is(client, corpus):
    for _ in range(3):
        assert client.get(URL, {"q": "  Hospital   AT Home pets "}).status_code == 200
    client.get(URL, {"q": "frailty"})  # found something
    client.get(URL, {"q": "zzqx", "type": "writeup"})  # a filter narrowed it: not a gap in the content
    client.get(URL, {"q": "   "})
    client.get("/search/api/", {"q": "Hospital at home pets"})  # the JSON form counts too
    assert list(SearchMiss.objects.values_list("text", "times")) == [("hospital at home pets", 4)]


@pytest.mark.parametrize(
    "words",
    ["jo.bloggs@nhs.net", "943 476 5919", "patient 9434765919", "07700-900123", "dob 12/03/1950 smith"],
)
def test_words_that_look_personal_are_never_kept(client, corpus, words):
    client.get(URL, {"q": words})
    assert not SearchMiss.objects.exists()


def test_rows_past_the_retention_period_are_deleted(client, corpus, settings):
    settings.SEARCH_MISS_RETENTION_DAYS = 30
    today = timezone.localdate()
    SearchMiss.objects.create(day=today - timedelta(days=31), text="old words", times=9)
    SearchMiss.objects.create(day=today - timedelta(days=29), text="recent words", times=2)
    client.get(URL, {"q": "zzqx"})
    assert set(SearchMiss.objects.values_list("text", flat=True)) == {"recent words", "zzqx"}


def test_leaders_see_frequent_misses_only(client, leader, settings):
    # Misses are not watched by the dashboard's figure cache (analytics/cache.py): they show within
    # ANALYTICS_CACHE_SECONDS. This test is about the figure, so it reads the figures afresh.
    settings.ANALYTICS_CACHE_SECONDS = 0
    today = timezone.localdate()
    SearchMiss.objects.create(day=today, text="virtual ward oximetry", times=4)
    SearchMiss.objects.create(day=today - timedelta(days=1), text="virtual ward oximetry", times=3)
    SearchMiss.objects.create(day=today, text="mrs jones ward 5", times=2)
    SearchMiss.objects.create(day=today - timedelta(days=400), text="outside the range", times=50)
    client.force_login(leader)
    html = client.get("/analytics/").content.decode()
    assert "virtual ward oximetry" in html and "mrs jones" not in html and "outside the range" not in html
    assert "9 searches found nothing" in html
    download = client.get(reverse("analytics:figure_csv", args=["searches"])).content.decode()
    rows = list(csv.reader(io.StringIO(download)))
    assert rows == [["Search", "Times"], ["virtual ward oximetry", "7"]]
    SearchMiss.objects.all().delete()
    SearchMiss.objects.create(day=today, text="anything", times=3)
    html = client.get("/analytics/").content.decode()
    assert f"{SUPPRESSED} searches found nothing" in html


def test_control_characters_are_dropped_and_a_failed_write_changes_nothing_else(client, corpus, monkeypatch):
    client.get(URL, {"q": "\x00 zzqx\x07 words"})
    assert list(SearchMiss.objects.values_list("text", flat=True)) == ["zzqx words"]

    def broken(*args, **kwargs):
        from django.db import DatabaseError

        raise DatabaseError("the log is unavailable")

    monkeypatch.setattr(SearchMiss.objects, "create", broken)
    response = client.get(URL, {"q": "qqzz other words"})
    assert response.status_code == 200 and "qqzz other words" in response.content.decode()
    assert SearchMiss.objects.count() == 1
