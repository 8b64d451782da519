"""Every admin list answers in a fixed number of queries: with the demo loaded (dozens of
rows per list), no list may read a related row per row (a nullable foreign key is not
followed by Django's default ``select_related``: the tags' projects and the workshop's
technicians were read one by one)."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Session, user, permissions, the page, its count, and a few per-filter lookups.
MAX_QUERIES = 12


def test_every_admin_list_runs_a_fixed_number_of_queries(make_user):
    call_command("demo", "--json", stdout=io.StringIO())
    root = make_user("admin-root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    counted: dict[str, int] = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        client.get(url)  # warm caches (content types, permissions)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counted[url] = len(ctx)
    assert {url: n for url, n in counted.items() if n > MAX_QUERIES} == {}
