"""Development settings: the default of manage.py and ``make run``."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

# Development prints mail on the worker's console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# `manage.py runserver` runs the task queue and the scheduler in threads of its own
# (tessera.core.common.embedded); production runs separate worker processes.
TESSERA_EMBEDDED_WORKER = env_bool("TESSERA_EMBEDDED_WORKER", True)
