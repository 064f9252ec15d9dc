"""Helpers shared by the management commands."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# Who ran a command when the operating system cannot tell (a container user
# without a passwd entry, no login name in the environment).
UNKNOWN_OS_USER = "command line"


def os_username() -> str:
    """The login name of whoever runs the command, for the record (audit, archive)."""
    try:
        return getpass.getuser() or UNKNOWN_OS_USER
    except (KeyError, OSError):
        return UNKNOWN_OS_USER


def dossier_file_read(name: str) -> tuple[bytes | None, str]:
    """(content, "") of a dossier file given on the command line, or (None, Dutch reason)."""
    path = Path(name)
    limit = settings.OSO_DOSSIER_MAX_BYTES
    try:
        with path.open("rb") as handle:
            # One byte over the limit is enough for the reader to refuse it.
            return handle.read(limit + 1), ""
    except FileNotFoundError:
        return None, _("The file does not exist.")
    except IsADirectoryError:
        return None, _("This is a directory, not a file.")
    except PermissionError:
        return None, _("The file cannot be read: permission denied.")
    except OSError as error:
        return None, _("The file cannot be read: %(error)s.") % {
            "error": error.strerror or error.__class__.__name__
        }
