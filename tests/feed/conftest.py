"""Fixtures of the feed tests: API tokens and a client that sends one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tessera.core.accounts.services import api_token_create


@pytest.fixture
def make_token(make_user):
    """``make_token(user=None, **kwargs)`` → ``(ApiToken, raw value)``."""

    def make(user=None, *, name: str = "Integration", **kwargs):
        return api_token_create(name=name, user=user or make_user(), **kwargs)

    return make


@pytest.fixture
def feed():
    """``feed(raw)`` → an APIClient sending ``raw`` as ``Authorization: Bearer``."""

    def make(raw: str | None = None) -> APIClient:
        client = APIClient()
        if raw is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make
