"""New discussions join the per-kind delivery choice (``NotificationPreference.delivery``): the old
on/off switch ``new_threads`` maps on → bell and email (the default, so nothing is stored) and
off → nothing (``{"new_thread": "off"}``); then the switch is removed."""

from django.db import migrations

KIND = "new_thread"


def switch_to_delivery(apps, schema_editor):
    Preference = apps.get_model("discussions", "NotificationPreference")
    for preference in Preference.objects.filter(new_threads=False).iterator():
        preference.delivery = {**(preference.delivery or {}), KIND: "off"}
        preference.save(update_fields=["delivery"])


def delivery_to_switch(apps, schema_editor):
    """Back: "nothing" turns the switch off; "bell only" has no old equivalent, so it stays on."""
    Preference = apps.get_model("discussions", "NotificationPreference")
    for preference in Preference.objects.iterator():
        chosen = dict(preference.delivery or {})
        choice = chosen.pop(KIND, None)
        if choice is not None:
            preference.new_threads = choice != "off"
            preference.delivery = chosen
            preference.save(update_fields=["new_threads", "delivery"])


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0007_notification_delivery"),
    ]

    operations = [
        migrations.RunPython(switch_to_delivery, delivery_to_switch),
        migrations.RemoveField(model_name="notificationpreference", name="new_threads"),
    ]
