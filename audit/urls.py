"""The audit log's pages. The project's URLs add the BSN reveal (a students view) to this
namespace: ``oso_portal.urls.audit_urls``."""

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditLogView.as_view(), name="log"),
    path("export.csv", views.AuditExportView.as_view(), name="export"),
]
