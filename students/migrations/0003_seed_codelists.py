"""Seed the OSO codelists that the card shows as labels (DOMAIN.md).

The official labels of codelist 2 (advice) are not public in the OSO files:
they are seeded as provisional, named after the 2024 doorstroomtoets advice
types (Schooladviestype_enum) where the code maps onto one, and staff correct
them in the admin. Existing rows are never overwritten, so staff edits survive
a re-run.
"""

from django.db import migrations

ADVICE = {
    "01": "Voortgezet speciaal onderwijs (vso)",
    "10": "Praktijkonderwijs",
    "20": "vmbo basisberoepsgerichte leerweg",
    "21": "vmbo basisberoepsgerichte leerweg met lwoo",
    "22": "vmbo basisberoepsgerichte t/m kaderberoepsgerichte leerweg",
    "23": "vmbo basisberoepsgerichte t/m kaderberoepsgerichte leerweg met lwoo",
    "30": "vmbo kaderberoepsgerichte leerweg",
    "31": "vmbo kaderberoepsgerichte leerweg met lwoo",
    "32": "vmbo kaderberoepsgerichte t/m gemengde/theoretische leerweg",
    "33": "vmbo kaderberoepsgerichte t/m gemengde/theoretische leerweg met lwoo",
    "34": None,
    "35": None,
    "40": "vmbo gemengde/theoretische leerweg",
    "41": "vmbo gemengde/theoretische leerweg met lwoo",
    "42": "vmbo gemengde/theoretische leerweg t/m havo",
    "43": None,
    "44": None,
    "50": "havo",
    "51": "havo t/m vwo",
    "52": None,
    "60": "vwo",
    "61": None,
    "70": None,
    "80": "Geen specifiek advies mogelijk",
}

# (code, label, provisional)
TEST_TYPES = [
    ("0011", "Centrale Eindtoets", False),
    ("0012", "Route 8", False),
    ("0013", "IEP Eindtoets", False),
    ("0014", "Eindtoets 0014 (voorlopig)", True),
    ("0016", "Eindtoets 0016 (voorlopig)", True),
]

REFERENCE_LEVELS = [
    ("01", "lager dan 1F"),
    ("02", "1F"),
    ("03", "1S"),
    ("04", "2F"),
]


def entries():
    for code, name in ADVICE.items():
        label = f"{name} (voorlopig)" if name else f"Advies {code} (voorlopig)"
        yield "advice", code, label, True
    for code, label, provisional in TEST_TYPES:
        yield "test_type", code, label, provisional
    for code, label in REFERENCE_LEVELS:
        yield "reference_level", code, label, False


def seed(apps, schema_editor):
    CodelistEntry = apps.get_model("students", "CodelistEntry")
    for codelist, code, label, provisional in entries():
        CodelistEntry.objects.get_or_create(
            codelist=codelist,
            code=code,
            defaults={"label": label, "provisional": provisional},
        )


def unseed(apps, schema_editor):
    CodelistEntry = apps.get_model("students", "CodelistEntry")
    for codelist, code, label, _provisional in entries():
        CodelistEntry.objects.filter(codelist=codelist, code=code, label=label).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0002_student_number_counter"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
