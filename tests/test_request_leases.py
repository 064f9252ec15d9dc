"""Short claims that a working step renews, and one warning per database outage."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from requests.models import TransferRequest
from requests.services import lease
from requests.services.lease import claims_kept, claims_renew
from tests.factories import TransferRequestFactory, bsn_from_seed


@pytest.mark.django_db
def test_renewing_extends_only_the_rows_that_still_carry_the_token(settings):
    settings.OSO_REQUEST_CLAIM_SECONDS = 30
    token = uuid.uuid4()
    soon = timezone.now() + timedelta(seconds=1)
    ours = TransferRequestFactory(status="requested", claim_token=token, claimed_until=soon)
    taken = TransferRequestFactory(status="requested", claim_token=uuid.uuid4(), claimed_until=soon)

    assert claims_renew(request_ids=[ours.id, taken.id], token=token) == 1

    ours.refresh_from_db()
    taken.refresh_from_db()
    assert ours.claimed_until > timezone.now() + timedelta(seconds=25)
    assert taken.claimed_until == soon


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_step_that_runs_longer_than_its_claim_keeps_it(settings):
    settings.OSO_REQUEST_CLAIM_SECONDS = 1
    settings.OSO_REQUEST_CLAIM_RENEW_SECONDS = 10  # capped at a third of the claim
    token = uuid.uuid4()
    row = TransferRequestFactory(
        status="requested", claim_token=token, claimed_until=timezone.now() + timedelta(seconds=1)
    )

    with claims_kept(request_ids=[row.id], token=token):
        time.sleep(2.5)  # far past the first claim
        still_ours = TransferRequest.objects.get(pk=row.pk).claimed_until > timezone.now()

    assert still_ours


@pytest.mark.django_db
def test_a_quick_step_does_not_touch_the_claim(settings):
    token = uuid.uuid4()
    until = timezone.now() + timedelta(seconds=30)
    row = TransferRequestFactory(status="requested", claim_token=token, claimed_until=until)

    with claims_kept(request_ids=[row.id], token=token):
        pass

    row.refresh_from_db()
    assert row.claimed_until == until


def test_the_renewal_interval_is_at_most_a_third_of_the_claim(settings):
    settings.OSO_REQUEST_CLAIM_SECONDS = 30
    settings.OSO_REQUEST_CLAIM_RENEW_SECONDS = 25

    assert lease.renew_interval() == 10


class _Outcome:
    claimed = final = waiting = 0


def test_a_lost_database_connection_is_one_warning_per_outage_and_no_error(monkeypatch, caplog):
    from common import db_health
    from requests import tasks

    lost = {"now": True}
    monkeypatch.setattr(db_health, "database_connection_lost", lambda exc: lost["now"])
    monkeypatch.setattr(db_health.connection, "close", lambda: None)

    def poll(*, request_ids):
        if lost["now"]:
            raise OperationalError("server closed the connection unexpectedly")
        return _Outcome()

    monkeypatch.setattr(tasks, "transfer_requests_poll", poll)
    caplog.set_level(logging.INFO)

    for _ in range(5):
        assert tasks.poll_requests.run([1, 2]) == {"database_lost": 1}
    lost["now"] = False
    assert tasks.poll_requests.run([1, 2]) == {"claimed": 0, "final": 0, "waiting": 0}

    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("The database connection was lost (OperationalError)")
    assert warnings[1] == "The database answers again."
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_an_error_on_a_working_connection_is_raised_as_before(monkeypatch):
    from common import db_health
    from requests import tasks

    monkeypatch.setattr(db_health, "database_connection_lost", lambda exc: False)

    def broken(*, request_ids):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(tasks, "transfer_requests_poll", broken)

    with pytest.raises(OperationalError):
        tasks.poll_requests.run([1])


@pytest.mark.django_db
def test_the_merge_does_not_go_file_by_file_when_the_connection_is_lost(monkeypatch, caplog):
    from students.services import dossier_merge
    from students.services.dossier_merge import merge
    from tests.test_dossier_merge import make_parsed

    def lose_connection(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(merge, "_merge_sub_chunk", lose_connection)
    monkeypatch.setattr(merge, "database_connection_lost", lambda exc: True)

    with pytest.raises(OperationalError):
        dossier_merge.dossiers_merge_parsed(
            items=[dossier_merge.DossierIn(raw=b"<d/>", source_name=f"{n}.xml") for n in range(3)],
            parsed=[make_parsed(bsn=bsn_from_seed(n)) for n in range(3)],
        )
    assert "one by one" not in caplog.text
    assert "Storing one dossier failed" not in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_database_backend_is_told_apart_from_other_database_errors():
    import psycopg
    from django.db import IntegrityError, connection, transaction

    from common.db_health import database_connection_lost

    if connection.vendor != "postgresql":
        pytest.skip("killing a backend needs PostgreSQL")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"),
        dbname="postgres", autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)

    with pytest.raises(OperationalError) as lost, transaction.atomic():
        connection.cursor().execute("SELECT 1")
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        TransferRequestFactory(student=None)

    assert database_connection_lost(lost.value)
    assert not database_connection_lost(refused.value)
