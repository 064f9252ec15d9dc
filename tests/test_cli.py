"""common.cli.os_username: who ran a command, as the commands put it on record."""

from __future__ import annotations

import getpass

import pytest
from django.core.management import CommandError, call_command

from common.cli import UNKNOWN_OS_USER, os_username
from students.models import NawCorrection, ReceivedDossier
from tests.factories import StudentFactory


def _no_passwd_entry():
    raise KeyError("getpwuid(): uid not found: 1234")


def test_the_login_name_of_whoever_runs_the_command(monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "marieke")

    assert os_username() == "marieke"


def test_a_user_unknown_to_the_system_is_the_command_line(monkeypatch):
    monkeypatch.setattr(getpass, "getuser", _no_passwd_entry)

    assert os_username() == UNKNOWN_OS_USER == "command line"


@pytest.mark.django_db
def test_correct_student_and_import_dossier_record_the_same_os_user(monkeypatch, oso_examples):
    monkeypatch.setattr(getpass, "getuser", _no_passwd_entry)
    student = StudentFactory(surname="Hof")

    call_command("correct_student", student.student_number, "--set", "surname=Hoff")
    # No signup group and no such pupil: the file fails, and is archived with who read it.
    with pytest.raises(CommandError):
        call_command("import_dossier", str(oso_examples[0]))

    assert NawCorrection.objects.get().corrected_by == "command line"
    assert ReceivedDossier.objects.get().received_by == "import_dossier (command line)"
