"""Fetched files named after the pupil and the file's date, not after the request.

Files fetched through ELK/OSO were archived as ``oso-<request uuid>.xml``, a name that
says nothing to staff. They are now archived as ``<stamnummer>_<achternaam>_<datum>.xml``
(the date is the file's collection date, else the day it arrived); this renames the
ones archived before. A file kept without its student keeps its name. No BSN is in a
name: the surname was masked when the file was read. Going back leaves the new names.
"""

import re

from django.db import migrations

_FETCHED = r"^oso-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.xml$"
# Characters no file system (nor a zip reader on Windows) accepts in a name (as
# students.services.card_exports.dossier_file_name).
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def forwards(apps, schema_editor):
    ReceivedDossier = apps.get_model("students", "ReceivedDossier")
    rows = (
        ReceivedDossier.objects.filter(source_name__regex=_FETCHED, student__isnull=False)
        .values_list(
            "pk", "student__student_number", "student__surname", "collection_date", "received_at"
        )
        .iterator(chunk_size=2000)
    )
    renamed = []
    for pk, number, surname, collection_date, received_at in rows:
        day = collection_date or received_at.date()
        safe_surname = _UNSAFE_IN_NAME.sub("_", surname or "").strip(" .") or "_"
        renamed.append(
            ReceivedDossier(pk=pk, source_name=f"{number}_{safe_surname}_{day.isoformat()}.xml")
        )
    ReceivedDossier.objects.bulk_update(renamed, ["source_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0014_student_secret_contact"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
