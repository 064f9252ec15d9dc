from django.urls import path

from students import card_views, reveal_views, signup_views, views

app_name = "students"

urlpatterns = [
    path("students/", views.StudentSearchView.as_view(), name="search"),
    path("students/move-to-group/", signup_views.MoveToGroupView.as_view(), name="move_to_group"),
    # Before the student page: "print" is not a student number.
    path("students/export.<str:fmt>", card_views.SearchCardsExportView.as_view(), name="export"),
    path("students/print/", card_views.SearchCardsPrintView.as_view(), name="print"),
    path("students/<str:student_number>/", views.StudentDetailView.as_view(), name="detail"),
    path(
        "students/<str:student_number>/signup/",
        signup_views.SignupEditView.as_view(),
        name="signup_edit",
    ),
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

# Served under the audit namespace (oso_portal/urls.py): the reveal is a students
# page's action that the audit log records; audit imports no app.
audit_actions = [
    path(
        "students/<int:pk>/reveal-bsn/",
        reveal_views.BsnRevealView.as_view(),
        name="reveal_bsn",
    ),
]
