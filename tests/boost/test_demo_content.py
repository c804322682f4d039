"""The demo content a first-time visitor sees (issue 12, item 4): distinct threads per community,
past dates spread over months and years, and pictures with alt text. Loaded twice: same state."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model

from communities.models import CommunityPage
from discussions.models import Message, Notification, Thread
from ecomaps.models import Annotation, EcoMap, Revision
from projects.models import ProjectPage
from search.query import SearchQuery

pytestmark = pytest.mark.django_db


def _state() -> dict:
    return {
        "threads": sorted(Thread.objects.values_list("pk", "title", "created_at")),
        "messages": Message.objects.count(),
        "images": sorted(get_image_model().objects.values_list("pk", "title", "description")),
        "data": sorted(ProjectPage.objects.values_list("pk", "measures__points__date")),
        "notifications": Notification.objects.count(),
        "ecomaps": sorted(EcoMap.objects.values_list("pk", "title", "version")),
        "revisions": Revision.objects.count(),
    }


def test_demo_content_looks_lived_in_and_loads_the_same_twice(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--quiet", "--password", "demo-password-123", stdout=StringIO())
    first = _state()

    titles = Counter(title for _, title, _ in first["threads"])
    assert len(titles) >= 8 and max(titles.values()) == 1, titles
    # Notifications name their thread: no two notifications for one person name the same title twice
    # for different threads.
    for recipient in Notification.objects.values_list("recipient", flat=True).distinct():
        threads = Notification.objects.filter(recipient=recipient).values_list("thread__title", "thread_id")
        assert len({title for title, _ in threads}) == len({thread_id for _, thread_id in threads})

    now = timezone.now()
    stamps = list(Message.objects.values_list("created_at", flat=True))
    assert max(stamps) < now - timezone.timedelta(hours=12)
    assert (max(stamps) - min(stamps)).days >= 90
    assert len({stamp.date() for stamp in stamps}) >= 15

    # Search's Year filter offers the years the work covers, back to 2022.
    facets = SearchQuery(text="", filters={"type": ["writeup"]}, per_page=50).run().facets
    years = {facet.value for facet in facets["year"]}
    assert {"2022", "2023", "2024"} <= years, years
    # "discharge" no longer finds the same thread title once per community.
    hits = SearchQuery(text="discharge", per_page=50).run().hits
    thread_titles = [hit.title for hit in hits if hit.url.startswith("/discussions/")]
    assert len(thread_titles) == len(set(thread_titles))

    for page in [*CommunityPage.objects.all(), *ProjectPage.objects.all()]:
        assert page.image is not None, page.title
        assert len(page.image.description) > 40, page.image.description
    community = CommunityPage.objects.get(slug="frailty")
    html = client.get(community.url).content.decode()
    assert f'alt="{community.image.description}"' in html
    src = html.split('class="boost-page-image"')[1].split('src="')[1].split('"')[0]
    assert client.get(src).status_code == 200

    # The domiciliary-care eco-map of the South Eastern story, one opportunity linked to its write-up.
    ecomap = EcoMap.objects.get(community__slug="domiciliary-care")
    linked = Annotation.objects.get(map=ecomap, work__slug="care-package-waiting-list")
    assert linked.kind == "opportunity" and ecomap.journeys.count() >= 4 and ecomap.stations.count() >= 15
    html = client.get(f"/maps/{ecomap.pk}/").content.decode()
    assert "Work under way: <a" in html and "Bringing down the wait for care at home" in html
    assert "Current signal: " in html and html.count('class="ecomap-work"') == 1
    assert "803 people waiting for a package of care" in html and "Independent-sector home care providers" in html

    call_command("load_demo", "--quiet", "--password", "demo-password-123", stdout=StringIO())
    assert _state() == first
