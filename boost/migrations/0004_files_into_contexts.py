"""Move the files that already exist into their contexts, under unguessable names.

- The three top-level collections are made; role groups get their collection permissions (which the
  choosers read); each community's facilitator group gets its community's collection.
- A write-up's attachments (published or in its latest draft) go to the write-up's collection; the
  documents a community's resources use go to the community's collection; every other file in the
  root collection goes to "Public site".
- Every stored file (documents, original images, avatars) is moved under a random directory, and
  image renditions without one are deleted (Wagtail makes them again on demand, under random names).
- Running it again changes nothing: what already carries a random directory stays where it is
  (``tests/boost/test_files_migration.py`` runs it twice on real files).

Collections are a treebeard tree whose methods historical models lack, so collections and their
permissions are made through ``boost.file_contexts`` (live Wagtail models); the files, pages and
profiles are read through historical models, so later migrations adding columns do not break this
one. Not reversible (the old names were the hole), so backwards it does nothing.
"""

from django.db import migrations


def _move(storage, name: str) -> str | None:
    """Store the file under a random directory; the new name, or None if the file is missing."""
    from boost.storage import RANDOM_PREFIX

    if not name or f"/{RANDOM_PREFIX}" in name or not storage.exists(name):
        return None
    top, _, rest = name.partition("/")
    basename = rest.rsplit("/", 1)[-1] or top
    with storage.open(name, "rb") as handle:
        # save() alone keeps the given name (adding at most a short suffix on a clash); the random
        # directory comes from generate_filename, which file fields call but save() does not.
        new_name = storage.save(storage.generate_filename(f"{top}/{basename}"), handle)
    storage.delete(name)
    return new_name


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group
    from django.core.files.storage import default_storage
    from wagtail.models import Collection

    from boost import file_contexts
    from boost.storage import RANDOM_PREFIX

    Profile = apps.get_model("accounts", "Profile")
    CommunityPage = apps.get_model("communities", "CommunityPage")
    ProjectPage = apps.get_model("projects", "ProjectPage")
    ProjectAttachment = apps.get_model("projects", "ProjectAttachment")
    Revision = apps.get_model("wagtailcore", "Revision")
    Document = apps.get_model("wagtaildocs", "Document")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    root = Collection.get_first_root_node()
    if root is None:
        return
    public = file_contexts.public_collection()
    for name in (file_contexts.COMMUNITIES, file_contexts.WRITE_UPS):
        file_contexts.top_collection(name)
    for role, (collection_name, actions) in file_contexts.ROLE_COLLECTIONS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            collection = root if collection_name is None else file_contexts.top_collection(collection_name)
            file_contexts.grant_collection(group, collection, actions)

    placed: set[int] = set()

    def place(document_id: int, page, is_community: bool) -> None:
        if document_id in placed:
            return
        placed.add(document_id)
        collection = file_contexts.collection_for(page, is_community=is_community)
        Document.objects.filter(pk=document_id, collection_id=root.pk).update(collection_id=collection.pk)

    for project in ProjectPage.objects.all():
        ids = list(ProjectAttachment.objects.filter(project=project).values_list("document_id", flat=True))
        revision = Revision.objects.filter(pk=project.latest_revision_id).first()
        if revision is not None:
            ids += [row["document"] for row in revision.content.get("attachments", []) if row.get("document")]
        for document_id in ids:
            place(document_id, project, False)
    for community in CommunityPage.objects.all():
        for block in community.resources.raw_data or []:
            value = block.get("value") or {}
            if block.get("type") == "resource" and isinstance(value, dict) and value.get("document"):
                place(value["document"], community, True)
        if community.facilitator_group_id:
            file_contexts.grant_collection(
                Group.objects.get(pk=community.facilitator_group_id),
                file_contexts.collection_for(community, is_community=True),
                file_contexts.FACILITATOR_ACTIONS,
            )
    Document.objects.filter(collection_id=root.pk).update(collection_id=public.pk)
    Image.objects.filter(collection_id=root.pk).update(collection_id=public.pk)

    for document in Document.objects.all():
        if new_name := _move(default_storage, document.file.name):
            Document.objects.filter(pk=document.pk).update(file=new_name)
    old_renditions = Rendition.objects.exclude(file__contains=f"/{RANDOM_PREFIX}")
    for rendition in old_renditions:
        if rendition.file.name and default_storage.exists(rendition.file.name):
            default_storage.delete(rendition.file.name)
    old_renditions.delete()
    for image in Image.objects.all():
        if new_name := _move(default_storage, image.file.name):
            Image.objects.filter(pk=image.pk).update(file=new_name)
    for profile in Profile.objects.exclude(avatar=""):
        if new_name := _move(default_storage, profile.avatar.name):
            Profile.objects.filter(pk=profile.pk).update(avatar=new_name)


class Migration(migrations.Migration):
    dependencies = [
        ("boost", "0003_file_contexts"),
        ("accounts", "0004_page_permissions"),
        ("communities", "0003_create_community_index"),
        ("projects", "0002_index_pages_methods_leader_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
