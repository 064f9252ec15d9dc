"""The gegevensset versions are data the format package is given, not a table in code."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from oso_format import schema
from oso_format.reader import dossier_read
from oso_format.types import DossierError
from oso_format.versions import (
    BUILT_IN_VERSIONS,
    BUNDLED_MANIFEST,
    ManifestError,
    VersionRegistry,
    VersionTakenError,
    manifest_versions,
    registry,
)

NS_2019 = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier"
NS_2018 = "http://www.edustandaard.nl/oso_gegevensset/2018/dossier"
PACKAGE_2018 = Path(__file__).resolve().parent / "data" / "oso_versions" / "2018.1"
EXAMPLE_2018 = PACKAGE_2018 / "examples" / "Voorbeelddossier_OV_POVO_full.xml"


def manifest_2018(folder: Path) -> Path:
    """The published 2018.1 package with a manifest beside it, as a deployment would ship it."""
    shutil.copytree(PACKAGE_2018, folder / "2018.1")
    manifest = folder / "2018.1" / "versions.json"
    manifest.write_text(
        json.dumps(
            [
                {
                    "version": "2018.1",
                    "namespace": NS_2018,
                    "xsd": "OSO_gegevensset_2018.1.xsd",
                    "stylesheet": "ValideerOverstapprofielen.xsl",
                }
            ]
        ),
        "utf-8",
    )
    return manifest


@pytest.fixture
def shipped_manifests(settings):
    """Restore the portal's own manifests after a test configures others."""
    yield
    registry.configure(manifests=settings.OSO_FORMAT_VERSION_MANIFESTS)
    schema.get_schema.cache_clear()


def test_the_portal_is_given_the_shipped_manifest_at_start_up(settings):
    assert settings.OSO_FORMAT_VERSION_MANIFESTS == [BUNDLED_MANIFEST]
    assert "2019.1" in BUILT_IN_VERSIONS
    assert registry["2019.1"].namespace == NS_2019
    assert registry.for_namespace(NS_2019) is registry["2019.1"]
    assert registry["2019.1"].xsd_path.is_file()
    assert registry["2019.1"].stylesheet_path.is_file()


def test_the_format_package_holds_no_table_of_versions():
    source = (BUNDLED_MANIFEST.parent / "versions.py").read_text("utf-8")
    assert NS_2019 not in source
    assert NS_2019 in BUNDLED_MANIFEST.read_text("utf-8")


def test_a_registry_used_on_its_own_loads_its_manifests_on_first_look_up():
    fresh = VersionRegistry(manifests=(BUNDLED_MANIFEST,))
    found = fresh.for_namespace(NS_2019)
    assert found is not None
    assert found.version == "2019.1"
    assert fresh.built_in == frozenset({"2019.1"})


def test_a_version_given_as_data_is_read_without_a_code_change(tmp_path, shipped_manifests):
    raw = EXAMPLE_2018.read_bytes()
    with pytest.raises(DossierError, match="2018"):
        dossier_read(raw=raw)  # unknown namespace: refused, naming it

    registry.configure(manifests=[BUNDLED_MANIFEST, manifest_2018(tmp_path)])

    assert sorted(registry) == ["2018.1", "2019.1"]
    assert "2018.1" in BUILT_IN_VERSIONS
    parsed = dossier_read(raw=raw)
    assert parsed.oso_version == "2018.1"


def test_configuring_again_forgets_the_versions_no_longer_given(tmp_path, shipped_manifests):
    registry.configure(manifests=[BUNDLED_MANIFEST, manifest_2018(tmp_path)])
    registry.configure(manifests=[BUNDLED_MANIFEST])
    assert list(registry) == ["2019.1"]
    assert registry.for_namespace(NS_2018) is None


def test_registering_again_the_same_is_harmless_but_a_clash_is_refused(tmp_path):
    fresh = VersionRegistry()
    [version] = manifest_versions(manifest_2018(tmp_path))
    assert fresh.register(version) is version
    assert fresh.register(version) is version
    with pytest.raises(VersionTakenError, match=r"2018\.1"):
        fresh.register(version.__class__(**{**_fields(version), "namespace": NS_2018 + "x"}))
    with pytest.raises(VersionTakenError, match=r"2018\.1"):
        fresh.register(version.__class__(**{**_fields(version), "version": "2018.2"}))


def _fields(version):
    return dataclasses.asdict(version)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"namespace": NS_2018, "xsd": "a.xsd", "stylesheet": "b.xsl"}, "version is missing"),
        (
            {"version": "2018.1", "namespace": NS_2018, "xsd": "../a.xsd", "stylesheet": "b.xsl"},
            "a.xsd ontbreekt",
        ),
        (
            {"version": "2018.1", "namespace": NS_2018, "xsd": "a.xsd", "stylesheet": "no.xsl"},
            "no.xsl ontbreekt",
        ),
    ],
)
def test_a_bad_manifest_says_what_is_wrong(tmp_path, entry, message):
    (tmp_path / "a.xsd").write_text("<x/>")
    (tmp_path / "b.xsl").write_text("<x/>")
    outside = tmp_path.parent / "a.xsd"
    outside.write_text("<x/>")
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps(entry))
    with pytest.raises(ManifestError, match=message):
        manifest_versions(manifest)


def test_a_look_up_while_another_thread_loads_the_manifests_waits_for_them(monkeypatch):
    """Two workers' first dossiers at once: the second must not find an empty registry."""
    import threading

    from oso_format import versions

    fresh = VersionRegistry(manifests=(BUNDLED_MANIFEST,))
    reading, go_on = threading.Event(), threading.Event()
    real = versions.manifest_versions

    def slow_manifest(path):
        reading.set()
        go_on.wait(timeout=10)
        return real(path)

    monkeypatch.setattr(versions, "manifest_versions", slow_manifest)
    found: list[object] = []

    def look_up() -> None:
        try:
            found.append(fresh.for_namespace(NS_2019))
        except Exception as error:  # reported below
            found.append(error)

    loading = threading.Thread(target=len, args=(fresh,))
    loading.start()
    assert reading.wait(timeout=10)
    second = threading.Thread(target=look_up)
    second.start()
    second.join(timeout=0.5)  # without the wait it has already found nothing
    go_on.set()
    for thread in (loading, second):
        thread.join(timeout=10)

    [version] = found
    assert isinstance(version, versions.OsoVersion) and version.version == "2019.1"
