from django.urls import path

from students import card_views, views

app_name = "students"

urlpatterns = [
    path("students/", views.StudentSearchView.as_view(), name="search"),
    # Before the student page: "print" is not a student number.
    path("students/export.<str:fmt>", card_views.SearchCardsExportView.as_view(), name="export"),
    path("students/print/", card_views.SearchCardsPrintView.as_view(), name="print"),
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
    path(
        "signup-groups/<int:group_id>/export.<str:fmt>",
        card_views.SignupGroupCardsExportView.as_view(),
        name="signup_group_export",
    ),
    path(
        "signup-groups/<int:group_id>/print/",
        card_views.SignupGroupCardsPrintView.as_view(),
        name="signup_group_print",
    ),
    path("dossiers/import/", views.DossierImportView.as_view(), name="dossier_import"),
]

# The audited BSN reveal: the project's URLs serve it as audit:reveal_bsn.
audit_actions = [
    path("students/<int:pk>/reveal-bsn/", views.BsnRevealView.as_view(), name="reveal_bsn"),
]
