"""django-helpdesk, the peer: its own virtualenv (``bench/.peer-venv``, from PyPI, never in
this repository) and a minimal Django project written to a temporary directory at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".peer-venv"
PACKAGES = ["django-helpdesk", "djangorestframework", "psycopg[binary]", "gunicorn"]


SETTINGS = """
import os
SECRET_KEY = "peer-bench-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "peerproject.querycount.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peerproject.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
              "APP_DIRS": True, "OPTIONS": {"context_processors": [
                  "django.template.context_processors.request",
                  "django.contrib.auth.context_processors.auth",
                  "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql",
    "NAME": os.environ["PEER_DB_NAME"], "USER": "postgres", "HOST": "127.0.0.1",
    "PORT": "5432", "CONN_MAX_AGE": 60}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
STATIC_URL = "/static/"
USE_TZ = True
# Basic auth on every request: a fast hasher so the peer is not measured on hashing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.BasicAuthentication",
    "rest_framework.authentication.SessionAuthentication"]}
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_KB_ENABLED = True  # False breaks helpdesk.urls (NameError in 2.6.1)
LOGIN_URL = "/login/"
# No SMTP server on the bench machine: without this every API create answers 500
# (ConnectionRefusedError in helpdesk.lib.send_templated_mail). Mail is still rendered.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("helpdesk/", include("helpdesk.urls"))]
"""

WSGI = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproject.settings")
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""

FILL = r"""
import os, random, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproject.settings")
import django
django.setup()
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

n, k = int(sys.argv[1]), int(sys.argv[2])
User = get_user_model()
if not User.objects.filter(username="bench").exists():
    User.objects.create_superuser("bench", "bench@bench.test", "bench-Password-1")
queues = [Queue.objects.get_or_create(slug=f"q{i}", defaults={"title": f"Queue {i}"})[0]
          for i in range(4)]
rng = random.Random(1)
words = ("printer VPN laptop checkout invoice battery screen login restarting network "
         "monitor update error slow crash password account billing").split()
start = timezone.now() - timedelta(days=3 * 365)
done, t0, batch = 0, time.monotonic(), 5000
while done < n:
    size = min(batch, n - done)
    tickets = Ticket.objects.bulk_create([
        Ticket(title=" ".join(rng.sample(words, 4)), queue=rng.choice(queues),
               created=start + timedelta(minutes=done + i), modified=start,
               submitter_email=f"user{rng.randint(1, 500)}@example.test",
               status=rng.choice((1, 1, 2, 3, 4)), priority=rng.randint(1, 5),
               description=" ".join(rng.choices(words, k=30)))
        for i in range(size)])
    FollowUp.objects.bulk_create([
        FollowUp(ticket=t, date=t.created, title="Comment", comment=" ".join(rng.choices(words, k=15)))
        for t in tickets for _ in range(rng.randint(0, 2 * k))])
    done += size
    rate = done / (time.monotonic() - t0)
    sys.stderr.write(f"\rpeer tickets {done}/{n} {rate:,.0f}/s ETA {int((n - done) / rate)}s ")
    sys.stderr.flush()
sys.stderr.write("\n")
"""


def python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(log) -> None:
    if (VENV / ".installed").exists():
        return
    log(f"creating {VENV} and installing {' '.join(PACKAGES)} from PyPI")
    if not python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python()), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    (VENV / ".installed").write_text("ok\n")


def write_project(root: Path, querycount_source: str) -> None:
    pkg = root / "peerproject"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(SETTINGS)
    (pkg / "urls.py").write_text(URLS)
    (pkg / "wsgi.py").write_text(WSGI)
    (pkg / "querycount.py").write_text(querycount_source)
    (root / "fill.py").write_text(FILL)
