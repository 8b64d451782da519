from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StateSpec:
    key: str
    name: str
    category: str  # open | active | done | cancelled


@dataclass(frozen=True)
class TransitionSpec:
    source: str
    target: str
    permission: str = "transition_ticket"


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    state: str
    color: str = "#0052cc"


@dataclass(frozen=True)
class Blueprint:
    key: str
    roles: dict[str, frozenset[str]]
    creator_role: str
    states: tuple[StateSpec, ...]
    initial_state: str
    transitions: tuple[TransitionSpec, ...]
    columns: tuple[ColumnSpec, ...] = ()
    # priority value -> (key, display name); values sort from least to most urgent
    priorities: dict[int, tuple[str, str]] = field(default_factory=dict)
    default_priority: int = 2
    number_format: str = "{key}-{number}"
    # False: the blueprint's own service creates its tickets (with the rows it needs beside
    # the ticket, e.g. workshop intake); the generic ``ticket_create`` refuses them.
    generic_create: bool = True

    def priority_key(self, value: int) -> str:
        return self.priorities.get(value, (str(value), str(value)))[0]

    def priority_label(self, value: int) -> str:
        return self.priorities.get(value, (str(value), str(value)))[1]

    def priority_value(self, key: str) -> int | None:
        for value, (k, _label) in self.priorities.items():
            if k == key:
                return value
        return None

    def format_number(self, project_key: str, number: int) -> str:
        return self.number_format.format(key=project_key, number=number)


def all_to_all(
    states: list[str], permission: str = "transition_ticket"
) -> tuple[TransitionSpec, ...]:
    return tuple(TransitionSpec(s, t, permission) for s in states for t in states if s != t)
