"""The OSO dataset versions the reader understands: version -> namespace and XSD.

Each OSO release (2019.1, 2022.1, ...) has its own namespace, with the year in it,
and its own schema. A dossier names its version through its root namespace, so the
reader picks the schema from the file itself. Only 2019.1 ships today; adding a
version is one entry here plus its XSD in ``xsd/``.
"""

from __future__ import annotations

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

_BY_NAMESPACE: dict[str, OsoVersion] = {v.namespace: v for v in OSO_VERSIONS.values()}


def oso_version_for_namespace(namespace: str) -> OsoVersion | None:
    """The version whose dossier namespace this is, or None when we do not know it."""
    return _BY_NAMESPACE.get(namespace)
