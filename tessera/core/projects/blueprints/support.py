"""Document 001: support desk with AI triage; statuses and the drawn workflow."""

from .base import Blueprint, ColumnSpec, StateSpec, TransitionSpec

STAFF = frozenset(
    {
        "add_ticket",
        "view_own_ticket",
        "view_all_tickets",
        "view_ticket",
        "modify_ticket",
        "delete_ticket",
        "transition_ticket",
        "assign_ticket",
        "comment_ticket",
        "comment_internal",
        "view_processing",
    }
)

SUPPORT = Blueprint(
    key="support",
    roles={
        "user": frozenset({"add_ticket", "view_own_ticket", "comment_ticket"}),
        "moderator": STAFF | {"be_assigned"},
        "admin": STAFF | {"manage_project", "manage_members"},
    },
    creator_role="admin",
    states=(
        StateSpec("todo", "To do", "open"),
        StateSpec("in_progress", "In progress", "active"),
        StateSpec("waiting_for_customer", "Waiting for customer", "active"),
        StateSpec("resolved", "Resolved", "done"),
        StateSpec("closed", "Closed", "done"),
        StateSpec("cancelled", "Cancelled", "cancelled"),
    ),
    initial_state="todo",
    transitions=(
        TransitionSpec("todo", "in_progress"),
        TransitionSpec("in_progress", "waiting_for_customer"),
        TransitionSpec("waiting_for_customer", "in_progress"),
        TransitionSpec("in_progress", "resolved"),
        TransitionSpec("resolved", "closed"),
        TransitionSpec("todo", "cancelled"),
        TransitionSpec("in_progress", "cancelled"),
        TransitionSpec("waiting_for_customer", "cancelled"),
        TransitionSpec("resolved", "cancelled"),
    ),
    columns=(
        ColumnSpec("To do", "todo"),
        ColumnSpec("In progress", "in_progress", "#ff9800"),
        ColumnSpec("Waiting for customer", "waiting_for_customer", "#9c27b0"),
        ColumnSpec("Resolved", "resolved", "#2e7d32"),
        ColumnSpec("Closed", "closed", "#6b778c"),
    ),
    priorities={2: ("low", "Low"), 3: ("medium", "Medium"), 4: ("high", "High")},
    default_priority=3,
)
