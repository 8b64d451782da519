"""WSGI entry for the bench: Tessera with bench/settings.py (floors, query counting)."""

import os

from django.core.wsgi import get_wsgi_application

# A web process cancels any query running past 30 s (docs/configuration.md).
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30s")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()
