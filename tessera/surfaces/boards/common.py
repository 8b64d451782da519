"""Helpers shared by the boards views: auth, pagination, strict query parsing, lookups."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tessera.core.accounts.authentication import JWTAuthentication
from tessera.core.common.errors import Forbidden, TesseraError
from tessera.core.common.ids import MAX_ID
from tessera.core.common.pagination import StandardPagination
from tessera.core.projects import permissions
from tessera.core.projects.models import Project
from tessera.core.projects.selectors import access_project, projects_visible_to
from tessera.surfaces import drf
from tessera.surfaces.boards.authentication import SuperSecretKeyAuthentication
from tessera.surfaces.drf import as_drf_exception

TEMPLATE = "boards"


def IdField(**kwargs) -> serializers.IntegerField:  # noqa: N802 (a field factory)
    """A positive database id in a request body."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class BoardsView:
    """Mixin for every boards view: JWT (or the dev-only header), signed-in users."""

    authentication_classes = [SuperSecretKeyAuthentication, JWTAuthentication]
    permission_classes = [IsAuthenticated]
    # Lists paginate explicitly (``paginate`` below); boards/schema.py states each page shape.
    pagination_class = None


def core_call(fn, *args, **kwargs):
    """Run a core call, turning core errors into DRF's."""
    try:
        return fn(*args, **kwargs)
    except TesseraError as exc:
        raise as_drf_exception(exc)


def paginate(view, request: Request, qs, serialize, *, count=None) -> Response:
    """A page of ``qs``; ``count`` (optional) says how to count all its rows. A query
    string the database cannot compare with (a NUL in ``search``) is a 400."""
    drf.refuse_unstorable_params(request)
    paginator = StandardPagination()
    page = paginator.paginate_queryset(qs, request, view=view, count=count)
    return paginator.get_paginated_response(serialize(page))


def paginate_limit(view, request: Request, qs, serialize, default: int, *, count=None) -> Response:
    """Dashboards take ``limit`` as the page size (default per endpoint, at most 100);
    ``count`` (optional) says how to count all the rows, as for ``paginate``."""
    drf.refuse_unstorable_params(request)
    limit = query_int(request, "limit", minimum=1, maximum=100)
    paginator = StandardPagination()
    paginator.page_size = limit or default
    page = paginator.paginate_queryset(qs, request, view=view, count=count)
    return paginator.get_paginated_response(serialize(page))


def query_int(
    request: Request, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    return to_int(raw, name, minimum=minimum, maximum=maximum)


def to_int(raw, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        raise ValidationError({name: ["A valid integer is required."]})
    maximum = MAX_ID if maximum is None else maximum
    if minimum is not None and value < minimum:
        raise ValidationError({name: [f"Ensure this value is greater than or equal to {minimum}."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Ensure this value is less than or equal to {maximum}."]})
    return value


def path_id(raw) -> int:
    """An id from the path; anything that is not one is DRF's 404 (never a 400 or 500)."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        raise NotFound("Not found.")
    if not 1 <= value <= MAX_ID:
        raise NotFound("Not found.")
    return value


def if_match_version(request: Request) -> int | None:
    """The shared ``If-Match`` parse (``tessera.surfaces.drf``); a malformed header is this
    surface's 400 field error ``{"If-Match": [...]}``."""
    try:
        return drf.if_match_version(request)
    except drf.InvalidIfMatch:
        raise ValidationError({"If-Match": ['Send the ticket\'s version, e.g. "3".']})


def query_ints(request: Request, name: str) -> list[int]:
    return [to_int(v, name, minimum=1) for v in request.query_params.getlist(name) if v != ""]


def ordering(
    request: Request, allowed: dict[str, str | tuple[str, ...]], default: list[str]
) -> list[str]:
    """``?ordering=`` restricted to the listed public names; anything else is a 400.

    A name maps to a field (ties broken by id, in the same direction) or to the whole
    ascending order as a tuple, reversed term by term for ``-name``: the order an index
    of the table gives both ways."""
    raw = request.query_params.get("ordering")
    if not raw:
        return default
    desc = raw.startswith("-")
    name = raw[1:] if desc else raw
    if name not in allowed:
        options = ", ".join(sorted(allowed))
        raise ValidationError(
            {"ordering": [f"Invalid ordering '{raw}'. Options: {options} (prefix - to reverse)."]}
        )
    field = allowed[name]
    terms = field if isinstance(field, tuple) else (field, "id")
    if not desc:
        return list(terms)
    return [term[1:] if term.startswith("-") else f"-{term}" for term in terms]


def project_param(request: Request, *, required: bool = False) -> Project | None:
    """``?project=`` as a boards project the actor belongs to (404 otherwise)."""
    pid = query_int(request, "project", minimum=1)
    if pid is None:
        if required:
            raise ValidationError({"project": ["This field is required."]})
        return None
    return core_call(access_project, actor=request.user, project_id=pid, template=TEMPLATE)


def project_for_write(request: Request, value, perm: str) -> Project:
    """The project a new object goes to: the given id (must be a visible boards project) or,
    when omitted, the actor's only boards project where they hold ``perm``."""
    actor = request.user
    if value not in (None, ""):
        pid = to_int(value, "project", minimum=1)
        project = projects_visible_to(actor, template=TEMPLATE).filter(pk=pid).first()
        if project is None:
            raise ValidationError({"project": [f'Invalid pk "{pid}" - object does not exist.']})
        return project
    candidates = [
        p
        for p in projects_visible_to(actor, template=TEMPLATE)
        if permissions.has_perm(actor, perm, p.pk)
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise as_drf_exception(Forbidden("You do not have permission to perform this action."))
    raise ValidationError({"project": ["This field is required."]})


def date_out(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    return value.isoformat()


def due_in(value: date | None) -> datetime | None:
    """A due *date* is stored as the end of that day (UTC), so a ticket due today is not
    overdue before the day is over."""
    if value is None:
        return None
    return datetime.combine(value, time(23, 59, 59), tzinfo=UTC)


def user_brief(user) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def pk_list(qs: QuerySet, ids: list[int], field: str) -> list:
    """Objects for ``ids`` in the given order; an unknown id is DRF's "Invalid pk" 400."""
    found = {o.pk: o for o in qs.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: [f'Invalid pk "{i}" - object does not exist.' for i in missing]}
        )
    return [found[i] for i in dict.fromkeys(ids)]
