"""The way of a returned file: parsed once, read (XSD, rules) before the rows are locked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree

from elk_mock.dataset import DEMO_MAY_DATE
from oso_format import schema
from requests.models import RequestStatus, TransferRequest
from requests.services import pipeline, transfer_requests_add, transfer_requests_send
from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit
from students.models import ReceivedDossier

pytestmark = pytest.mark.django_db

AFTER_MAY = DEMO_MAY_DATE + timedelta(days=1)


def _sent_ids(students) -> list[int]:
    transfer_requests_add(student_ids=[s.pk for s in students], user="anna")
    ready = TransferRequest.objects.filter(student__in=students, status=RequestStatus.READY)
    batch = transfer_requests_send(
        request_ids=list(ready.values_list("id", flat=True)),
        mode="current",
        changed_since=None,
        user="anna",
    )
    assert batch is not None
    ids = list(batch.requests.values_list("id", flat=True))
    transfer_requests_submit(request_ids=ids)
    return ids


def test_the_poll_parses_each_returned_file_once_and_validates_it_outside_the_record(
    elk_mock, demo_students, monkeypatch
):
    elk_mock.set_clock(AFTER_MAY)
    ids = _sent_ids(list(demo_students.values()))
    before = set(ReceivedDossier.objects.values_list("id", flat=True))

    parsed: list[bytes] = []
    real_fromstring, real_xml, real_parse = etree.fromstring, etree.XML, etree.parse

    def counting(real):
        def parse(source, *args, **kwargs):
            if isinstance(source, bytes):
                parsed.append(source)
            return real(source, *args, **kwargs)

        return parse

    monkeypatch.setattr(etree, "fromstring", counting(real_fromstring))
    monkeypatch.setattr(etree, "XML", counting(real_xml))
    monkeypatch.setattr(etree, "parse", counting(real_parse))

    recording = []
    real_record, real_validate = pipeline._record, schema.validate

    def record(*args, **kwargs):
        recording.append(True)
        try:
            return real_record(*args, **kwargs)
        finally:
            recording.pop()

    validated_while_recording = []

    def validate(root, version):
        validated_while_recording.append(bool(recording))
        return real_validate(root, version)

    monkeypatch.setattr(pipeline, "_record", record)
    monkeypatch.setattr(schema, "validate", validate)

    transfer_requests_poll(request_ids=ids)

    received = list(ReceivedDossier.objects.exclude(id__in=before))
    assert len(received) >= 2  # the May files came back and were merged
    files = [dossier.raw_xml.encode("utf-8") for dossier in received]
    for raw in files:
        # raw_xml is the decoded text; the endpoint served the same document as bytes.
        assert sum(1 for source in parsed if source.strip() == raw.strip()) == 1
    assert len(parsed) == len(received)
    assert validated_while_recording == [False] * len(received)
