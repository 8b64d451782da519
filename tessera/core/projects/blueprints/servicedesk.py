"""Document 002: CRM service desk; any status may follow any other, reopen only when done."""

from .base import Blueprint, ColumnSpec, StateSpec, TransitionSpec

_STATES = ["new", "open", "in_progress", "pending", "resolved", "closed", "reopened"]


def _transitions() -> tuple[TransitionSpec, ...]:
    out = []
    for source in _STATES:
        for target in _STATES:
            if source == target:
                continue
            if target == "reopened" and source not in ("resolved", "closed"):
                continue
            out.append(TransitionSpec(source, target))
    return tuple(out)


AGENT = frozenset(
    {
        "add_ticket",
        "view_ticket",
        "view_all_tickets",
        "modify_ticket",
        "delete_ticket",
        "transition_ticket",
        "assign_ticket",
        "comment_ticket",
        "comment_internal",
        "be_assigned",
        "manage_customers",
    }
)

SERVICEDESK = Blueprint(
    key="servicedesk",
    roles={
        "agent": AGENT,
        "admin": AGENT | {"manage_project", "manage_members", "manage_categories"},
        "customer": frozenset({"add_ticket", "view_own_ticket", "comment_ticket"}),
    },
    creator_role="admin",
    states=(
        StateSpec("new", "New", "open"),
        StateSpec("open", "Open", "open"),
        StateSpec("in_progress", "In Progress", "active"),
        StateSpec("pending", "Pending", "active"),
        StateSpec("resolved", "Resolved", "done"),
        StateSpec("closed", "Closed", "done"),
        StateSpec("reopened", "Reopened", "open"),
    ),
    initial_state="new",
    transitions=_transitions(),
    columns=(
        ColumnSpec("New", "new"),
        ColumnSpec("Open", "open"),
        ColumnSpec("In Progress", "in_progress", "#ff9800"),
        ColumnSpec("Pending", "pending", "#9c27b0"),
        ColumnSpec("Resolved", "resolved", "#2e7d32"),
        ColumnSpec("Closed", "closed", "#6b778c"),
        ColumnSpec("Reopened", "reopened", "#c62828"),
    ),
    priorities={
        1: ("low", "Low"),
        2: ("medium", "Medium"),
        3: ("high", "High"),
        4: ("urgent", "Urgent"),
        5: ("critical", "Critical"),
    },
    default_priority=2,
    number_format="TKT-{number:06d}",
)
