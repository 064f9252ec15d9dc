"""The OSO dataset versions the reader understands: a registry it is given, not a table.

Each OSO release (2019.1, 2022.1, ...) has its own namespace, with the year in it,
and its own schema. A dossier names its version through its root namespace, so the
reader picks the schema from the file itself.

The versions are data. ``registry.register(version=..., namespace=..., xsd_path=...,
stylesheet_path=...)`` adds one; ``registry.load_folder(folder)`` registers every
``OSO_gegevensset_<version>.xsd`` in a folder, reading the namespace from the XSD's
own ``targetNamespace``. The portal loads its folders at start-up (the
``OSO_FORMAT_VERSION_DIRS`` setting, through ``registry.configure``, see
``oso_format.apps``); used on its own, the package loads the folder it ships
(2019.1) the first time a version is looked up.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

BUNDLED_XSD_DIR = Path(__file__).resolve().parent / "xsd"
# The version the package ships, and the one new test files are written in.
DEFAULT_OSO_VERSION = "2019.1"

XSD_FILE = re.compile(r"^OSO_gegevensset_(?P<version>\d{4}\.\d+)\.xsd$")
# The validation stylesheet Edustandaard publishes beside each XSD, when it is there.
STYLESHEET_NAMES = (
    "ValideerOSOgegevensset_{version}.xsl",
    "include/ValideerOSOgegevensset_{version}.xsl",
)
_VERSION = re.compile(r"^\d{4}\.\d+$")
_XSD_NAMESPACE = "{http://www.w3.org/2001/XMLSchema}schema"


@dataclass(frozen=True, slots=True)
class OsoVersion:
    version: str
    namespace: str
    xsd_path: Path
    stylesheet_path: Path | None = None

    def tag(self, local_name: str) -> str:
        """The Clark-notation tag of an element in this version's namespace."""
        return f"{{{self.namespace}}}{local_name}"


class VersionError(ValueError):
    """A version cannot be registered (bad name, missing file, namespace taken)."""


class VersionRegistry(Mapping[str, OsoVersion]):
    """Version name -> OsoVersion, looked up by name or by dossier namespace.

    Reads never block; registering takes a lock, so a version added while workers
    read is seen whole or not at all.
    """

    def __init__(self, *, default_folders: tuple[Path, ...] = ()) -> None:
        self._default_folders = default_folders
        self._by_version: dict[str, OsoVersion] = {}
        self._by_namespace: dict[str, OsoVersion] = {}
        self._lock = threading.Lock()
        self._loaded = not default_folders

    # --- writes -------------------------------------------------------------------

    def register(
        self,
        *,
        version: str,
        namespace: str,
        xsd_path: Path | str,
        stylesheet_path: Path | str | None = None,
    ) -> OsoVersion:
        """Add one version; registering the same version with the same data again is a no-op."""
        if not _VERSION.match(version):
            raise VersionError(f"version {version!r} is not of the form YYYY.N")
        if not namespace:
            raise VersionError(f"version {version}: the namespace is empty")
        xsd = Path(xsd_path).resolve()
        if not xsd.is_file():
            raise VersionError(f"version {version}: no XSD at {xsd}")
        stylesheet = Path(stylesheet_path).resolve() if stylesheet_path else None
        if stylesheet is not None and not stylesheet.is_file():
            raise VersionError(f"version {version}: no stylesheet at {stylesheet}")
        entry = OsoVersion(
            version=version, namespace=namespace, xsd_path=xsd, stylesheet_path=stylesheet
        )
        with self._lock:
            existing = self._by_version.get(version)
            if existing == entry:
                return existing
            if existing is not None:
                raise VersionError(f"version {version} is already registered differently")
            holder = self._by_namespace.get(namespace)
            if holder is not None:
                raise VersionError(
                    f"namespace {namespace} already belongs to version {holder.version}"
                )
            by_version = {**self._by_version, version: entry}
            by_namespace = {**self._by_namespace, namespace: entry}
            # Swap whole dicts: readers see the old or the new, never half of one.
            self._by_version, self._by_namespace = by_version, by_namespace
        return entry

    def unregister(self, version: str) -> None:
        with self._lock:
            entry = self._by_version.get(version)
            if entry is None:
                return
            self._by_version = {k: v for k, v in self._by_version.items() if k != version}
            self._by_namespace = {
                k: v for k, v in self._by_namespace.items() if k != entry.namespace
            }

    def configure(self, *, folders: Sequence[Path | str]) -> None:
        """The folders to load versions from (start-up), loaded now; replaces the default."""
        self._default_folders = tuple(Path(folder) for folder in folders)
        self._loaded = False
        self._ensure_loaded()

    def load_folder(self, folder: Path | str) -> list[OsoVersion]:
        """Register every ``OSO_gegevensset_<version>.xsd`` in ``folder`` (not below it)."""
        found = []
        for xsd in sorted(Path(folder).glob("OSO_gegevensset_*.xsd")):
            match = XSD_FILE.match(xsd.name)
            if match is None:
                continue
            version = match.group("version")
            stylesheet = next(
                (
                    xsd.parent / name.format(version=version)
                    for name in STYLESHEET_NAMES
                    if (xsd.parent / name.format(version=version)).is_file()
                ),
                None,
            )
            found.append(
                self.register(
                    version=version,
                    namespace=xsd_target_namespace(xsd),
                    xsd_path=xsd,
                    stylesheet_path=stylesheet,
                )
            )
        return found

    # --- reads --------------------------------------------------------------------

    def for_namespace(self, namespace: str) -> OsoVersion | None:
        """The version whose dossier namespace this is, or None when we do not know it."""
        self._ensure_loaded()
        return self._by_namespace.get(namespace)

    def __getitem__(self, version: str) -> OsoVersion:
        self._ensure_loaded()
        return self._by_version[version]

    def __iter__(self) -> Iterator[str]:
        self._ensure_loaded()
        return iter(sorted(self._by_version))

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._by_version)

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            for folder in self._default_folders:
                self.load_folder(folder)
            self._loaded = True


def xsd_target_namespace(xsd_path: Path) -> str:
    """The ``targetNamespace`` of an XSD, read from its root element only."""
    for _event, element in etree.iterparse(
        str(xsd_path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    ):
        if element.tag != _XSD_NAMESPACE:
            raise VersionError(f"{xsd_path} is not an XML Schema")
        namespace = element.get("targetNamespace") or ""
        if not namespace:
            raise VersionError(f"{xsd_path} has no targetNamespace")
        return namespace
    raise VersionError(f"{xsd_path} is empty")


# The registry the reader uses.
registry = VersionRegistry(default_folders=(BUNDLED_XSD_DIR,))
# Read-only name -> version view, for code that only lists or looks up.
OSO_VERSIONS: Mapping[str, OsoVersion] = registry


def oso_version_for_namespace(namespace: str) -> OsoVersion | None:
    return registry.for_namespace(namespace)


__all__ = [
    "BUNDLED_XSD_DIR",
    "DEFAULT_OSO_VERSION",
    "OSO_VERSIONS",
    "OsoVersion",
    "VersionError",
    "VersionRegistry",
    "oso_version_for_namespace",
    "registry",
    "xsd_target_namespace",
]
