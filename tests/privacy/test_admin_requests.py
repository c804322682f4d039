"""Admins answer data requests received by email from the Wagtail admin: audited, erasure confirmed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import ModelLogEntry

from privacy.models import AccountClosure, DataExport, ErasureRecord

pytestmark = pytest.mark.django_db

URL = "/admin/data-requests/"


@pytest.fixture
def person(user_factory):
    return user_factory(email="sam.okafor@example.nhs.uk", display_name="Sam Okafor")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_screen_is_for_admins_alone_and_in_their_settings_menu(client, admin_client, curator, member, person):
    assert reverse("privacy_data_requests") == URL
    page = admin_client.get(URL)
    assert page.status_code == 200
    assert "Data requests" in admin_client.get("/admin/").content.decode()
    for other in (member, curator):
        client.force_login(other)
        assert client.get(URL).status_code in (302, 404)
        assert client.post(URL, {"email": person.email, "action": "erase", "confirmed": "yes"}).status_code in (
            302,
            404,
        )
    client.force_login(curator)
    assert "/admin/data-requests/" not in client.get("/admin/").content.decode()
    assert get_user_model().objects.get(pk=person.pk).is_active
    assert not AccountClosure.objects.exists() and not ErasureRecord.objects.exists()


def test_an_export_for_someone_else_is_for_the_admin_alone_and_audited(
    admin_client, admin_user, person, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            URL, {"email": "SAM.OKAFOR@example.nhs.uk", "action": "export", "messages": "anonymise"}
        )
    assert response.status_code == 302
    export = DataExport.objects.get(subject=person)
    assert export.recipient == admin_user and export.state == DataExport.State.READY
    page = admin_client.get(URL).content.decode()
    download = reverse("privacy:download_archive", args=[export.token])
    assert person.email in page and download in page
    assert admin_client.get(download)["Content-Type"] == "application/zip"
    client.force_login(person)
    assert client.get(download).status_code == 404
    entry = ModelLogEntry.objects.get(action="privacy.export")
    assert entry.user_id == admin_user.pk and entry.object_id == str(export.pk)


def test_a_closure_waits_out_the_grace_period_and_is_audited(admin_client, admin_user, person):
    admin_client.post(URL, {"email": person.email, "action": "close", "messages": "delete"})
    closure = AccountClosure.objects.get(user=person)
    assert closure.origin == AccountClosure.Origin.REQUEST and closure.messages == "delete"
    assert get_user_model().objects.get(pk=person.pk).is_active  # still theirs until the grace period ends
    assert ModelLogEntry.objects.filter(action="privacy.close", user=admin_user).exists()


def test_an_immediate_erasure_asks_again_naming_the_person_then_erases(admin_client, admin_user, person):
    first = admin_client.post(URL, {"email": person.email, "action": "erase", "messages": "anonymise"})
    assert first.status_code == 200
    html = first.content.decode()
    assert "Erase this account now?" in html and "Sam Okafor" in html and 'name="confirmed" value="yes"' in html
    assert get_user_model().objects.get(pk=person.pk).display_name == "Sam Okafor"
    assert not ErasureRecord.objects.exists()

    done = admin_client.post(
        URL, {"email": person.email, "action": "erase", "messages": "anonymise", "confirmed": "yes"}, follow=True
    )
    record = ErasureRecord.objects.get()
    assert str(record.reference) in done.content.decode()
    erased = get_user_model().objects.get(pk=person.pk)
    assert not erased.is_active and "Sam" not in erased.display_name and "okafor" not in erased.email
    entry = ModelLogEntry.objects.get(action="privacy.erase")
    # The audit entry points at the erasure record and names nobody but the admin.
    assert entry.user_id == admin_user.pk and entry.object_id == str(record.pk)
    assert "Sam" not in entry.label and "okafor" not in entry.label.lower()


def test_bad_input_gets_a_clear_error_and_changes_nothing(admin_client, person):
    for data, message in (
        ({"email": "nobody@example.nhs.uk", "action": "erase", "messages": "anonymise"}, "Nobody on Boost"),
        ({"email": "nobody@example.nhs.uk", "action": "export", "messages": "anonymise"}, "Nobody on Boost"),
        ({"email": "not an email", "action": "export", "messages": "anonymise"}, "valid email"),
        ({"email": person.email, "action": "shred", "messages": "anonymise"}, "not one of the available choices"),
    ):
        response = admin_client.post(URL, {**data, "confirmed": "yes"})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not DataExport.objects.exists() and not AccountClosure.objects.exists()
    assert not ModelLogEntry.objects.filter(action__startswith="privacy.").exists()
