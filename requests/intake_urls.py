from django.urls import path

from requests import intake_views as views

app_name = "signups"

urlpatterns = [
    path("new/", views.SignupCreateView.as_view(), name="create"),
    path("import/", views.SignupUploadView.as_view(), name="upload"),
    path("import/<int:signup_import_id>/", views.SignupPreviewView.as_view(), name="preview"),
    path("imports/<int:signup_import_id>/undo/", views.SignupUndoView.as_view(), name="undo"),
]
