from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from oso_portal import views
from requests.notification_views import NotificationCallbackView

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("demo/clock/", views.DemoClockView.as_view(), name="demo_clock"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("", include("students.urls")),
    path("requests/", include("requests.urls")),
    path("signups/", include("requests.intake_urls")),
    path("audit/", include("audit.urls")),
    # The chain calls back here when a file we wait for is released (signed, no login).
    path("oso/notifications/", NotificationCallbackView.as_view(), name="oso_notifications"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
