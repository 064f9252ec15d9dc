from django.urls import path

from requests import views

app_name = "oso_requests"

urlpatterns = [
    path("", views.RequestOverviewView.as_view(), name="overview"),
    path("send/", views.SendRequestsView.as_view(), name="send"),
    path("retry/", views.RetryRequestsView.as_view(), name="retry"),
    path("delete/", views.DeleteRequestsView.as_view(), name="delete"),
    path("export.<str:fmt>", views.ExportRequestsView.as_view(), name="export"),
    path(
        "batches/<int:batch_id>/progress/",
        views.BatchProgressView.as_view(),
        name="batch_progress",
    ),
]

# Request actions posted from the students pages: the project's URLs serve them
# under the students namespace, beside the pages that post them.
student_page_actions = [
    path("students/add-to-requests/", views.AddToRequestsView.as_view(), name="add_to_requests"),
    path(
        "signup-groups/<int:group_id>/rerequest/",
        views.SignupGroupRerequestView.as_view(),
        name="signup_group_rerequest",
    ),
]
