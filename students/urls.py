from django.urls import path

from students import views

app_name = "students"

urlpatterns = [
    path("students/", views.StudentSearchView.as_view(), name="search"),
    path("students/<str:student_number>/", views.StudentDetailView.as_view(), name="detail"),
    path(
        "students/<str:student_number>/corrections/<str:field>/release/",
        views.CorrectionReleaseView.as_view(),
        name="release_correction",
    ),
    path(
        "students/<str:student_number>/dossiers/<int:dossier_id>/attachments/<int:index>/",
        views.DossierAttachmentView.as_view(),
        name="dossier_attachment",
    ),
    path("signup-groups/", views.SignupGroupListView.as_view(), name="signup_groups"),
    path("dossiers/import/", views.DossierImportView.as_view(), name="dossier_import"),
]

# The audited BSN reveal: the project's URLs serve it as audit:reveal_bsn.
audit_actions = [
    path("students/<int:pk>/reveal-bsn/", views.BsnRevealView.as_view(), name="reveal_bsn"),
]
