from django.db import migrations, models

HELP = (
    "Leaves out moving ranges of 3.267 times the average moving range or more, as the NHS-R 'plot the dots' "
    "tool does, so one odd value does not widen the limits. Untick to match the Making Data Count Excel tools, "
    "which do not screen."
)
LABEL = "Screen out unusual jumps when calculating the limits"


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_index_pages_methods_leader_permissions"),
    ]

    # Measures that exist already keep unscreened limits (their published charts do not move
    # unasked); new measures screen by default, as the reference does (see projects/spc.py).
    operations = [
        migrations.AddField(
            model_name="measure",
            name="screen_outliers",
            field=models.BooleanField(default=False, help_text=HELP, verbose_name=LABEL),
        ),
        migrations.AlterField(
            model_name="measure",
            name="screen_outliers",
            field=models.BooleanField(default=True, help_text=HELP, verbose_name=LABEL),
        ),
    ]
