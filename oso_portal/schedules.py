"""Every periodic task of OSO Portal, in one place (synced into django-celery-beat)."""
