"""Demo for document 004: one active and one inactive API token for the admin user."""

from __future__ import annotations

from tessera.core.accounts.models import ApiToken, User
from tessera.core.accounts.services import api_token_create, api_token_set_active
from tessera.core.demo.builder import DemoBuilder

# Demo tokens are recreated on every run (their raw values are never stored).


def load(demo: DemoBuilder) -> None:
    admin = User.objects.get(username="admin")
    ApiToken.objects.filter(user=admin, name__startswith="Demo ").delete()
    for name, active in (("Demo integration", True), ("Demo retired integration", False)):
        token, raw = api_token_create(name=name, user=admin)
        if not active:
            api_token_set_active(token=token, active=False)
        demo.tokens.append(
            {
                "name": name,
                "token": raw,
                "username": admin.username,
                "active": active,
                "id": token.pk,
            }
        )
