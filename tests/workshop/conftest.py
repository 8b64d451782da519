"""A workshop project with one member per role, and helpers that drive the API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from tessera.core.common import clock

_serials = itertools.count(1)
T0 = datetime.fromisoformat("2026-03-02T08:00:00+00:00")  # a Monday, UTC

PART_GREEN = {"name": "Screen", "color": "green", "planned_minutes": 30, "xp": 10}
PART_RED = {"name": "Battery", "color": "red", "planned_minutes": 15, "xp": 5}


@dataclass
class Shop:
    project: Any
    users: dict[str, Any]
    api: Any
    clients: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def as_(self, who: str):
        if who not in self.clients:
            self.clients[who] = self.api(self.users[who])
        return self.clients[who]

    # --- API drivers (assert success) ---
    def intake(self, serial: str | None = None, parts=None, who: str = "master", **extra) -> dict:
        body = {
            "serial_number": serial or f"SN-{next(_serials):05d}",
            "part_specs": parts if parts is not None else [PART_GREEN, PART_RED],
            "confirm_create": True,
            "create_reason": "new customer device",
            **extra,
        }
        r = self.as_(who).post("/api/v1/tickets/create/", body, format="json")
        assert r.status_code == 201, r.content
        return r.json()

    def post(self, who: str, path: str, body: dict | None = None):
        return self.as_(who).post(path, body or {}, format="json")

    def get(self, who: str, path: str, **params):
        return self.as_(who).get(path, params)

    def act(self, who: str, tid: int, action: str, body: dict | None = None, status: int = 200):
        r = self.post(who, f"/api/v1/tickets/{tid}/{action}/", body)
        assert r.status_code == status, (action, r.status_code, r.content)
        return r.json()

    def approve(self, tid: int, **body) -> dict:
        return self.act("ops", tid, "manual-metrics", body)

    def assign(self, tid: int, tech: str = "tech") -> dict:
        return self.act("ops", tid, "assign", {"technician_id": self.users[tech].pk})

    def to_in_progress(self, serial: str | None = None, tech: str = "tech", **kw) -> int:
        tid = self.intake(serial, **kw)["id"]
        self.approve(tid)
        self.assign(tid, tech)
        self.act(tech, tid, "start")
        return tid

    def to_waiting_qc(self, tech: str = "tech", **kw) -> int:
        tid = self.to_in_progress(tech=tech, **kw)
        self.act(tech, tid, "work-session/stop")
        self.act(tech, tid, "to-waiting-qc")
        return tid

    def ticket(self, tid: int, who: str = "admin") -> dict:
        r = self.get(who, f"/api/v1/tickets/{tid}/")
        assert r.status_code == 200, r.content
        return r.json()


ROLES = {
    "master": "master",
    "admin": "super_admin",
    "ops": "ops_manager",
    "tech": "technician",
    "tech2": "technician",
    "qc": "qc_inspector",
}


@pytest.fixture
def shop(make_project, member, make_user, api) -> Shop:
    project = make_project("workshop", name="Repair Shop")
    users = {name: member(project, role) for name, role in ROLES.items()}
    users["outsider"] = make_user()
    return Shop(project=project, users=users, api=api)


@pytest.fixture
def frozen():
    """``frozen(moment)`` sets the domain clock; unfrozen after the test."""

    def set_(moment: datetime) -> None:
        clock.set_frozen(moment)

    set_(T0)
    yield set_
    clock.set_frozen(None)
