"""Seed the default improvement-skills framework (published) and let curators edit and publish it."""

from django.db import migrations

CODENAMES = ["add_skillsframework", "change_skillsframework", "publish_skillsframework", "view_skillsframework"]


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from learning.frameworks import DEFAULT_INTRO, DEFAULT_NAME, default_domains

    SkillsFramework = apps.get_model("learning", "SkillsFramework")
    if not SkillsFramework.objects.exists():
        SkillsFramework.objects.create(name=DEFAULT_NAME, intro=DEFAULT_INTRO, domains=default_domains(), live=True)
    # Permissions are normally created after all migrations run; the curators need them now.
    app_config = apps.get_app_config("learning")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Wagtail adds "publish" for draft-state snippets only after all migrations; curators need it now.
    content_type, _ = ContentType.objects.get_or_create(app_label="learning", model="skillsframework")
    Permission.objects.get_or_create(
        content_type=content_type, codename="publish_skillsframework", defaults={"name": "Can publish skills framework"}
    )
    curators = Group.objects.filter(name="Curator").first()
    if curators is not None:
        curators.permissions.add(*Permission.objects.filter(content_type__app_label="learning", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_skills_framework"),
        ("accounts", "0003_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
