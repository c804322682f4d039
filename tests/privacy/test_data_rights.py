"""Data rights: download my data, close my account (grace period, cancel, erasure), admins acting on
requests received by email, the privacy notice, and the sign-in history they rest on."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from accounts.models import SignInRecord
from communities.models import Membership, Rsvp
from discussions.models import Message, Notification, Reaction
from privacy import services
from privacy.models import AccountClosure, DataExport, ErasureRecord, MessagesChoice, PrivacySettings
from privacy.registry import sections
from projects.models import ProjectTeamMember
from search.query import SearchQuery
from tests.factories.accounts import PASSWORD
from tests.factories.communities import add_member, add_rsvp, make_community, make_event
from tests.factories.discussions import post
from tests.factories.projects import make_measure, make_project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]


@pytest.fixture
def no_rate_limit():
    with override_settings(DISCUSSIONS_RATE_LIMIT=(0, 60)):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def person(user_factory):
    return user_factory(email="rosa.diaz@example.nhs.uk", first_name="Rosa", last_name="Diaz", display_name="Rosa Diaz")


@pytest.fixture
def footprint(person, other_member, commit):
    """Rosa takes part everywhere: a community, an event, a discussion, a reaction, a write-up."""
    from discussions import services as discussion_services
    from tests.factories.discussions import make_thread

    with commit():
        profile = person.profile
        profile.organisation = "Mid and South Essex"
        profile.bio = "Skin cancer pathway lead, zero-day tracking."
        profile.searchable = True
        profile.visibility = "public"
        profile.save()
        community = make_community("Cancer pathways")
        add_member(person, community)
        add_member(other_member, community)
        rsvp = add_rsvp(make_event(community, title="Tracking list clinic"), person)
        thread = make_thread(person, community, title="Zero-day tracking lists", body="My tracking list method.")
        reply = post(other_member, thread, "Thanks @[Rosa Diaz], we will try it.")
        discussion_services.toggle_reaction(user=person, message_id=reply.pk, kind="thanks")
        project = make_project(person, title="Skin cancer waits down to 100")
        make_measure(project, [1200, 900, 600, 300, 100], name="Waiting over 62 days")
    return {"community": community, "thread": thread, "reply": reply, "project": project, "rsvp": rsvp}


def _archive(export: DataExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(bytes(export.archive)))


# --- sign-in history -----------------------------------------------------------------------


def test_every_sign_in_is_recorded_with_address_and_browser(client, person):
    response = client.post(
        reverse("account_login"),
        {"login": person.email, "password": PASSWORD},
        HTTP_USER_AGENT="Mozilla/5.0 Test",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    record = SignInRecord.objects.get(user=person)
    assert record.ip_address == "10.1.2.3" and record.user_agent == "Mozilla/5.0 Test"
    assert record.session_key == client.session.session_key


# --- download my data ----------------------------------------------------------------------


def test_download_my_data_builds_a_zip_of_every_section_with_a_readme(client, person, footprint, commit):
    client.force_login(person)
    with commit():
        response = client.post(reverse("privacy:download_data"))
    assert response.status_code == 302
    export = DataExport.objects.get(subject=person)
    assert export.state == DataExport.State.READY
    assert export.expires_at - export.ready_at == timedelta(hours=24)
    archive = _archive(export)
    names = set(archive.namelist())
    for section in sections():
        if section.rows is not None:
            assert {f"{section.name}.json", f"{section.name}.csv"} <= names
    readme = archive.read("README.txt").decode()
    assert "messages.json, messages.csv: Discussion messages (1 record)" in readme
    assert "sign_in_history" in readme
    profile = json.loads(archive.read("profile.json"))
    assert profile[0]["email"] == "rosa.diaz@example.nhs.uk" and profile[0]["organisation"] == "Mid and South Essex"
    messages = json.loads(archive.read("messages.json"))
    assert messages[0]["text"] == "My tracking list method." and messages[0]["started_the_discussion"]
    assert json.loads(archive.read("memberships.json"))[0]["community"] == "Cancer pathways"
    assert json.loads(archive.read("rsvps.json"))[0]["event"] == "Tracking list clinic"
    assert json.loads(archive.read("reactions.json"))[0]["reaction"] == "🙏 Thanks"
    assert json.loads(archive.read("write_ups.json"))[0]["write_up"] == "Skin cancer waits down to 100"
    measures = json.loads(archive.read("measures.json"))
    assert [row["value"] for row in measures] == ["1200.0000", "900.0000", "600.0000", "300.0000", "100.0000"]
    assert json.loads(archive.read("sign_in_history.json"))  # force_login is a sign-in too
    assert "session_key" not in archive.read("sign_in_history.csv").decode()
    consents = {row["choice"]: row["value"] for row in json.loads(archive.read("consents.json"))}
    assert consents["Let people find me in Boost search"] is True
    assert "My tracking list method." in archive.read("messages.csv").decode()
    assert mail.outbox[-1].to == [person.email] and "ready to download" in mail.outbox[-1].subject


def test_the_download_works_for_its_recipient_alone_until_it_expires(client, person, other_member, commit):
    with commit():
        export = services.request_export(actor=person)
    url = reverse("privacy:download_archive", args=[export.token])
    assert client.get(url).status_code == 302  # signed out: sent to sign in
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert "README.txt" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    page = client.get(reverse("privacy:download_data"))
    assert url in page.content.decode()
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 404
    assert services.purge_expired_exports() == 1
    export.refresh_from_db()
    assert export.archive is None and export.state == DataExport.State.EXPIRED


def test_a_member_cannot_export_someone_else(person, other_member):
    with pytest.raises(services.PrivacyError):
        services.request_export(actor=other_member, subject=person)
    assert not DataExport.objects.exists()


# --- close my account -------------------------------------------------------------------------


def test_closing_needs_confirmation_and_a_choice_and_changes_nothing_without(client, person):
    client.force_login(person)
    response = client.post(reverse("privacy:close_account"), {"messages": "anonymise"})
    assert response.status_code == 400
    assert "Confirm that you understand" in response.content.decode()
    response = client.post(reverse("privacy:close_account"), {"messages": "shout", "confirm": "on"})
    assert response.status_code == 400
    assert not AccountClosure.objects.exists()


def test_closing_signs_out_everywhere_and_signing_in_during_the_grace_period_offers_to_cancel(client, person):
    other_browser = type(client)()
    other_browser.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert Session.objects.count() == 2
    response = client.post(reverse("privacy:close_account"), {"messages": "delete", "confirm": "on"})
    assert response.status_code == 200 and "Your account is closing" in response.content.decode()
    closure = AccountClosure.objects.get(user=person)
    assert closure.messages == MessagesChoice.DELETE
    assert timedelta(days=13, hours=23) < closure.erase_after - timezone.now() <= timedelta(days=14)
    assert Session.objects.count() == 0
    assert other_browser.get(reverse("accounts:dashboard")).status_code == 302  # signed out there too

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.url == reverse("privacy:close_account")
    page = client.get(response.url).content.decode()
    assert "Keep my account" in page
    client.post(reverse("privacy:cancel_closure"))
    assert not AccountClosure.objects.exists()
    assert services.erase_due_accounts() == []


def test_erasure_after_the_grace_period_removes_the_person_everywhere(person, footprint, other_member, commit):
    thread, reply, project = footprint["thread"], footprint["reply"], footprint["project"]
    assert {hit.title for hit in SearchQuery(text="Rosa Diaz").run().hits} == {"Rosa Diaz", "Zero-day tracking lists"}
    with commit():
        services.request_closure(actor=person, messages=MessagesChoice.ANONYMISE)
    with commit():
        assert services.erase_due_accounts() == []  # still in the grace period
    AccountClosure.objects.update(erase_after=timezone.now() - timedelta(minutes=1))
    with commit():
        (record,) = services.erase_due_accounts()

    person.refresh_from_db()
    assert not person.is_active and person.email.endswith("@invalid") and not person.has_usable_password()
    assert person.first_name == person.last_name == ""
    assert person.display_name == "Former member"
    assert person.profile.bio == person.profile.organisation == "" and not person.profile.searchable
    assert not Membership.objects.filter(user=person).exists()
    assert not Rsvp.objects.filter(user=person).exists()
    assert not Reaction.objects.filter(user=person).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not SignInRecord.objects.filter(user=person).exists()
    reply.refresh_from_db()
    assert not reply.mentions.filter(pk=person.pk).exists()
    assert reply.body == "Thanks @[Former member], we will try it."
    assert '<span class="boost-mention">@Former member</span>' in reply.body_html
    # Messages kept, anonymised; the write-up stays without their name.
    opening = Message.objects.get(thread=thread, author=person)
    assert opening.body == "My tracking list method." and opening.deleted_at is None
    project.refresh_from_db()
    assert project.live and not ProjectTeamMember.objects.filter(project=project, user=person).exists()
    assert project.owner_id is None
    # Out of search: nobody finds their name or their profile.
    assert SearchQuery(text="Rosa Diaz").run().hits == []
    assert SearchQuery(text="zero-day tracking").run().hits[0].title == "Zero-day tracking lists"
    # The audit record says what was done and when, and nothing about who.
    assert record.origin == "self" and record.messages == "anonymise"
    assert record.summary["memberships"] == {"deleted": 1} and record.summary["messages"] == {
        "anonymised": 1,
        "mentions_anonymised": 1,
    }
    assert all(isinstance(n, int) for done in record.summary.values() for n in done.values())
    columns = {f.name for f in ErasureRecord._meta.get_fields()}
    assert columns == {"id", "reference", "origin", "messages", "requested_on", "completed_at", "summary"}
    assert not AccountClosure.objects.exists() and ErasureRecord.objects.count() == 1


def test_erasure_can_delete_what_messages_say(person, footprint, commit):
    thread = footprint["thread"]
    with commit():
        services.request_closure(actor=person, messages=MessagesChoice.DELETE)
    AccountClosure.objects.update(erase_after=timezone.now())
    with commit():
        call_command("erase_closed_accounts", stdout=io.StringIO())
    message = Message.objects.get(thread=thread, author=person)
    assert message.body == message.body_html == "" and message.deleted_at is not None
    assert SearchQuery(text="tracking list method").run().hits == [] or all(
        "method" not in hit.summary for hit in SearchQuery(text="tracking list method").run().hits
    )
    assert ErasureRecord.objects.get().summary["messages"] == {"deleted": 1, "mentions_anonymised": 1}


def test_the_erased_person_leaves_their_pages(client, person, footprint, commit):
    thread = footprint["thread"]
    with commit():
        services.request_closure(actor=person)
    AccountClosure.objects.update(erase_after=timezone.now())
    with commit():
        services.erase_due_accounts()
    assert client.get(reverse("accounts:profile", args=[person.pk])).status_code == 404
    for url in (reverse("discussions:thread", args=[thread.pk]), footprint["project"].url):
        page = client.get(url).content.decode()
        assert "Rosa" not in page and "Diaz" not in page
    assert (
        client.post(reverse("account_login"), {"login": "rosa.diaz@example.nhs.uk", "password": PASSWORD}).status_code
        == 200
    )


# --- administrators answering requests by email -----------------------------------------------------


def test_an_admin_runs_an_export_and_an_immediate_erasure_by_command(client, person, footprint, admin_user, commit):
    out = io.StringIO()
    with commit():
        call_command("data_request", "export", person.email, admin=admin_user.email, stdout=out)
    export = DataExport.objects.get(subject=person)
    assert export.recipient == admin_user and export.is_downloadable
    client.force_login(person)
    assert client.get(reverse("privacy:download_archive", args=[export.token])).status_code == 404
    with commit():
        call_command("data_request", "erase", person.email, admin=admin_user.email, stdout=out)
    assert "Erased" in out.getvalue()
    record = ErasureRecord.objects.get()
    assert record.origin == "request"
    assert not DataExport.objects.filter(subject=person).exists()


def test_the_command_refuses_non_admins_and_unknown_people(person, other_member):
    with pytest.raises(CommandError, match="not an administrator"):
        call_command("data_request", "erase", person.email, admin=other_member.email)
    with pytest.raises(CommandError, match="Nobody"):
        call_command("data_request", "export", "nobody@example.nhs.uk", admin=other_member.email)
    assert person.__class__.objects.get(pk=person.pk).is_active


def test_only_admins_may_erase_without_a_grace_period(person, other_member):
    with pytest.raises(services.PrivacyError):
        services.request_closure(actor=person, immediately=True)
    with pytest.raises(services.PrivacyError):
        services.request_closure(actor=other_member, subject=person)
    assert not AccountClosure.objects.exists() and person.__class__.objects.get(pk=person.pk).is_active


# --- the privacy notice ------------------------------------------------------------------------------


def test_privacy_notice_has_a_default_links_both_rights_and_is_in_the_footer(client):
    page = client.get("/privacy/").content.decode()
    assert "What we collect and why" in page
    assert reverse("privacy:download_data") in page and reverse("privacy:close_account") in page
    assert "14 days" in page and "24 hours" in page
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home


def test_privacy_notice_shows_the_site_setting_text(client):
    PrivacySettings.objects.create(
        site=Site.objects.get(is_default_site=True),
        notice="<p>Our own notice text.</p>",
        contact_email="dpo@example.nhs.uk",
    )
    page = client.get("/privacy/").content.decode()
    assert "Our own notice text." in page and "What we collect and why" not in page
    assert "mailto:dpo@example.nhs.uk" in page
