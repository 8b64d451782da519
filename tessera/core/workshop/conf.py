"""Runtime settings of the workshop (admin-editable rows of ``common.RuntimeSetting``)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tessera.core.common.runtime_settings import get_setting, register_default

log = logging.getLogger(__name__)

PAUSE_LIMIT = "work_session.daily_pause_limit_minutes"
TIMEZONE = "work_session.timezone"
XP_STATUS_UPDATE = "xp.checker_status_update"
XP_FIRST_PASS_BONUS = "xp.first_pass_bonus"

DEFAULTS = {
    PAUSE_LIMIT: 30,
    TIMEZONE: "UTC",
    XP_STATUS_UPDATE: 5,
    XP_FIRST_PASS_BONUS: 10,
}


def register_defaults() -> None:
    for key, value in DEFAULTS.items():
        register_default(key, value)


def _int(key: str) -> int:
    value = get_setting(key)
    try:
        number = int(value)
    except (TypeError, ValueError):
        log.warning("runtime setting %s=%r is not an integer; using the default", key, value)
        return int(DEFAULTS[key])
    return max(0, number)


def pause_limit_seconds() -> int:
    return _int(PAUSE_LIMIT) * 60


def timezone() -> ZoneInfo:
    name = get_setting(TIMEZONE)
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("runtime setting %s=%r is not a time zone; using UTC", TIMEZONE, name)
        return ZoneInfo("UTC")


def xp_status_update() -> int:
    return _int(XP_STATUS_UPDATE)


def xp_first_pass_bonus() -> int:
    return _int(XP_FIRST_PASS_BONUS)
