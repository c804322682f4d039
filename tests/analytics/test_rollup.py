"""The daily rollup behind "activity per community": finished days counted once and stored, today
counted live, and the dashboard's figures the same as counting every message."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import rollup
from analytics.models import CommunityDay, RolledUpDay
from communities.models import Membership
from discussions.models import Message, Thread
from tests.factories.accounts import user_with_role
from tests.factories.communities import make_community
from tests.factories.discussions import make_thread, post

pytestmark = pytest.mark.django_db


def _on(day, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def busy(member, settings):
    settings.DISCUSSIONS_RATE_LIMIT = (1000, 60)
    today = timezone.localdate()
    frailty, stroke = make_community("Frailty"), make_community("Stroke")
    for community in (frailty, stroke):
        Membership.objects.create(user=member, community=community, state=Membership.State.ACTIVE)
    old = make_thread(member, frailty, title="Last week")
    for _ in range(7):
        post(member, old)
    Message.objects.filter(thread=old).update(created_at=_on(today - timedelta(days=6)))
    Thread.objects.filter(pk=old.pk).update(created_at=_on(today - timedelta(days=6)))
    yesterday = make_thread(member, stroke, title="Yesterday")
    for _ in range(5):
        post(member, yesterday)
    Message.objects.filter(thread=yesterday).update(created_at=_on(today - timedelta(days=1), 23))
    for _ in range(6):
        post(member, make_thread(member, stroke, title="Today"))
    return {"frailty": frailty, "stroke": stroke, "today": today}


def test_finished_days_are_counted_once_and_today_live(busy, settings):
    settings.ANALYTICS_ROLLUP_REQUEST_DAYS = 31  # all thirty days in the request, none left to the worker
    today = busy["today"]
    counts, not_counted = rollup.activity(today - timedelta(days=30), today)
    assert not_counted == 0
    assert counts[busy["frailty"].pk] == {"messages": 8, "threads": 1}  # with the opening post
    assert counts[busy["stroke"].pk] == {"messages": 18, "threads": 7}
    assert RolledUpDay.objects.count() == 30  # 30 finished days, today not among them
    assert not RolledUpDay.objects.filter(day=today).exists()
    assert CommunityDay.objects.get(community_id=busy["frailty"].pk).messages == 8
    with CaptureQueriesContext(connection) as again:
        assert rollup.activity(today - timedelta(days=30), today) == (counts, 0)
    writes = [q["sql"] for q in again if q["sql"].lstrip().upper().startswith("INSERT")]
    assert writes == []  # nothing recounted
    assert rollup.activity(today - timedelta(days=3), today - timedelta(days=1))[0][busy["stroke"].pk]["messages"] == 6


def test_the_dashboard_reads_the_rollup(client, leader, busy):
    client.force_login(leader)
    download = client.get(reverse("analytics:figure_csv", args=["activity"])).content.decode()
    rows = list(csv.reader(io.StringIO(download)))
    assert rows[1] == ["Stroke", "18", "7", "fewer than 5", "fewer than 5"]
    assert rows[2] == ["Frailty", "8", "fewer than 5", "fewer than 5", "fewer than 5"]


def test_the_command_rolls_up_ahead_of_time(busy, capsys):
    call_command("rollup_activity", "--days", "10")
    assert "Rolled up 10 day(s)." in capsys.readouterr().out
    assert CommunityDay.objects.filter(community_id=busy["stroke"].pk).get().messages == 6
    call_command("rollup_activity", "--days", "10")
    assert "Rolled up 0 day(s)." in capsys.readouterr().out
    with pytest.raises(Exception, match="1 or more"):
        call_command("rollup_activity", "--days", "0")


def test_someone_else_sees_no_private_community_counts(client, busy):
    hidden = make_community("Hidden ward", is_private=True)
    insider = user_with_role("Member")
    Membership.objects.create(user=insider, community=hidden, state=Membership.State.ACTIVE)
    for _ in range(9):
        post(insider, make_thread(insider, hidden, title="Inside"))
    client.force_login(user_with_role("Leader", with_mfa=True))
    assert "Hidden ward" not in client.get(reverse("analytics:figure_csv", args=["activity"])).content.decode()


def test_a_reader_rolls_up_only_recent_days_and_the_worker_the_rest(client, leader, busy, settings):
    """The first dashboard on a site with a year not rolled up counts a few days itself, queues the
    rest for the task worker (once), and says what is not counted yet."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.ANALYTICS_ROLLUP_REQUEST_DAYS = 3
    from django.tasks import default_task_backend

    client.force_login(leader)
    page = client.get("/analytics/").content.decode()
    assert RolledUpDay.objects.count() == 3  # the three most recent finished days, no more
    assert "Messages and threads on 361 earlier days of the period are not counted yet" in page
    rows = list(csv.reader(io.StringIO(client.get(reverse("analytics:figure_csv", args=["activity"])).text)))
    assert rows[1][:2] == ["Stroke", "18"]  # yesterday's and today's messages
    assert rows[2][:2] == ["Frailty", "fewer than 5"]  # last week's are not counted yet
    client.get("/analytics/?start=" + str(busy["today"] - timedelta(days=100)))
    queued = [r for r in default_task_backend.results if r.task.name == "backfill_activity"]
    assert len(queued) == 1  # queued once, however many readers come before the worker
    queued[0].task.call()  # what the worker does
    page = client.get("/analytics/").content.decode()
    assert "not counted yet" not in page
    rows = list(csv.reader(io.StringIO(client.get(reverse("analytics:figure_csv", args=["activity"])).text)))
    assert rows[2][:2] == ["Frailty", "8"]
