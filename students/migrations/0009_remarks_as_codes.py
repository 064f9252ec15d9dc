"""Stored remarks become codes with parameters (portal_text); unknown text keeps code "legacy"."""

from django.db import migrations


def forwards(apps, schema_editor):
    from portal_text.migration import stored_list_to_codes

    ReceivedDossier = apps.get_model("students", "ReceivedDossier")
    changed = []
    for row in ReceivedDossier.objects.exclude(remarks=[]).only("pk", "remarks").iterator():
        coded = stored_list_to_codes(row.remarks)
        if coded != row.remarks:
            row.remarks = coded
            changed.append(row)
    ReceivedDossier.objects.bulk_update(changed, ["remarks"], batch_size=500)


def backwards(apps, schema_editor):
    from portal_text.migration import codes_to_list

    ReceivedDossier = apps.get_model("students", "ReceivedDossier")
    changed = []
    for row in ReceivedDossier.objects.exclude(remarks=[]).only("pk", "remarks").iterator():
        row.remarks = codes_to_list(row.remarks)
        changed.append(row)
    ReceivedDossier.objects.bulk_update(changed, ["remarks"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("students", "0008_received_dossier_changed_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
