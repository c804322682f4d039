"""The data migration that moves files uploaded before contexts existed, run on real files.

Files are written in the old layout (``documents/report.pdf``, ``original_images/x.png``,
``avatars/<user id>/me.png``, a rendition under ``images/``), all in the root collection; the
migration function then runs against the historical models of its own migration state, twice.
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from boost.file_contexts import PUBLIC_SITE, collection_for
from boost.models import FileContext
from projects.models import ProjectAttachment
from tests.factories.communities import make_community
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()
migration = importlib.import_module("boost.migrations.0004_files_into_contexts")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "purple").save(buffer, "PNG")
    return buffer.getvalue()


def old_file(name: str, content: bytes) -> str:
    """Store ``content`` under exactly ``name``, as the storage did before names got a random part."""
    stored = default_storage.save(name, ContentFile(content))
    assert stored == name
    return stored


def run_migration() -> None:
    state = MigrationExecutor(connection).loader.project_state(("boost", "0004_files_into_contexts"))
    migration.forwards(state.apps, None)


def assert_moved(old: str, new: str, content: bytes) -> None:
    assert new != old
    folder = new.rsplit("/", 2)[-2]
    assert folder.startswith("r-") and len(folder) >= 16, new
    assert new.split("/", 1)[0] == old.split("/", 1)[0]
    assert new.rsplit("/", 1)[-1] == old.rsplit("/", 1)[-1]
    assert not default_storage.exists(old), f"{old} was left behind"
    with default_storage.open(new, "rb") as handle:
        assert handle.read() == content


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_existing_files_move_into_their_contexts_under_random_names(media_root, member):
    root = Collection.get_first_root_node()
    report_bytes, tool_bytes, image_bytes, avatar_bytes = b"%PDF report", b"frailty tool", png_bytes(), png_bytes()

    project = make_project(member, title="Huddles")
    report = Document.objects.create(title="Report", file=old_file("documents/report.pdf", report_bytes))
    ProjectAttachment.objects.create(project=project, document=report)
    community = make_community("Frailty leads", is_private=True)
    tool = Document.objects.create(title="Tool", file=old_file("documents/tool.docx", tool_bytes))
    community.resources = [("resource", {"title": "Tool", "document": tool, "url": "", "description": ""})]
    community.save_revision().publish()
    leaflet = Document.objects.create(title="Leaflet", file=old_file("documents/leaflet.pdf", b"leaflet"))
    image = Image.objects.create(
        title="Ward", file=old_file("original_images/ward.png", image_bytes), width=40, height=30
    )
    rendition_name = old_file("images/ward.fill-20x20.png", image_bytes)
    image.renditions.create(filter_spec="fill-20x20", file=rendition_name, width=20, height=20)
    profile = member.profile
    avatar_name = old_file(f"avatars/{member.pk}/me.png", avatar_bytes)
    type(profile).objects.filter(pk=profile.pk).update(avatar=avatar_name)
    assert {report.collection_id, tool.collection_id, leaflet.collection_id, image.collection_id} == {root.pk}

    run_migration()

    for item in (report, tool, leaflet, image, profile):
        item.refresh_from_db()
    assert_moved("documents/report.pdf", report.file.name, report_bytes)
    assert_moved("documents/tool.docx", tool.file.name, tool_bytes)
    assert_moved("documents/leaflet.pdf", leaflet.file.name, b"leaflet")
    assert_moved("original_images/ward.png", image.file.name, image_bytes)
    assert_moved(f"avatars/{member.pk}/me.png", profile.avatar.name, avatar_bytes)
    assert profile.avatar.name.split("/")[1] != str(member.pk)  # no user id in the path
    # Renditions are made again on demand, under random names; the old ones are gone, rows and files.
    assert not image.renditions.exists()
    assert not default_storage.exists(rendition_name)

    # Each file is in its context's collection.
    assert report.collection == collection_for(project)
    assert tool.collection == collection_for(community)
    assert FileContext.objects.filter(page_id=project.pk, collection=report.collection).exists()
    assert leaflet.collection.name == image.collection.name == PUBLIC_SITE

    # Run again: nothing moves twice, nothing is lost.
    moved = {item: item.file.name for item in (report, tool, leaflet, image)}
    moved_avatar = profile.avatar.name
    run_migration()
    for item, name in moved.items():
        item.refresh_from_db()
        assert item.file.name == name
        assert default_storage.exists(name)
    profile.refresh_from_db()
    assert profile.avatar.name == moved_avatar and default_storage.exists(moved_avatar)
    assert Collection.objects.filter(name=PUBLIC_SITE).count() == 1
    assert FileContext.objects.filter(page_id=project.pk).count() == 1


def test_a_missing_file_is_left_as_it_is(media_root):
    ghost = Document.objects.create(title="Ghost", file="documents/ghost.pdf")
    run_migration()
    ghost.refresh_from_db()
    assert ghost.file.name == "documents/ghost.pdf"
    assert ghost.collection.name == PUBLIC_SITE
