from django.db import migrations

# Cancer-pathway and waiting-list shorthand that write-ups and staff use interchangeably.
SYNONYMS = [
    ("PTL, patient tracking list, tracking list", "Waiting-list management"),
    ("2WW, two week wait, urgent suspected cancer referral", "Cancer referral standard"),
    ("FDS, faster diagnosis standard", "Cancer 28-day standard"),
    ("RTT, referral to treatment", ""),
    ("D2A, discharge to assess", ""),
    ("STAR, socio-technical allocation of resources", "Improvement method"),
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    for terms, note in SYNONYMS:
        SearchSynonym.objects.get_or_create(terms=terms, defaults={"note": note})


def unseed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    SearchSynonym.objects.filter(terms__in=[terms for terms, _ in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_seed_synonyms")]
    operations = [migrations.RunPython(seed, unseed)]
