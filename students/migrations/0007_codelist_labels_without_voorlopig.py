"""Seeded codelist labels without the word "voorlopig"; placeholders removed.

Staff read "voorlopig" as a *voorlopig advies*, which is a real and different
thing, so "havo (voorlopig)" becomes "havo". A seeded placeholder that only
restates its code ("Advies 44 (voorlopig)", "Eindtoets 0014 (voorlopig)") is no
label at all: it is removed, and the portal then shows
"code 44 (omschrijving onbekend)". The entries stay marked ``provisional``: the
names are still not the official ones (see 0003_seed_codelists for their source).
Only rows that still hold the seeded text are touched, so a label that staff
edited survives; going back restores the seeded texts.
"""

from django.db import migrations

# Imported by number: a module name cannot start with a digit.
seed = __import__("students.migrations.0003_seed_codelists", fromlist=["entries"])

SUFFIX = " (voorlopig)"


def _placeholder(codelist: str, code: str, label: str) -> bool:
    return label in (f"Advies {code}{SUFFIX}", f"Eindtoets {code}{SUFFIX}")


def forwards(apps, schema_editor):
    CodelistEntry = apps.get_model("students", "CodelistEntry")
    for codelist, code, label, _provisional in seed.entries():
        if not label.endswith(SUFFIX):
            continue
        rows = CodelistEntry.objects.filter(codelist=codelist, code=code, label=label)
        if _placeholder(codelist, code, label):
            rows.delete()
        else:
            rows.update(label=label.removesuffix(SUFFIX))


def backwards(apps, schema_editor):
    CodelistEntry = apps.get_model("students", "CodelistEntry")
    for codelist, code, label, provisional in seed.entries():
        if not label.endswith(SUFFIX):
            continue
        if _placeholder(codelist, code, label):
            CodelistEntry.objects.get_or_create(
                codelist=codelist,
                code=code,
                defaults={"label": label, "provisional": provisional},
            )
        else:
            CodelistEntry.objects.filter(
                codelist=codelist, code=code, label=label.removesuffix(SUFFIX)
            ).update(label=label)


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0006_student_export_dossiers_permission"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
