"""WSGI entry for the bench: Tessera with bench/settings.py (floors, query counting)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()
