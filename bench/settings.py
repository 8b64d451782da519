"""Tessera as deployed, plus the bench's floor views and (when asked) query counting."""

import os

from tessera.settings.base import *  # noqa: F401,F403
from tessera.settings.base import MIDDLEWARE

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["*"]
if os.environ.get("BENCH_COUNT_QUERIES") == "1":
    MIDDLEWARE = ["bench.querycount.QueryCountMiddleware", *MIDDLEWARE]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Mail goes through the task queue (no worker runs during the bench); never try SMTP.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
