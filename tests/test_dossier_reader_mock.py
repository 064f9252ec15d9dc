"""The reader accepts every dossier the mock endpoint serves (the two must agree)."""

from __future__ import annotations

from collections import Counter

from elk_mock import dataset
from oso_format.reader import dossier_validate_many
from oso_format.types import ParsedDossier


def test_every_mock_dossier_version_reads():
    pupils = dataset.demo_pupils() + dataset.generated_pupils(200, seed=7)
    versions = [(pupil, version) for pupil in pupils for version in pupil.versions]

    results = dossier_validate_many(raws=[version.xml for _, version in versions])

    failures = Counter(r.message for r in results if not isinstance(r, ParsedDossier))
    assert failures == Counter()
    for (pupil, version), parsed in zip(versions, results, strict=True):
        assert (parsed.bsn, parsed.education_number) == (pupil.bsn, pupil.education_number)
        assert parsed.birth_date == pupil.birth_date
        assert parsed.collection_date == version.collection_date
