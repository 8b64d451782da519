"""The platform's own demo: the Django superuser used by the admin and the feed tokens."""

from __future__ import annotations

from .builder import DemoBuilder


def load(demo: DemoBuilder) -> None:
    demo.user(
        "admin",
        surface="admin",
        role="superuser",
        first_name="Ada",
        last_name="Admin",
        is_superuser=True,
    )
