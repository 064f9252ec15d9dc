"""python manage.py student_card STUDENT_NUMBER [--json]

With --json: one JSON object (the contract outside checks read; see
students.selectors.cards.student_card_data). Without: a readable card in Dutch.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from students.models import NAW_FIELDS, Student
from students.selectors.cards import student_card_data
from students.services.corrections import naw_field_label


class Command(BaseCommand):
    help = "Show a student's name/address data and prior-education card."

    def add_arguments(self, parser):
        parser.add_argument("student_number", metavar="STUDENT_NUMBER")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object"
        )

    def handle(self, *args, student_number, as_json: bool = False, **options):
        with translation.override("nl"):
            try:
                data = student_card_data(student_number=student_number.strip())
            except Student.DoesNotExist:
                raise CommandError(
                    _("No student with student number %(number)s.") % {"number": student_number}
                ) from None
            if as_json:
                self.stdout.write(_dumps(data))
            else:
                for line in _text_card(data):
                    self.stdout.write(line)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def _d(value: str | None) -> str:
    """An ISO date as staff read it: 14-05-2009."""
    return date.fromisoformat(value).strftime("%d-%m-%Y") if value else "-"


def _v(value) -> str:
    return "-" if value in (None, "") else str(value)


def _text_card(data: dict) -> list[str]:
    name = " ".join(p for p in (data["given_name"], data["prefix"], data["surname"]) if p)
    number = " ".join(p for p in (data["house_number"], data["house_number_suffix"]) if p)
    street = " ".join(p for p in (data["street"], number) if p)
    town = " ".join(p for p in (data["postcode"], data["town"]) if p)
    address = ", ".join(p for p in (street, town) if p)
    corrected = [naw_field_label(f) for f in NAW_FIELDS if f in data["corrected_fields"]]
    rows = [
        (_("Birth date"), _d(data["birth_date"])),
        (_("BSN"), _v(data["bsn_masked"])),
    ]
    if data["education_number_masked"]:
        rows.append((_("Education number"), data["education_number_masked"]))
    rows += [
        (_("Address"), address or "-"),
        (_("Phone"), _v(data["phone"])),
        (_("E-mail"), _v(data["email"])),
        (_("Corrected locally"), ", ".join(corrected) or "-"),
    ]
    lines = [_("Student %(number)s: %(name)s") % {"number": data["student_number"], "name": name}]
    lines += [f"  {label}: {value}" for label, value in rows]
    lines.append(_("Prior education (Vooropleiding)"))
    card = data["prior_education"]
    if card is None:
        lines.append("  " + _("No dossier has been applied yet."))
        return lines
    school = card["primary_school"]
    rows = [
        (_("Primary school"), f"{school['name']} ({school['brin']})" if school else "-"),
        (_("School advice"), _coded(card["advice"])),
        (_("Revised advice"), _coded(card["revised_advice"])),
    ]
    if card["revised_advice_motivation"]:
        rows.append((_("Motivation"), card["revised_advice_motivation"]))
    final_test = _("Final test")
    if not card["final_tests"]:
        rows.append((final_test, "-"))
    for test in card["final_tests"]:
        described = _("%(name)s, %(date)s, standard score %(score)s, test advice %(advice)s") % {
            "name": _v(test["test_name"]),
            "date": _d(test["date"]),
            "score": _v(test["standard_score"]),
            "advice": _v(test["test_advice"]),
        }
        rows.append((final_test, described))
    rows.append((_("Last dossier"), _d(card["last_dossier_date"])))
    lines += [f"  {label}: {value}" for label, value in rows]
    return lines


def _coded(item: dict | None) -> str:
    if not item:
        return "-"
    return f"{item['code']} {item['label']}" if item["label"] else item["code"]
