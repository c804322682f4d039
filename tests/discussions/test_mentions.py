"""@mention suggestions: who is offered, to whom, and what is never said."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ProfileVisibility
from discussions.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.discussions import join, make_community, make_standard_page, make_thread, post

pytestmark = pytest.mark.django_db


def person(name: str, **profile):
    user = UserFactory(display_name=name)
    for key, value in profile.items():
        setattr(user.profile, key, value)
    user.profile.save()
    return user


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [entry["name"] for entry in response.json()["people"]]


@pytest.fixture
def private_room(db):
    community = make_community(private=True, title="Stewardship group")
    nadia = person("Nadia Ali", organisation="Mid Essex", show_organisation=True)
    nathan = person("Nathan Shaw", organisation="Hidden Trust", show_organisation=False)
    sam = person("Sam Nash")
    for user in (nadia, nathan, sam):
        join(user, community)
    thread = make_thread(nadia, community, title="Crawl, walk, run")
    return community, thread, {"nadia": nadia, "nathan": nathan, "sam": sam}


def test_suggests_people_who_can_see_the_thread_by_name_or_word_start(client, private_room):
    _community, thread, people = private_room
    outsider_with_the_name = person("Nadine Outside")  # not a member of the private community
    client.force_login(people["sam"])
    url = reverse("discussions:thread_mentions", args=[thread.pk])
    assert names(client.get(url, {"q": "na"})) == ["Nadia Ali", "Nathan Shaw"]
    # A word inside the name counts ("Sam Nash" for "na", seen by Nadia).
    client.force_login(people["nadia"])
    assert names(client.get(url, {"q": "na"})) == ["Nathan Shaw", "Sam Nash"]  # never yourself
    assert "Nadine Outside" not in names(client.get(url, {"q": "nad"}))
    assert outsider_with_the_name.is_active

    data = client.get(url, {"q": "nath"}).json()["people"]
    # The exact text the mention parser accepts; organisation only when its owner shows it.
    assert data == [{"name": "Nathan Shaw", "mention": "@[Nathan Shaw]", "detail": ""}]
    client.force_login(people["sam"])
    assert client.get(url, {"q": "nadia"}).json()["people"][0]["detail"] == "Mid Essex"
    assert client.get(url, {"q": "  "}).json() == {"people": []}


def test_inserted_mention_is_accepted_by_the_parser(client, private_room):
    _community, thread, people = private_room
    client.force_login(people["sam"])
    mention = client.get(reverse("discussions:thread_mentions", args=[thread.pk]), {"q": "nad"}).json()["people"][0]
    message = post(people["sam"], thread, f"{mention['mention']} can you share the programme?")
    assert list(message.mentions.all()) == [people["nadia"]]
    assert '<span class="boost-mention">@Nadia Ali</span>' in Message.objects.get(pk=message.pk).body_html


def test_people_who_hid_themselves_are_never_listed(client, private_room):
    _community, thread, people = private_room
    people["nathan"].profile.visibility = ProfileVisibility.PRIVATE
    people["nathan"].profile.save()
    client.force_login(people["sam"])
    assert names(client.get(reverse("discussions:thread_mentions", args=[thread.pk]), {"q": "na"})) == ["Nadia Ali"]


def test_inactive_and_unmentionable_names_are_not_listed(client, private_room):
    community, thread, people = private_room
    gone = person("Nancy Gone")
    bracket = person("Nan [locum]")
    for user in (gone, bracket):
        join(user, community)
    gone.is_active = False
    gone.save()
    client.force_login(people["sam"])
    assert names(client.get(reverse("discussions:thread_mentions", args=[thread.pk]), {"q": "nan"})) == []


def test_private_community_is_404_to_outsiders_on_every_suggestion_path(client, private_room):
    community, thread, _people = private_room
    outsider = person("Olive Outsider")
    client.force_login(outsider)
    for url in (
        reverse("discussions:thread_mentions", args=[thread.pk]),
        reverse("discussions:community_mentions", args=[community.pk]),
    ):
        response = client.get(url, {"q": "na"})
        assert response.status_code == 404
        assert b"Nadia" not in response.content


def test_signed_in_only_and_nothing_leaks_to_visitors(client, private_room):
    community, thread, _people = private_room
    public = make_community(title="Open frailty network")
    for url in (
        reverse("discussions:thread_mentions", args=[thread.pk]),
        reverse("discussions:community_mentions", args=[community.pk]),
        reverse("discussions:community_mentions", args=[public.pk]),
        reverse("discussions:thread_mentions", args=[999_999]),
    ):
        response = client.get(url, {"q": "na"})
        assert response.status_code == 401  # the same answer whether or not the thing exists
        assert "people" not in response.json()


def test_people_who_cannot_post_get_no_names(client, private_room):
    _community, _thread, people = private_room
    open_community = make_community(title="Discharge")
    join(people["nadia"], open_community)
    open_thread = make_thread(people["nadia"], open_community)
    reader = person("Rita Reader")  # may read an open community's thread, has not joined
    client.force_login(reader)
    for url in (
        reverse("discussions:thread_mentions", args=[open_thread.pk]),
        reverse("discussions:community_mentions", args=[open_community.pk]),
    ):
        response = client.get(url, {"q": "na"})
        assert response.status_code == 403 and "people" not in response.json()


def test_new_thread_in_a_private_community_offers_its_members(client, private_room, curator):
    community, _thread, people = private_room
    outsider = person("Nadeem Elsewhere")
    client.force_login(people["sam"])
    found = names(client.get(reverse("discussions:community_mentions", args=[community.pk]), {"q": "na"}))
    assert found == ["Nadia Ali", "Nathan Shaw"] and outsider.display_name not in found
    # Curators see every community, so they may be mentioned there.
    curator.profile.display_name = "Nia Curator"
    curator.profile.save()
    url = reverse("discussions:community_mentions", args=[community.pk])
    assert "Nia Curator" in names(client.get(url, {"q": "ni"}))


def test_question_on_a_page_offers_people_who_can_see_it(client, member):
    page = make_standard_page("Skin cancer pathway")
    person("Nora Nurse")
    client.force_login(member)
    url = reverse("discussions:page_mentions", args=[page.pk])
    assert names(client.get(url, {"q": "nor"})) == ["Nora Nurse"]
    page.unpublish()
    assert client.get(url, {"q": "nor"}).status_code == 404


def test_suggestions_are_capped_and_rate_limited(client, private_room, settings):
    community, thread, people = private_room
    for n in range(12):
        join(person(f"Nadia Clone {n:02d}"), community)
    client.force_login(people["sam"])
    url = reverse("discussions:thread_mentions", args=[thread.pk])
    assert len(names(client.get(url, {"q": "nadia"}))) == 8
    settings.DISCUSSIONS_MENTION_RATE_LIMIT = (3, 60)
    from django.core.cache import cache

    cache.clear()
    statuses = [client.get(url, {"q": "na"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "people" not in client.get(url, {"q": "na"}).json()


def test_suggestion_queries_do_not_grow_with_people(
    client, private_room, django_assert_num_queries, django_assert_max_num_queries
):
    community, thread, people = private_room
    client.force_login(people["sam"])
    url = reverse("discussions:thread_mentions", args=[thread.pk])
    with django_assert_max_num_queries(12) as small:
        client.get(url, {"q": "n"})
    for n in range(20):
        join(person(f"Nell {n:02d}"), community)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(names(client.get(url, {"q": "n"}))) == 8
