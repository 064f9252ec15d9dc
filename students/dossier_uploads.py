"""The files of one upload on *Dossier inlezen*, as dossiers to merge or refusals by name.

Staff upload loose OSO files, a ZIP of them, or both. Each file (and each file in a
ZIP) becomes either a ``DossierIn`` for the merge service or a ``RefusedFile`` with a
reason, in upload order, so that one bad file never costs the others. The merge
service itself judges what a file holds (an empty or malformed file fails there,
recorded like any failed file); this module only refuses what must not be read at
all: a file over the per-file limit, files beyond the total cap or the file count,
and ZIP entries that are unsafe to extract.

A ZIP is read with ``zipfile`` from its central directory: every entry is judged on
its name, type and declared size before a byte of it is decompressed (``zipfile``
never returns more than the declared size, so a lying header cannot make a bomb of
it). Refused: ``..`` or absolute names, links and other non-regular files, encrypted
entries, a ZIP inside the ZIP, an entry over the per-file limit, and entries beyond
the total cap or the file count. Names are shown with identifiers masked.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any, Protocol

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_noop

from common.security import redact_identifiers
from portal_text import Message, define
from students.services.dossier_merge import DossierIn

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# The separator between a ZIP's name and an entry's name in what the page shows.
ZIP_ENTRY_SEPARATOR = "/"
# Finder adds resource forks under this folder to every ZIP it makes: not files staff chose.
_MAC_METADATA = "__MACOSX/"


def _size(value: Any) -> str:
    return str(filesizeformat(int(value or 0)))


TOO_LARGE = define(
    "upload.too_large",
    gettext_noop("Not read: too large (%(size)s; at most %(limit)s a file)."),
    formats={"size": _size, "limit": _size},
)
OVER_TOTAL = define(
    "upload.over_total",
    gettext_noop(
        "Not read: the files of this upload are over %(limit)s together. "
        "Import this file in another upload."
    ),
    formats={"limit": _size},
)
TOO_MANY = define(
    "upload.too_many",
    gettext_noop(
        "Not read: this upload holds more than %(limit)s files. Import this file in another upload."
    ),
)
UNSAFE_NAME = define(
    "upload.unsafe_name",
    gettext_noop(
        "Refused: the name in the ZIP points outside its folder (“..” or an absolute path)."
    ),
)
LINK = define(
    "upload.link",
    gettext_noop("Refused: a link or another special entry in the ZIP, not a file."),
)
ENCRYPTED = define("upload.encrypted", gettext_noop("Refused: the file in the ZIP is encrypted."))
NESTED_ZIP = define(
    "upload.nested_zip",
    gettext_noop("Refused: a ZIP inside the ZIP is not read. Unpack it and upload its files."),
)
BAD_ZIP = define("upload.bad_zip", gettext_noop("The ZIP file cannot be read."))
BAD_ENTRY = define("upload.bad_entry", gettext_noop("The file in the ZIP is damaged."))
EMPTY_ZIP = define("upload.empty_zip", gettext_noop("The ZIP file holds no files."))


class Upload(Protocol):
    """What the page hands in: Django's ``UploadedFile`` (name, size, a file to read)."""

    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


@dataclass(frozen=True)
class RefusedFile:
    """A file that was not read, with the reason (its name masked)."""

    source_name: str
    reason: Message


UploadEntry = DossierIn | RefusedFile


@dataclass
class _Budget:
    """What the rest of the upload may still hold: bytes (uncompressed) and files."""

    bytes_left: int
    files_left: int
    max_file_bytes: int
    max_files: int
    total_limit: int

    def refusal(self, size: int) -> Message | None:
        """Why a file of ``size`` bytes may not be read (None: it may, and is counted)."""
        if size > self.max_file_bytes:
            return TOO_LARGE(size=float(size), limit=float(self.max_file_bytes))
        if self.files_left <= 0:
            return TOO_MANY(limit=self.max_files)
        if size > self.bytes_left:
            return OVER_TOTAL(limit=float(self.total_limit))
        self.bytes_left -= size
        self.files_left -= 1
        return None


def dossier_upload_entries(
    *,
    files: Iterable[Upload],
    max_file_bytes: int,
    max_total_bytes: int,
    max_files: int,
) -> list[UploadEntry]:
    """Every file of the upload, loose or in a ZIP, as a dossier to merge or a refusal."""
    budget = _Budget(
        bytes_left=max_total_bytes,
        files_left=max_files,
        max_file_bytes=max_file_bytes,
        max_files=max_files,
        total_limit=max_total_bytes,
    )
    entries: list[UploadEntry] = []
    for upload in files:
        name = _base_name(upload.name or "")
        if _is_zip(upload, name):
            entries.extend(_zip_entries(upload, name, budget))
            continue
        reason = budget.refusal(int(upload.size or 0))
        if reason is not None:
            entries.append(RefusedFile(source_name=redact_identifiers(name), reason=reason))
        else:
            entries.append(DossierIn(raw=upload.read(), source_name=name))
    return entries


def _base_name(name: str) -> str:
    # Browsers send the bare name; an old one may send a Windows path.
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _is_zip(upload: Upload, name: str) -> bool:
    if name.lower().endswith(".zip"):
        return True
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return head in ZIP_MAGIC


def _zip_entries(upload: Upload, zip_name: str, budget: _Budget) -> list[UploadEntry]:
    shown_zip = redact_identifiers(zip_name)
    upload.seek(0)
    declared = _declared_entries(_as_binary(upload))
    if declared is not None and declared > 2 * budget.max_files:
        # Millions of tiny entries would cost the memory of reading their directory:
        # refused from the count in the end record, before that directory is read.
        return [RefusedFile(source_name=shown_zip, reason=TOO_MANY(limit=budget.max_files))]
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(_as_binary(upload))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return [RefusedFile(source_name=shown_zip, reason=BAD_ZIP())]
    infos = [i for i in infos if not i.filename.startswith(_MAC_METADATA)]
    if not infos:
        return [RefusedFile(source_name=shown_zip, reason=EMPTY_ZIP())]
    entries: list[UploadEntry] = []
    with archive:
        for info in infos:
            source_name = f"{zip_name}{ZIP_ENTRY_SEPARATOR}{info.filename}"
            reason = _entry_refusal(info) or budget.refusal(info.file_size)
            raw = b""
            if reason is None:
                try:
                    with archive.open(info) as member:
                        raw = member.read(budget.max_file_bytes + 1)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
                    reason = BAD_ENTRY()
                else:
                    if raw.startswith(ZIP_MAGIC):
                        reason = NESTED_ZIP()
            if reason is not None:
                shown = redact_identifiers(source_name)
                entries.append(RefusedFile(source_name=shown, reason=reason))
            else:
                entries.append(DossierIn(raw=raw, source_name=source_name))
    return entries


def _entry_refusal(info: zipfile.ZipInfo) -> Message | None:
    """Why an entry may not be extracted at all, from its name and header alone."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        return UNSAFE_NAME()
    # The Unix file type in the high bits (absent from ZIPs made on Windows): only a
    # plain file is read, never a symlink, a device or a pipe.
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if file_type and file_type != stat.S_IFREG:
        return LINK()
    if info.flag_bits & 0x1:
        return ENCRYPTED()
    if name.lower().endswith(".zip"):
        return NESTED_ZIP()
    return None


def _declared_entries(file: IO[bytes]) -> int | None:
    """The number of entries (files and folders) a ZIP's end record declares, if readable."""
    # zipfile reads its end record with this helper before anything else (it handles
    # ZIP64 too); it is not public, so its absence only skips the early check.
    end_record = getattr(zipfile, "_EndRecData", None)
    index = getattr(zipfile, "_ECD_ENTRIES_TOTAL", None)
    if end_record is None or index is None:
        return None
    try:
        record = end_record(file)
    except (OSError, ValueError, EOFError):
        return None
    return int(record[index]) if record else None


def _as_binary(upload: Upload) -> IO[bytes]:
    # An UploadedFile wraps the real file; zipfile wants seek/tell/read on the same object.
    inner = getattr(upload, "file", None)
    return inner if inner is not None else upload  # type: ignore[return-value]
