"""Celery application; tasks run eagerly in-process when no REDIS_URL is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrsystem.settings")

app = Celery("hrsystem")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
