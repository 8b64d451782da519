"""Document 002's shapes. Input serializers validate and translate names (priority names,
category slugs, comma-separated tags); output serializers read prefetched relations only."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tessera.core.accounts.models import User
from tessera.core.accounts.selectors import full_name_of
from tessera.core.audit.models import Event
from tessera.core.common import clock
from tessera.core.common.ids import MAX_ID
from tessera.core.crm.models import Customer
from tessera.core.projects.blueprints import get_blueprint
from tessera.core.servicedesk import selectors as sd
from tessera.core.tickets.models import Attachment, Comment, Ticket

PRIORITY_CHOICES = list(sd.PRIORITIES.values())
PRIORITY_VALUES = {name: value for value, name in sd.PRIORITIES.items()}


def _user_name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField()

    def to_representation(self, user: dict[str, Any]) -> dict[str, Any]:
        """A user as ``sd.ASSIGNEE_COLUMNS`` (``ticket_detail_row``'s assignee and creator)."""
        return {
            "id": user["id"],
            "username": user["username"],
            "email": user["email"],
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "full_name": full_name_of(user["username"], user["first_name"], user["last_name"]),
        }


class CustomerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200)

    class Meta:
        model = Customer
        fields = ["id", "name", "email", "phone", "company", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    project = serializers.IntegerField(source="project_id", allow_null=True)
    auto_assign = serializers.BooleanField()


# ---- comments, attachments, history ----------------------------------------------------

_DATETIME = serializers.DateTimeField()
_ZERO = timedelta(0)
_HOURS = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)


def _datetime(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """DRF's ISO 8601 output (``…Z`` in UTC), without its per-call field machinery when
    the value is already in the current time zone (``zone``: that zone, when the caller
    has looked it up once for many values)."""
    if value is None:
        return None
    if zone is None:
        zone = timezone.get_current_timezone()
    if value.utcoffset() != _ZERO or zone.utcoffset(value) != _ZERO:
        return _DATETIME.to_representation(value)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _page_zone(context: dict[str, Any]) -> tzinfo:
    """The current time zone for ``_datetime``, looked up once per serializer context: the
    rows of a page (and a detail's comments, attachments and history) share it."""
    zone = context.get("zone")
    if zone is None:
        zone = context["zone"] = timezone.get_current_timezone()
    return zone


def _decimal(value: Decimal | None) -> Decimal | None:
    return _HOURS.to_representation(value) if value is not None else None


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_name = serializers.CharField(read_only=True, allow_null=True)
    content = serializers.CharField(source="body", read_only=True)
    is_internal = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, obj: Comment | dict[str, Any]) -> dict[str, Any]:
        """The declared fields from a row of ``sd.COMMENT_COLUMNS`` (or a comment)."""
        row = obj if isinstance(obj, dict) else sd.comment_row(obj)
        zone = _page_zone(self.context)
        return {
            "id": row["id"],
            "ticket": row["ticket_id"],
            "author": row["author_id"],
            "author_name": full_name_of(
                row["author__username"], row["author__first_name"], row["author__last_name"]
            ),
            "content": row["body"],
            "is_internal": row["is_internal"],
            "created_at": _datetime(row["created_at"], zone),
            "updated_at": _datetime(row["updated_at"], zone),
        }


class CommentInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=20000, trim_whitespace=False)
    is_internal = serializers.BooleanField(default=False)


class CommentCreateSerializer(CommentInputSerializer):
    ticket = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    file = serializers.CharField(read_only=True)
    filename = serializers.CharField(read_only=True)
    file_size = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", read_only=True, allow_null=True)
    uploaded_by_name = serializers.CharField(read_only=True, allow_null=True)
    uploaded_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, obj: Attachment | dict[str, Any]) -> dict[str, Any]:
        """The declared fields from a row of ``sd.ATTACHMENT_COLUMNS`` (or an attachment)."""
        row = obj if isinstance(obj, dict) else sd.attachment_row(obj)
        return {
            "id": row["id"],
            "ticket": row["ticket_id"],
            "file": self._file_url(row["id"]),
            "filename": row["filename"],
            "file_size": row["file_size"],
            "content_type": row["content_type"],
            "description": row["description"],
            "uploaded_by": row["uploaded_by_id"],
            "uploaded_by_name": full_name_of(
                row["uploaded_by__username"],
                row["uploaded_by__first_name"],
                row["uploaded_by__last_name"],
            ),
            "uploaded_at": _datetime(row["uploaded_at"], _page_zone(self.context)),
        }

    def _file_url(self, pk: int) -> str:
        url = reverse("servicedesk-attachment-download", kwargs={"pk": pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class AttachmentCreateSerializer(AttachmentInputSerializer):
    ticket = serializers.IntegerField(min_value=1, max_value=MAX_ID)


HISTORY_FIELD_NAMES = {"title": "subject"}


def _history_value(field: str, value: str) -> str:
    """Core values in this document's vocabulary: priorities by name."""
    if field == "priority" and value.isdigit():
        return sd.PRIORITIES.get(int(value), value)
    return value


class HistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    ticket_number = serializers.CharField(source="ticket_ref")
    user = serializers.IntegerField(source="actor_id", allow_null=True)
    user_name = serializers.CharField(read_only=True, allow_null=True)
    action = serializers.CharField()
    field_name = serializers.CharField(read_only=True)
    old_value = serializers.CharField(read_only=True)
    new_value = serializers.CharField(read_only=True)
    timestamp = serializers.DateTimeField(source="created_at")

    def to_representation(self, obj: Event | dict[str, Any]) -> dict[str, Any]:
        """The declared fields from a row of ``sd.EVENT_COLUMNS`` (or an event)."""
        row = obj if isinstance(obj, dict) else sd.event_row(obj)
        field = row["field"]
        return {
            "id": row["id"],
            "ticket": row["ticket_id"],
            "ticket_number": row["ticket_ref"],
            "user": row["actor_id"],
            "user_name": full_name_of(
                row["actor__username"], row["actor__first_name"], row["actor__last_name"]
            ),
            "action": row["action"],
            "field_name": HISTORY_FIELD_NAMES.get(field, field),
            "old_value": _history_value(field, row["old_value"]),
            "new_value": _history_value(field, row["new_value"]),
            "timestamp": _datetime(row["created_at"], _page_zone(self.context)),
        }


# ---- tickets ---------------------------------------------------------------------------


def _names(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "username": user["username"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
    }


class TicketSerializer(serializers.Serializer):
    """One ticket as lists show it; every value comes from the prefetched page."""

    id = serializers.IntegerField()
    ticket_number = serializers.CharField(source="display_number")
    subject = serializers.CharField(source="title")
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=sd.STATUSES, source="state.key")
    status_display = serializers.CharField(source="state.name")
    priority = serializers.SerializerMethodField()
    priority_display = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    category_name = serializers.SerializerMethodField()
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    customer_name = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()
    assigned_to_name = serializers.SerializerMethodField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_by_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateTimeField(allow_null=True)
    estimated_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    actual_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    tags = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    response_time_hours = serializers.SerializerMethodField()
    resolution_time_hours = serializers.SerializerMethodField()
    project = serializers.IntegerField(source="project_id")

    def to_representation(self, obj: Ticket | dict[str, Any]) -> dict[str, Any]:
        """The declared fields above, built in one pass from a row (``sd.ticket_rows_qs``
        completed by ``sd.ticket_rows_complete``, or ``sd.ticket_row(ticket)``): a page runs
        no DRF field machinery and no model code per value. The declarations stay the schema
        and the contract; ``tests/servicedesk/test_lists.py`` pins that both agree."""
        row = obj if isinstance(obj, dict) else sd.ticket_row(obj)
        if not isinstance(obj, dict):
            obj._sd_metrics = metrics = sd.row_metrics(row, clock.now())
        else:
            metrics = sd.row_metrics(row, self.context.get("now") or clock.now())
        blueprint = get_blueprint(row["project__template"])
        zone = _page_zone(self.context)
        assignee = row["assignee"]
        priority = row["priority"]
        return {
            "id": row["id"],
            "ticket_number": blueprint.format_number(row["project__key"], row["number"]),
            "subject": row["title"],
            "description": row["description"],
            "status": row["state__key"],
            "status_display": row["state__name"],
            "priority": sd.PRIORITIES.get(priority, str(priority)),
            "priority_display": blueprint.priority_label(priority),
            "category": row["category__slug"],
            "category_name": row["category__name"],
            "customer": row["customer_id"],
            "customer_name": row["customer__name"],
            "assigned_to": assignee["id"] if assignee else None,
            "assigned_to_name": full_name_of(**_names(assignee)) if assignee else None,
            "created_by": row["created_by_id"],
            "created_by_name": full_name_of(
                row["created_by__username"],
                row["created_by__first_name"] or "",
                row["created_by__last_name"] or "",
            ),
            "created_at": _datetime(row["created_at"], zone),
            "updated_at": _datetime(row["updated_at"], zone),
            "resolved_at": _datetime(row["resolved_at"], zone),
            "closed_at": _datetime(row["closed_at"], zone),
            "first_response_at": _datetime(row["first_response_at"], zone),
            "due_date": _datetime(row["due_date"], zone),
            "estimated_hours": _decimal(row["estimated_hours"]),
            "actual_hours": _decimal(row["actual_hours"]),
            "tags": ", ".join(row["tag_names"]),
            "is_overdue": metrics["is_overdue"],
            "response_time_hours": metrics["response_time_hours"],
            "resolution_time_hours": metrics["resolution_time_hours"],
            "project": row["project_id"],
        }

    def _metrics(self, obj: Ticket) -> dict[str, Any]:
        cached = getattr(obj, "_sd_metrics", None)
        if cached is None:
            cached = obj._sd_metrics = sd.ticket_metrics(obj)
        return cached

    @extend_schema_field(serializers.ChoiceField(choices=PRIORITY_CHOICES))
    def get_priority(self, obj: Ticket) -> str:
        return sd.PRIORITIES.get(obj.priority, str(obj.priority))

    def get_priority_display(self, obj: Ticket) -> str:
        return obj.project.blueprint.priority_label(obj.priority)

    def get_category(self, obj: Ticket) -> str | None:
        return obj.category.slug if obj.category else None

    def get_category_name(self, obj: Ticket) -> str | None:
        return obj.category.name if obj.category else None

    def get_customer_name(self, obj: Ticket) -> str | None:
        return obj.customer.name if obj.customer else None

    def get_assigned_to(self, obj: Ticket) -> int | None:
        user = sd.assigned_user(obj)
        return user.pk if user else None

    def get_assigned_to_name(self, obj: Ticket) -> str | None:
        return _user_name(sd.assigned_user(obj))

    def get_created_by_name(self, obj: Ticket) -> str | None:
        return _user_name(obj.created_by)

    def get_tags(self, obj: Ticket) -> str:
        return sd.tags_text(obj)

    def get_is_overdue(self, obj: Ticket) -> bool:
        return self._metrics(obj)["is_overdue"]

    def get_response_time_hours(self, obj: Ticket) -> float | None:
        return self._metrics(obj)["response_time_hours"]

    def get_resolution_time_hours(self, obj: Ticket) -> float | None:
        return self._metrics(obj)["resolution_time_hours"]


class MetricsSerializer(serializers.Serializer):
    response_time_hours = serializers.FloatField(allow_null=True)
    resolution_time_hours = serializers.FloatField(allow_null=True)
    is_overdue = serializers.BooleanField()


class TicketDetailSerializer(TicketSerializer):
    """The detail adds the related customer and users, comments, attachments, history and
    the metrics block."""

    # Renders ``sd.ticket_detail_row``; the declarations below are the schema.

    customer_details = CustomerSerializer(allow_null=True, read_only=True)
    assigned_to_details = UserBriefSerializer(allow_null=True, read_only=True)
    created_by_details = UserBriefSerializer(allow_null=True, read_only=True)
    comments = CommentSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    history = HistorySerializer(many=True, read_only=True)
    metrics = MetricsSerializer(read_only=True)

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        data = super().to_representation(row)
        customer = row["customer"]
        assignee = row["assignee"]
        creator = row["created_by"]
        brief = UserBriefSerializer()
        comment = CommentSerializer()
        attachment = AttachmentSerializer(context=self.context)
        history = HistorySerializer()
        data["customer_details"] = (
            {
                **customer,
                "created_at": _datetime(customer["created_at"]),
                "updated_at": _datetime(customer["updated_at"]),
            }
            if customer
            else None
        )
        data["assigned_to_details"] = brief.to_representation(assignee) if assignee else None
        data["created_by_details"] = brief.to_representation(creator) if creator else None
        data["comments"] = [comment.to_representation(c) for c in row["comments"]]
        data["attachments"] = [attachment.to_representation(a) for a in row["attachments"]]
        data["history"] = [history.to_representation(e) for e in row["history"]]
        data["metrics"] = {
            "response_time_hours": data["response_time_hours"],
            "resolution_time_hours": data["resolution_time_hours"],
            "is_overdue": data["is_overdue"],
        }
        return data


class TicketInputSerializer(serializers.Serializer):
    """Create, PUT and PATCH. ``subject`` is required on create and PUT."""

    subject = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    status = serializers.ChoiceField(choices=sd.STATUSES, required=False)
    priority = serializers.ChoiceField(choices=PRIORITY_CHOICES, required=False)
    category = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=60
    )
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    due_date = serializers.DateTimeField(required=False, allow_null=True)
    estimated_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    actual_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    tags = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    project = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class TicketUpdateSerializer(TicketInputSerializer):
    """PUT and PATCH: the document shows one body for both; every field is optional and
    the fields sent are the ones changed."""

    subject = serializers.CharField(max_length=255, required=False)


def _counts(keys: list[str], description: str) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text=f"{description}: {', '.join(keys)}"
    )


class StatisticsSerializer(serializers.Serializer):
    total_tickets = serializers.IntegerField(min_value=0)
    by_status = _counts(sd.STATUSES, "Every status")
    by_priority = _counts(PRIORITY_CHOICES, "Every priority")
    by_category = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        help_text="Every active category visible to the caller, by slug (plus "
        "`uncategorized` when tickets have none)",
    )
    overdue_count = serializers.IntegerField(min_value=0)
    unassigned_count = serializers.IntegerField(min_value=0)
    my_tickets_count = serializers.IntegerField(min_value=0)
    avg_resolution_time_hours = serializers.FloatField(allow_null=True)


class BulkResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(min_value=0)
    results = TicketSerializer(many=True)


class AssignSerializer(serializers.Serializer):
    user_id = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True
    )


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=sd.STATUSES)


class BulkSerializer(serializers.Serializer):
    ticket_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    status = serializers.ChoiceField(choices=sd.STATUSES, required=False)
    priority = serializers.ChoiceField(choices=PRIORITY_CHOICES, required=False)
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
