"""The OSO dataset versions the reader understands: version -> namespace, XSD, stylesheet.

Each OSO release (2019.1, 2022.1, ...) has its own namespace, with the year in it,
its own schema and its own validation stylesheet. A dossier names its version
through its root namespace, so the reader picks both from the file itself.

2019.1 ships with the code. Others are installed by staff as data
(``oso_version_add``, the admin) and registered here with ``oso_version_register``;
a loader added with ``oso_version_loader_add`` is asked again when a namespace is
unknown, so a version installed by another process is found without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

XSD_DIR = Path(__file__).resolve().parent / "xsd"
XSL_DIR = Path(__file__).resolve().parent / "xsl"
STYLESHEET_NAME = "ValideerOverstapprofielen.xsl"


@dataclass(frozen=True, slots=True)
class OsoVersion:
    version: str
    namespace: str
    xsd_path: Path
    # The official validation stylesheet (with its include/ folder beside it).
    stylesheet_path: Path

    def tag(self, local_name: str) -> str:
        """The Clark-notation tag of an element in this version's namespace."""
        return f"{{{self.namespace}}}{local_name}"


OSO_VERSIONS: dict[str, OsoVersion] = {
    "2019.1": OsoVersion(
        version="2019.1",
        namespace="http://www.edustandaard.nl/oso_gegevensset/2019/dossier",
        xsd_path=XSD_DIR / "OSO_gegevensset_2019.1.xsd",
        stylesheet_path=XSL_DIR / "2019.1" / STYLESHEET_NAME,
    ),
}
DEFAULT_OSO_VERSION = "2019.1"

BUILT_IN_VERSIONS = frozenset(OSO_VERSIONS)

_BY_NAMESPACE: dict[str, OsoVersion] = {v.namespace: v for v in OSO_VERSIONS.values()}
_lock = threading.Lock()
_loaders: list[Callable[[], object]] = []


class VersionTakenError(ValueError):
    """The version name or its namespace is registered already."""


def oso_version_register(version: OsoVersion) -> OsoVersion:
    """Add a version; the same version again with the same files is a no-op."""
    with _lock:
        known = OSO_VERSIONS.get(version.version) or _BY_NAMESPACE.get(version.namespace)
        if known is not None:
            if known == version:
                return known
            raise VersionTakenError(f"{known.version} ({known.namespace})")
        OSO_VERSIONS[version.version] = version
        _BY_NAMESPACE[version.namespace] = version
    return version


def oso_version_unregister(version: str) -> None:
    """Forget an installed version (tests; a built-in version stays)."""
    with _lock:
        if version in BUILT_IN_VERSIONS:
            return
        removed = OSO_VERSIONS.pop(version, None)
        if removed is not None:
            _BY_NAMESPACE.pop(removed.namespace, None)


def oso_version_loader_add(loader: Callable[[], object]) -> None:
    """A function that registers installed versions; called again for an unknown namespace."""
    if loader not in _loaders:
        _loaders.append(loader)


def oso_version_for_namespace(namespace: str) -> OsoVersion | None:
    """The version whose dossier namespace this is, or None when we do not know it."""
    found = _BY_NAMESPACE.get(namespace)
    if found is None and namespace:
        for loader in _loaders:
            loader()
        found = _BY_NAMESPACE.get(namespace)
    return found
