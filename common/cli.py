"""Helpers shared by the management commands."""

from __future__ import annotations

import getpass

# Who ran a command when the operating system cannot tell (a container user
# without a passwd entry, no login name in the environment).
UNKNOWN_OS_USER = "command line"


def os_username() -> str:
    """The login name of whoever runs the command, for the record (audit, archive)."""
    try:
        return getpass.getuser() or UNKNOWN_OS_USER
    except (KeyError, OSError):
        return UNKNOWN_OS_USER
