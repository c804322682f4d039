"""Profile editing and the privacy choices a person makes about it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import ProfileVisibility
from boost.models import CareArea

pytestmark = pytest.mark.django_db


def _png(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#005eb8").save(buffer, format="PNG")
    return buffer.getvalue()


def _form(**overrides):
    data = {
        "display_name": "Sam Patel",
        "organisation": "City Hospital",
        "profession": "nurse",
        "job_title": "Ward sister",
        "bio": "Discharge planning.",
        "visibility": "members",
        "show_organisation": "on",
        "show_profession": "on",
        "show_bio": "on",
        "show_interests": "on",
        "show_avatar": "on",
    }
    data.update(overrides)
    return data


def test_member_edits_profile(client, member):
    area = CareArea.objects.create(name="Frailty", slug="frailty")
    client.force_login(member)
    response = client.post(reverse("accounts:profile_edit"), {**_form(), "interests": [area.pk]})
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.display_name == "Sam Patel"
    assert list(member.profile.interests.all()) == [area]


def test_avatar_upload_is_saved(client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(member)
    upload = SimpleUploadedFile("me.png", _png(), content_type="image/png")
    response = client.post(reverse("accounts:profile_edit"), {**_form(), "avatar": upload})
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.avatar.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"this is not an image", "me.png", "Upload a valid image"),
        (b"%PDF-1.4 not an image", "me.pdf", "Upload a valid image"),
    ],
)
def test_non_image_avatar_is_refused_with_a_message(client, member, content, name, message):
    client.force_login(member)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("accounts:profile_edit"), {**_form(display_name="Changed"), "avatar": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.display_name != "Changed"


def test_oversize_avatar_is_refused(client, member, settings):
    settings.AVATAR_MAX_BYTES = 1000
    client.force_login(member)
    upload = SimpleUploadedFile("big.png", _png((400, 400)) + b"\0" * 2000, content_type="image/png")
    response = client.post(reverse("accounts:profile_edit"), {**_form(), "avatar": upload})
    assert response.status_code == 200
    assert "must be smaller than" in response.content.decode()


def test_empty_display_name_is_an_error_and_saves_nothing(client, member):
    client.force_login(member)
    before = member.profile.display_name
    response = client.post(reverse("accounts:profile_edit"), _form(display_name="   ", organisation="New Org"))
    assert response.status_code == 200
    assert "Enter a display name" in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.display_name == before
    assert member.profile.organisation != "New Org"


@pytest.mark.parametrize(
    ("visibility", "anonymous_status", "member_status"),
    [
        (ProfileVisibility.PUBLIC, 200, 200),
        (ProfileVisibility.MEMBERS, 404, 200),
        (ProfileVisibility.PRIVATE, 404, 404),
    ],
)
def test_profile_page_respects_visibility(client, member, other_member, visibility, anonymous_status, member_status):
    member.profile.visibility = visibility
    member.profile.save()
    url = reverse("accounts:profile", args=[member.pk])
    assert client.get(url).status_code == anonymous_status
    client.force_login(other_member)
    assert client.get(url).status_code == member_status
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_hidden_fields_are_not_shown_to_others(client, member, other_member):
    profile = member.profile
    profile.visibility = ProfileVisibility.PUBLIC
    profile.organisation = "Secret Trust"
    profile.show_organisation = False
    profile.bio = "Visible bio"
    profile.save()
    html = client.get(reverse("accounts:profile", args=[member.pk])).content.decode()
    assert "Secret Trust" not in html
    assert "Visible bio" in html
    client.force_login(member)
    assert "Secret Trust" in client.get(reverse("accounts:profile", args=[member.pk])).content.decode()


def test_care_setting_is_kept_for_figures_but_never_shown_on_the_profile(client, member, other_member):
    client.force_login(member)
    assert client.post(reverse("accounts:profile_edit"), _form(care_setting="social_care")).status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.care_setting == "social_care"
    response = client.post(reverse("accounts:profile_edit"), _form(care_setting="the moon", job_title="Changed"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    member.profile.refresh_from_db()
    assert (member.profile.care_setting, member.profile.job_title) == ("social_care", "Ward sister")
    client.force_login(other_member)
    assert "Social care" not in client.get(member.profile.get_absolute_url()).content.decode()
