"""The validation round: a facilitator opens it, patients and carers endorse the map or comment on
each journey, closing it marks the map validated by how many; the map page says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Profession
from communities.models import Membership
from ecomaps import services
from ecomaps.models import ReviewResponse
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = pytest.mark.django_db


def _carer(community, name: str):
    person = UserFactory(display_name=name)
    person.profile.profession = Profession.LIVED_EXPERIENCE
    person.profile.save()
    add_member(person, community)
    return person


@pytest.fixture
def world(facilitator, member):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    return make_map(facilitator, community), community


def test_a_round_marks_the_map_validated_by_how_many_endorsed_it(client, facilitator, member, world):
    ecomap, community = world
    carers = [_carer(community, "Mary Carer"), _carer(community, "Joe Patient")]
    with pytest.raises(services.InvalidMap, match="No validation round is open"):
        services.respond_to_review(user=carers[0], ecomap=ecomap, recognised=True)
    client.force_login(facilitator)
    url = reverse("ecomaps:review", args=[ecomap.pk])
    client.post(url, {"action": "open"})
    ecomap.refresh_from_db()
    assert ecomap.review_open
    # Carers answer through the page: the whole map, and a comment on one journey.
    for carer in carers:
        client.force_login(carer)
        client.post(url, {"target": "", "review-map-recognised": "on"})
    client.post(url, {"target": "mr-b", "review-mr-b-comment": "Nobody rang us for three weeks."})
    assert ReviewResponse.objects.filter(journey__key="mr-b", comment__startswith="Nobody rang").exists()
    # Staff who are not patients or carers are told why they cannot answer.
    with pytest.raises(services.NotAllowed, match="Validation rounds ask patients and carers"):
        services.respond_to_review(user=member, ecomap=ecomap, recognised=True)
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Recognised by 2 people" in page and "Nobody rang us for three weeks." in page
    assert "Save my answer" not in page
    client.force_login(facilitator)
    response = client.post(url, {"action": "close"}, follow=True)
    assert "the map is validated by 2 people" in response.content.decode()
    ecomap.refresh_from_db()
    assert not ecomap.review_open and ecomap.validated_by_count == 2 and ecomap.validated_at is not None
    html = client.get(reverse("ecomaps:map", args=[ecomap.pk])).content.decode()
    assert "Last validated" in html and "by 2 people with lived experience" in html


def test_an_empty_answer_is_refused_and_outsiders_get_404(client, facilitator, world):
    ecomap, community = world
    carer = _carer(community, "Mary Carer")
    services.open_review(user=facilitator, ecomap=ecomap)
    with pytest.raises(services.InvalidMap, match="already open"):
        services.open_review(user=facilitator, ecomap=ecomap)
    client.force_login(carer)
    url = reverse("ecomaps:review", args=[ecomap.pk])
    response = client.post(url, {"target": "mrs-a"})
    assert response.status_code == 400
    assert "Say whether you recognise it, or write a comment" in response.content.decode()
    assert not ReviewResponse.objects.exists()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "close"}).status_code == 404
    ecomap.refresh_from_db()
    assert ecomap.review_open
