"""The Celery application. Tasks live in the apps; beat schedules in oso_portal/schedules.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oso_portal.settings")

app = Celery("oso_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
