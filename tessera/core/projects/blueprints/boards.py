"""Document 003: IT-services project tracker with per-project roles and kanban columns."""

from .base import Blueprint, ColumnSpec, StateSpec, all_to_all

_STATES = ["new", "in_progress", "review", "done"]

BOARDS = Blueprint(
    key="boards",
    roles={
        "superadmin": frozenset(
            {
                "view_ticket",
                "view_all_tickets",
                "add_ticket",
                "modify_ticket",
                "modify_own_ticket",
                "delete_ticket",
                "delete_own_ticket",
                "assign_ticket",
                "comment_ticket",
                "transition_ticket",
                "manage_project",
                "manage_members",
                "manage_columns",
                "manage_tags",
                "manage_companies",
                "view_reports",
                "be_assigned",
            }
        ),
        "admin": frozenset(
            {
                "view_ticket",
                "view_all_tickets",
                "add_ticket",
                "modify_own_ticket",
                "delete_own_ticket",
                "assign_ticket",
                "comment_ticket",
                "transition_ticket",
                "view_reports",
                "be_assigned",
            }
        ),
        "user": frozenset(
            {
                "view_own_ticket",
                "view_company_tickets",
                "add_ticket",
                "modify_own_ticket",
                "delete_own_ticket",
                "comment_ticket",
                "transition_ticket",
            }
        ),
        "manager": frozenset({"view_ticket", "view_all_tickets", "comment_ticket", "view_reports"}),
    },
    creator_role="superadmin",
    states=(
        StateSpec("new", "New", "open"),
        StateSpec("in_progress", "In Progress", "active"),
        StateSpec("review", "Review", "active"),
        StateSpec("done", "Done", "done"),
    ),
    initial_state="new",
    transitions=all_to_all(_STATES),
    columns=(
        ColumnSpec("New", "new", "#0052cc"),
        ColumnSpec("In Progress", "in_progress", "#ff9800"),
        ColumnSpec("Review", "review", "#9c27b0"),
        ColumnSpec("Done", "done", "#2e7d32"),
    ),
    priorities={
        1: ("lowest", "Lowest"),
        2: ("low", "Low"),
        3: ("medium", "Medium"),
        4: ("high", "High"),
        5: ("highest", "Highest"),
    },
    default_priority=3,
)
