"""Fuzzing calls Django's WSGI application in-process. Around each request Django closes
"old" database connections (``request_started``/``request_finished``), which would close
the test's own connection on PostgreSQL; Django's test client disconnects those handlers
the same way."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
