"""Document 001's DTOs (input, with their exact messages) and its ticket object (output)."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tessera.core.projects.blueprints.support import SUPPORT
from tessera.core.tickets.page_relations import first_assignees
from tessera.core.triage import selectors

from .envelope import iso_ms

TICKET_STATUS = [s.key for s in SUPPORT.states]
PRIORITIES = ["low", "medium", "high"]


@extend_schema_field(OpenApiTypes.STR)
class StrictString(serializers.Field):
    """A JSON string (class-validator's ``@IsString``): numbers, booleans, lists are refused,
    surrounding whitespace is kept out of the length count and the stored value."""

    def __init__(
        self,
        *,
        name: str,
        min_length: int | None = None,
        max_length: int | None = None,
        min_message: str = "",
        max_message: str = "",
        **kwargs: Any,
    ) -> None:
        self.label_name = name
        self.min_length = min_length
        self.max_length = max_length
        self.min_message = min_message
        self.max_message = max_message
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"{name} must be a string")
        kwargs["error_messages"].setdefault("null", f"{name} must be a string")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError(f"{self.label_name} must be a string")
        if "\x00" in data:
            raise serializers.ValidationError(f"{self.label_name} must not contain null characters")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from "\ud800" in the JSON
            raise serializers.ValidationError(f"{self.label_name} must be valid Unicode text")
        value = data.strip()
        if self.min_length is not None and len(value) < self.min_length:
            raise serializers.ValidationError(self.min_message)
        if self.max_length is not None and len(value) > self.max_length:
            raise serializers.ValidationError(self.max_message)
        return value

    def to_representation(self, value: Any) -> Any:
        return value


class CreateTicketInput(serializers.Serializer):
    title = StrictString(
        name="title",
        min_length=5,
        max_length=200,
        min_message="Title must be at least 5 characters long",
        max_message="Title cannot exceed 200 characters",
    )
    description = StrictString(
        name="description",
        min_length=10,
        max_length=5000,
        min_message="Description must be at least 10 characters long",
        max_message="Description cannot exceed 5000 characters",
    )


@extend_schema_field(OpenApiTypes.STR)
class EnumString(serializers.Field):
    def __init__(self, *, choices: list[str], message: str, **kwargs: Any) -> None:
        self.choices_list = choices
        self.message = message
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.choices_list:
            raise serializers.ValidationError(self.message)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class UpdateTicketInput(serializers.Serializer):
    status = EnumString(
        choices=TICKET_STATUS,
        message="Status must be a valid ticket status",
        required=False,
        allow_null=True,
    )
    helpful_notes = StrictString(
        name="helpful_notes",
        max_length=2000,
        max_message="Helpful notes cannot exceed 2000 characters",
        required=False,
        allow_null=True,
    )


def _number(value: str) -> float | None:
    """JavaScript's ``Number(value)`` for query strings: '' is 0, junk is NaN (None)."""
    text = value.strip()
    if text == "":
        return 0.0
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


class TicketQueryInput(serializers.Serializer):
    """``TicketQueryDto``: page ≥ 1 (default 1), limit 1–100 (default 20), status, priority,
    assigned_to (a user's UUID). Values arrive as strings."""

    page = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    limit = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    status = EnumString(
        choices=TICKET_STATUS, message="Status must be a valid ticket status", required=False
    )
    priority = EnumString(
        choices=PRIORITIES, message="Priority must be low, medium, or high", required=False
    )
    assigned_to = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)

    def validate_page(self, value: str) -> int:
        number = _number(value)
        if number is None or number < 1:
            raise serializers.ValidationError("Page must be greater than 0")
        if number != int(number):
            raise serializers.ValidationError("page must be an integer number")
        return int(number)

    def validate_limit(self, value: str) -> int:
        number = _number(value)
        if number is None or number < 1:
            raise serializers.ValidationError("Limit must be greater than 0")
        if number > 100:
            raise serializers.ValidationError("Limit cannot exceed 100")
        if number != int(number):
            raise serializers.ValidationError("limit must be an integer number")
        return int(number)

    def validate_assigned_to(self, value: str) -> uuid.UUID:
        try:
            return uuid.UUID(value)
        except ValueError:
            raise serializers.ValidationError("assigned_to must be a UUID")


def query_params(request) -> dict[str, Any]:
    """The query string as the DTO sees it: the last value of each known parameter."""
    names = TicketQueryInput().fields.keys()
    data = {
        name: request.query_params.getlist(name)[-1]
        for name in names
        if name in request.query_params
    }
    form = TicketQueryInput(data=data)
    form.is_valid(raise_exception=True)
    values = {"page": 1, "limit": 20, **form.validated_data}
    return values


ASSIGNEE_FIELDS = ("public_id", "email")


def ticket_data(ticket, *, enhanced: bool = False) -> dict[str, Any]:
    """One ticket as document 001's Ticket object; its first assignee in one query
    (``first_assignees``, as a page's)."""
    assignee = first_assignees([ticket.pk], *ASSIGNEE_FIELDS).get(ticket.pk)
    return _ticket_body(selectors.ticket_row(ticket), assignee, enhanced=enhanced)


def tickets_data(rows: list[dict[str, Any]], *, enhanced: bool = False) -> list[dict[str, Any]]:
    """A page of ``selectors.TICKET_ROW`` rows; the first assignees in one query
    (``first_assignees``)."""
    assignees = first_assignees([row["id"] for row in rows], *ASSIGNEE_FIELDS)
    return [_ticket_body(row, assignees.get(row["id"]), enhanced=enhanced) for row in rows]


def _ticket_body(
    row: dict[str, Any], assignee: dict[str, Any] | None, *, enhanced: bool
) -> dict[str, Any]:
    """Document 001's Ticket object from a ``selectors.TICKET_ROW`` row; ``enhanced`` adds
    ``assignee``/``creator`` emails. ``assignee``: the first assignee's ``ASSIGNEE_FIELDS``,
    or None."""
    creator = row["created_by__public_id"]
    data: dict[str, Any] = {
        "id": str(row["public_id"]),
        "title": row["title"],
        "description": row["description"],
        "status": row["state__key"],
        "priority": SUPPORT.priority_key(row["priority"]),
        "created_by": str(creator) if creator else None,
        "assigned_to": str(assignee["public_id"]) if assignee else None,
        "summary": row["triage__summary"],
        "helpful_notes": row["triage__helpful_notes"],
        "related_skills": row["triage__related_skills"],
        "created_at": iso_ms(row["created_at"]),
        "updated_at": iso_ms(row["updated_at"]),
    }
    if enhanced:
        data["assignee"] = {"email": assignee["email"]} if assignee else None
        data["creator"] = {"email": row["created_by__email"]} if creator else None
    return data


def step_data(step) -> dict[str, Any]:
    return {
        "name": step.name,
        "status": step.status,
        "attempts": step.attempts,
        "reason": step.reason or None,
        "result": step.result or None,
        "started_at": iso_ms(step.started_at),
        "finished_at": iso_ms(step.finished_at),
        "next_attempt_at": iso_ms(step.next_attempt_at),
    }
