"""Test settings: the same stack, a throwaway data dir and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("TESSERA_DATA_DIR", tempfile.mkdtemp(prefix="tessera-test-"))

from .base import *  # noqa: E402,F401,F403
from .base import DATABASES  # noqa: E402

DEBUG = False
# Argon2 stays the production hasher (tested in tests/core/test_accounts.py); tests hash fast.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Several test runs may share one PostgreSQL server: a suffix keeps their databases apart.
_suffix = os.environ.get("TESSERA_TEST_DB_SUFFIX", "")
if _suffix:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_tessera_{_suffix}"

# Tests must not depend on how full the machine's disk is (the guard itself is tested).
TESSERA_MIN_FREE_DISK_BYTES = 1024 * 1024

# WhiteNoise indexes every static file when its middleware is built (~40 ms here), and the
# test client builds the middleware for each client: in tests it looks a static URL up
# when one is requested instead (what it does under DEBUG).
WHITENOISE_AUTOREFRESH = True
