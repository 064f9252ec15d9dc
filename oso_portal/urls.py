from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

import audit.urls
import students.urls
from oso_portal import views
from requests.notification_views import NotificationCallbackView
from requests.student_actions import student_page_actions

# Two namespaces hold views of another app, so that no app imports one above it:
# students also serves the request actions its pages post (views of the requests
# app), and audit the BSN reveal (a view of the students app that audit records).
# The actions first: "students/add-to-requests/" would else match a student number.
students_urls = ([*student_page_actions, *students.urls.urlpatterns], students.urls.app_name)
audit_urls = ([*audit.urls.urlpatterns, *students.urls.audit_actions], audit.urls.app_name)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("demo/clock/", views.DemoClockView.as_view(), name="demo_clock"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("", include(students_urls)),
    path("requests/", include("requests.urls")),
    path("signups/", include("requests.intake_urls")),
    path("audit/", include(audit_urls)),
    # The chain calls back here when a file we wait for is released (signed, no login).
    path("oso/notifications/", NotificationCallbackView.as_view(), name="oso_notifications"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
