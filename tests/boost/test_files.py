"""Files follow the rights of what they belong to: the outsider test, transitions, choosers, proxy mode."""

from __future__ import annotations

import io
import warnings

import pytest
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient, Client
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from accounts.models import ProfileVisibility
from boost.file_contexts import collection_for, public_collection
from boost.models import StandardPage
from communities.models import Membership
from projects import services as project_services
from projects.models import ProjectTeamMember
from tests.factories.accounts import user_with_role
from tests.factories.communities import add_member, make_community
from tests.factories.projects import make_measure, make_project

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()


def png(name: str = "chart.png", colour: str = "red") -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 120), colour).save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fetch(client: Client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def template_filters() -> list[str]:
    """Every rendition filter a template asks for (``{% image x <filter> as y %}``, in Boost's templates
    and in the NHS.UK blocks' own), and the rich-text editor's image formats: found, not listed, so a
    new template's filter is covered without touching this test."""
    import re
    from pathlib import Path

    from django.conf import settings
    from django.template.loaders.app_directories import get_app_template_dirs
    from wagtail.images.formats import get_image_formats

    pattern = re.compile(r"\{%\s*(?:image|srcset_image|picture)\s+\S+\s+(.+?)\s+as\s+\w+\s*%\}")
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + list(get_app_template_dirs("templates"))
    filters = {image_format.filter_spec for image_format in get_image_formats()}
    for folder in folders:
        for template in folder.rglob("*.html"):
            for found in pattern.findall(template.read_text(errors="ignore")):
                filters.update(spec for spec in found.split() if "=" not in spec and not spec.startswith(("'", '"')))
    return sorted(filters)


TEMPLATE_FILTERS = template_filters()


def image_urls(image) -> list[str]:
    """The original and its rendition for every filter the templates and the rich-text editor use."""
    return [image.file.url, *(image.get_rendition(spec).url for spec in TEMPLATE_FILTERS)]


def test_every_template_filter_is_found():
    # The NHS.UK image block's srcset and the rich-text formats at least.
    assert {"width-320", "width-1534", "width-800", "width-500"} <= set(TEMPLATE_FILTERS)


def document_urls(document) -> list[str]:
    return [document.url, document.file.url]


def assert_all(urls: list[str], client: Client, status: int) -> None:
    for url in urls:
        code, body = fetch(client, url)
        assert code == status, f"{url}: {code}, expected {status}"
        if status == 200:
            assert body, url


# --- set-up: one file in every private context -----------------------------------------------------


@pytest.fixture
def draft_attachment(member):
    project = make_project(member, title="Waiting list huddles", publish=False)
    project_services.attach_document(
        user=member,
        project=project,
        title="Driver diagram",
        upload=SimpleUploadedFile("driver-diagram.pdf", b"%PDF-1.4 driver diagram", content_type="application/pdf"),
    )
    document = Document.objects.get(title="Driver diagram")
    return project, document


@pytest.fixture
def private_resource(member):
    community = make_community("Frailty leads", is_private=True)
    add_member(member, community)
    document = Document.objects.create(
        title="Frailty tool",
        file=SimpleUploadedFile("frailty-tool.docx", b"frailty tool"),
        collection=collection_for(community),
    )
    image = Image.objects.create(title="Frailty map", file=png("frailty-map.png"), collection=collection_for(community))
    community.resources = [("resource", {"title": "Frailty tool", "document": document, "url": "", "description": ""})]
    community.save_revision().publish()
    return community, document, image


@pytest.fixture
def restricted_page_image(home_page, member):
    readers = Group.objects.create(name="Restricted readers")
    member.groups.add(readers)
    image = Image.objects.create(title="Ward plan", file=png("ward-plan.png", "blue"), collection=public_collection())
    page = StandardPage(title="Ward plans", slug="ward-plans")
    home_page.add_child(instance=page)
    page.body = [
        {
            "type": "details",
            "value": {
                "title": "The plan",
                "body": [{"type": "image", "value": {"content_image": image.pk, "alt_text": "A plan", "caption": ""}}],
            },
        }
    ]
    page.save_revision().publish()
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(readers)
    return page, image, readers


@pytest.fixture
def private_avatar(member):
    profile = member.profile
    profile.avatar = png("me.png", "green")
    profile.visibility = ProfileVisibility.PRIVATE
    profile.show_avatar = False
    profile.save()
    return profile


# --- the outsider test ----------------------------------------------------------------------------


def test_outsiders_get_404_for_every_url_of_every_private_file(
    member, other_member, draft_attachment, private_resource, restricted_page_image, private_avatar
):
    project, attachment = draft_attachment
    community, resource, community_image = private_resource
    _page, page_image, readers = restricted_page_image

    # A removed member of each context: a co-author taken off the team, a member removed from the
    # community, a reader taken out of the page's group.
    removed = user_with_role("Member")
    ProjectTeamMember.objects.create(project=project, user=removed, name="Former co-author", is_coauthor=True)
    add_member(removed, community)
    removed.groups.add(readers)
    every_url = {
        "attachment": document_urls(attachment),
        "resource": document_urls(resource),
        "community image": image_urls(community_image),
        "page image": image_urls(page_image),
        "avatar": [private_avatar.avatar.url],
    }
    assert all(url.startswith(("/media/", "/documents/")) for urls in every_url.values() for url in urls)
    # While they belong, they see it (the avatar is the owner's alone).
    for name in ("attachment", "resource", "community image", "page image"):
        assert_all(every_url[name], client_for(removed), 200)

    ProjectTeamMember.objects.filter(user=removed).delete()
    Membership.objects.filter(user=removed).update(state=Membership.State.REMOVED)
    removed.groups.remove(readers)

    for viewer in (None, other_member, removed):
        for name, urls in every_url.items():
            for url in urls:
                code, _ = fetch(client_for(viewer), url)
                assert code == 404, f"{name} at {url} answered {code} to {viewer or 'anonymous'}"

    for urls in every_url.values():
        assert_all(urls, client_for(member), 200)


def test_a_missing_file_and_a_forbidden_one_look_the_same(other_member, draft_attachment):
    _, attachment = draft_attachment
    forbidden = client_for(other_member).get(attachment.file.url)
    missing = client_for(other_member).get(attachment.file.url.replace("driver", "nothing"))
    assert forbidden.status_code == missing.status_code == 404
    assert [t.name for t in forbidden.templates] == [t.name for t in missing.templates]
    assert client_for().get("/media/../db.sqlite3").status_code == 404
    assert client_for().get("/media/documents/").status_code == 404


def test_stored_names_carry_a_random_part(member, draft_attachment, private_avatar):
    _, attachment = draft_attachment
    for name in (attachment.file.name, private_avatar.avatar.name):
        folder = name.rsplit("/", 2)[-2]
        assert folder.startswith("r-") and len(folder) >= 16, name
    # The path names no user: its folders are "avatars" and the random part only (a random part
    # may contain the id's digits by chance, so compare whole path segments, not substrings).
    assert str(member.pk) not in private_avatar.avatar.name.split("/")[:-1]
    assert private_avatar.avatar.name.split("/")[0] == "avatars"
    long = Document.objects.create(title="Long", file=SimpleUploadedFile("x" * 150 + ".pdf", b"x"))
    assert len(long.file.name) <= 100 and long.file.name.endswith(".pdf")


def test_a_shown_avatar_follows_the_profile_visibility(member, other_member, private_avatar):
    private_avatar.show_avatar = True
    private_avatar.visibility = ProfileVisibility.MEMBERS
    private_avatar.save()
    url = private_avatar.avatar.url
    assert fetch(client_for(other_member), url)[0] == 200
    assert fetch(client_for(), url)[0] == 404
    private_avatar.visibility = ProfileVisibility.PUBLIC
    private_avatar.save()
    assert fetch(client_for(), url)[0] == 200


# --- publish, unpublish, restrict -------------------------------------------------------------------


def test_a_drafts_attachments_follow_publishing_and_restriction(member, other_member, curator, draft_attachment):
    project, attachment = draft_attachment
    urls = document_urls(attachment)
    assert_all(urls, client_for(), 404)
    assert_all(urls, client_for(curator), 200)  # the reviewer reads the draft

    project.refresh_from_db()
    project.get_latest_revision().publish()
    project.refresh_from_db()
    assert_all(urls, client_for(), 200)

    project.unpublish()
    assert_all(urls, client_for(), 404)
    assert_all(urls, client_for(other_member), 404)
    assert_all(urls, client_for(member), 200)

    project.get_latest_revision().publish()
    restriction = PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.LOGIN)
    assert_all(urls, client_for(), 404)
    assert_all(urls, client_for(other_member), 200)
    restriction.delete()
    readers = Group.objects.create(name="Story readers")
    restriction = PageViewRestriction.objects.create(
        page=project.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(readers)
    assert_all(urls, client_for(other_member), 404)
    # A live page's restriction holds for its authors too, as it does for the page itself.
    assert_all(urls, client_for(member), 404)
    member.groups.add(readers)
    assert_all(urls, client_for(member), 200)


def test_a_file_added_to_the_draft_of_a_published_story_waits_for_publishing(member, other_member):
    project = make_project(member)
    project_services.attach_document(
        user=member,
        project=project,
        title="New template",
        upload=SimpleUploadedFile("template.xlsx", b"template"),
    )
    document = Document.objects.get(title="New template")
    assert_all(document_urls(document), client_for(other_member), 404)
    assert_all(document_urls(document), client_for(member), 200)
    project.get_latest_revision().publish()
    assert_all(document_urls(document), client_for(other_member), 200)


def test_an_image_follows_the_page_that_uses_it(member, other_member, restricted_page_image):
    page, image, readers = restricted_page_image
    urls = image_urls(image)
    assert_all(urls, client_for(other_member), 404)
    PageViewRestriction.objects.filter(page=page).delete()
    assert_all(urls, client_for(), 200)  # no restriction: public, originals and renditions alike
    page.unpublish()
    assert_all(urls, client_for(), 404)  # used only on an unpublished page: private again
    assert_all(urls, client_for(other_member), 404)
    page.get_latest_revision().publish()
    assert_all(urls, client_for(), 200)
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(readers)
    assert_all(urls, client_for(), 404)  # restricted again
    assert_all(urls, client_for(member), 200)


def test_a_password_restricted_pages_image_opens_with_the_password(other_member, home_page):
    image = Image.objects.create(title="Rota", file=png("rota.png", "yellow"), collection=public_collection())
    page = StandardPage(title="Rota", slug="rota")
    home_page.add_child(instance=page)
    page.body = [
        {
            "type": "details",
            "value": {
                "title": "Rota",
                "body": [{"type": "image", "value": {"content_image": image.pk, "alt_text": "Rota", "caption": ""}}],
            },
        }
    ]
    page.save_revision().publish()
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="lapwing"
    )
    urls = image_urls(image)
    for viewer in (None, other_member):
        client = client_for(viewer)
        assert 'name="password"' in client.get(page.url).content.decode()
        assert_all(urls, client, 404)
        client.post(
            reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]),
            {"password": "lapwing", "return_url": page.url},
        )
        assert_all(urls, client, 200)  # the session that gave the password sees what the page shows


# --- handover pack and data CSV honour view restrictions -------------------------------------------


def test_handover_and_csv_honour_view_restrictions_on_the_page_and_its_ancestors(member, other_member):
    project = make_project(member)
    measure = make_measure(project, [5, 6, 7])
    urls = [
        reverse("projects:handover", args=[project.pk]),
        reverse("projects:measure_csv", args=[project.pk, measure.pk]),
    ]
    assert all(client_for().get(url).status_code == 200 for url in urls)

    readers = Group.objects.create(name="Pilot sites")
    restriction = PageViewRestriction.objects.create(
        page=project.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(readers)
    for viewer in (None, other_member):
        assert all(client_for(viewer).get(url).status_code == 404 for url in urls)
    assert all(client_for(member).get(url).status_code == 404 for url in urls)  # its authors too
    other_member.groups.add(readers)
    assert all(client_for(other_member).get(url).status_code == 200 for url in urls)


# --- choosers ----------------------------------------------------------------------------------------


def test_choosers_show_a_facilitator_only_their_communities_and_the_public_site(facilitator, curator):
    mine = make_community("Discharge leads", is_private=True)
    theirs = make_community("Cancer leads", is_private=True)
    add_member(facilitator, mine, role=Membership.Role.FACILITATOR)
    for title, collection in (
        ("Mine", collection_for(mine)),
        ("Theirs", collection_for(theirs)),
        ("Public", public_collection()),
    ):
        Document.objects.create(
            title=f"{title} doc", file=SimpleUploadedFile(f"{title}.pdf", b"x"), collection=collection
        )
        Image.objects.create(title=f"{title} image", file=png(f"{title}.png"), collection=collection)

    for chooser in ("wagtaildocs_chooser:choose", "wagtailimages_chooser:choose"):
        html = client_for(facilitator).get(reverse(chooser)).content.decode()
        assert "Mine " in html and "Public " in html
        assert "Theirs " not in html
    html = client_for(curator).get(reverse("wagtaildocs_chooser:choose")).content.decode()
    assert "Theirs doc" in html and "Mine doc" in html


# --- sending the bytes -------------------------------------------------------------------------------


def test_proxy_mode_answers_with_x_accel_redirect_only_after_the_check(
    settings, member, other_member, draft_attachment
):
    settings.FILES_ACCEL = "nginx"
    _, attachment = draft_attachment
    for url in document_urls(attachment):
        response = client_for(member).get(url)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
        assert response.content == b""
        assert "private" in response["Cache-Control"]
        assert client_for(other_member).get(url).status_code == 404
    settings.FILES_ACCEL = "sendfile"
    response = client_for(member).get(attachment.url)
    assert response["X-Sendfile"].endswith(attachment.file.name)


def test_streams_under_asgi_without_the_sync_iterator_warning(member, draft_attachment):
    _, attachment = draft_attachment
    client = AsyncClient()
    client.force_login(member)

    async def download() -> tuple[int, bytes]:
        response = await client.get(attachment.file.url)
        return response.status_code, b"".join([chunk async for chunk in response.streaming_content])

    from asgiref.sync import async_to_sync

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, body = async_to_sync(download)()
    assert code == 200 and body == b"%PDF-1.4 driver diagram"
    assert not [w for w in caught if "synchronous iterators" in str(w.message)]
