"""Document 000: repair-shop intake, technicians, work sessions and QC."""

from .base import Blueprint, ColumnSpec, StateSpec, TransitionSpec

READ = {"view_ticket", "view_all_tickets"}

WORKSHOP = Blueprint(
    generic_create=False,  # intake only: every workshop ticket has its metrics row
    key="workshop",
    roles={
        "master": frozenset(READ | {"add_ticket", "comment_ticket"}),
        "super_admin": frozenset(
            READ
            | {
                "add_ticket",
                "assign_ticket",
                "review_ticket",
                "run_work_session",
                "run_any_work_session",
                "sign_off_qc",
                "comment_ticket",
                "transition_ticket",
                "manage_project",
                "manage_inventory",
            }
        ),
        "ops_manager": frozenset(
            READ | {"assign_ticket", "review_ticket", "comment_ticket", "manage_inventory"}
        ),
        "technician": frozenset(READ | {"run_work_session", "comment_ticket", "be_assigned"}),
        "qc_inspector": frozenset(READ | {"sign_off_qc", "comment_ticket"}),
    },
    creator_role="super_admin",
    states=(
        StateSpec("NEW", "New (awaiting review)", "open"),
        StateSpec("ASSIGNED", "Assigned", "open"),
        StateSpec("IN_PROGRESS", "In progress", "active"),
        StateSpec("WAITING_QC", "Waiting for QC", "active"),
        StateSpec("REWORK", "Rework", "active"),
        StateSpec("DONE", "Done", "done"),
    ),
    initial_state="NEW",
    # Every move of a workshop ticket has side effects (work sessions, QC, XP, inventory)
    # that only the workshop services perform; they fire these transitions themselves.
    # "workshop_flow" is held by no role, so the generic ticket page and the kanban board
    # cannot move a workshop ticket around those rules.
    transitions=(
        TransitionSpec("NEW", "ASSIGNED", "workshop_flow"),
        TransitionSpec("ASSIGNED", "ASSIGNED", "workshop_flow"),
        TransitionSpec("ASSIGNED", "IN_PROGRESS", "workshop_flow"),
        TransitionSpec("REWORK", "IN_PROGRESS", "workshop_flow"),
        TransitionSpec("IN_PROGRESS", "WAITING_QC", "workshop_flow"),
        TransitionSpec("WAITING_QC", "DONE", "workshop_flow"),
        TransitionSpec("WAITING_QC", "REWORK", "workshop_flow"),
    ),
    columns=(
        ColumnSpec("Intake", "NEW", "#6b778c"),
        ColumnSpec("Assigned", "ASSIGNED", "#0052cc"),
        ColumnSpec("In progress", "IN_PROGRESS", "#ff9800"),
        ColumnSpec("Waiting QC", "WAITING_QC", "#9c27b0"),
        ColumnSpec("Rework", "REWORK", "#e53935"),
        ColumnSpec("Done", "DONE", "#2e7d32"),
    ),
    priorities={1: ("low", "Low"), 2: ("medium", "Medium"), 3: ("high", "High")},
    default_priority=2,
)
