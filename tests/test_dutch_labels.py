"""Outside checks read these Dutch labels verbatim: they must never drift."""

from django.utils import translation

from requests.models import RequestStatus
from students.models import DossierOutcome


def test_request_statuses_have_the_dutch_labels_staff_know():
    with translation.override("nl"):
        assert [str(choice.label) for choice in RequestStatus] == [
            "Klaar om op te vragen",
            "Aangevraagd",
            "Wacht op basisschool",
            "Verwerkt",
            "Verwerkt met opmerkingen",
            "Leerlinginfo niet gewijzigd",
            "Mislukt",
        ]


def test_dossier_outcomes_have_the_dutch_labels_of_the_import_command():
    with translation.override("nl"):
        assert [str(choice.label) for choice in DossierOutcome] == [
            "Nieuwe leerling aangemaakt",
            "Verwerkt",
            "Verwerkt met opmerkingen",
            "Leerlinginfo niet gewijzigd",
            "Mislukt",
        ]
