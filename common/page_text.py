"""User-facing texts of the staff pages that are set in Python code.

Form labels, table headers, messages and form errors of the pages live here
(templates hold the rest). makemessages files a string under the catalog of
the folder its source is in; keeping these texts in ``common/`` puts them
in the root catalog (``locale/``) with the templates, so the pages have one
catalog of their own while ``students/`` and ``requests/`` keep theirs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

# --- Leerlingen zoeken: the seed's search fields ------------------------------------
IN_SIGNUP_GROUP = _("Only students in a signup group")
STUDENT_NUMBER_SHORT = _("Student no.")
GIVEN_NAME = _("Given name")
PREFIX = _("Prefix")
SURNAME = _("Surname")
POSTCODE = _("Postcode")
TOWN = _("Town")
BIRTH_DATE = _("Birth date")
BSN = _("Citizen service number")
SCHOOL_YEAR = _("School year")
SIGNUP_GROUP = _("Signup group")
PRIMARY_SCHOOL = _("Primary school")
FINAL_TEST = _("Final test")
REVISED_ADVICE = _("Revised advice")
ELK_DOT = _("ELK dot")
REQUEST = _("Request")
ANY = _("(any)")
WITH = _("with")
WITHOUT = _("without")
OPEN_REQUEST = _("open request")
FAILED_REQUEST = _("last request failed")
NO_REQUEST = _("no open request")
DOT_GREEN = _("green")
DOT_BLUE = _("blue")
DOT_NONE = _("none")
BIRTH_DATE_HELP = _("Full date (14-05-2009), month (05-2009) or year (2009).")
BIRTH_DATE_INVALID = _("Enter a birth date as DD-MM-YYYY, a month as MM-YYYY or a year as YYYY.")
BSN_HELP = _("The whole number, or at least its last 4 digits.")
BSN_INVALID = _("Enter the whole citizen service number (9 digits) or at least its last 4 digits.")
BSN_CHECK_DIGIT = _(
    "This is not a valid citizen service number or education number: the check digit is wrong."
)

# --- Table headers ------------------------------------------------------------------
SELECT = _("Select")
# Staff know the result column as "Stamnr" and the search field as "Stamnr." (the labels of
# the screens this product replaces), so each has its own msgid.
STUDENT_NUMBER_COLUMN = pgettext_lazy("table column", "Student no.")
STUDENT_NUMBER = _("Student number")
SEX = _("Sex")
GROUP = _("Group")
# "ELK status" without context is the model field's label in the students catalog ("ELK-status").
ELK_STATUS = pgettext_lazy("table column", "ELK status")
STATUS = _("Status")
LAST_ACTIVITY = _("Last activity")
REQUESTED_ON = pgettext_lazy("column: date of the request", "Request")
REMARKS = _("Remarks")
OPEN_REQUESTS = _("Open (ready, requested or waiting)")
SELECT_ROW = _("Select %(name)s")
SELECT_PAGE = _("Select all rows on this page")
NO_STUDENTS_FOUND = _("No students match these search fields.")
NO_REQUESTS = _("No requests match this filter.")
SEARCH_NAME_OR_NUMBER = _("Name or student number")
SEARCH_HELP = _("Part of a name, or the start of a student number.")
SHOW_ALL_REQUESTS = _("Show all requests")
PER_PAGE = _("Rows per page")
# A waiting request: when the primary school is asked again (the template says the same).
ASKED_AGAIN = _("asked again on %(when)s")
SEX_SHORT = {"1": pgettext_lazy("sex: female", "F"), "2": pgettext_lazy("sex: male", "M")}
DOT_GREEN_TEXT = _("green dot: file fetched")
DOT_BLUE_TEXT = _("blue dot: new data at the primary school")

# --- Actions and their messages -------------------------------------------------------
ADDED_TO_REQUESTS = ngettext_lazy(
    "%(count)d student added to the transfer-file requests.",
    "%(count)d students added to the transfer-file requests.",
    "count",
)
ALREADY_OPEN = ngettext_lazy(
    "%(count)d student already had an open request and was skipped.",
    "%(count)d students already had an open request and were skipped.",
    "count",
)
NOTHING_SELECTED = _("Select at least one row first.")
SEARCH_INVALID = _("Correct the search fields first.")
SEARCH_EXPIRED = _("The search on a citizen service number has expired; search again.")

MODE = _("Kind of request")
CHANGED_SINCE = _("Changes since")
CHANGED_SINCE_HELP = _("Empty: each student's own last dossier date.")
DATE_INVALID = _("Enter a valid date.")
DATE_IN_FUTURE = _("The date for changes since cannot be in the future.")
SENT = ngettext_lazy(
    "%(count)d request sent.",
    "%(count)d requests sent.",
    "count",
)
NOTHING_TO_SEND = _(
    "Nothing was sent: none of the selected requests is ready to request "
    "(status Klaar om op te vragen)."
)
RETRIED = ngettext_lazy(
    "%(count)d failed request will be tried again.",
    "%(count)d failed requests will be tried again.",
    "count",
)
NOTHING_TO_RETRY = _("None of the selected requests has failed; nothing to try again.")
DELETED = ngettext_lazy(
    "%(count)d request deleted.",
    "%(count)d requests deleted.",
    "count",
)
NOTHING_TO_DELETE = _(
    "Only requests that are ready to request can be deleted; nothing was deleted."
)
NOTHING_TO_SEND_HOW = _(
    "Nothing was sent: none of the selected requests is ready to request "
    "(status Ready to request). To request finished requests again, click Request "
    "again; requested or waiting requests need nothing, the portal asks again by itself. "
    "Your choice and selection are kept."
)
NOTHING_TO_RETRY_HOW = _(
    "None of the selected requests has failed; nothing to try again. To request finished "
    "requests again, click Request again. Your choice and selection are kept."
)
NOTHING_TO_DELETE_HOW = _(
    "Only requests that are ready to request can be deleted; nothing was deleted. Select "
    "rows with the status Ready to request (filter on that status). Your choice and "
    "selection are kept."
)
REREQUESTED = ngettext_lazy(
    "%(count)d student is being requested again.",
    "%(count)d students are being requested again.",
    "count",
)
NOTHING_TO_REREQUEST_NOT_FINISHED = _(
    "Nothing was requested again: none of the selected requests is finished (Processed, "
    "Student info not changed or Failed). For requests that are ready, click Send "
    "requests. Your choice and selection are kept."
)
NOTHING_TO_REREQUEST_OPEN = _(
    "Nothing was requested again: every selected student already has an open request. "
    "Send a ready one with Send requests, or wait until it is finished. Your choice and "
    "selection are kept."
)
RELEASED = _("The correction of %(field)s is released: the field follows the dossiers again.")
NOT_CORRECTED = _("This field has no local correction.")
REREQUEST_SENT = ngettext_lazy(
    "%(count)d student of %(group)s is being re-requested.",
    "%(count)d students of %(group)s are being re-requested.",
    "count",
)
REREQUEST_NOTHING = _("No student of %(group)s needs a re-request right now.")

# --- Dossier inlezen ------------------------------------------------------------------
FILES = _("OSO files")
FILES_HELP = _("One or more transfer files (XML). You can select several files at once.")
FILES_HELP_ZIP = _(
    "One or more transfer files (XML), or a ZIP of them. You can select several files at "
    "once: at most %(count)s files and %(limit)s together."
)
SIGNUP_GROUP_FOR_NEW = _("Signup group for new students")
SIGNUP_GROUP_FOR_NEW_HELP = _(
    "Without a signup group, a file of a student who is not known yet fails."
)
SIGNUP_GROUP_FOR_NEW_WHY = _(
    "A student who is not known yet is created in this group. Without a group, the file of "
    "such a student fails (“No student found…”): every file of a new student needs one."
)
SIGNUP_GROUP_NONE_CHOSEN = ngettext_lazy(
    "%(count)d file failed because no student was found and no signup group was chosen. "
    "Choose the signup group for new students and import it again.",
    "%(count)d files failed because no student was found and no signup group was chosen. "
    "Choose the signup group for new students and import them again.",
    "count",
)
NO_FILES = _("Choose at least one file.")
TOO_MANY_FILES = _(
    "These are too many files for one upload (at most %(limit)s). Nothing was imported: "
    "import them in smaller groups, or as a ZIP."
)
ADMIN_SEARCH_NO_BSN = _(
    "Searching for a citizen service number is not possible here: it would end up in the "
    "address bar and the logs. Find the student by BSN on Search students."
)
UPLOAD_TOO_LARGE = _(
    "These files are too large together (%(size)s; at most %(limit)s in one upload). "
    "Nothing was imported: import them in smaller groups."
)

# --- Export -------------------------------------------------------------------------------
EXPORT_FORMAT_INVALID = _("Unknown export format.")
EXPORT_SHEET_TITLE = _("Transfer-file requests")
EXPORT_FILENAME = _("transfer-file-requests")
BSN_OR_EDUCATION_NUMBER = _("Citizen service number / education number")

# --- Names of the NAW fields, as the student page and messages show them ----------------
NAW_FIELD_LABELS = {
    "given_name": _("Given name"),
    "prefix": _("Prefix"),
    "surname": _("Surname"),
    "street": _("Street"),
    "house_number": _("House number"),
    "house_number_suffix": _("House number suffix"),
    "postcode": _("Postcode"),
    "town": _("Town"),
    "phone": _("Phone"),
    "email": _("E-mail"),
}
# What the card says when the last file keeps a pupil's contact data secret.
SECRET_TEXTS = {
    "address_secret": _("Address secret"),
    "phone_secret": _("Phone secret"),
    "email_secret": _("E-mail secret"),
}


# --- The signup pages (*Leerling aanmelden*, *Aanmeldingen inlezen*) ---------------------
PUPIL_STATE_SIGNED_UP = _("Signed up, no file yet")

SIGN_UP_TITLE = _("Sign up a pupil")
UPLOAD_TITLE = _("Import signups")
IMPORTS_TITLE = _("Signups imported")

SIGNUP_BSN = _("BSN")
EDUCATION_NUMBER = _("Onderwijsnummer")
IDENTIFIER_HELP = _("Give the BSN or, without one, the onderwijsnummer.")
SIGNUP_BIRTH_DATE_HELP = _("As dd-mm-jjjj, for example 14-05-2009.")
PRIMARY_SCHOOL_BRIN = _("BRIN of the primary school")
PRIMARY_SCHOOL_BRIN_HELP = _("Two digits and two letters, for example 12AB.")
BRANCH = _("Branch")
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
SIGNUP_FILE_TOO_LARGE = _("The file is too large (%(size)s; at most %(limit)s). Nothing was read.")

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
