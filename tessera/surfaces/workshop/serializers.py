"""Document 000's shapes: input serializers validate, output functions render.

Output is rendered from what the selectors loaded — objects with their relations, or for
tickets completed rows (``selectors.ticket_rows_complete``) — and the derived session timers
passed in, so rendering a page runs no queries of its own.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tessera.core.accounts.selectors import full_name_of
from tessera.core.common.ids import MAX_ID
from tessera.core.projects.blueprints import get_blueprint
from tessera.core.workshop.models import FlagColor, InventoryItemState, XpKind
from tessera.core.workshop.services import MAX_MINUTES, MAX_PARTS, MAX_XP, PartInput
from tessera.core.workshop.timer import Derived


class ColorField(serializers.ChoiceField):
    """``green``/``yellow``/``red``, described inline in the schema (one name per use)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=FlagColor.values, **kwargs)


extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": FlagColor.values}],
        "description": "`green`, `yellow` or `red`",
    }
)(ColorField)

# --- input ----------------------------------------------------------------------------------

WORKSHOP_STATES = ["NEW", "ASSIGNED", "IN_PROGRESS", "WAITING_QC", "REWORK", "DONE"]


class PartSpecIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    color = ColorField()
    planned_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)
    xp = serializers.IntegerField(min_value=0, max_value=MAX_XP, required=False, default=0)


class TicketCreateIn(serializers.Serializer):
    project_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    serial_number = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    item_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    confirm_create = serializers.BooleanField(required=False, default=False)
    create_reason = serializers.CharField(required=False, allow_blank=True, default="")
    # the document's own words ("explicit confirm + reason"), accepted as synonyms
    confirm = serializers.BooleanField(required=False, help_text="Synonym of confirm_create.")
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Synonym of create_reason."
    )
    part_specs = PartSpecIn(many=True, allow_empty=False, max_length=MAX_PARTS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "confirm" in attrs:
            attrs["confirm_create"] = attrs["confirm_create"] or attrs.pop("confirm")
        if "reason" in attrs:
            attrs["create_reason"] = attrs["create_reason"] or attrs.pop("reason")
        return attrs


def parts_from(data: dict[str, Any]) -> list[PartInput]:
    return [
        PartInput(
            name=p["name"], color=p["color"], planned_minutes=p["planned_minutes"], xp=p["xp"]
        )
        for p in data["part_specs"]
    ]


class AssignIn(serializers.Serializer):
    technician_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="The technician's user id."
    )
    technician = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Synonym of technician_id."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        tech = attrs.get("technician_id", attrs.get("technician"))
        if tech is None:
            raise serializers.ValidationError({"technician_id": ["This field is required."]})
        return {"technician_id": tech}


class ManualMetricsIn(serializers.Serializer):
    flag_color = ColorField(required=False)
    xp_amount = serializers.IntegerField(min_value=0, max_value=MAX_XP, required=False)


TICKET_ORDERING_CHOICES = [
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "id",
    "-id",
    "xp_amount",
    "-xp_amount",
    "total_duration",
    "-total_duration",
]


class TicketFilterIn(serializers.Serializer):
    state = serializers.ChoiceField(choices=WORKSHOP_STATES, required=False)
    technician = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    flag_color = ColorField(required=False)
    serial = serializers.CharField(required=False, max_length=100)
    ordering = serializers.ChoiceField(choices=TICKET_ORDERING_CHOICES, required=False)


class InventoryFilterIn(serializers.Serializer):
    state = serializers.ChoiceField(choices=InventoryItemState.values, required=False)
    serial_number = serializers.CharField(required=False, max_length=100)
    search = serializers.CharField(required=False, max_length=100)
    ordering = serializers.ChoiceField(
        choices=[
            "id",
            "-id",
            "serial_number",
            "-serial_number",
            "created_at",
            "-created_at",
            "updated_at",
            "-updated_at",
        ],
        required=False,
    )


class XpFilterIn(serializers.Serializer):
    user = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    ticket = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=XpKind.values, required=False)
    ordering = serializers.ChoiceField(
        choices=["at", "-at", "created_at", "-created_at", "amount", "-amount"], required=False
    )


class LeaderboardFilterIn(serializers.Serializer):
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


# --- output ---------------------------------------------------------------------------------


def _dt(value) -> str | None:
    """DRF's ISO 8601 rendering (``…Z`` for UTC) in the site's zone, without DRF's
    per-value lookup of the active zone (no middleware activates another one)."""
    if value is None:
        return None
    text = timezone.localtime(value, timezone.get_default_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def user_out(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


def item_out(item) -> dict[str, Any]:
    out = {
        "id": item.pk,
        "serial_number": item.serial_number,
        "name": item.name,
        "state": item.state,
    }
    return out


def item_detail_out(item) -> dict[str, Any]:
    return {
        **item_out(item),
        "active_ticket_id": getattr(item, "active_ticket_id", None),
        "creation_confirmed": item.creation_confirmed,
        "creation_reason": item.creation_reason,
        "created_by": user_out(item.created_by),
        "created_at": _dt(item.created_at),
        "updated_at": _dt(item.updated_at),
        "archived_at": _dt(item.archived_at),
    }


def session_out(session, derived: Derived, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": session.pk,
        "ticket_id": session.ticket_id,
        "technician_id": session.technician_id,
        "state": derived.state,
        "started_at": _dt(session.started_at),
        "stopped_at": _dt(session.stopped_at),
        "active_seconds": derived.active_seconds,
        "auto_resume_at": _dt(derived.auto_resume_at) if derived.state == "PAUSED" else None,
        **(extra or {}),
    }


def _user_row(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """``user_out`` of the user whose columns a row holds under ``prefix``."""
    pk = row[f"{prefix}_id"]
    if pk is None:
        return None
    username = row[f"{prefix}__username"]
    return {
        "id": pk,
        "username": username,
        "full_name": full_name_of(
            username, row[f"{prefix}__first_name"], row[f"{prefix}__last_name"]
        ),
    }


def ticket_out(row: dict[str, Any]) -> dict[str, Any]:
    """A ticket from its completed row (``selectors.ticket_rows_complete``)."""
    key = row["project__key"]
    current = row["current_session"]
    return {
        "id": row["id"],
        "number": get_blueprint(row["project__template"]).format_number(key, row["number"]),
        "title": row["title"],
        "description": row["description"],
        "state": row["state__key"],
        "version": row["version"],
        "project": {"id": row["project_id"], "key": key, "name": row["project__name"]},
        "inventory_item": {
            "id": row["workshop__inventory_item_id"],
            "serial_number": row["workshop__inventory_item__serial_number"],
            "name": row["workshop__inventory_item__name"],
            "state": row["workshop__inventory_item__state"],
        },
        "part_specs": [
            {
                "id": p["id"],
                "name": p["name"],
                "color": p["color"],
                "planned_minutes": p["planned_minutes"],
                "xp": p["xp"],
            }
            for p in row["part_specs"]
        ],
        "flag_color": row["workshop__flag_color"],
        "xp_amount": row["workshop__xp_amount"],
        "total_duration": row["workshop__total_duration"],
        "technician": _user_row(row, "workshop__technician"),
        "approved_by": _user_row(row, "workshop__approved_by"),
        "approved_at": _dt(row["workshop__approved_at"]),
        "current_session": session_out(*current) if current else None,
        "created_by": _user_row(row, "created_by"),
        "created_at": _dt(row["created_at"]),
        "updated_at": _dt(row["updated_at"]),
        "done_at": _dt(row["workshop__done_at"]),
    }


def transition_out(event) -> dict[str, Any]:
    if event.action == "created":
        from_state, to_state = None, (event.data or {}).get("state")
    else:
        from_state, to_state = event.old_value, event.new_value
    return {
        "id": event.pk,
        "from_state": from_state,
        "to_state": to_state,
        "actor": user_out(event.actor),
        "created_at": _dt(event.created_at),
    }


def session_event_out(ev) -> dict[str, Any]:
    return {
        "id": ev.pk,
        "session_id": ev.session_id,
        "event": ev.kind,
        "at": _dt(ev.at),
        "actor": user_out(ev.actor),
    }


def xp_out(tx) -> dict[str, Any]:
    number = None
    if tx.ticket is not None:
        project = tx.ticket.project
        number = project.blueprint.format_number(project.key, tx.ticket.number)
    return {
        "id": tx.pk,
        "user": user_out(tx.user),
        "ticket_id": tx.ticket_id,
        "ticket_number": number,
        "kind": tx.kind,
        "source": tx.source,
        "amount": tx.amount,
        "at": _dt(tx.created_at),
    }


def leaderboard_out(row: dict[str, Any], rank: int) -> dict[str, Any]:
    full = f"{row['user__first_name']} {row['user__last_name']}".strip()
    return {
        "rank": rank,
        "user": {
            "id": row["user_id"],
            "username": row["user__username"],
            "full_name": full or row["user__username"],
        },
        "total_xp": row["total_xp"],
        "transactions": row["transactions"],
    }
