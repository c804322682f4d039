"""Create the Projects and Priorities index pages under the home page, seed the improvement
methods, and let the Leader group (only) add, edit, publish and order priorities."""

from django.db import migrations

METHODS = [
    ("Model for Improvement (PDSA cycles)", "model-for-improvement", "Aims, measures, changes, tested in small cycles."),
    ("Patient ecosystem mapping", "ecosystem-mapping", "Mapping everyone around a person's care, with them."),
    ("Zero-day patient tracking list", "zero-day-ptl", "A daily list that makes every wait visible and owned."),
    ("Statistical process control", "spc", "Telling signal from noise in data over time."),
    ("Experience-based co-design", "ebcd", "Designing services with patients, carers and staff."),
    ("Process mapping", "process-mapping", "Drawing every step of a pathway to see the waste."),
    ("Driver diagram", "driver-diagram", "Linking the aim to the changes expected to reach it."),
    ("Socio-technical allocation of resources", "star", "Weighing costs and benefits of interventions together."),
    ("Lean", "lean", "Removing steps that add no value."),
]
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    if last is None:
        number = 1
    else:
        number = 0
        for char in last.path[-4:]:
            number = number * 36 + _ALPHABET.index(char)
        number += 1
    step = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        step = _ALPHABET[digit] + step
    return parent.path + step


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    HomePage = apps.get_model("boost", "HomePage")
    Method = apps.get_model("projects", "Method")

    for name, slug, description in METHODS:
        Method.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})

    home = HomePage.objects.first()
    if home is None:
        return
    home_page = Page.objects.get(pk=home.pk)
    created = {}
    for model_name, title, slug, intro in [
        (
            "ProjectIndexPage",
            "Improvement projects",
            "projects",
            "Stories of improvement from across the system, with their measured results. Find one to learn from, "
            "or to try yourselves.",
        ),
        (
            "PriorityIndexPage",
            "Improvement priorities",
            "priorities",
            "The few things the whole system has chosen to improve together, and what is moving.",
        ),
    ]:
        Model = apps.get_model("projects", model_name)
        existing = Model.objects.first()
        if existing is not None:
            created[model_name] = existing
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label="projects", model=model_name.lower())
        page = Model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=_next_child_path(Page, home_page),
            depth=home_page.depth + 1,
            numchild=0,
            url_path=f"{home_page.url_path}{slug}/",
            locale_id=home_page.locale_id,
            live=True,
            show_in_menus=True,
            intro=intro,
        )
        home_page.numchild += 1
        home_page.save(update_fields=["numchild"])
        created[model_name] = page

    leader = Group.objects.filter(name="Leader").first()
    if leader is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(
                group=leader, page_id=created["PriorityIndexPage"].pk, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("boost", "0002_create_homepage"),
        ("accounts", "0004_page_permissions"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
