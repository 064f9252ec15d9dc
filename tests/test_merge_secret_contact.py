"""A secret address, phone or e-mail: remarked only when a real stored value is kept.

demo-07 (Lotte Jansen) has ``adresgeheim`` and the phone and e-mail placeholders in
every file. Nothing real was ever stored for her, so no file of hers is worth a remark:
the first creates her, the later ones are plain *Verwerkt*, and the card says the
address, the phone and the e-mail are secret.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from elk_mock import dataset
from oso_format.reader import dossier_validate_many
from students.models import DossierOutcome, ReceivedDossier, Student
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory

pytestmark = pytest.mark.django_db


def _lotte() -> dataset.Pupil:
    return next(pupil for pupil in dataset.demo_pupils() if pupil.key == "demo-07")


def _merge(version, *, group=None):
    [result] = dossiers_merge(
        items=[DossierIn(raw=version.xml, source_name="lotte.xml")], signup_group=group
    )
    return result


def test_the_reader_tells_each_secret_apart():
    first = _lotte().versions[0]
    [parsed] = dossier_validate_many(raws=[first.xml])

    assert (parsed.address_secret, parsed.phone_secret, parsed.email_secret) == (True, True, True)
    assert (parsed.naw.street, parsed.naw.phone, parsed.naw.email) == (None, None, None)
    assert parsed.notices == ()


def test_every_file_of_a_pupil_with_nothing_to_keep_goes_without_a_remark():
    pupil = _lotte()
    assert len(pupil.versions) >= 2  # March, and May with the IEP result

    first = _merge(pupil.versions[0], group=SignupGroupFactory())
    later = [_merge(version) for version in pupil.versions[1:]]

    assert (first.outcome, first.remarks) == (DossierOutcome.CREATED, [])
    for result in later:
        assert (result.outcome, result.remarks) == (DossierOutcome.PROCESSED, [])
    assert "final_test" in later[-1].changed_fields
    student = Student.objects.get(pk=first.student_id)
    assert (student.address_secret, student.phone_secret, student.email_secret) == (
        True,
        True,
        True,
    )
    assert (student.street, student.postcode, student.phone, student.email) == ("", "", "", "")
    assert all(not row.remarks for row in ReceivedDossier.objects.filter(student=student))


def test_a_real_address_kept_against_a_later_secret_one_is_remarked_once():
    pupil = dataset.demo_pupils()[0]  # demo-01, a real address in every file
    first = _merge(pupil.versions[0], group=SignupGroupFactory())
    student = Student.objects.get(pk=first.student_id)
    assert student.street and not student.address_secret
    later = pupil.versions[-1]
    secret = later.xml.replace(
        b"<adresgeheim>false</adresgeheim>", b"<adresgeheim>true</adresgeheim>", 1
    )
    assert secret != later.xml

    [result] = dossiers_merge(items=[DossierIn(raw=secret, source_name="geheim.xml")])

    student.refresh_from_db()
    assert student.street  # kept
    assert student.address_secret
    own = [r for r in result.remarks if not r.startswith("Officiële OSO-controle")]
    assert own == ["Adres is geheim in het dossier (adresgeheim): het bestaande adres is behouden."]


def test_the_card_says_address_phone_and_email_are_secret(portal_client):
    pupil = _lotte()
    first = _merge(pupil.versions[0], group=SignupGroupFactory())
    student = Student.objects.get(pk=first.student_id)
    url = reverse("students:detail", args=[student.student_number])

    portal_client.post(reverse("set_language"), {"language": "nl", "next": url})
    dutch = portal_client.get(url).content.decode()
    portal_client.post(reverse("set_language"), {"language": "en", "next": url})
    english = portal_client.get(url).content.decode()

    for words in ("Adres geheim", "Telefoon geheim", "E-mail geheim"):
        assert words in dutch
    for words in ("Address secret", "Phone secret", "E-mail secret"):
        assert words in english
    assert "9999999999" not in dutch.split("<pre", 1)[0]
    assert "geheim@geheim.geheim" not in dutch


def test_pupils_imported_before_the_marks_existed_are_marked_from_their_last_file():
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("students.migrations.0016_student_secret_contact_backfill")
    group = SignupGroupFactory()
    lotte = Student.objects.get(pk=_merge(_lotte().versions[0], group=group).student_id)
    noor_file = dataset.demo_pupils()[0].versions[0]
    noor = Student.objects.get(pk=_merge(noor_file, group=group).student_id)
    Student.objects.update(address_secret=False, phone_secret=False, email_secret=False)

    backfill.forwards(apps, None)

    lotte.refresh_from_db()
    noor.refresh_from_db()
    assert (lotte.address_secret, lotte.phone_secret, lotte.email_secret) == (True, True, True)
    assert (noor.address_secret, noor.phone_secret, noor.email_secret) == (False, False, False)


def test_the_print_view_says_so_too(portal_client):
    group = SignupGroupFactory()
    _merge(_lotte().versions[0], group=group)

    html = portal_client.get(reverse("students:signup_group_print", args=[group.pk])).content
    text = html.decode()

    for words in ("Adres geheim", "Telefoon geheim", "E-mail geheim"):
        assert words in text
