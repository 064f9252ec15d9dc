"""Codelist 43 (final test level, *toetsniveau*) as editable data, seeded from the OSO files.

Where every seeded codelist label comes from (the files in ``shared/oso/``, copied
unchanged from edustandaard/oso-gegevensset 2019.1):

- Codelist 43, *Niveau eindtoets* (seeded here, final):
  ``G`` "Generiek": ``reference/include/ValideerOSOgegevensset_2019.1.xsl``, the change
  notes of 20180322 and 20190101 ('waarde "G" (van Generiek)'; since 2019.1 the only
  value the official check allows);
  ``B`` "Basis" and ``E`` "Eenvoudig": ``OSO_gegevensset_2019.1.xsd``, the documentation of
  ``EindtoetsToetsniveauType`` ('“B” (voor Basis) en “E” (voor Eenvoudig)'), values of
  older final-test results.
- Codelist 42, *Soort eindtoets* (0003_seed_codelists): the documentation of
  ``EindtoetsToetssoortType`` in the XSD names 0011 (CET, the Centrale Eindtoets),
  0012 (Route 8) and 0013 (IEP). 0014 and 0016 are allowed by the stylesheet but named
  nowhere, so they have no label; 0015 (CESAN) was dropped in 2019.1.
- Codelist 45, *Eindtoets referentieniveaus* (0003_seed_codelists): the documentation of
  ``EindtoetsReferentieniveauType`` in the XSD: 01 to 04 are "Lager dan 1F", "1F", "1S"
  and "2F".
- Codelist 2, *Advies VO* (0003, 0007): the stylesheet lists the allowed codes but no
  names. The names are those of ``Schooladviestype_enum`` in
  ``reference/doorstroomtoets-openapi-1.1.0.yaml`` (2024 advice types), matched to the
  codes by their order, not by an official table: they stay marked provisional. Codes without a matching name
  (34, 35, 43, 44, 52, 61, 70) have no label: the portal shows
  "code 44 (omschrijving onbekend)".

Staff edit every label in the admin (*Codelijstwaarden*). A row that exists is never
overwritten, so a staff edit survives; going back removes only the seeded texts.
"""

from django.db import migrations, models

# (code, label): the OSO files named above.
TEST_LEVELS = [
    ("B", "Basis"),
    ("E", "Eenvoudig"),
    ("G", "Generiek"),
]


def seed(apps, schema_editor):
    CodelistEntry = apps.get_model("students", "CodelistEntry")
    for code, label in TEST_LEVELS:
        CodelistEntry.objects.get_or_create(
            codelist="test_level", code=code, defaults={"label": label, "provisional": False}
        )


def unseed(apps, schema_editor):
    CodelistEntry = apps.get_model("students", "CodelistEntry")
    for code, label in TEST_LEVELS:
        CodelistEntry.objects.filter(codelist="test_level", code=code, label=label).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0012_signups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="codelistentry",
            name="codelist",
            field=models.CharField(
                choices=[
                    ("advice", "school advice (codelist 2)"),
                    ("test_type", "final test type (codelist 42)"),
                    ("reference_level", "reference level"),
                    ("test_level", "final test level (codelist 43)"),
                ],
                max_length=20,
                verbose_name="codelist",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
