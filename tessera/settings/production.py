"""Production settings: secrets from the environment, HTTPS, no development shortcuts."""

import os

from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")

from .base import *  # noqa: E402,F401,F403
from .base import REDIS_URL, SUPER_SECRET_KEY, env_bool, env_int  # noqa: E402

if SUPER_SECRET_KEY:
    raise ImproperlyConfigured(
        "SUPER_SECRET_KEY is a published development credential; unset it in production"
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
TESSERA_AUTH_COOKIE_SECURE = True

if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
