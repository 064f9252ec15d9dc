"""The OSO dataset versions the reader understands: a registry it is given, not a table.

Each OSO release (2019.1, 2022.1, ...) has its own namespace, with the year in it,
its own schema and its own validation stylesheet. A dossier names its version
through its root namespace, so the reader picks both from the file itself.

The versions are data. A manifest (JSON: one object, or a list of them, each with
``version``, ``namespace`` and the ``xsd`` and ``stylesheet`` files relative to the
manifest's folder) describes them; ``registry.configure(manifests=...)`` loads the
ones the portal ships at start-up (the ``OSO_FORMAT_VERSION_MANIFESTS`` setting,
through ``oso_format.apps``). Used on its own, the package loads the manifest it
ships (``versions.json``: 2019.1) the first time a version is looked up. Versions
staff install later are registered with ``oso_version_register`` (or
``registry.load_manifest``); a loader added with ``oso_version_loader_add`` is
asked again when a namespace is unknown, so a version installed by another process
is found without a restart.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_MANIFEST = PACKAGE_DIR / "versions.json"
# The version new test files are written in; the mapping was written for it.
DEFAULT_OSO_VERSION = "2019.1"


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


class VersionTakenError(ValueError):
    """The version name or its namespace is registered already."""


class ManifestError(ValueError):
    """A manifest cannot be read, or names a file that is not in its folder."""


def manifest_versions(path: Path) -> list[OsoVersion]:
    """The versions a manifest describes; its files must lie inside the manifest's folder."""
    folder = path.resolve().parent
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: {exc}") from None
    entries = data if isinstance(data, list) else [data]
    versions = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ManifestError(f"{path}: an entry is not an object")
        try:
            version, namespace = str(entry["version"]), str(entry["namespace"])
            xsd, stylesheet = str(entry["xsd"]), str(entry["stylesheet"])
        except KeyError as exc:
            raise ManifestError(f"{path}: {exc.args[0]} is missing") from None
        files = []
        for name in (xsd, stylesheet):
            file = (folder / name).resolve()
            if not file.is_relative_to(folder) or not file.is_file():
                raise ManifestError(f"{Path(name).name} ontbreekt in {folder}.")
            files.append(file)
        versions.append(
            OsoVersion(
                version=version, namespace=namespace, xsd_path=files[0], stylesheet_path=files[1]
            )
        )
    return versions


class VersionRegistry(Mapping[str, OsoVersion]):
    """Version name -> OsoVersion, looked up by name or by dossier namespace.

    Reads never block; a change swaps whole dicts under a lock, so a version added
    while workers read is seen whole or not at all.
    """

    def __init__(self, *, manifests: Sequence[Path] = ()) -> None:
        self._manifests = tuple(manifests)
        self._by_version: dict[str, OsoVersion] = {}
        self._by_namespace: dict[str, OsoVersion] = {}
        self._built_in: frozenset[str] = frozenset()
        self._loaders: list[Callable[[], object]] = []
        self._lock = threading.RLock()
        self._loaded = False

    # --- writes -------------------------------------------------------------------

    def configure(self, *, manifests: Sequence[Path | str]) -> None:
        """The manifests of the versions the portal ships, loaded now (start-up)."""
        with self._lock:
            self._manifests = tuple(Path(manifest) for manifest in manifests)
            self._loaded = False
            self._ensure_loaded()

    def load_manifest(self, path: Path, *, built_in: bool = False) -> list[OsoVersion]:
        """Register every version a manifest describes."""
        self._ensure_loaded()
        return [self.register(version, built_in=built_in) for version in manifest_versions(path)]

    def register(self, version: OsoVersion, *, built_in: bool = False) -> OsoVersion:
        """Add a version; the same version again with the same files is a no-op."""
        with self._lock:
            if not built_in:
                self._ensure_loaded()
            known = self._by_version.get(version.version) or self._by_namespace.get(
                version.namespace
            )
            if known is not None:
                if known == version:
                    return known
                raise VersionTakenError(f"{known.version} ({known.namespace})")
            self._by_version = {**self._by_version, version.version: version}
            self._by_namespace = {**self._by_namespace, version.namespace: version}
            if built_in:
                self._built_in = self._built_in | {version.version}
        return version

    def unregister(self, version: str) -> None:
        """Forget an installed version (tests; a shipped version stays)."""
        with self._lock:
            if version in self._built_in:
                return
            removed = self._by_version.get(version)
            if removed is None:
                return
            self._by_version = {k: v for k, v in self._by_version.items() if k != version}
            self._by_namespace = {
                k: v for k, v in self._by_namespace.items() if k != removed.namespace
            }

    def loader_add(self, loader: Callable[[], object]) -> None:
        """A function that registers installed versions; called again for an unknown namespace."""
        with self._lock:
            if loader not in self._loaders:
                self._loaders = [*self._loaders, loader]

    # --- reads --------------------------------------------------------------------

    @property
    def built_in(self) -> frozenset[str]:
        """The versions the portal ships (from the start-up manifests)."""
        self._ensure_loaded()
        return self._built_in

    def for_namespace(self, namespace: str) -> OsoVersion | None:
        """The version whose dossier namespace this is, or None when we do not know it."""
        self._ensure_loaded()
        found = self._by_namespace.get(namespace)
        if found is None and namespace:
            for loader in self._loaders:
                loader()
            found = self._by_namespace.get(namespace)
        return found

    def __getitem__(self, version: str) -> OsoVersion:
        self._ensure_loaded()
        return self._by_version[version]

    def __iter__(self) -> Iterator[str]:
        self._ensure_loaded()
        return iter(self._by_version)

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._by_version)

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            # Loaded only once every shipped version is in: a reader in another thread
            # meanwhile waits at the lock instead of finding the registry empty. Registering a
            # shipped version does not look the registry up again, so this cannot recurse.
            self._by_version = {
                k: v for k, v in self._by_version.items() if k not in self._built_in
            }
            self._by_namespace = {
                k: v for k, v in self._by_namespace.items() if v.version not in self._built_in
            }
            self._built_in = frozenset()
            for manifest in self._manifests:
                for version in manifest_versions(manifest):
                    self.register(version, built_in=True)
            self._loaded = True


class _BuiltInVersions:
    """A live view of the registry's shipped versions (``"2019.1" in BUILT_IN_VERSIONS``)."""

    def __init__(self, registry: VersionRegistry) -> None:
        self._registry = registry

    def __contains__(self, version: object) -> bool:
        return version in self._registry.built_in

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._registry.built_in))

    def __len__(self) -> int:
        return len(self._registry.built_in)


# The registry the reader uses.
registry = VersionRegistry(manifests=(BUNDLED_MANIFEST,))
# Read-only name -> version view, for code that only lists or looks up.
OSO_VERSIONS: Mapping[str, OsoVersion] = registry
BUILT_IN_VERSIONS = _BuiltInVersions(registry)


def oso_version_register(version: OsoVersion) -> OsoVersion:
    """Add an installed version; the same version again with the same files is a no-op."""
    return registry.register(version)


def oso_version_unregister(version: str) -> None:
    """Forget an installed version (tests; a shipped version stays)."""
    registry.unregister(version)


def oso_version_loader_add(loader: Callable[[], object]) -> None:
    """A function that registers installed versions; called again for an unknown namespace."""
    registry.loader_add(loader)


def oso_version_for_namespace(namespace: str) -> OsoVersion | None:
    """The version whose dossier namespace this is, or None when we do not know it."""
    return registry.for_namespace(namespace)
