"""Give every install a communities directory under the home page (shown in the menu), and give
existing memberships their own calendar-feed secrets."""

import secrets

from django.db import migrations


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("boost", "HomePage")
    CommunityIndexPage = apps.get_model("communities", "CommunityIndexPage")
    Membership = apps.get_model("communities", "Membership")

    for membership in Membership.objects.all():
        membership.calendar_token = secrets.token_urlsafe(24)
        membership.save(update_fields=["calendar_token"])

    home = HomePage.objects.first()
    if home is None or CommunityIndexPage.objects.exists():
        return
    home_page = Page.objects.get(pk=home.pk)
    if Page.objects.filter(path__startswith=home_page.path, depth=home_page.depth + 1, slug="communities").exists():
        return
    last = Page.objects.filter(path__startswith=home_page.path, depth=home_page.depth + 1).order_by("-path").first()
    # Treebeard materialised path: four base-36 characters per level.
    next_step = int(last.path[-4:], 36) + 1 if last else 1
    step = ""
    for _ in range(4):
        next_step, digit = divmod(next_step, 36)
        step = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + step
    content_type, _ = ContentType.objects.get_or_create(app_label="communities", model="communityindexpage")
    CommunityIndexPage.objects.create(
        title="Communities",
        draft_title="Communities",
        slug="communities",
        content_type=content_type,
        path=home_page.path + step,
        depth=home_page.depth + 1,
        numchild=0,
        url_path=f"{home_page.url_path}communities/",
        locale_id=home_page.locale_id,
        live=True,
        show_in_menus=True,
        intro="Communities of practice bring together people working on the same problem, "
        "across professions and organisations. Find one, join it and take part.",
    )
    home_page.numchild = Page.objects.filter(path__startswith=home_page.path, depth=home_page.depth + 1).count()
    home_page.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_events_invitations_proposals"),
        ("boost", "0002_create_homepage"),
    ]

    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]
