"""Give curators and admins their page permissions on the home page, make curators the
reviewers in Wagtail's default moderation workflow, and drop Wagtail's starter groups
(Editors, Moderators) so the five roles are the only groups."""

from django.db import migrations


def grant(apps, schema_editor):
    from accounts import roles

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("boost", "HomePage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    home = HomePage.objects.first()
    if home is not None:
        for role, codenames in roles.ROOT_PAGE_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=group, page_id=home.pk, permission=permission)

    curator = Group.objects.get(name=roles.CURATOR)
    for task in GroupApprovalTask.objects.all():
        task.groups.set([curator])
        task.name = "Curator review"
        task.save(update_fields=["name"])
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_roles"),
        ("boost", "0002_create_homepage"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
