import os

from django.core.wsgi import get_wsgi_application

# A web process cancels any query running past 30 s (docs/configuration.md).
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30s")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings.local")
application = get_wsgi_application()
