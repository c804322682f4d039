"""Expertise on the profile, offers of help in a safe subset, "has done" from write-ups, the
people finder and "people who have done this"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from accounts.models import Profile, ProfileVisibility
from people.models import Expertise, HelpOffer
from projects.models import Method, ProjectTeamMember
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def zero_day(db):
    return Method.objects.get_or_create(slug="zero-day-list", defaults={"name": "Zero-day tracking list"})[0]


def _save(client, **data):
    payload = {"region": "", "offer_1": "", "offer_2": "", "offer_3": "", **data}
    return client.post(reverse("people:expertise"), payload)


def test_expertise_and_offers_show_on_the_profile(client, member, zero_day):
    client.force_login(member)
    response = _save(
        client,
        methods=[zero_day.pk],
        region="london",
        open_to_visits="on",
        offer_1="Happy to talk anyone through a **zero-day** list: [our guide](https://example.org/guide)",
    )
    assert response.status_code == 302
    expertise = Expertise.objects.get(user=member)
    assert list(expertise.methods.all()) == [zero_day] and expertise.open_to_visits
    offer = HelpOffer.objects.get(user=member)
    assert "<strong>zero-day</strong>" in offer.html and 'href="https://example.org/guide"' in offer.html
    assert 'rel="nofollow noopener"' in offer.html
    page = client.get(reverse("accounts:profile", args=[member.pk])).content.decode()
    assert "Zero-day tracking list" in page and "<strong>zero-day</strong>" in page and "London" in page


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        ("<b>bold</b> help", "Offers cannot contain HTML"),
        ("[click](javascript:alert(1))", "Links in an offer must start with"),
        ("# A heading", "no headings, lists, quotes, code or images"),
        ("![img](https://example.org/x.png)", "no headings, lists, quotes, code or images"),
        ("x" * 301, "at most 300 characters"),
    ],
)
def test_an_offer_beyond_the_safe_subset_is_refused_and_nothing_changes(client, member, offer, message):
    client.force_login(member)
    _save(client, offer_1="Talk about huddles")
    response = _save(client, offer_1="Still fine", offer_2=offer, region="london")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(HelpOffer.objects.filter(user=member).values_list("text", flat=True)) == ["Talk about huddles"]
    assert Expertise.objects.get(user=member).region == ""


def test_has_done_comes_from_published_write_ups_the_viewer_may_see(client, member, other_member, zero_day):
    shown = make_project(member, title="Zero-day list for discharge")
    shown.methods.add(zero_day)
    shown.save_revision().publish()
    hidden = make_project(member, title="Restricted pilot")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.GROUPS)
    make_project(member, title="Unpublished idea", publish=False)
    client.force_login(other_member)
    page = client.get(reverse("accounts:profile", args=[member.pk])).content.decode()
    assert "Has done" in page and "Zero-day list for discharge" in page
    assert "Restricted pilot" not in page and "Unpublished idea" not in page


def test_finder_filters_and_respects_profile_visibility(client, member, other_member, user_factory, zero_day):
    done = make_project(other_member, title="Zero-day list")
    done.methods.add(zero_day)
    done.save_revision().publish()
    said = user_factory()
    Expertise.objects.create(user=said, open_to_visits=True, region="london").methods.add(zero_day)
    private = user_factory()
    Profile.objects.update_or_create(user=private, defaults={"visibility": ProfileVisibility.PRIVATE})
    Expertise.objects.create(user=private).methods.add(zero_day)
    client.force_login(member)
    response = client.get(reverse("people:finder"), {"method": zero_day.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert other_member.display_name in html and said.display_name in html
    assert private.display_name not in html
    visits = client.get(reverse("people:finder"), {"method": zero_day.slug, "open_to": "visits"}).content.decode()
    assert said.display_name in visits and other_member.display_name not in visits
    assert client.get(reverse("people:finder"), {"region": "atlantis"}).status_code == 400
    # Signed out: only public profiles.
    client.logout()
    Profile.objects.update_or_create(user=said, defaults={"visibility": ProfileVisibility.PUBLIC})
    html = client.get(reverse("people:finder"), {"method": zero_day.slug}).content.decode()
    assert said.display_name in html and other_member.display_name not in html


def test_a_write_up_lists_people_who_have_done_it_and_its_adopters(client, member, other_member, user_factory):
    source = make_project(member, title="Huddles")
    adopter_lead = user_factory()
    adopter = make_project(adopter_lead, title="Huddles in Leeds", adapted_from=source)
    adopter.adapted_from = source
    adopter.save_revision().publish()
    ProjectTeamMember.objects.get_or_create(project=source, user=member, defaults={"role": "Lead"})
    ProjectTeamMember.objects.get_or_create(project=adopter, user=adopter_lead, defaults={"role": "Matron"})
    client.force_login(other_member)
    html = client.get(source.url).content.decode()
    assert "People who have done this" in html
    assert member.display_name in html and adopter_lead.display_name in html and "Huddles in Leeds" in html
    assert reverse("projects:contact", args=[adopter.pk]) in html
