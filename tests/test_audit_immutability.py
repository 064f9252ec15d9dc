"""Nobody can change or delete an audit entry: not the database, not the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.auth.views import LoginView, LogoutView
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import include, path, reverse

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from tests.factories import UserFactory

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

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is installed on PostgreSQL only"
)


@pytest.fixture
def entry():
    return audit_record(actor="joost", action=AuditAction.EXPORT_MADE, summary="requests, 12 rows")


@postgresql_only
def test_database_refuses_to_update_an_audit_entry(entry):
    refused = pytest.raises(DatabaseError, match="cannot be changed or deleted")
    with refused, transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor="someone-else")

    assert AuditEntry.objects.get(pk=entry.pk).actor == "joost"


@postgresql_only
def test_database_refuses_to_delete_an_audit_entry(entry):
    refused = pytest.raises(DatabaseError, match="cannot be changed or deleted")
    with refused, transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@postgresql_only
def test_database_refuses_a_raw_sql_update_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", [entry.pk])


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
