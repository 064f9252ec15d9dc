"""Fixtures shared across test files. Append yours below; keep each small."""

from __future__ import annotations

from pathlib import Path

import pytest

# Real worker, beat and mock endpoint processes for the pipeline tests.
pytest_plugins = ["tests.conftest_worker"]

# Copied unchanged from edustandaard/oso-gegevensset (tag 2019.1): see the README there.
OSO_EXAMPLES = sorted((Path(__file__).resolve().parent / "data" / "oso_examples").glob("*.xml"))


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """The test client leaves the last page's language active in its thread; a later test
    that renders text outside a request (a stored reason, a command's output) would read
    it in English. Each test starts from the portal's default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def oso_examples() -> list[Path]:
    """The eight official sample dossiers (tests/data/oso_examples)."""
    assert len(OSO_EXAMPLES) == 8, "the official OSO examples are missing"
    return OSO_EXAMPLES


@pytest.fixture
def portal_user(db):
    """A staff member of the group Toelating: may use every portal page (students.use_portal)."""
    from students.services.access import access_groups_ensure
    from tests.factories import UserFactory

    user = UserFactory(username="toelating")
    user.groups.add(access_groups_ensure())
    return user


@pytest.fixture
def portal_client(client, portal_user):
    """The Django test client, logged in as ``portal_user``."""
    client.force_login(portal_user)
    return client


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A fresh current directory, so that a command's relative file names stay in it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def no_enqueue(monkeypatch) -> list[list[int]]:
    """Sending queues the submit task after commit; page and service tests that only look at
    the rows record the request ids it would have sent instead."""
    sent: list[list[int]] = []
    monkeypatch.setattr(
        "requests.services.transfer_requests.enqueue_submit", lambda ids, **kw: sent.append(ids)
    )
    return sent


@pytest.fixture(autouse=True)
def _forget_content_types_of_rolled_back_tests():
    """Clear Django's ContentType cache after each test.

    A test that creates a content type (a permission group, say) inside its rolled-back
    transaction leaves the id in the process-wide cache; a later flush (a transactional
    test) then writes permissions for that vanished id and fails on the foreign key.
    """
    yield
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def superuser_client(client):
    """The Django test client, logged in as the superuser ``beheer`` (the admin pages)."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    return client
