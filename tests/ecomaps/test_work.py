"""Work under way on a map: an opportunity starts a draft write-up linked back to it, a write-up's
co-authors name the pain points it addresses, and the map shows that work, with its current SPC
signal, only to people who may see the write-up (page, SVG, PNG and JSON alike)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Membership
from ecomaps import services
from ecomaps.models import Annotation
from projects.models import ProjectPage, ProjectTeamMember
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map
from tests.factories.projects import make_measure, make_project

pytestmark = pytest.mark.django_db

# Falling steadily: the last seven points below the centre line, a special-cause improvement when lower is better.
IMPROVING = [30, 31, 29, 32, 30, 31, 30, 29, 31, 30, 22, 21, 20, 19, 18, 17, 16]


@pytest.fixture
def world(facilitator, member):
    community = make_community("Care at home", is_private=False)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    ecomap = make_map(facilitator, community)
    opportunity = services.add_annotation(
        user=member, ecomap=ecomap, kind="opportunity", text="Schedule runs by geography", station="scheduling"
    )
    pain = Annotation.objects.get(map=ecomap, kind="pain")
    return ecomap, opportunity, pain


def test_an_opportunity_starts_a_draft_write_up_linked_back_to_it(client, world, member):
    ecomap, opportunity, _ = world
    ecomap.refresh_from_db()
    version = ecomap.version
    client.force_login(member)
    response = client.post(reverse("ecomaps:start_write_up", args=[ecomap.pk, opportunity.pk]))
    project = ProjectPage.objects.get(title="Schedule runs by geography")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:edit", args=[project.pk, "problem"])
    assert not project.live and list(project.ecomap_annotations.all()) == [opportunity]
    assert ProjectTeamMember.objects.filter(project=project, user=member, is_coauthor=True).exists()
    assert "Schedule runs by geography" in project.summary and list(project.communities.all()) == [ecomap.community]
    # Not a change to the drawing or its public history (the draft is private).
    ecomap.refresh_from_db()
    assert ecomap.version == version
    html = client.get(reverse("ecomaps:map", args=[ecomap.pk])).content.decode()
    assert "Work under way: <a" in html and "(draft)" in html and "Current signal: No data yet" in html


def test_only_an_opportunity_starts_a_write_up_and_outsiders_cannot(client, world, member):
    ecomap, _, pain = world
    count = ProjectPage.objects.count()
    with pytest.raises(services.InvalidMap, match="Only an opportunity can start a write-up"):
        services.start_write_up(user=member, annotation=pain)
    client.force_login(UserFactory())  # not a member: may see the public map but not add to it
    note = Annotation.objects.get(map=ecomap, kind="opportunity")
    client.post(reverse("ecomaps:start_write_up", args=[ecomap.pk, note.pk]))
    assert ProjectPage.objects.count() == count and not note.work.exists()


def test_the_map_shows_the_signal_of_visible_work_and_hides_a_draft_from_others(client, world, member, facilitator):
    ecomap, opportunity, pain = world
    published = make_project(member, title="Bringing down the wait")
    make_measure(published, IMPROVING)
    draft = make_project(member, title="Secret pilot", publish=False)
    services.name_addressed(user=member, project=published, ecomap=ecomap, annotation_ids=[pain.pk])
    services.name_addressed(user=member, project=draft, ecomap=ecomap, annotation_ids=[pain.pk, opportunity.pk])
    signal = published.measures.get().analysis["variation_label"]
    assert "improving" in signal

    client.force_login(member)  # co-author: sees both, the draft marked
    html = client.get(reverse("ecomaps:map", args=[ecomap.pk])).content.decode()
    assert "Bringing down the wait" in html and "Secret pilot" in html and f"Current signal: {signal}" in html
    assert html.count('class="ecomap-work"') == 2  # one badge per annotation with work

    client.force_login(facilitator)  # not an author of the draft: sees the published one only
    for name in ("ecomaps:map", "ecomaps:svg", "ecomaps:json", "ecomaps:work"):
        body = client.get(reverse(name, args=[ecomap.pk])).content.decode()
        assert "Secret pilot" not in body, name
        assert "Bringing down the wait" in body, name
    drawing = client.get(reverse("ecomaps:svg", args=[ecomap.pk])).content.decode()
    assert drawing.count('class="ecomap-work"') == 1 and "#005eb8" in drawing.split('class="ecomap-work"')[1]
    data = json.loads(client.get(reverse("ecomaps:json", args=[ecomap.pk])).content)
    provider = next(s for s in data["stations"] if s["id"] == "provider")
    assert [w["title"] for w in provider["annotations"][0]["work_under_way"]] == ["Bringing down the wait"]
    assert provider["annotations"][0]["work_under_way"][0]["signal"] == signal

    client.logout()  # anonymous on a public map: the published work only, and no trace of the draft
    html = client.get(reverse("ecomaps:map", args=[ecomap.pk])).content.decode()
    assert "Bringing down the wait" in html and "Secret pilot" not in html and "(draft)" not in html
    png_member = client.get(reverse("ecomaps:png", args=[ecomap.pk]))
    assert png_member.status_code == 200 and png_member.content.startswith(b"\x89PNG")


def test_naming_what_a_write_up_addresses(client, world, member, facilitator):
    ecomap, opportunity, pain = world
    project = make_project(member, title="Bringing down the wait")
    url = reverse("ecomaps:work", args=[ecomap.pk])
    client.force_login(member)
    response = client.post(url, {"project": project.pk, "addresses": [pain.pk, opportunity.pk]})
    assert response.status_code == 302
    assert set(project.ecomap_annotations.all()) == {pain, opportunity}
    client.post(url, {"project": project.pk, "addresses": [pain.pk]})
    assert list(project.ecomap_annotations.all()) == [pain]
    # A data note is not something a write-up addresses: refused, nothing changed.
    data_note = Annotation.objects.get(map=ecomap, kind="data")
    response = client.post(url, {"project": project.pk, "addresses": [data_note.pk]})
    assert response.status_code == 400 and "Choose pain points or opportunities" in response.content.decode()
    assert list(project.ecomap_annotations.all()) == [pain]
    # Someone else's write-up cannot be named by a non-author.
    client.force_login(facilitator)
    assert client.post(url, {"project": project.pk, "addresses": []}).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.name_addressed(user=facilitator, project=project, ecomap=ecomap, annotation_ids=[])
    assert list(project.ecomap_annotations.all()) == [pain]


def test_a_private_communitys_work_page_is_404_to_outsiders(client, facilitator):
    community = make_community("Private care", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    ecomap = make_map(facilitator, community)
    client.force_login(UserFactory())
    assert client.get(reverse("ecomaps:work", args=[ecomap.pk])).status_code == 404
    client.force_login(facilitator)
    assert client.get(reverse("ecomaps:work", args=[ecomap.pk])).status_code == 200


def test_the_map_page_with_work_runs_a_fixed_number_of_queries(client, world, member, django_assert_num_queries):
    ecomap, opportunity, pain = world
    client.force_login(member)
    url = reverse("ecomaps:map", args=[ecomap.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as without_work:
        client.get(url)
    assert len(without_work.captured_queries) == 11  # as tests/ecomaps/test_views.py pins it
    for i, note in enumerate([pain, opportunity]):
        project = make_project(member, title=f"Write-up {i}")
        make_measure(project, IMPROVING)
        services.name_addressed(user=member, project=project, ecomap=ecomap, annotation_ids=[note.pk])
    # Work adds: the write-up links, hidden page paths, live write-ups and their measures, and the
    # reader's drafts (6), however many write-ups there are.
    expected = len(without_work.captured_queries) + 6
    client.get(url)  # publishing cleared Wagtail's cached site root paths: warm them again
    with django_assert_num_queries(expected):
        client.get(url)
    extra = make_project(member, title="Write-up 3")
    make_measure(extra, IMPROVING)
    services.name_addressed(user=member, project=extra, ecomap=ecomap, annotation_ids=[pain.pk])
    client.get(url)
    with django_assert_num_queries(expected):
        assert "Write-up 3" in client.get(url).content.decode()
