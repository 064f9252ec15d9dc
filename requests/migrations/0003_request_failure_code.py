"""A request's failure reason and remarks become codes with parameters (portal_text).

``error`` (text) becomes ``failure`` (a code and its parameters); stored remarks
are turned into codes too. A text no code produces keeps the code "legacy".
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from portal_text.migration import stored_list_to_codes, stored_text_to_code

    TransferRequest = apps.get_model("oso_requests", "TransferRequest")
    changed = []
    rows = (
        TransferRequest.objects.exclude(error="", remarks=[])
        .only("pk", "error", "remarks")
        .iterator()
    )
    for row in rows:
        row.failure = stored_text_to_code(row.error)
        row.remarks = stored_list_to_codes(row.remarks)
        changed.append(row)
    TransferRequest.objects.bulk_update(changed, ["failure", "remarks"], batch_size=500)


def backwards(apps, schema_editor):
    from portal_text.migration import code_to_text, codes_to_list

    TransferRequest = apps.get_model("oso_requests", "TransferRequest")
    changed = []
    for row in TransferRequest.objects.only("pk", "failure", "remarks").iterator():
        row.error = code_to_text(row.failure)
        row.remarks = codes_to_list(row.remarks)
        changed.append(row)
    TransferRequest.objects.bulk_update(changed, ["error", "remarks"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("oso_requests", "0002_request_pipeline_fields")]

    operations = [
        migrations.AddField(
            model_name="transferrequest",
            name="changed_fields",
            field=models.JSONField(blank=True, default=list, verbose_name="changed fields"),
        ),
        migrations.AddField(
            model_name="transferrequest",
            name="failure",
            field=models.JSONField(blank=True, default=None, null=True, verbose_name="error"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="transferrequest", name="error"),
    ]
