"""Run the file move of 0004 again, for databases that applied its first version.

That version stored each moved file with ``storage.save()``, which keeps the given name (at most a
short suffix on a clash), so files moved by it got no random directory. 0004 now asks the storage
for a random name; it leaves what already has one alone, so here it only moves what was missed.
"""

import importlib

from django.db import migrations

move = importlib.import_module("boost.migrations.0004_files_into_contexts").forwards


class Migration(migrations.Migration):
    dependencies = [("boost", "0004_files_into_contexts")]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
