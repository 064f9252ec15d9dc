"""An OSO gegevensset version as Edustandaard publishes it: a folder or a .zip to install.

A package holds one ``OSO_gegevensset_<version>.xsd`` and one
``ValideerOverstapprofielen.xsl`` with the includes it names; anything else
(examples, release notes) may be there too and is kept as it came.

``version_package_unpack`` copies a package into a fresh folder, refusing entries
that could write outside it or point elsewhere (``..``, absolute paths, links) and
packages that are too large. ``version_package_check`` then proves the version
usable: the XSD compiles (its ``targetNamespace`` is the version's namespace) and
the stylesheet compiles and runs on a minimal dossier of that namespace.

Pure: no Django, no database. Errors are ``VersionPackageError`` with one Dutch
sentence, for the command and the admin to show as they are.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import quoteattr

from lxml import etree

from oso_format.official_rules import OfficialRulesError, stylesheet_check
from oso_format.parsers import hardened_parser, thread_parser

STYLESHEET_NAME = "ValideerOverstapprofielen.xsl"
XSD_NAME = re.compile(r"^OSO_gegevensset_(?P<version>\d{4}\.\d+)\.xsd$")
# Edustandaard's packages are a few MB; a bomb or a wrong file is refused early.
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
_DRIVE = re.compile(r"^[A-Za-z]:")


class VersionPackageError(Exception):
    """The package cannot be installed; ``message`` is one Dutch sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class VersionPackage:
    version: str  # "2018.1"
    namespace: str  # the XSD's targetNamespace
    xsd_path: Path
    stylesheet_path: Path


def version_package_unpack(*, source: Path, target: Path) -> None:
    """Copy the folder or .zip ``source`` into the new folder ``target``, safely."""
    if source.is_symlink():
        raise VersionPackageError(f"{source.name} is een link; geef de map of het .zip zelf.")
    if source.is_dir():
        _copy_folder(source, target)
    elif source.is_file() and zipfile.is_zipfile(source):
        _unzip(source, target)
    elif source.exists():
        raise VersionPackageError(f"{source.name} is geen map en geen .zip-bestand.")
    else:
        raise VersionPackageError(f"{source} bestaat niet.")


def _check_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or path.is_absolute():
        raise VersionPackageError(f"Het pakket bevat een absoluut pad ({name[:100]}).")
    if ".." in path.parts:
        raise VersionPackageError(f"Het pakket bevat een pad met '..' ({name[:100]}).")
    return path


def _copy_folder(source: Path, target: Path) -> None:
    entries = sorted(source.rglob("*"))
    if len(entries) > MAX_ENTRIES:
        raise VersionPackageError(f"Het pakket bevat meer dan {MAX_ENTRIES} bestanden.")
    total = 0
    for entry in entries:
        relative = entry.relative_to(source)
        _check_name(relative.as_posix())
        if entry.is_symlink():
            raise VersionPackageError(f"Het pakket bevat een link ({relative.as_posix()[:100]}).")
        if entry.is_file():
            total += entry.stat().st_size
            if total > MAX_PACKAGE_BYTES:
                raise VersionPackageError("Het pakket is groter dan 50 MB.")
    target.mkdir(parents=True)
    for entry in entries:
        destination = target / entry.relative_to(source)
        if entry.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif entry.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry, destination)


def _unzip(source: Path, target: Path) -> None:
    try:
        archive = zipfile.ZipFile(source)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise VersionPackageError(f"{source.name} is geen leesbaar .zip-bestand.") from None
    if len(members) > MAX_ENTRIES:
        raise VersionPackageError(f"Het pakket bevat meer dan {MAX_ENTRIES} bestanden.")
    total = 0
    for member in members:
        _check_name(member.filename)
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise VersionPackageError(f"Het pakket bevat een link ({member.filename[:100]}).")
        total += member.file_size
        if total > MAX_PACKAGE_BYTES:
            raise VersionPackageError("Het pakket is groter dan 50 MB.")
    target.mkdir(parents=True)
    with archive:
        for member in members:
            destination = target.joinpath(*_check_name(member.filename).parts)
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as data, destination.open("wb") as out:
                    shutil.copyfileobj(data, out)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                raise VersionPackageError(
                    f"{member.filename[:100]} in het .zip-bestand is beschadigd."
                ) from None


def version_package_check(folder: Path) -> VersionPackage:
    """Find the XSD and the stylesheet in an unpacked package and prove both work."""
    xsd_path = _only(folder, "OSO_gegevensset_<versie>.xsd", lambda p: XSD_NAME.match(p.name))
    stylesheet_path = _only(folder, STYLESHEET_NAME, lambda p: p.name == STYLESHEET_NAME)
    match = XSD_NAME.match(xsd_path.name)
    assert match is not None
    version = match.group("version")
    namespace = _compile_xsd(xsd_path)
    _run_stylesheet(stylesheet_path, namespace)
    return VersionPackage(
        version=version, namespace=namespace, xsd_path=xsd_path, stylesheet_path=stylesheet_path
    )


def _only(folder: Path, label: str, wanted: Callable[[Path], object]) -> Path:
    found = sorted(p for p in folder.rglob("*") if p.is_file() and wanted(p))
    if not found:
        raise VersionPackageError(f"Het pakket bevat geen {label}.")
    if len(found) > 1:
        names = ", ".join(p.relative_to(folder).as_posix() for p in found[:3])
        raise VersionPackageError(f"Het pakket bevat meer dan één {label} ({names}).")
    return found[0]


def _compile_xsd(xsd_path: Path) -> str:
    try:
        document = etree.parse(str(xsd_path), hardened_parser())
        etree.XMLSchema(document)
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError, OSError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise VersionPackageError(f"Het XSD {xsd_path.name} compileert niet: {detail}") from None
    namespace = document.getroot().get("targetNamespace") or ""
    if not namespace:
        raise VersionPackageError(f"Het XSD {xsd_path.name} noemt geen targetNamespace.")
    return namespace


def _run_stylesheet(stylesheet_path: Path, namespace: str) -> None:
    probe = etree.fromstring(f"<dossier xmlns={quoteattr(namespace)}/>", thread_parser())
    try:
        stylesheet_check(root=probe, stylesheet=stylesheet_path)
    except OfficialRulesError as exc:
        raise VersionPackageError(
            f"Het validatie-stylesheet {STYLESHEET_NAME} werkt niet: {exc}"
        ) from None
