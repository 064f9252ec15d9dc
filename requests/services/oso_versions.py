"""Installing OSO gegevensset versions, and loading the installed ones into the reader.

``oso_version_install`` unpacks a folder or .zip (``oso_format.version_package``)
into a staging folder under ``settings.OSO_VERSIONS_DIR``, checks that the XSD
compiles and the official stylesheet runs, refuses a version or namespace that is
known already, then moves the files to ``<OSO_VERSIONS_DIR>/<version>/``, writes a
manifest, records the row and registers the version in this process.

``installed_versions_load`` registers every manifest found there. It runs when the
app starts (no database query: the files are the truth) and again whenever a file
names an unknown namespace, so workers see a version installed after they started.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from oso_format.official_rules import stylesheet_forget
from oso_format.version_package import (
    VersionPackageError,
    version_package_check,
    version_package_unpack,
)
from oso_format.versions import (
    OSO_VERSIONS,
    OsoVersion,
    VersionTakenError,
    oso_version_for_namespace,
    oso_version_register,
)
from requests.models import InstalledOsoVersion

logger = logging.getLogger(__name__)

MANIFEST_NAME = "oso_version.json"


def versions_dir() -> Path:
    return Path(settings.OSO_VERSIONS_DIR)


def oso_version_install(*, source: Path, installed_by: str = "") -> InstalledOsoVersion:
    """Install the version in ``source``; raise VersionPackageError (Dutch) when it cannot."""
    root = versions_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex}"
    try:
        version_package_unpack(source=source, target=staging)
        package = version_package_check(staging)
        stylesheet_forget(package.stylesheet_path)
        known = OSO_VERSIONS.get(package.version) or oso_version_for_namespace(package.namespace)
        if known is not None or _row_exists(package.version, package.namespace):
            raise VersionPackageError(
                f"Versie {package.version} ({package.namespace}) is al geregistreerd."
            )
        final = root / package.version
        if final.exists():
            raise VersionPackageError(
                f"De map {final} bestaat al; verwijder die eerst als de versie niet werkt."
            )
        xsd_file = package.xsd_path.relative_to(staging).as_posix()
        stylesheet_file = package.stylesheet_path.relative_to(staging).as_posix()
        staging.rename(final)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    try:
        with transaction.atomic():
            row = InstalledOsoVersion.objects.create(
                version=package.version,
                namespace=package.namespace,
                xsd_file=xsd_file,
                stylesheet_file=stylesheet_file,
                installed_by=installed_by[:150],
            )
    except Exception:
        shutil.rmtree(final, ignore_errors=True)
        raise
    _manifest_write(final, row)
    _register(
        final, version=row.version, namespace=row.namespace, xsd=xsd_file, xsl=stylesheet_file
    )
    logger.info("OSO version %s installed (%s)", row.version, row.namespace)
    return row


def _row_exists(version: str, namespace: str) -> bool:
    return InstalledOsoVersion.objects.filter(version=version).exists() or (
        InstalledOsoVersion.objects.filter(namespace=namespace).exists()
    )


def _manifest_write(folder: Path, row: InstalledOsoVersion) -> None:
    data = {
        "version": row.version,
        "namespace": row.namespace,
        "xsd": row.xsd_file,
        "stylesheet": row.stylesheet_file,
    }
    temporary = folder / f".{MANIFEST_NAME}.tmp"
    temporary.write_text(json.dumps(data, indent=2), encoding="utf-8")
    temporary.replace(folder / MANIFEST_NAME)


def _register(folder: Path, *, version: str, namespace: str, xsd: str, xsl: str) -> None:
    xsd_path = (folder / xsd).resolve()
    stylesheet_path = (folder / xsl).resolve()
    for path in (xsd_path, stylesheet_path):
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            raise VersionPackageError(f"{path.name} ontbreekt in {folder}.")
    oso_version_register(
        OsoVersion(
            version=version,
            namespace=namespace,
            xsd_path=xsd_path,
            stylesheet_path=stylesheet_path,
        )
    )


def installed_versions_load() -> list[str]:
    """Register every installed version found on disk; the versions registered."""
    root = versions_dir()
    loaded: list[str] = []
    if not root.is_dir():
        return loaded
    for manifest in sorted(root.glob(f"*/{MANIFEST_NAME}")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            _register(
                manifest.parent,
                version=str(data["version"]),
                namespace=str(data["namespace"]),
                xsd=str(data["xsd"]),
                xsl=str(data["stylesheet"]),
            )
            loaded.append(str(data["version"]))
        except (OSError, ValueError, KeyError, VersionPackageError, VersionTakenError):
            logger.exception("Installed OSO version in %s cannot be loaded", manifest.parent)
    return loaded
