"""User-facing texts of the signup pages (*Leerling aanmelden*, *Aanmeldingen inlezen*).

Kept in ``common/`` like ``page_text``: makemessages files them in the root catalog.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

PUPIL_STATE_SIGNED_UP = _("Signed up, no file yet")

SIGN_UP_TITLE = _("Sign up a pupil")
UPLOAD_TITLE = _("Import signups")
IMPORTS_TITLE = _("Signups imported")

BSN = _("BSN")
EDUCATION_NUMBER = _("Onderwijsnummer")
IDENTIFIER_HELP = _("Give the BSN or, without one, the onderwijsnummer.")
BIRTH_DATE = _("Birth date")
BIRTH_DATE_HELP = _("As dd-mm-jjjj, for example 14-05-2009.")
SURNAME = _("Surname")
PREFIX = _("Prefix")
GIVEN_NAME = _("Given name")
PRIMARY_SCHOOL_BRIN = _("BRIN of the primary school")
PRIMARY_SCHOOL_BRIN_HELP = _("Two digits and two letters, for example 12AB.")
BRANCH = _("Branch")
SIGNUP_GROUP = _("Signup group")
NEW_GROUP = _("Or a new signup group")
NEW_GROUP_HELP = _("Created for the school year that starts next 1 August.")
GROUP_REQUIRED = _("Choose a signup group or give the name of a new one.")
SEND_NOW = _("Send the request for the first file at once")
SEND_NOW_HELP = _("Otherwise the request waits as Ready to request on Request transfer files.")
SIGNUP_FILE = _("Signup list")
SIGNUP_FILE_HELP = _(
    "A CSV file (as Excel saves it, with ; or ,) or an Excel file (.xlsx). The first row names "
    "the columns: BSN or Onderwijsnummer, Geboortedatum, Achternaam, Tussenvoegsel, Roepnaam, "
    "BRIN basisschool, Vestiging."
)
NO_FILE = _("Choose a file.")
FILE_TOO_LARGE = _("The file is too large (%(size)s; at most %(limit)s). Nothing was read.")

SIGNED_UP_ONE = _("%(name)s is signed up with student number %(number)s.")
ALREADY_SIGNED_UP_ONE = _("A pupil with this BSN or onderwijsnummer is already signed up.")
REQUEST_READY = _("The request for the first file is ready to be sent.")
REQUEST_SENT = _("The request for the first file has been sent.")
IMPORTED = _("%(signed_up)d signed up, %(already)d already signed up, %(errors)d rows refused.")
REQUESTS_READY = ngettext_lazy(
    "%(count)d request for a first file is ready to be sent.",
    "%(count)d requests for a first file are ready to be sent.",
    "count",
)
REQUESTS_SENT = ngettext_lazy(
    "%(count)d request for a first file has been sent.",
    "%(count)d requests for a first file have been sent.",
    "count",
)
NOTHING_IMPORTED = _("Nothing was imported; the file has been set aside.")
PREVIEW_GONE = _("This preview has been imported or discarded already.")
UNDONE = ngettext_lazy(
    "Signup undone: %(count)d pupil without a file removed.",
    "Signup undone: %(count)d pupils without a file removed.",
    "count",
)
UNDO_GONE = _("This import has been undone already.")
HAS_FILE_MESSAGE = _("The first file of this pupil has arrived: correct the data in the admin.")
SIGNUP_CHANGED = _("The signup has been changed; the next request sends the new data.")
MOVED = ngettext_lazy(
    "%(count)d student moved to %(group)s.",
    "%(count)d students moved to %(group)s.",
    "count",
)
MOVE_TO = _("Move to signup group")
