"""A member downloads their data, closes their account, and once the grace period has run out
nothing of them is left: not on pages, not in search, not their profile or picture, and the
@mentions of them read "Former member"."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from discussions import services as discussion_services
from privacy import services as privacy_services
from privacy.models import AccountClosure, ErasureRecord
from projects.models import ProjectTeamMember
from tests.e2e.conftest import log_in, open_page
from tests.factories.accounts import PASSWORD
from tests.factories.communities import add_member, make_community
from tests.factories.discussions import make_thread, post
from tests.factories.projects import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAME = "Quentin Marchbanks"


def picture() -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64), "teal").save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name="quentin.png")


@pytest.fixture
def footprint(user_factory, other_member):
    """Quentin: a public profile with a picture, a discussion, a reaction, a co-authored write-up."""
    person = user_factory(email="quentin.marchbanks@example.nhs.uk", display_name=NAME)
    profile = person.profile
    profile.visibility = "public"
    profile.searchable = True
    profile.show_avatar = True
    profile.organisation = "Fenland Community Trust"
    profile.avatar = picture()
    profile.save()
    community = make_community("Falls prevention")
    add_member(person, community)
    add_member(other_member, community)
    thread = make_thread(person, community, title="Hip protector fitting", body="We fit them at the first visit.")
    reply = post(other_member, thread, f"Thanks @[{NAME}], we will copy that.")
    discussion_services.toggle_reaction(user=person, message_id=reply.pk, kind="thanks")
    project = make_project(other_member, title="Fewer falls at home")
    ProjectTeamMember.objects.create(project=project, user=person, is_coauthor=True, role="Physiotherapist")
    return {"person": person, "community": community, "thread": thread, "project": project}


def test_download_my_data_then_close_my_account_and_nothing_remains(browser, live_server, footprint, tmp_path):
    person, thread, project, community = (footprint[k] for k in ("person", "thread", "project", "community"))
    profile_url = reverse("accounts:profile", args=[person.pk])
    picture_url = person.profile.avatar.url

    page = open_page(browser, live_server.url)
    log_in(page, person.email, PASSWORD)
    # Before: the person is there, on their profile, with their picture, in search.
    assert page.goto(profile_url).status == 200 and NAME in page.content()
    assert page.request.get(picture_url).status == 200
    page.goto("/search/?q=Marchbanks")
    assert NAME in search_results(page)

    # Download my data: the worker (immediate here) builds the ZIP; the link downloads it.
    page.goto(reverse("privacy:download_data"))
    page.get_by_role("button", name="Ask for a copy of your data").click()
    page.wait_for_load_state()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download your data")).click()
    archive_path = tmp_path / "data.zip"
    download_info.value.save_as(archive_path)
    archive = zipfile.ZipFile(archive_path)
    names = set(archive.namelist())
    assert {"README.txt", "profile.json", "messages.json", "reactions.json", "write_ups.json"} <= names
    assert json.loads(archive.read("profile.json"))[0]["email"] == person.email
    assert json.loads(archive.read("messages.json"))[0]["text"] == "We fit them at the first visit."
    assert len(json.loads(archive.read("reactions.json"))) == 1
    assert json.loads(archive.read("write_ups.json"))[0]["write_up"] == "Fewer falls at home"
    assert "messages.json" in archive.read("README.txt").decode()

    # Close my account, keeping messages as from "Former member".
    page.goto(reverse("privacy:close_account"))
    page.get_by_label(re.compile("Keep my messages")).check()
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Close my account").click()
    page.wait_for_load_state()
    assert AccountClosure.objects.filter(user=person).exists()
    page.context.close()

    # The grace period runs out and the erasure runs.
    AccountClosure.objects.update(erase_after=timezone.now() - timedelta(minutes=1))
    (record,) = privacy_services.erase_due_accounts()
    assert ErasureRecord.objects.get() == record

    # Afterwards, to a visitor and to a member of the same community, nothing of the person remains.
    visitor = open_page(browser, live_server.url)
    colleague = open_page(browser, live_server.url)
    log_in(colleague, footprint_member_email(community), PASSWORD)
    for viewer in (visitor, colleague):
        assert viewer.goto(profile_url).status == 404
        assert viewer.request.get(picture_url).status == 404
        for url in ("/", reverse("discussions:thread", args=[thread.pk]), project.url, community.url):
            assert viewer.goto(url).status == 200, url
            html = viewer.content()
            assert "Quentin" not in html and "Marchbanks" not in html, f"{url} still names them"
            assert "quentin.marchbanks" not in html, url
        for query in ("Marchbanks", "Quentin", "Fenland", "hip protector"):
            viewer.goto(f"/search/?q={query}")
            found = search_results(viewer)
            assert "Quentin" not in found and "Marchbanks" not in found, f"search for {query} finds them"
        viewer.goto(reverse("discussions:thread", args=[thread.pk]))
        assert "We fit them at the first visit." in viewer.content()  # the message stays, anonymised
        assert viewer.get_by_text("@Former member").count() >= 1
        viewer.goto("/search/?q=hip+protector")
        assert "Hip protector fitting" in search_results(viewer)
    colleague.goto(f"{community.url}members/")
    assert "Quentin" not in colleague.content()
    # They cannot sign in again.
    log_in(visitor, person.email, PASSWORD)
    assert visitor.get_by_role("button", name="Sign out").count() == 0
    for viewer in (visitor, colleague):
        assert not viewer.js_errors
        viewer.context.close()


def search_results(page) -> str:
    """The text of the result list (the page also repeats the query itself, in its title and form)."""
    return " ".join(page.locator(".boost-search-results").all_inner_texts())


def footprint_member_email(community) -> str:
    from communities.models import Membership

    return Membership.objects.filter(community=community, user__is_active=True).select_related("user").get().user.email
