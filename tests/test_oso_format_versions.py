"""The gegevensset versions are a registry the format package is given, not a table in code."""

from __future__ import annotations

from pathlib import Path

import pytest

from oso_format import schema
from oso_format.reader import dossier_read
from oso_format.types import DossierError
from oso_format.versions import (
    BUNDLED_XSD_DIR,
    DEFAULT_OSO_VERSION,
    VersionError,
    VersionRegistry,
    registry,
    xsd_target_namespace,
)
from tests.test_dossier_reader import example

NS_2019 = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier"
NS_TEST = "http://www.edustandaard.nl/oso_gegevensset/2099/dossier"


def _xsd_for(folder: Path, version: str, namespace: str) -> Path:
    """The 2019.1 XSD saved as another version with another namespace."""
    text = (BUNDLED_XSD_DIR / f"OSO_gegevensset_{DEFAULT_OSO_VERSION}.xsd").read_text("utf-8")
    path = folder / f"OSO_gegevensset_{version}.xsd"
    path.write_text(text.replace(NS_2019, namespace), "utf-8")
    return path


def test_the_portal_loads_the_bundled_folder_at_start_up(settings):
    assert settings.OSO_FORMAT_VERSION_DIRS == [BUNDLED_XSD_DIR]
    assert list(registry) == ["2019.1"]
    assert registry["2019.1"].namespace == NS_2019
    assert registry.for_namespace(NS_2019) is registry["2019.1"]


def test_the_namespace_is_read_from_the_xsd_itself():
    assert xsd_target_namespace(BUNDLED_XSD_DIR / "OSO_gegevensset_2019.1.xsd") == NS_2019


def test_a_registry_used_on_its_own_loads_its_default_folder_on_first_look_up():
    fresh = VersionRegistry(default_folders=(BUNDLED_XSD_DIR,))
    assert fresh.for_namespace(NS_2019).version == "2019.1"


def test_a_folder_gives_every_version_in_it_with_its_stylesheet(tmp_path):
    _xsd_for(tmp_path, "2099.1", NS_TEST)
    (tmp_path / "ValideerOSOgegevensset_2099.1.xsl").write_text("<x/>")
    (tmp_path / "notes.xsd").write_text("<x/>")  # not named like a gegevensset: ignored
    fresh = VersionRegistry()
    [loaded] = fresh.load_folder(tmp_path)
    assert (loaded.version, loaded.namespace) == ("2099.1", NS_TEST)
    assert loaded.stylesheet_path == (tmp_path / "ValideerOSOgegevensset_2099.1.xsl").resolve()
    assert list(fresh) == ["2099.1"]


def test_a_registered_version_is_read_without_a_code_change(tmp_path):
    xsd = _xsd_for(tmp_path, "2099.1", NS_TEST)
    raw = example("POVO_full").replace(NS_2019.encode(), NS_TEST.encode())
    with pytest.raises(DossierError, match="2099"):
        dossier_read(raw=raw)  # unknown namespace: refused, naming it
    registry.register(version="2099.1", namespace=NS_TEST, xsd_path=xsd)
    try:
        parsed = dossier_read(raw=raw)
        assert parsed.oso_version == "2099.1"
        assert schema.get_schema(registry["2099.1"]) is not schema.get_schema(registry["2019.1"])
    finally:
        registry.unregister("2099.1")
    assert registry.for_namespace(NS_TEST) is None


def test_registering_again_the_same_is_harmless_but_a_clash_is_refused(tmp_path):
    xsd = _xsd_for(tmp_path, "2099.1", NS_TEST)
    fresh = VersionRegistry()
    first = fresh.register(version="2099.1", namespace=NS_TEST, xsd_path=xsd)
    assert fresh.register(version="2099.1", namespace=NS_TEST, xsd_path=str(xsd)) == first
    with pytest.raises(VersionError, match="already registered"):
        fresh.register(version="2099.1", namespace=NS_TEST + "x", xsd_path=xsd)
    with pytest.raises(VersionError, match=r"already belongs to version 2099\.1"):
        fresh.register(version="2099.2", namespace=NS_TEST, xsd_path=xsd)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"version": "2099", "namespace": NS_TEST}, "YYYY.N"),
        ({"version": "2099.1", "namespace": ""}, "namespace is empty"),
        ({"version": "2099.1", "namespace": NS_TEST, "xsd_path": "/nowhere.xsd"}, "no XSD"),
        (
            {"version": "2099.1", "namespace": NS_TEST, "stylesheet_path": "/nowhere.xsl"},
            "no stylesheet",
        ),
    ],
)
def test_a_bad_registration_says_what_is_wrong(tmp_path, arguments, message):
    arguments = {"xsd_path": _xsd_for(tmp_path, "2099.1", NS_TEST), **arguments}
    with pytest.raises(VersionError, match=message):
        VersionRegistry().register(**arguments)
