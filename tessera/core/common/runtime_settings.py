"""Read runtime settings with code-defined defaults; a missing row means the default."""

from __future__ import annotations

from typing import Any

from .models import RuntimeSetting

DEFAULTS: dict[str, Any] = {}


def register_default(key: str, value: Any) -> None:
    """Contexts declare their settings and defaults at import time (apps.ready)."""
    DEFAULTS.setdefault(key, value)


def get_setting(key: str) -> Any:
    row = RuntimeSetting.objects.filter(key=key).values_list("value", flat=True).first()
    if row is None:
        if key not in DEFAULTS:
            raise KeyError(f"unknown runtime setting {key!r}")
        return DEFAULTS[key]
    return row


def set_setting(key: str, value: Any) -> None:
    RuntimeSetting.objects.update_or_create(key=key, defaults={"value": value})
