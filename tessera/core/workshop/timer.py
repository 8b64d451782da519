"""Pure time arithmetic of work sessions: no queries, no clock — callers pass ``now``.

A session is a list of events (start, pause, resume, auto_resume, stop). Its running
intervals give the active seconds; its pause intervals spend the technician's daily pause
budget. A paused session whose technician's budget for the local day runs out is resumed
at that exact moment ("auto-resume"); ``derive`` applies this when reading, so the answer
is right even before the periodic task has written the ``auto_resume`` event.

Days are local days in the configured time zone: the budget resets at local midnight, and a
day may last 23 or 25 hours across a DST change (intervals are measured in real seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RUNNING, PAUSED, STOPPED = "RUNNING", "PAUSED", "STOPPED"
_TO_STATE = {
    "start": RUNNING,
    "resume": RUNNING,
    "auto_resume": RUNNING,
    "pause": PAUSED,
    "stop": STOPPED,
}
# An auto-resume is searched for at most this many local days after the pause began (a
# budget of a whole day or more never runs out within one day).
_MAX_DAYS = 3


@dataclass(frozen=True)
class Ev:
    kind: str
    at: datetime


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime | None  # None: still open

    def overlap(self, lo: datetime, hi: datetime, now: datetime) -> float:
        end = self.end if self.end is not None else now
        a, b = max(self.start, lo), min(end, hi)
        return max(0.0, (b - a).total_seconds())


@dataclass(frozen=True)
class Derived:
    state: str
    active_seconds: int
    auto_resume_at: datetime | None  # when a paused session will be / was auto-resumed
    pending_auto_resume: datetime | None  # a due auto-resume not yet written as an event


def local_day_bounds(moment: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the local day containing ``moment``, as aware datetimes."""
    day: date = moment.astimezone(tz).date()
    return _midnight(day, tz), _midnight(day + timedelta(days=1), tz)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    # A zone that skips midnight (DST at 00:00) gives the first instant that exists.
    local = datetime.combine(day, time(0), tzinfo=tz)
    back = local.astimezone(ZoneInfo("UTC")).astimezone(tz)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return back
    return local


def pause_intervals(events: Sequence[Ev]) -> list[Interval]:
    """Pause intervals of one session: a pause ends at the next resume/auto_resume/stop."""
    out: list[Interval] = []
    opened: datetime | None = None
    for ev in events:
        if ev.kind == "pause" and opened is None:
            opened = ev.at
        elif ev.kind in ("resume", "auto_resume", "stop") and opened is not None:
            out.append(Interval(opened, ev.at))
            opened = None
    if opened is not None:
        out.append(Interval(opened, None))
    return out


def running_seconds(events: Sequence[Ev], now: datetime) -> float:
    total = 0.0
    since: datetime | None = None
    for ev in events:
        state = _TO_STATE.get(ev.kind)
        if state == RUNNING and since is None:
            since = ev.at
        elif state in (PAUSED, STOPPED) and since is not None:
            total += max(0.0, (ev.at - since).total_seconds())
            since = None
    if since is not None:
        total += max(0.0, (now - since).total_seconds())
    return total


def used_in_day(closed: Iterable[Interval], moment: datetime, tz: ZoneInfo, now: datetime) -> float:
    lo, hi = local_day_bounds(moment, tz)
    return sum(i.overlap(lo, hi, now) for i in closed)


def auto_resume_moment(
    pause_start: datetime, closed: Sequence[Interval], limit_seconds: float, tz: ZoneInfo
) -> datetime | None:
    """The first instant at which the pause begun at ``pause_start`` exhausts the budget of
    the local day it is in, given the technician's other (closed) pauses."""
    t = pause_start
    for _ in range(_MAX_DAYS):
        lo, hi = local_day_bounds(t, tz)
        used = sum(i.overlap(lo, hi, hi) for i in closed)
        remaining = limit_seconds - used
        candidate = t + timedelta(seconds=max(0.0, remaining))
        if candidate < hi:
            return candidate
        t = hi
    return None


def derive(
    events: Sequence[Ev],
    *,
    other_pauses: Sequence[Interval],
    limit_seconds: float,
    tz: ZoneInfo,
    now: datetime,
) -> Derived:
    """State and active seconds of one session at ``now``, applying a due auto-resume.

    ``other_pauses`` are the technician's pause intervals in other sessions (closed ones
    count towards the budget)."""
    events = list(events)
    if not events:
        return Derived(STOPPED, 0, None, None)
    state = _TO_STATE.get(events[-1].kind, STOPPED)
    auto_at = None
    pending = None
    if state == PAUSED:
        own = pause_intervals(events)
        closed = [i for i in own if i.end is not None] + [
            i for i in other_pauses if i.end is not None
        ]
        auto_at = auto_resume_moment(events[-1].at, closed, limit_seconds, tz)
        if auto_at is not None and auto_at <= now:
            events.append(Ev("auto_resume", auto_at))
            state = RUNNING
            pending = auto_at
    return Derived(state, int(running_seconds(events, now)), auto_at, pending)


def budget_remaining(
    pauses: Sequence[Interval], *, limit_seconds: float, tz: ZoneInfo, now: datetime
) -> float:
    """Seconds of pause left for the local day of ``now``."""
    return limit_seconds - used_in_day(pauses, now, tz, now)
