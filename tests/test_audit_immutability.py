"""Nobody can change or delete an audit entry: not the database (any engine), not the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.auth.views import LoginView, LogoutView
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import include, path, reverse

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from tests.factories import StudentFactory, UserFactory

# The admin plus what base.html links to, so these tests do not depend on the
# state of the portal's own pages.
urlpatterns = [
    path("", lambda request: HttpResponse("home"), name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def entry():
    return audit_record(actor="joost", action=AuditAction.EXPORT_MADE, summary="requests, 12 rows")


def test_database_refuses_to_update_an_audit_entry(entry):
    refused = pytest.raises(DatabaseError, match="cannot be changed or deleted")
    with refused, transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor="someone-else")

    assert AuditEntry.objects.get(pk=entry.pk).actor == "joost"


def test_database_refuses_to_delete_an_audit_entry(entry):
    refused = pytest.raises(DatabaseError, match="cannot be changed or deleted")
    with refused, transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_database_refuses_a_raw_sql_update_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [entry.pk])


def test_database_refuses_a_raw_sql_delete_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_student_leaves_its_audit_entries(entry):
    student = StudentFactory()
    audit_record(
        actor="joost",
        action=AuditAction.STUDENT_CHANGED,
        student_id=student.pk,
        student_number=student.student_number,
    )

    student.delete()

    assert AuditEntry.objects.filter(student_id=student.pk).count() == 1


# Transactional: the test framework empties the database with ``flush`` afterwards,
# which on SQLite DELETEs every audit row; this test's own teardown shows it works.
# Serialized rollback like the project's other transactional tests, so the teardown
# leaves the database as they expect it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_still_empties_the_whole_database_and_nothing_else_may_delete(entry):
    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEntry.objects.exists()
    later = audit_record(actor="joost", action=AuditAction.EXPORT_MADE, summary="after flush")
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        AuditEntry.objects.filter(pk=later.pk).delete()
    assert AuditEntry.objects.filter(pk=later.pk).exists()


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_admin_offers_no_add_change_or_delete_even_to_a_superuser(superuser_client, entry):
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])

    changelist = superuser_client.get(reverse("admin:audit_auditentry_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:audit_auditentry_add") not in changelist.content.decode()
    assert b"delete_selected" not in changelist.content

    assert superuser_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    post = superuser_client.post(change_url, {"actor": "someone-else", "summary": "x"})
    assert post.status_code == 403
    delete = superuser_client.post(
        reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403

    entry.refresh_from_db()
    assert entry.actor == "joost"


def test_staff_with_view_permission_can_read_an_entry_in_the_admin(client, entry):
    user = UserFactory(username="auditor", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(user)

    response = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))

    assert response.status_code == 200
    assert "requests, 12 rows" in response.content.decode()


def test_staff_without_view_permission_cannot_open_the_audit_admin(client, entry):
    client.force_login(UserFactory(username="clerk", is_staff=True))

    response = client.get(reverse("admin:audit_auditentry_changelist"))

    assert response.status_code == 403
