from django.db import migrations, models


def copy_links(apps, schema_editor):
    """Each annotation's one linked write-up becomes its first entry in ``work``."""
    Annotation = apps.get_model("ecomaps", "Annotation")
    for note in Annotation.objects.filter(project__isnull=False):
        note.work.add(note.project_id)


def copy_back(apps, schema_editor):
    Annotation = apps.get_model("ecomaps", "Annotation")
    for note in Annotation.objects.all():
        first = note.work.order_by("pk").first()
        if first is not None:
            note.project_id = first.pk
            note.save(update_fields=["project"])


class Migration(migrations.Migration):
    dependencies = [
        ("ecomaps", "0005_suggestions"),
        ("projects", "0007_measuresignal"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotation",
            name="work",
            # No reverse name while the old link still holds it; it takes the name below.
            field=models.ManyToManyField(blank=True, related_name="+", to="projects.projectpage"),
        ),
        migrations.RunPython(copy_links, copy_back),
        migrations.RemoveField(model_name="annotation", name="project"),
        migrations.AlterField(
            model_name="annotation",
            name="work",
            field=models.ManyToManyField(blank=True, related_name="ecomap_annotations", to="projects.projectpage"),
        ),
    ]
