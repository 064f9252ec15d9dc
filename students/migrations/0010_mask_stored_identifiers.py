"""Mask the BSNs that older versions stored in archive remarks and file names.

A code quoted from a file (a BSN sent as the advice code) used to reach the remark
unmasked, and a file named after a pupil's BSN kept that name. New rows are masked
where they are made; this masks what is already stored. The raw XML stays whole:
it is the file as received, and the archive views mask it when they show it.
"""

from django.db import migrations

from common.security import redact_identifiers, redact_value

BATCH = 2000


def mask(apps, schema_editor):
    model = apps.get_model("students", "ReceivedDossier")
    fields = ["remarks", "source_name"]
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=BATCH):
        remarks = redact_value(row.remarks)
        source_name = redact_identifiers(row.source_name)
        if (remarks, source_name) != (row.remarks, row.source_name):
            row.remarks, row.source_name = remarks, source_name
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        model.objects.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [("students", "0009_remarks_as_codes")]

    operations = [migrations.RunPython(mask, migrations.RunPython.noop, elidable=True)]
