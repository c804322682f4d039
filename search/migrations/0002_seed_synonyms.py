from django.db import migrations

# NHS and social-care synonyms and acronyms; curators edit them afterwards as snippets.
SYNONYMS = [
    ("A&E, emergency department, accident and emergency, ED", "Urgent and emergency care"),
    ("GP, general practice, general practitioner, primary care", ""),
    ("MSK, musculoskeletal", ""),
    ("dom care, domiciliary care, home care, care at home", ""),
    ("COPD, chronic obstructive pulmonary disease", ""),
    ("UTC, urgent treatment centre", ""),
    ("SDEC, same day emergency care", ""),
    ("AHP, allied health professional", ""),
    ("ICS, integrated care system", ""),
    ("ICB, integrated care board", ""),
    ("PDSA, plan do study act", "Improvement method"),
    ("QI, quality improvement", ""),
    ("SPC, statistical process control", ""),
    ("DTOC, delayed transfer of care, delayed discharge", ""),
    ("UEC, urgent and emergency care", ""),
    ("LOS, length of stay", ""),
    ("CGA, comprehensive geriatric assessment", ""),
    ("OT, occupational therapy, occupational therapist", ""),
    ("physio, physiotherapy, physiotherapist", ""),
    ("MDT, multidisciplinary team", ""),
    ("ambulance handover, handover delays", ""),
    ("mental health, MH", ""),
    ("CAMHS, child and adolescent mental health services", ""),
    ("ICU, intensive care, critical care", ""),
    ("virtual ward, hospital at home", ""),
    ("UTI, urinary tract infection", ""),
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    for terms, note in SYNONYMS:
        SearchSynonym.objects.get_or_create(terms=terms, defaults={"note": note})


def unseed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    SearchSynonym.objects.filter(terms__in=[terms for terms, _ in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
