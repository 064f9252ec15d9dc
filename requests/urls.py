from django.urls import path

from requests import views

app_name = "oso_requests"

urlpatterns = [
    path("", views.RequestOverviewView.as_view(), name="overview"),
    path("send/", views.SendRequestsView.as_view(), name="send"),
    path("rerequest/", views.RerequestRequestsView.as_view(), name="rerequest"),
    path("retry/", views.RetryRequestsView.as_view(), name="retry"),
    path("delete/", views.DeleteRequestsView.as_view(), name="delete"),
    path("export.<str:fmt>", views.ExportRequestsView.as_view(), name="export"),
    path(
        "batches/<int:batch_id>/progress/",
        views.BatchProgressView.as_view(),
        name="batch_progress",
    ),
]
