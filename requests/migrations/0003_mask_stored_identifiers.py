"""Mask the BSNs that older versions stored in request errors and remarks.

A code or value quoted from a file (a BSN sent as the advice code) used to reach the
error text unmasked. New messages are masked where they are made; this masks what is
already stored, in place, batch by batch.
"""

from django.db import migrations

from oso_portal.security import redact_identifiers, redact_value

BATCH = 2000


def mask(apps, schema_editor):
    model = apps.get_model("oso_requests", "TransferRequest")
    fields = ["error", "remarks"]
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=BATCH):
        error = redact_identifiers(row.error)
        remarks = redact_value(row.remarks)
        if (error, remarks) != (row.error, row.remarks):
            row.error, row.remarks = error, remarks
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        model.objects.bulk_update(changed, fields)


class Migration(migrations.Migration):
    dependencies = [("oso_requests", "0002_request_pipeline_fields")]

    operations = [migrations.RunPython(mask, migrations.RunPython.noop, elidable=True)]
