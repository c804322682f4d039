from django.db import migrations


def raw_limits(apps, schema_editor):
    """Stored analyses gain each point's unrounded centre line and limits (the API serves them)."""
    from projects import spc

    Measure = apps.get_model("projects", "Measure")
    for measure in Measure.objects.exclude(n_points=0).iterator():
        rows = (measure.analysis or {}).get("rows") or []
        if not rows or "centre_raw" in rows[0]:
            continue
        result = spc.analyse(
            [(point.date, point.value) for point in measure.points.order_by("date")],
            better=measure.better or None,
            target=measure.target,
            phase_starts=[phase.start_date for phase in measure.phases.order_by("start_date")],
            screen_outliers=measure.screen_outliers,
        )
        if len(result.points) != len(rows):
            continue  # data changed without a refresh; the next refresh writes them
        for row, point in zip(rows, result.points, strict=True):
            row.update(centre_raw=point.centre, ucl_raw=point.ucl, lcl_raw=point.lcl)
        measure.save(update_fields=["analysis"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_measuresignal")]

    operations = [migrations.RunPython(raw_limits, migrations.RunPython.noop)]
