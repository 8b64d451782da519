"""OpenAPI description of the boards surface (document 003), for drf-spectacular.

The views build their bodies as plain dicts (``*_out`` functions); the serializers here
only describe those bodies, request by request and status by status, so the one schema at
``/api/schema/`` tells a client (and the fuzzer, ``tests/fuzz/test_boards_fuzz.py``) the
truth. ``tests/conformance/test_boards_document.py`` checks the bodies against the document.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers

from tessera.core.common.ids import MAX_ID

TAG = "boards (document 003)"
TYPES = ["task", "bug", "story", "epic"]
LEVELS = ["low", "medium", "high", "critical"]
ROLES = ["superadmin", "admin", "user", "manager"]
HEALTH = ["critical", "attention", "healthy", "inactive"]


class SuperSecretKeyScheme(OpenApiAuthenticationExtension):
    target_class = "tessera.surfaces.boards.authentication.SuperSecretKeyAuthentication"
    name = "boardsSuperSecretKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Super-Secret-Key",
            "description": "Development only: honoured only when DEBUG is on and "
            "SUPER_SECRET_KEY is set; otherwise ignored (docs/surfaces/boards.md).",
        }


class LevelField(serializers.ChoiceField):
    """low, medium, high, critical (or blank): one schema for urgency and importance."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        super().__init__(LEVELS, **kwargs)


def _id(**kw: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kw)


def _dt(**kw: Any) -> serializers.DateTimeField:
    return serializers.DateTimeField(**kw)


# --- error bodies (Django REST Framework's own) ----------------------------------------------


class Detail(serializers.Serializer):
    detail = serializers.CharField()


class TokenError(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    messages = serializers.ListField(child=serializers.DictField(), required=False)


class VersionConflict(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()


FIELD_ERRORS = {
    "type": "object",
    "description": "Field errors, DRF's shape: `{field: [message, …]}` (nested for lists and "
    'objects), or `{"detail": message}` for a rule the request broke.',
    "additionalProperties": {},
}

ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(FIELD_ERRORS, description="Invalid input"),
    401: OpenApiResponse(TokenError, description="Not signed in, or the token is invalid"),
    403: OpenApiResponse(Detail, description="The role may not do this"),
    404: OpenApiResponse(Detail, description="Not found, not visible, or no such page"),
    409: OpenApiResponse(VersionConflict, description="Stale If-Match: the ticket changed"),
    415: OpenApiResponse(Detail, description="A body in a media type the endpoint does not take"),
    429: OpenApiResponse(Detail, description="Too many failed logins; try again later"),
}


# --- query and path parameters ------------------------------------------------------------------

ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description="Object id",
)
PAGE = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        description="Page number, from 1 (404 past the last page)",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 100},
        description="Items per page (default 20, at most 100)",
    ),
]


def qint(
    name: str, description: str, *, required: bool = False, minimum: int = 1, maximum: int = MAX_ID
) -> OpenApiParameter:
    """An integer query parameter; values outside ``minimum``/``maximum`` answer 400."""
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return OpenApiParameter(name, schema, required=required, description=description)


def qstr(name: str, description: str, enum: list[str] | None = None, **kw: Any) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=description, enum=enum, **kw)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='Optional: the ticket version read earlier (its ETag, e.g. `"3"`); a stale '
    "version answers 409 and changes nothing.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ticket\'s version, quoted (`"3"`); send it back as If-Match',
    response=[200, 201],
)


# --- bodies -------------------------------------------------------------------------------------


class UserBrief(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class Message(serializers.Serializer):
    message = serializers.CharField()


class Ticket(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    type = serializers.ChoiceField(TYPES)
    status = serializers.CharField(help_text="Key of the ticket's workflow state")
    priority_id = serializers.IntegerField(min_value=1, max_value=5)
    urgency = LevelField()
    importance = LevelField()
    project = serializers.IntegerField()
    project_key = serializers.CharField()
    column = serializers.IntegerField(allow_null=True)
    column_name = serializers.CharField(allow_null=True)
    company = serializers.IntegerField(allow_null=True)
    assignee_ids = serializers.ListField(child=serializers.IntegerField())
    following = serializers.BooleanField()
    comments_count = serializers.IntegerField()
    tag_names = serializers.ListField(child=serializers.CharField())
    due_date = serializers.DateField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    created_at = _dt()
    updated_at = _dt()


class Following(serializers.Serializer):
    following = serializers.BooleanField()


class Comment(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField()
    user = UserBrief(allow_null=True)
    content = serializers.CharField()
    created_at = _dt()
    updated_at = _dt()


class Uploader(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class Attachment(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField()
    file = serializers.URLField(allow_null=True)
    filename = serializers.CharField()
    uploaded_by = Uploader(allow_null=True)
    uploaded_at = _dt()


class AttachmentUpload(serializers.Serializer):
    ticket = _id()
    file = serializers.FileField()
    filename = serializers.CharField(required=False, max_length=255)


class Project(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    key = serializers.CharField()
    description = serializers.CharField()
    created_by = serializers.IntegerField(allow_null=True)
    created_at = _dt(allow_null=True)
    updated_at = _dt(allow_null=True)


class Membership(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField()
    project = serializers.IntegerField()
    role = serializers.ChoiceField(ROLES)
    assigned_at = _dt(allow_null=True)
    assigned_by = serializers.IntegerField(allow_null=True)


class Column(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    order = serializers.IntegerField()
    color = serializers.CharField()
    project = serializers.IntegerField()
    status = serializers.CharField(help_text="Key of the workflow state this column stands for")
    tickets_count = serializers.IntegerField()
    created_at = _dt(allow_null=True)
    updated_at = _dt(allow_null=True)


class ReorderDone(serializers.Serializer):
    status = serializers.CharField(help_text='Always "columns reordered"')


class Tag(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    color = serializers.CharField()
    project = serializers.IntegerField(allow_null=True)
    project_name = serializers.CharField(allow_null=True)
    tickets_count = serializers.IntegerField()
    contacts_count = serializers.IntegerField()
    created_at = _dt(allow_null=True)
    updated_at = _dt(allow_null=True)


class ContactBrief(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()


class TagContact(serializers.Serializer):
    id = serializers.IntegerField()
    tag = serializers.IntegerField()
    contact = ContactBrief()
    role = serializers.CharField()
    added_at = _dt(allow_null=True)


class Contact(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    title = serializers.CharField()
    department = serializers.CharField()
    description = serializers.CharField()
    project = serializers.IntegerField()
    created_at = _dt(allow_null=True)
    updated_at = _dt(allow_null=True)


class CompanyBrief(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CompanyListItem(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    logo_url = serializers.URLField(allow_null=True)
    logo_thumbnail_url = serializers.URLField(allow_null=True)
    primary_contact_email = serializers.CharField()
    phone = serializers.CharField()
    admin_count = serializers.IntegerField()
    user_count = serializers.IntegerField()
    ticket_count = serializers.IntegerField()
    project_count = serializers.IntegerField()
    admin_names = serializers.ListField(child=serializers.CharField())
    created_at = _dt()
    updated_at = _dt()


class CompanyDetail(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    logo = serializers.URLField(allow_null=True)
    logo_url = serializers.URLField(allow_null=True)
    logo_thumbnail = serializers.URLField(allow_null=True)
    logo_thumbnail_url = serializers.URLField(allow_null=True)
    primary_contact_email = serializers.CharField()
    phone = serializers.CharField()
    admins = UserBrief(many=True)
    admin_count = serializers.IntegerField()
    users = UserBrief(many=True)
    user_count = serializers.IntegerField()
    ticket_count = serializers.IntegerField()
    project_count = serializers.IntegerField()
    project_ids = serializers.ListField(child=serializers.IntegerField())
    created_at = _dt()
    updated_at = _dt()


class CompanyMessage(serializers.Serializer):
    message = serializers.CharField()
    company = CompanyDetail()


class CompanyUserCreated(serializers.Serializer):
    message = serializers.CharField()
    user = UserBrief()


class CompanyStats(serializers.Serializer):
    open_tickets = serializers.IntegerField()
    urgent_tickets = serializers.IntegerField()
    overdue_tickets = serializers.IntegerField()
    resolved_this_month = serializers.IntegerField()
    total_tickets = serializers.IntegerField()
    user_count = serializers.IntegerField()
    admin_count = serializers.IntegerField()
    health_status = serializers.ChoiceField(HEALTH)
    last_activity = _dt(allow_null=True)


class ProjectRole(serializers.Serializer):
    project_id = serializers.IntegerField()
    project_name = serializers.CharField()
    role = serializers.ChoiceField(ROLES)


class ManagedUser(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    is_active = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    is_superuser = serializers.BooleanField()
    date_joined = _dt(allow_null=True)
    last_login = _dt(allow_null=True)
    project_roles = ProjectRole(many=True)
    administered_companies = CompanyBrief(many=True)
    member_companies = CompanyBrief(many=True)


class UserRole(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField()
    project = serializers.IntegerField()
    role = serializers.ChoiceField(ROLES)
    assigned_at = _dt(allow_null=True)
    assigned_by = serializers.IntegerField(allow_null=True)


class RoleAssigned(serializers.Serializer):
    message = serializers.CharField()
    user_role = UserRole()
    created = serializers.BooleanField()


class ToggledActive(serializers.Serializer):
    message = serializers.CharField()
    is_active = serializers.BooleanField()


class RoleRow(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    project_name = serializers.CharField()
    project_key = serializers.CharField()
    role = serializers.ChoiceField(ROLES)
    assigned_at = _dt(allow_null=True)


class Roles(serializers.Serializer):
    roles = RoleRow(many=True)


class HealthRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    health_status = serializers.ChoiceField(HEALTH)
    open_tickets = serializers.IntegerField()
    urgent_tickets = serializers.IntegerField()
    overdue_tickets = serializers.IntegerField()


class CompanyHealth(serializers.Serializer):
    companies = HealthRow(many=True)


class Activity(serializers.Serializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField(allow_null=True)
    ticket_name = serializers.CharField(allow_null=True)
    user = UserBrief(allow_null=True)
    action = serializers.CharField()
    field = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    created_at = _dt()


class Agent(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    assigned_count = serializers.IntegerField()
    in_progress_count = serializers.IntegerField()
    resolved_today = serializers.IntegerField()


class Workload(serializers.Serializer):
    agents = Agent(many=True)


class KanbanColumn(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class KanbanSummary(serializers.Serializer):
    columns = KanbanColumn(many=True)


_PAGES: dict[str, type[serializers.Serializer]] = {}


def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """``{count, next, previous, results}`` around ``item`` (DRF's page-number pagination)."""
    name = f"{item.__name__}Page"
    if name not in _PAGES:
        body = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(min_value=0),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
                "__module__": __name__,
            },
        )
        _PAGES[name] = extend_schema_serializer(many=False, component_name=f"Boards{name}")(body)
    return _PAGES[name]


def doc(
    *,
    summary: str,
    ok: Any = None,
    status: int = 200,
    request: Any = None,
    errors: tuple[int, ...] = (400, 401, 403, 404),
    params: list[OpenApiParameter] | None = None,
    page: type[serializers.Serializer] | None = None,
    path_id: bool = False,
    description: str = "",
    extra: dict[int, Any] | None = None,
):
    """``extend_schema`` for one boards operation: its success body and every error status."""
    parameters = [ID] if path_id else []
    parameters += params or []
    responses: dict[int, Any] = {}
    if page is not None:
        parameters += PAGE
        responses[status] = page_of(page)
    else:
        responses[status] = ok
    responses.update(extra or {})
    responses.update({code: ERRORS[code] for code in errors})
    if request is not None:
        responses[415] = ERRORS[415]
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description or None,
        request=request,
        parameters=parameters,
        responses=responses,
    )


def prefix_components(namespace: dict[str, Any]) -> None:
    """Name the serializers defined in a boards module ``Boards<Name>`` in the schema, so
    they never collide with another surface's ``Ticket`` or ``TicketInput``."""
    module = namespace["__name__"]
    for value in list(namespace.values()):
        if (
            isinstance(value, type)
            and issubclass(value, serializers.Serializer)
            and value.__module__ == module
            and "_spectacular_annotation" not in value.__dict__
        ):
            name = value.__name__.removesuffix("Serializer")
            extend_schema_serializer(component_name=f"Boards{name}")(value)


prefix_components(globals())
