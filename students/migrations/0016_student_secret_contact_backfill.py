"""Pupils whose last applied file keeps the address, phone or e-mail secret are marked so.

0014 added the marks; files applied since set them. This reads the last applied file
of the pupils that may have one (its text has a ``geheim`` or ``adresgeheim`` that is
true, or a placeholder), with the rules of ``oso_format.mapping``: ``adresgeheim`` true hides
the address; a phone (e-mail) is secret when the file has entries of that kind and
every one is marked ``geheim`` or is the placeholder. Going back changes nothing.
"""

import re

from django.db import migrations
from django.db.models import Q, Subquery
from lxml import etree

SECRET_PHONE = "9999999999"
SECRET_EMAIL = "geheim@geheim.geheim"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TRUE = ("true", "1")


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def secret_flags(raw_xml: str) -> dict[str, bool] | None:
    """address_secret, phone_secret and email_secret of one archived file (None: unreadable)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(
            _XML_DECLARATION.sub("", raw_xml, count=1).encode("utf-8"), parser
        )
    except etree.XMLSyntaxError:
        return None
    pupil = root.find("{*}huidigeschool/{*}leerling")
    if pupil is None:
        return None
    flags = {"address_secret": _text(pupil.find("{*}adresgeheim")).lower() in _TRUE}
    for kind, flag, placeholder in (
        ("telefoon", "phone_secret", SECRET_PHONE),
        ("e-mail", "email_secret", SECRET_EMAIL),
    ):
        saw_secret, saw_real = False, False
        for entry in pupil.iterfind("{*}communicatielijst/{*}communicatie"):
            if _text(entry.find("{*}soort")) != kind:
                continue
            number = _text(entry.find("{*}nummer"))
            if _text(entry.find("{*}geheim")).lower() in _TRUE or number.lower() == placeholder:
                saw_secret = True
            elif number:
                saw_real = True
        flags[flag] = saw_secret and not saw_real
    return flags


def forwards(apps, schema_editor):
    PriorEducation = apps.get_model("students", "PriorEducation")
    ReceivedDossier = apps.get_model("students", "ReceivedDossier")
    Student = apps.get_model("students", "Student")
    last_ids = PriorEducation.objects.exclude(last_dossier_id=None).values("last_dossier_id")
    rows = (
        ReceivedDossier.objects.filter(pk__in=Subquery(last_ids), student__isnull=False)
        .filter(
            Q(raw_xml__contains="geheim>true")
            | Q(raw_xml__contains="geheim>1")
            | Q(raw_xml__contains=SECRET_PHONE)
            | Q(raw_xml__icontains=SECRET_EMAIL)
        )
        .values_list("student_id", "raw_xml")
        .iterator(chunk_size=50)
    )
    marked = []
    for student_id, raw_xml in rows:
        flags = secret_flags(raw_xml)
        if flags and any(flags.values()):
            marked.append(Student(pk=student_id, **flags))
    Student.objects.bulk_update(
        marked, ["address_secret", "phone_secret", "email_secret"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0015_fetched_dossier_names"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
