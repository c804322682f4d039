"""Suspending a member: audited, signs them out everywhere at once, refuses them at sign-in (with
the end date, never the reason) until it ends or is lifted, and hides their content when the
moderator chooses. Bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import sanctions
from accounts.models import Suspension, User
from discussions.models import Message, Notification, Thread
from search.query import SearchQuery
from tests.factories.accounts import PASSWORD, user_with_role
from tests.factories.discussions import join, make_community, make_standard_page, make_thread, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]

REASON = "Repeated abuse of other members in three discussions"


@pytest.fixture
def no_rate_limit():
    with override_settings(DISCUSSIONS_RATE_LIMIT=(0, 60)):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def person(user_factory):
    user = user_factory(email="sam.spade@example.nhs.uk", first_name="Sam", last_name="Spade", display_name="Sam Spade")
    user.groups.add(*user_with_role("Member").groups.all())
    return user


@pytest.fixture
def footprint(person, other_member, commit):
    """Sam started a discussion, replied in someone else's, and asked a question on a write-up."""
    with commit():
        profile = person.profile
        profile.searchable, profile.visibility, profile.bio = True, "public", "Flow coach"
        profile.save()
        community = make_community(title="Flow")
        join(person, community)
        join(other_member, community)
        own = make_thread(person, community, title="Quokka huddles", body="Quokka method for huddles.")
        theirs = make_thread(other_member, community, title="Board rounds", body="How do you run board rounds?")
        reply = post(person, theirs, f"Zebrafish approach, ask @[{other_member.display_name}].")
        question = make_thread(person, page=make_standard_page("Falls"), title="Which wards?", body="Which wards?")
        answer = post(other_member, question, "Ward 7.")
    return {"own": own, "theirs": theirs, "reply": reply, "question": question, "answer": answer}


def _suspend(actor, member, **kwargs):
    defaults = {"reason": REASON, "ends_at": timezone.now() + timedelta(days=7), "hide_content": False}
    return sanctions.suspend_member(actor=actor, member=member, **{**defaults, **kwargs})


def _sign_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_suspension_is_audited_and_signs_the_member_out_everywhere(client, person, curator):
    other_browser = type(client)()
    _sign_in(other_browser, person)
    _sign_in(client, person)
    assert Session.objects.count() == 2

    suspension = _suspend(curator, person)

    assert Session.objects.count() == 0
    assert other_browser.get(reverse("accounts:dashboard")).status_code == 302
    assert suspension.suspended_by == curator and suspension.reason == REASON and suspension.is_in_force
    person.refresh_from_db()
    assert person.is_suspended and person.suspended_until == suspension.ends_at


def test_signing_in_while_suspended_shows_the_end_date_but_not_the_reason(client, person, curator):
    suspension = _suspend(curator, person)
    response = _sign_in(client, person)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your account is suspended" in page
    assert timezone.localtime(suspension.ends_at).strftime("%-d %B %Y") in page
    assert REASON not in page and "abuse" not in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_indefinite_suspension_says_until_lifted_and_lifting_lets_them_back(client, person, curator):
    suspension = _suspend(curator, person, ends_at=None)
    assert "until a moderator lifts" in _sign_in(client, person).content.decode()

    sanctions.lift_suspension(actor=curator, suspension_id=suspension.pk, restore_content=False)

    suspension.refresh_from_db()
    assert suspension.lifted_by == curator and suspension.lifted_at is not None and suspension.status == "Lifted"
    response = _sign_in(client, person)
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_a_suspension_ends_by_itself_at_its_end_date(client, person, curator):
    suspension = _suspend(curator, person)
    assert _sign_in(client, person).status_code == 403
    past = timezone.now() - timedelta(minutes=1)
    Suspension.objects.filter(pk=suspension.pk).update(ends_at=past)
    User.objects.filter(pk=person.pk).update(suspended_until=past)

    assert _sign_in(client, person).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    suspension.refresh_from_db()
    assert suspension.status == "Ended" and sanctions.current_suspension(person) is None


def test_a_session_left_over_is_ended_on_its_next_request(client, person, curator):
    client.force_login(person)
    # As if a session had escaped end_sessions (signed in before sign-ins were recorded).
    _suspend(curator, person)
    client.force_login(person)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 403 and "Your account is suspended" in response.content.decode()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


@pytest.mark.parametrize(
    "change, error",
    [
        ({"ends_at": timezone.now() - timedelta(days=1)}, "The end date must be in the future."),
        ({"reason": "   "}, "Give the reason"),
        ({"reason": "x" * 1001}, "under 1,000 characters"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(person, curator, change, error):
    with pytest.raises(sanctions.SanctionError, match=error):
        _suspend(curator, person, **change)
    person.refresh_from_db()
    assert not person.is_suspended and not Suspension.objects.exists()


def test_curators_cannot_suspend_admins_nor_anyone_themselves(person, curator, admin_user, facilitator, member):
    with pytest.raises(sanctions.SanctionError, match="Only an admin can suspend an admin"):
        _suspend(curator, admin_user)
    with pytest.raises(sanctions.SanctionError, match="cannot suspend yourself"):
        _suspend(curator, curator)
    with pytest.raises(sanctions.SanctionError, match="cannot suspend yourself"):
        _suspend(admin_user, admin_user)
    for not_allowed in (facilitator, member):
        with pytest.raises(sanctions.SanctionError, match="Only curators and admins"):
            _suspend(not_allowed, person)
    assert not Suspension.objects.exists()
    _suspend(admin_user, curator)  # an admin may suspend a curator
    with pytest.raises(sanctions.SanctionError, match="already suspended"):
        _suspend(admin_user, curator)
    assert Suspension.objects.count() == 1


def test_suspend_form_errors_are_shown_and_change_nothing(client, person, curator, admin_user):
    client.force_login(curator)
    url = reverse("accounts:suspend", args=[person.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(url, {"reason": REASON, "duration": "date", "ends_on": yesterday, "content": "keep"})
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode() and "must be in the future" in response.content.decode()
    response = client.post(url, {"reason": REASON, "duration": "date", "ends_on": "", "content": "keep"})
    assert response.status_code == 400 and "Enter the last day" in response.content.decode()
    response = client.post(
        reverse("accounts:suspend", args=[admin_user.pk]), {"reason": REASON, "duration": "lifted", "content": "keep"}
    )
    assert response.status_code == 400 and "Only an admin can suspend an admin" in response.content.decode()
    response = client.post(
        reverse("accounts:suspend", args=[curator.pk]), {"reason": REASON, "duration": "lifted", "content": "keep"}
    )
    assert response.status_code == 400 and "cannot suspend yourself" in response.content.decode()
    assert not Suspension.objects.exists()

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"reason": REASON, "duration": "date", "ends_on": tomorrow, "content": "keep"})
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    # Until the end of the last day, UK time.
    assert timezone.localtime(suspension.ends_at).date() == timezone.localdate() + timedelta(days=2)
    page = client.get(reverse("accounts:suspensions")).content.decode()
    assert "Sam Spade" in page and REASON in page


def test_suspension_pages_are_404_for_members_and_facilitators(client, person, member, facilitator):
    for who in (member, facilitator):
        client.force_login(who)
        assert client.get(reverse("accounts:suspensions")).status_code == 404
        assert client.get(reverse("accounts:suspend", args=[person.pk])).status_code == 404
        client.post(reverse("accounts:suspend", args=[person.pk]), {"reason": REASON, "duration": "lifted"})
    client.logout()
    assert client.get(reverse("accounts:suspensions")).status_code == 302
    assert not Suspension.objects.exists()


def test_hidden_content_leaves_pages_search_and_notifications_and_comes_back_when_lifted(
    client, person, other_member, curator, footprint, commit
):
    own, theirs, question = footprint["own"], footprint["theirs"], footprint["question"]
    assert "Sam Spade" in {hit.title for hit in SearchQuery(text="Sam Spade").run().hits}
    assert SearchQuery(text="zebrafish").run().hits
    assert Notification.objects.filter(recipient=other_member, actor=person).exists()
    community_url = reverse("discussions:community", args=[own.community_id])
    assert "Quokka huddles" in client.get(community_url).content.decode()
    assert "Zebrafish" in client.get(reverse("discussions:thread", args=[theirs.pk])).content.decode()
    assert client.get(reverse("accounts:profile", args=[person.pk])).status_code == 200

    with commit():
        suspension = _suspend(curator, person, hide_content=True)

    # Pages: their discussions are gone, their reply and question are hidden, their profile is gone.
    assert client.get(reverse("discussions:thread", args=[own.pk])).status_code == 404
    assert client.get(reverse("discussions:thread", args=[question.pk])).status_code == 404
    page = client.get(reverse("discussions:thread", args=[theirs.pk])).content.decode()
    assert "How do you run board rounds?" in page and "Zebrafish" not in page
    assert client.get(reverse("accounts:profile", args=[person.pk])).status_code == 404
    assert (
        "Quokka huddles" not in client.get(reverse("discussions:community", args=[own.community_id])).content.decode()
    )
    # Search: not their profile, not their words.
    assert SearchQuery(text="Sam Spade").run().hits == []
    assert SearchQuery(text="zebrafish").run().hits == []
    assert SearchQuery(text="quokka").run().hits == []
    # Notifications: nothing about what they wrote, in the list or the bell.
    client.force_login(other_member)
    assert "Sam Spade" not in client.get(reverse("discussions:notifications")).content.decode()
    assert not Notification.objects.filter(recipient=other_member, read_at__isnull=True).shown().exists()
    client.logout()

    with commit():
        sanctions.lift_suspension(actor=curator, suspension_id=suspension.pk, restore_content=True)

    assert client.get(reverse("discussions:thread", args=[own.pk])).status_code == 200
    assert "Zebrafish" in client.get(reverse("discussions:thread", args=[theirs.pk])).content.decode()
    assert client.get(reverse("accounts:profile", args=[person.pk])).status_code == 200
    assert SearchQuery(text="zebrafish").run().hits
    assert "Sam Spade" in {hit.title for hit in SearchQuery(text="Sam Spade").run().hits}
    person.refresh_from_db()
    assert not person.is_suspended and not person.content_hidden


def test_restoring_brings_back_only_what_the_suspension_hid(person, other_member, curator, footprint, commit):
    from discussions import services as discussion_services

    own, reply = footprint["own"], footprint["reply"]
    # A moderator had already hidden this one on its own account; it stays hidden.
    discussion_services.hide_message(actor=curator, message_id=reply.pk, reason="Rude")
    with commit():
        suspension = _suspend(curator, person, hide_content=True, ends_at=None)
    assert Message.objects.filter(author=person, hidden_at__isnull=True).count() == 0
    with commit():
        sanctions.lift_suspension(actor=curator, suspension_id=suspension.pk, restore_content=False)
    person.refresh_from_db()
    assert not person.is_suspended and person.content_hidden  # lifted, content still hidden
    assert Thread.objects.get(pk=own.pk).is_hidden

    with commit():
        sanctions.restore_content(actor=curator, suspension_id=suspension.pk)
    assert Message.objects.get(pk=reply.pk).is_hidden
    assert Message.objects.filter(author=person, hidden_at__isnull=True).count() == 2
    assert not Thread.objects.get(pk=own.pk).is_hidden
    person.refresh_from_db()
    assert not person.content_hidden
    with pytest.raises(sanctions.SanctionError, match="Nothing of theirs is hidden"):
        sanctions.restore_content(actor=curator, suspension_id=suspension.pk)


def test_content_left_as_it_was_stays_visible(client, person, curator, footprint, commit):
    with commit():
        _suspend(curator, person, hide_content=False)
    assert client.get(reverse("discussions:thread", args=[footprint["own"].pk])).status_code == 200
    assert SearchQuery(text="zebrafish").run().hits


def test_lift_by_form_and_the_queue_links_to_suspend(client, person, other_member, curator, footprint):
    from discussions import services as discussion_services

    discussion_services.flag_message(user=other_member, message_id=footprint["reply"].pk, reason="Abuse")
    client.force_login(curator)
    queue = client.get(reverse("discussions:queue")).content.decode()
    assert reverse("accounts:suspend", args=[person.pk]) in queue
    response = client.post(
        reverse("accounts:suspend", args=[person.pk]), {"reason": REASON, "duration": "lifted", "content": "hide"}
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get()
    assert suspension.hide_content and suspension.ends_at is None
    # Their flagged message is hidden, so it has left the queue.
    assert "Zebrafish" not in client.get(reverse("discussions:queue")).content.decode()
    response = client.post(reverse("accounts:lift_suspension", args=[suspension.pk]), {"restore_content": "on"})
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert suspension.lifted_by == curator and suspension.content_restored_at is not None


def test_suspensions_are_in_the_members_data_export_and_go_with_erasure(person, curator):
    from accounts.data_export import _erase_suspensions, _suspension_rows
    from privacy.registry import ErasureOptions

    _suspend(curator, person)
    (row,) = _suspension_rows(person)
    assert row["reason"] == REASON and "suspended_by" not in row
    assert _erase_suspensions(person, ErasureOptions()) == {"deleted": 1}
    assert not Suspension.objects.exists()


def test_hiding_reaches_anonymous_readers_through_the_page_cache(
    settings, tmp_path, person, other_member, curator, footprint, commit
):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP = tmp_path / "generation"
    theirs_url = reverse("discussions:thread", args=[footprint["theirs"].pk])
    own_url = reverse("discussions:thread", args=[footprint["own"].pk])
    assert "Zebrafish" in Client().get(theirs_url).content.decode()
    assert Client().get(own_url).status_code == 200
    assert "Zebrafish" in Client().get(theirs_url).content.decode()  # now from the cache

    with commit():
        _suspend(curator, person, hide_content=True)

    assert "Zebrafish" not in Client().get(theirs_url).content.decode()
    assert Client().get(own_url).status_code == 404
