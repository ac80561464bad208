"""WSGI entry point for gunicorn: `gunicorn hrsystem.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hrsystem.settings")
application = get_wsgi_application()
