"""The way of a returned file: parsed once by lxml, read (XSD, rules) before the rows are locked."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from lxml import etree

from elk_mock.dataset import DEMO_MAY_DATE
from oso_format import official_rules, schema
from requests.models import RequestStatus, TransferRequest
from requests.services import pipeline
from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit
from students.models import ReceivedDossier
from students.services.dossier_merge import merge
from tests.request_support import requests_send

pytestmark = pytest.mark.django_db

AFTER_MAY = DEMO_MAY_DATE + timedelta(days=1)


def _sent_ids(students) -> list[int]:
    ids = list(requests_send(students).requests.values_list("id", flat=True))
    transfer_requests_submit(request_ids=ids)
    return ids


def _count_lxml_parses(monkeypatch) -> list[bytes]:
    """Every byte string handed to one of lxml's parse functions from now on."""
    parsed: list[bytes] = []

    def counting(real):
        def parse(source, *args, **kwargs):
            if isinstance(source, bytes):
                parsed.append(source)
            return real(source, *args, **kwargs)

        return parse

    for name in ("fromstring", "XML", "parse"):
        monkeypatch.setattr(etree, name, counting(getattr(etree, name)))
    return parsed


def _flag_while_recording(monkeypatch) -> list[bool]:
    """Set while the poll's record step (the row-lock transaction) runs."""
    recording: list[bool] = []
    real_record = pipeline._record

    def record(*args, **kwargs):
        recording.append(True)
        try:
            return real_record(*args, **kwargs)
        finally:
            recording.pop()

    monkeypatch.setattr(pipeline, "_record", record)
    return recording


def test_the_poll_parses_each_returned_file_once_and_reads_it_before_the_rows_are_locked(
    elk_mock, demo_students, monkeypatch
):
    elk_mock.set_clock(AFTER_MAY)
    ids = _sent_ids(list(demo_students.values()))
    before = set(ReceivedDossier.objects.values_list("id", flat=True))

    parsed = _count_lxml_parses(monkeypatch)
    recording = _flag_while_recording(monkeypatch)
    schema_while_recording: list[bool] = []
    official_while_recording: list[bool] = []
    real_validate, real_check = schema.validate, official_rules.stylesheet_check

    def validate(root, version):
        schema_while_recording.append(bool(recording))
        return real_validate(root, version)

    def stylesheet_check(**kwargs):
        official_while_recording.append(bool(recording))
        return real_check(**kwargs)

    monkeypatch.setattr(schema, "validate", validate)
    monkeypatch.setattr("oso_format.melding_classes.stylesheet_check", stylesheet_check)

    transfer_requests_poll(request_ids=ids)

    received = list(ReceivedDossier.objects.exclude(id__in=before))
    assert len(received) >= 2  # the May files came back and were merged
    for dossier in received:
        raw = dossier.raw_xml.encode("utf-8")
        # raw_xml is the decoded text; the endpoint served the same document as bytes.
        assert sum(1 for source in parsed if source.strip() == raw.strip()) == 1
    # No other dossier-sized parse either (the envelope is parsed once per call, the
    # official check's short <meldingen> output once per file).
    dossiers = [source for source in parsed if b"<dossier" in source or b":dossier" in source]
    assert len(dossiers) == len(received)
    assert schema_while_recording == [False] * len(received)
    assert official_while_recording == [False] * len(received)


def test_a_bug_that_one_file_trips_fails_that_file_alone_in_one_fallback(
    elk_mock, demo_students, monkeypatch, caplog
):
    elk_mock.set_clock(AFTER_MAY)
    students = list(demo_students.values())
    ids = _sent_ids(students)
    real_sub_chunk = merge._merge_sub_chunk
    calls: list[int] = []

    def buggy(entries, **kwargs):
        calls.append(len(entries))
        if len(entries) > 1 or entries[0].index == 0:
            raise ValueError("a bug")
        return real_sub_chunk(entries, **kwargs)

    monkeypatch.setattr(merge, "_merge_sub_chunk", buggy)
    caplog.set_level(logging.WARNING)

    transfer_requests_poll(request_ids=ids)

    statuses = dict(TransferRequest.objects.filter(id__in=ids).values_list("id", "status"))
    failed = [i for i, status in statuses.items() if status == RequestStatus.FAILED]
    assert len(failed) == 1  # the first file of the chunk, and only it
    assert all(status != RequestStatus.REQUESTED for status in statuses.values())
    row = TransferRequest.objects.get(id=failed[0])
    assert "internal error" in row.error.lower() or "interne fout" in row.error.lower()
    # One fallback: the chunk once, then each file once; nothing retried twice.
    merged_files = sum(1 for size in calls if size == 1)
    assert calls[0] > 1 and merged_files == calls[0]
    assert caplog.text.count("retrying one by one") == 1
