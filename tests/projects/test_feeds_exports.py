"""Atom feeds and the project index CSV: public content only in feeds, the viewer's own view in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from communities.models import Event
from tests.factories.communities import make_community
from tests.factories.projects import make_priority, make_project

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def world(member, other_member):
    public = make_community("Open Frailty Network")
    private = make_community("Closed Circle", is_private=True)
    priority = make_priority("Discharge")
    open_one = make_project(member, title="Open story", priorities=[priority], communities=[public, private])
    hidden = make_project(member, title="Hidden story", priorities=[priority], communities=[public])
    readers = Group.objects.create(name="Hidden readers")
    restriction = PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(readers)
    member.groups.add(readers)
    make_project(member, title="Draft story", priorities=[priority], publish=False)
    start = timezone.now() + timedelta(days=3)
    Event.objects.create(community=public, title="Open meeting", starts_at=start, ends_at=start + timedelta(hours=1))
    Event.objects.create(community=private, title="Closed meeting", starts_at=start, ends_at=start + timedelta(hours=1))
    return {"public": public, "private": private, "priority": priority, "open": open_one, "hidden": hidden}


def test_feeds_show_public_write_ups_and_events_only_even_to_members(client, member, world):
    client.force_login(member)  # may see the hidden story on the site; a feed still never shows it
    assert entries(client.get(reverse("projects:feed_write_ups"))) == ["Open story"]
    priority_feed = client.get(reverse("projects:feed_priority", args=[world["priority"].slug]))
    assert entries(priority_feed) == ["Open story"]
    assert entries(client.get(reverse("projects:feed_community", args=[world["public"].slug]))) == ["Open story"]
    assert entries(client.get(reverse("communities:events_atom", args=[world["public"].slug]))) == ["Open meeting"]
    for private_feed in (
        reverse("projects:feed_community", args=[world["private"].slug]),
        reverse("communities:events_atom", args=[world["private"].slug]),
        reverse("projects:feed_priority", args=["no-such-priority"]),
    ):
        assert client.get(private_feed).status_code == 404


def test_pages_link_their_feeds(client, world):
    index = client.get("/projects/").content.decode()
    feed = reverse("projects:feed_write_ups")
    assert f'rel="alternate" type="application/atom+xml" title="New improvement write-ups" href="{feed}"' in index
    priority = client.get(world["priority"].url).content.decode()
    assert reverse("projects:feed_priority", args=[world["priority"].slug]) in priority
    community = client.get(world["public"].url).content.decode()
    assert reverse("communities:events_atom", args=[world["public"].slug]) in community


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_project_csv_applies_the_index_filters_and_the_viewers_rights(client, member, other_member, world):
    make_project(member, title="=HYPERLINK(1)", stage="sustained")
    url = reverse("projects:projects_csv")
    assert {row["title"] for row in rows(client.get(url))} == {"Open story", "'=HYPERLINK(1)"}
    assert [row["title"] for row in rows(client.get(url, {"stage": "sustained"}))] == ["'=HYPERLINK(1)"]
    filtered = rows(client.get(url, {"priority": world["priority"].pk}))
    assert [row["title"] for row in filtered] == ["Open story"]
    assert filtered[0]["priorities"] == "Discharge" and filtered[0]["url"].endswith(world["open"].url)
    client.force_login(other_member)
    assert "Hidden story" not in {row["title"] for row in rows(client.get(url))}
    client.force_login(member)
    assert "Hidden story" in {row["title"] for row in rows(client.get(url))}
    index = client.get("/projects/", {"stage": "sustained"}).content.decode()
    assert f'href="{url}?stage=sustained"' in index


def test_priority_updates_feed_has_new_write_ups_stage_moves_and_signals_of_public_write_ups(client, world):
    from projects.models import MeasureSignal
    from tests.factories.projects import make_measure

    story = world["open"]
    story.stage = "testing"
    story.save_revision().publish()
    for project, words in ((story, "Eight points below the mean"), (world["hidden"], "A secret signal")):
        MeasureSignal.objects.create(
            measure=make_measure(project, name=f"Waits in {project.title}"),
            kind=MeasureSignal.Kind.SPECIAL_CAUSE,
            key=f"shift:low:{project.pk}",
            classification="improvement",
            description=words,
        )
    response = client.get(reverse("projects:feed_priority_updates", args=[world["priority"].slug]))
    titles = entries(response)
    assert titles[0] == "Waits in Open story (Open story): new signal"
    assert "Open story moved to Testing" in titles and "New write-up: Open story" in titles
    feed = response.content.decode()
    assert "Eight points below the mean" in feed and "#measure-" in feed
    assert "Hidden story" not in feed and "A secret signal" not in feed and "Draft story" not in feed
    assert client.get(reverse("projects:feed_priority_updates", args=["no-such-priority"])).status_code == 404
    page = client.get(world["priority"].url).content.decode()
    assert reverse("projects:feed_priority_updates", args=[world["priority"].slug]) in page
