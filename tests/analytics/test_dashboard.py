"""The leaders' analytics: who may see it, small-number suppression, private communities, CSVs,
bad ranges, and queries that do not grow with the community."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from analytics.suppression import SUPPRESSED, breakdown
from communities.models import Membership
from tests.factories.accounts import user_with_role
from tests.factories.communities import make_community
from tests.factories.discussions import make_thread, post

pytestmark = pytest.mark.django_db
URL = "/analytics/"


def test_small_counts_are_suppressed_and_cannot_be_worked_out_from_the_total():
    cells, total = breakdown([120, 3, 40])
    assert [c.text for c in cells] == ["120", SUPPRESSED, "withheld (would reveal a small count)"]
    assert total.text == "about 160" and all(c.value is None for c in cells[1:])
    cells, total = breakdown([2, 3, 50])
    assert [c.text for c in cells] == [SUPPRESSED, SUPPRESSED, "50"]  # two hidden: neither derivable
    cells, total = breakdown([10, 20])
    assert [c.text for c in cells] == ["10", "20"] and total.text == "30"
    assert breakdown([1, 2])[1].text == SUPPRESSED


def test_only_leaders_curators_and_admins_see_it(client, member, leader, curator, admin_user):
    assert client.get(URL).status_code == 302  # signed out: sign in first
    client.force_login(member)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("analytics:figure_csv", args=["members"])).status_code == 404
    for person in (leader, curator, admin_user):
        client.force_login(person)
        response = client.get(URL)
        assert response.status_code == 200, person
        assert "How the community is doing" in response.content.decode()


def test_private_community_figures_only_for_those_who_may_see_them(client, leader, curator, member):
    open_one = make_community("Open Frailty Network")
    closed = make_community("Closed Circle", is_private=True)
    for community in (open_one, closed):
        Membership.objects.create(user=member, community=community, state=Membership.State.ACTIVE)
        thread = make_thread(member, community, title=f"Talk in {community.title}")
        for _ in range(6):
            post(member, thread)
    client.force_login(leader)
    html = client.get(URL).content.decode()
    assert "Open Frailty Network" in html and "Closed Circle" not in html
    assert client.get(URL, {"community": closed.slug}).status_code == 400  # not a choice for them
    activity = client.get(reverse("analytics:figure_csv", args=["activity"])).content.decode()
    assert "Closed Circle" not in activity
    rows = list(csv.reader(io.StringIO(activity)))
    assert rows[0] == ["Community", "Messages", "Threads", "Events", "Going to events"]
    assert rows[1] == ["Open Frailty Network", "7", SUPPRESSED, SUPPRESSED, SUPPRESSED]
    client.force_login(curator)
    assert "Closed Circle" in client.get(URL).content.decode()


def test_member_counts_below_five_are_never_shown(client, leader):
    user_with_role("Member").profile.__class__.objects.all().update(profession="nurse")
    for _ in range(3):
        profile = user_with_role("Member").profile
        profile.profession = "lived_experience"
        profile.save()
    client.force_login(leader)
    response = client.get(reverse("analytics:figure_csv", args=["profession"]))
    rows = {row[0]: row[1] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["Patient, carer or lived experience"] == SUPPRESSED
    html = client.get(URL).content.decode()
    assert "patients, carers and people with lived experience: fewer than 5" in html


def test_a_backwards_or_malformed_range_is_a_clear_error(client, leader):
    client.force_login(leader)
    response = client.get(URL, {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in response.content.decode()
    response = client.get(URL, {"start": "31/31/2026"})
    assert response.status_code == 400 and "nhsuk-error-summary" in response.content.decode()
    assert client.get(reverse("analytics:figure_csv", args=["members"]), {"start": "nonsense"}).status_code == 400
    assert client.get(reverse("analytics:figure_csv", args=["no-such-figure"])).status_code == 404


def test_dashboard_queries_do_not_grow_with_communities_and_members(client, leader, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_community("Community 0")
    author = user_with_role("Member")
    Membership.objects.create(user=author, community=first, state=Membership.State.ACTIVE)
    make_thread(author, first)
    client.force_login(leader)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    small_count = len(small.captured_queries)
    for i in range(1, 8):
        community = make_community(f"Community {i}")
        for _ in range(3):
            person = user_with_role("Member")
            Membership.objects.create(user=person, community=community, state=Membership.State.ACTIVE)
            post(person, make_thread(person, community))
    client.get(URL)
    with django_assert_num_queries(small_count):
        client.get(URL)


def test_admins_find_it_in_the_wagtail_admin(client, admin_user):
    client.force_login(admin_user)
    assert reverse("analytics:dashboard") in client.get("/admin/").content.decode()


def test_members_by_care_setting_with_suppression(client, leader):
    from accounts.models import Profile

    for setting, people in (("acute", 6), ("social_care", 2)):
        for _ in range(people):
            Profile.objects.filter(user=user_with_role("Member")).update(care_setting=setting)
    client.force_login(leader)
    rows = dict(csv.reader(io.StringIO(client.get(reverse("analytics:figure_csv", args=["care_setting"])).text)))
    assert rows["Care setting"] == "Members" and rows["Hospital (acute)"] == "6"
    assert rows["Social care"] == SUPPRESSED and "Members by care setting" in client.get(URL).text


def test_figures_are_kept_briefly_and_recomputed_when_what_they_count_changes(client, leader, settings):
    from accounts.models import Profile

    def ahp_row():
        rows = dict(csv.reader(io.StringIO(client.get(reverse("analytics:figure_csv", args=["profession"])).text)))
        return rows.get("Allied health professional (therapist, paramedic…)")

    client.force_login(leader)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as again:
        client.get(URL)
    assert len(again) < len(first) - 5  # the figures' aggregate queries are not run again
    assert ahp_row() is None
    for profession in ["ahp"] * 6 + ["voluntary"] * 2:  # two small groups: neither derivable, 6 shown
        Profile.objects.filter(user=user_with_role("Member")).update(profession=profession)
    # A queryset update sends no signal, but the people joining did: the figures are recomputed.
    assert ahp_row() == "6"
    settings.ANALYTICS_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as uncached:
        client.get(URL)
    assert len(uncached) >= len(first) - 1


def test_cached_figures_are_never_shared_with_someone_who_may_see_less(client, leader, curator, member):
    closed = make_community("Closed Circle", is_private=True)
    Membership.objects.create(user=member, community=closed, state=Membership.State.ACTIVE)
    thread = make_thread(member, closed, title="Inside")
    for _ in range(6):
        post(member, thread)
    client.force_login(curator)  # sees every community: its figures are computed and kept first
    assert "Closed Circle" in client.get(URL).content.decode()
    client.force_login(leader)
    assert "Closed Circle" not in client.get(URL).content.decode()
    assert "Closed Circle" not in client.get(reverse("analytics:figure_csv", args=["activity"])).text


def test_people_who_may_see_the_same_share_the_kept_figures(client, leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    closed = make_community("Closed Circle", is_private=True)
    other_leader = user_with_role("Leader", with_mfa=True)
    client.force_login(leader)
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    client.force_login(other_leader)
    with CaptureQueriesContext(connection) as shared:
        assert "Closed Circle" not in client.get(URL).text
    assert len(shared) < len(first) - 5  # the first leader's figures, not computed again
    Membership.objects.create(user=other_leader, community=closed, state=Membership.State.ACTIVE)
    assert "Closed Circle" in client.get(URL).text  # sees more now: their own figures
    client.force_login(leader)
    assert "Closed Circle" not in client.get(URL).text
