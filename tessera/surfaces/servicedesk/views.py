"""Document 002 over the core: views validate input, call ``tessera.core.servicedesk`` and
``tessera.core.tickets`` services, and render with the output serializers."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tessera.core.common import clock
from tessera.core.common.errors import Forbidden, NotFound
from tessera.core.crm import selectors as crm_selectors
from tessera.core.crm import services as crm_services
from tessera.core.projects.models import Project
from tessera.core.servicedesk import selectors as sd
from tessera.core.servicedesk import services as sd_services
from tessera.core.tickets import policy
from tessera.core.tickets.counts import ticket_count, with_matches_counted
from tessera.core.tickets.models import Ticket
from tessera.core.tickets.selectors import access_ticket, newest_first_by_project
from tessera.core.tickets.services import attachment_add, ticket_delete
from tessera.surfaces.drf import if_match_version, only_params, sole_filter, with_etag
from tessera.surfaces.filtering import FilterSet

from . import filters as f
from . import schema
from . import serializers as s
from .schema import doc


def load_ticket(request: Request, pk: Any, *, detail: bool = True) -> Ticket:
    """The one loader: a ticket of a service-desk project the caller may see, or 404;
    ``detail`` joins what ``sd.ticket_detail_row`` reads, otherwise what a list row shows."""
    if detail:
        return access_ticket(
            actor=request.user, ticket_id=pk, template=sd.TEMPLATE, joins=sd.DETAIL_JOINS
        )
    return access_ticket(
        actor=request.user,
        ticket_id=pk,
        template=sd.TEMPLATE,
        queryset=sd.with_relations(Ticket.objects.all()),
    )


def ticket_for_body(request: Request, pk: int) -> Ticket:
    """A ``ticket`` named in a request body: an unknown or hidden one is a field error."""
    try:
        return load_ticket(request, pk, detail=False)
    except NotFound:
        raise ValidationError({"ticket": [f'Invalid pk "{pk}" - object does not exist.']})


# Query parameters of the list that narrow every project alike (or not at all).
SPREAD_PARAMS = {"status", "priority", "page", "page_size"}
PAGE_PARAMS = {"page", "page_size"}

# Any path segment reaches the view, so a malformed id ("0.5", "abc") gets this surface's
# JSON 404 rather than Django's HTML page.
ANY_SEGMENT = "[^/]+"


class TicketViewSet(viewsets.GenericViewSet):
    """``/api/ticketing/tickets/`` with its actions and named lists."""

    lookup_value_regex = ANY_SEGMENT
    serializer_class = s.TicketSerializer
    filterset_class = f.TicketFilter
    queryset = Ticket.objects.none()

    def get_queryset(self) -> QuerySet[Ticket]:
        # Newest first, always: an explicit order also keeps ``search`` a plain filter
        # (no relevance rank computed over every match; docs/surfaces/servicedesk.md).
        return sd.tickets_for(self.request.user).order_by("-created_at", "-id")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "request": self.request}

    def _page(
        self, qs: QuerySet[Ticket], *, spread: bool = False, state_key: str | None = None
    ) -> Response:
        """A page of ``qs``; ``spread``: narrowed only by filters every project matches
        alike, ``state_key``: by that status alone
        (``tickets.selectors.newest_first_by_project``)."""
        # a search's matches read by id, as many as its page needs
        qs = with_matches_counted(qs, depth=self.paginator.depth(self.request))
        rows = newest_first_by_project(
            sd.ticket_rows_qs(qs),
            actor=self.request.user,
            template=sd.TEMPLATE,
            spread=spread,
            state_key=state_key,
        )
        rows = self.paginator.paginate_queryset(
            rows, self.request, view=self, count=lambda: ticket_count(qs)
        )
        page = sd.ticket_rows_complete(rows)
        data = s.TicketSerializer(page, many=True, context={"now": clock.now()}).data
        return self.get_paginated_response(data)

    def _detail(self, request: Request, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        ticket = load_ticket(request, pk)
        row = sd.ticket_detail_row(
            ticket, show_internal=policy.can_see_internal(request.user, ticket)
        )
        data = s.TicketDetailSerializer(row, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=code), ticket.version)

    # ---- CRUD ----------------------------------------------------------------------

    @doc(
        summary="List tickets",
        params=schema.TICKET_FILTERS,
        page=(s.TicketSerializer, "ServicedeskTicketPage"),
        errors=(400, 401, 404),
    )
    def list(self, request: Request) -> Response:
        return self._page(
            self.filter_queryset(self.get_queryset()),
            spread=only_params(request, SPREAD_PARAMS),
            state_key=sole_filter(request, "status", PAGE_PARAMS),
        )

    @doc(
        summary="Ticket details",
        ok=s.TicketDetailSerializer,
        path_id=True,
        params=[schema.ETAG],
        errors=(401, 404),
    )
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return self._detail(request, pk)

    @doc(
        summary="Create a ticket",
        request=s.TicketInputSerializer,
        ok=s.TicketDetailSerializer,
        status=201,
        params=[schema.ETAG],
        errors=(400, 401, 403),
    )
    def create(self, request: Request) -> Response:
        projects = sd.servicedesk_projects(request.user, "add_ticket")
        if not projects:
            raise Forbidden("You do not have permission to perform this action.")
        data = self._validated(request, partial=False)
        project = self._project(projects, data.get("project"))
        ticket = sd_services.sd_ticket_create(
            actor=request.user,
            project=project,
            subject=data["subject"],
            description=data.get("description", ""),
            priority=s.PRIORITY_VALUES[data["priority"]] if data.get("priority") else None,
            category=self._category(project, data.get("category")),
            customer=data.get("customer"),
            assigned_to=data.get("assigned_to"),
            due_date=data.get("due_date"),
            estimated_hours=data.get("estimated_hours"),
            actual_hours=data.get("actual_hours"),
            tags=data.get("tags"),
        )
        return self._detail(request, ticket.pk, status.HTTP_201_CREATED)

    @doc(
        summary="Update a ticket (the fields sent)",
        request=s.TicketUpdateSerializer,
        ok=s.TicketDetailSerializer,
        path_id=True,
        params=[schema.IF_MATCH, schema.ETAG],
        errors=(400, 401, 403, 404, 409),
    )
    def update(self, request: Request, pk: Any = None) -> Response:
        # The document shows one body for PUT and PATCH: both change the fields sent.
        return self._update(request, pk, partial=True)

    @doc(
        summary="Update a ticket (the fields sent)",
        request=s.TicketUpdateSerializer,
        ok=s.TicketDetailSerializer,
        path_id=True,
        params=[schema.IF_MATCH, schema.ETAG],
        errors=(400, 401, 403, 404, 409),
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._update(request, pk, partial=True)

    @doc(summary="Delete a ticket", status=204, path_id=True, errors=(401, 403, 404))
    def destroy(self, request: Request, pk: Any = None) -> Response:
        ticket = load_ticket(request, pk, detail=False)
        ticket_delete(actor=request.user, ticket=ticket)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _validated(self, request: Request, *, partial: bool) -> dict[str, Any]:
        cls = s.TicketUpdateSerializer if partial else s.TicketInputSerializer
        serializer = cls(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _project(self, projects: list[Project], wanted: int | None) -> Project:
        if wanted is None:
            return projects[0]
        for project in projects:
            if project.pk == wanted:
                return project
        raise ValidationError({"project": [f'Invalid pk "{wanted}" - object does not exist.']})

    def _category(self, project: Project, slug: str | None):
        if not slug:
            return None
        category = sd.category_for_project(project, slug)
        if category is None:
            raise ValidationError({"category": [f'"{slug}" is not a valid category.']})
        return category

    def _update(self, request: Request, pk: Any, *, partial: bool) -> Response:
        ticket = load_ticket(request, pk, detail=False)
        data = self._validated(request, partial=partial)
        version = if_match_version(request)
        if "project" in data and data["project"] != ticket.project_id:
            raise ValidationError({"project": ["A ticket cannot move to another project."]})
        changes: dict[str, Any] = {}
        if "subject" in data:
            changes["title"] = data["subject"]
        for name in ("description", "customer", "due_date", "estimated_hours", "actual_hours"):
            if name in data:
                changes[name] = data[name]
        if "priority" in data:
            changes["priority"] = s.PRIORITY_VALUES[data["priority"]]
        if "category" in data:
            changes["category"] = self._category(ticket.project, data["category"])
        sd_services.sd_ticket_update(
            actor=request.user,
            ticket=ticket,
            changes=changes,
            status=data.get("status"),
            assigned_to=data["assigned_to"] if "assigned_to" in data else sd_services.UNSET,
            tags=data["tags"] if "tags" in data else sd_services.UNSET,
            expected_version=version,
        )
        return self._detail(request, ticket.pk)

    # ---- actions -------------------------------------------------------------------

    @doc(
        summary="Assign the ticket (user_id null unassigns)",
        request=s.AssignSerializer,
        ok=s.TicketDetailSerializer,
        path_id=True,
        params=[schema.IF_MATCH, schema.ETAG],
        errors=(400, 401, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        ticket = load_ticket(request, pk, detail=False)
        serializer = s.AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sd_services.sd_ticket_assign(
            actor=request.user,
            ticket=ticket,
            user=serializer.validated_data["user_id"],
            expected_version=if_match_version(request),
        )
        return self._detail(request, ticket.pk)

    @doc(
        summary="Change the ticket's status",
        request=s.StatusSerializer,
        ok=s.TicketDetailSerializer,
        path_id=True,
        params=[schema.IF_MATCH, schema.ETAG],
        errors=(400, 401, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def change_status(self, request: Request, pk: Any = None) -> Response:
        ticket = load_ticket(request, pk, detail=False)
        serializer = s.StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sd_services.sd_ticket_change_status(
            actor=request.user,
            ticket=ticket,
            status=serializer.validated_data["status"],
            expected_version=if_match_version(request),
        )
        return self._detail(request, ticket.pk)

    @doc(
        summary="Add a comment",
        request=s.CommentInputSerializer,
        ok=s.CommentSerializer,
        status=201,
        path_id=True,
        errors=(400, 401, 403, 404),
    )
    @action(detail=True, methods=["post"])
    def add_comment(self, request: Request, pk: Any = None) -> Response:
        ticket = load_ticket(request, pk, detail=False)
        serializer = s.CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = sd_services.sd_comment_add(
            actor=request.user,
            ticket=ticket,
            content=serializer.validated_data["content"],
            is_internal=serializer.validated_data["is_internal"],
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @doc(
        summary="Add an attachment (multipart)",
        request={"multipart/form-data": s.AttachmentInputSerializer},
        ok=s.AttachmentSerializer,
        status=201,
        path_id=True,
        errors=(400, 401, 403, 404, 415),
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
    )
    def add_attachment(self, request: Request, pk: Any = None) -> Response:
        ticket = load_ticket(request, pk, detail=False)
        serializer = s.AttachmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_add(
            actor=request.user,
            ticket=ticket,
            upload=serializer.validated_data["file"],
            description=serializer.validated_data.get("description", ""),
        )
        return Response(
            s.AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    # ---- named lists, statistics, bulk, export --------------------------------------

    @doc(
        summary="Tickets assigned to the caller",
        params=schema.TICKET_FILTERS,
        page=(s.TicketSerializer, "ServicedeskTicketPage"),
        errors=(400, 401, 404),
    )
    @action(detail=False, methods=["get"])
    def my_tickets(self, request: Request) -> Response:
        qs = self.filter_queryset(self.get_queryset()).filter(sd.assigned_to_q(request.user.pk))
        return self._page(qs)

    @doc(
        summary="Unassigned tickets",
        params=schema.TICKET_FILTERS,
        page=(s.TicketSerializer, "ServicedeskTicketPage"),
        errors=(400, 401, 404),
    )
    @action(detail=False, methods=["get"])
    def unassigned(self, request: Request) -> Response:
        return self._page(self.filter_queryset(self.get_queryset()).filter(sd.unassigned_q()))

    @doc(
        summary="Overdue tickets",
        params=schema.TICKET_FILTERS,
        page=(s.TicketSerializer, "ServicedeskTicketPage"),
        errors=(400, 401, 404),
    )
    @action(detail=False, methods=["get"])
    def overdue(self, request: Request) -> Response:
        return self._page(self.filter_queryset(self.get_queryset()).filter(sd.overdue_q()))

    @doc(
        summary="Ticket statistics (over the filtered list)",
        ok=s.StatisticsSerializer,
        params=schema.TICKET_FILTERS,
        errors=(400, 401),
    )
    @action(detail=False, methods=["get"])
    def statistics(self, request: Request) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        return Response(sd.ticket_statistics(actor=request.user, qs=qs))

    @doc(
        summary="Change many tickets at once (all or nothing)",
        request=s.BulkSerializer,
        ok=s.BulkResultSerializer,
        errors=(400, 401, 403),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        serializer = s.BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = list(dict.fromkeys(data["ticket_ids"]))
        found = {t.pk: t for t in sd.with_relations(self.get_queryset()).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise ValidationError(
                {"ticket_ids": [f"Ticket {pk} does not exist." for pk in missing]}
            )
        changed = sd_services.sd_tickets_bulk_update(
            actor=request.user,
            tickets_=[found[pk] for pk in ids],
            status=data.get("status"),
            priority=s.PRIORITY_VALUES[data["priority"]] if data.get("priority") else None,
            assigned_to=data["assigned_to"] if "assigned_to" in data else sd_services.UNSET,
        )
        qs = sd.with_relations(Ticket.objects.filter(pk__in=[t.pk for t in changed]))
        return Response(
            {"updated": len(changed), "results": s.TicketSerializer(qs, many=True).data}
        )

    @extend_schema(
        tags=[schema.TAG],
        summary="CSV export of the filtered list",
        parameters=schema.TICKET_FILTERS,
        filters=False,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            400: schema.ERRORS[400],
            401: schema.ERRORS[401],
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> StreamingHttpResponse:
        qs = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            _csv_stream(sd.ticket_csv_rows(qs)), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
        return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


@extend_schema_view(
    list=doc(
        summary="List comments",
        params=[
            schema.ticket_filter("Comments of this ticket"),
            schema.bool_filter("is_internal", "Internal notes (true) or public comments (false)"),
        ],
        page=(s.CommentSerializer, "ServicedeskCommentPage"),
        errors=(400, 401, 404),
    ),
    retrieve=doc(summary="A comment", ok=s.CommentSerializer, path_id=True, errors=(401, 404)),
)
class CommentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = s.CommentSerializer
    filterset_class = f.CommentFilter

    def get_queryset(self):
        return sd.comments_for(self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        qs = self.filter_queryset(self.get_queryset())  # a bad filter is a 400 here
        narrowed = f.CommentFilter(request.query_params, queryset=qs).form
        narrowed.is_valid()
        count = None
        if narrowed.cleaned_data.get("ticket") is None:
            flag = narrowed.cleaned_data.get("is_internal")  # "" when not given
            is_internal = flag if isinstance(flag, bool) else None
            count = lambda: sd.comment_count_for(request.user, is_internal=is_internal)  # noqa: E731
        page = self.paginator.paginate_queryset(qs, request, view=self, count=count)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @doc(
        summary="Create a comment",
        request=s.CommentCreateSerializer,
        ok=s.CommentSerializer,
        status=201,
        errors=(400, 401, 403),
    )
    def create(self, request: Request) -> Response:
        serializer = s.CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = ticket_for_body(request, data["ticket"])
        comment = sd_services.sd_comment_add(
            actor=request.user,
            ticket=ticket,
            content=data["content"],
            is_internal=data["is_internal"],
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=doc(
        summary="List attachments",
        params=[schema.ticket_filter("Attachments of this ticket")],
        page=(s.AttachmentSerializer, "ServicedeskAttachmentPage"),
        errors=(400, 401, 404),
    ),
    retrieve=doc(
        summary="An attachment", ok=s.AttachmentSerializer, path_id=True, errors=(401, 404)
    ),
)
class AttachmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = s.AttachmentSerializer
    filterset_class = f.AttachmentFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return sd.attachments_for(self.request.user)

    @doc(
        summary="Upload an attachment (multipart)",
        request={"multipart/form-data": s.AttachmentCreateSerializer},
        ok=s.AttachmentSerializer,
        status=201,
        errors=(400, 401, 403, 415),
    )
    def create(self, request: Request) -> Response:
        serializer = s.AttachmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = ticket_for_body(request, data["ticket"])
        attachment = attachment_add(
            actor=request.user,
            ticket=ticket,
            upload=data["file"],
            description=data.get("description", ""),
        )
        return Response(
            s.AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        tags=[schema.TAG],
        summary="Download an attachment",
        parameters=[schema.ID],
        filters=False,
        responses={
            (200, "*/*"): OpenApiTypes.BINARY,  # the uploaded file's own content type
            401: schema.ERRORS[401],
            404: schema.ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"], url_name="download")
    def download(self, request: Request, pk: Any = None) -> FileResponse:
        attachment = self.get_object()
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type or "application/octet-stream",
        )


@extend_schema_view(
    list=doc(
        summary="Ticket history",
        params=[
            schema.ticket_filter("History of this ticket"),
            schema.enum_filter("action", sd.HISTORY_ACTIONS, "Kind of change"),
        ],
        page=(s.HistorySerializer, "ServicedeskHistoryPage"),
        errors=(400, 401, 404),
    ),
    retrieve=doc(summary="A history row", ok=s.HistorySerializer, path_id=True, errors=(401, 404)),
)
class HistoryViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = s.HistorySerializer
    filterset_class = f.HistoryFilter

    def get_queryset(self):
        return sd.history_for(self.request.user)


@extend_schema_view(
    list=doc(
        summary="Categories tickets accept",
        page=(s.CategorySerializer, "ServicedeskCategoryPage"),
        errors=(401, 404),
    ),
    retrieve=doc(summary="A category", ok=s.CategorySerializer, path_id=True, errors=(401, 404)),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The category slugs tickets accept (shared ones and the caller's projects')."""

    lookup_value_regex = ANY_SEGMENT
    serializer_class = s.CategorySerializer

    def get_queryset(self):
        return sd.categories_for(self.request.user).filter(is_active=True).order_by("slug", "id")


class CustomerFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search")

    def filter_search(self, qs, name: str, value: str):
        return crm_selectors.customer_search(qs, value)


@extend_schema_view(
    list=doc(
        summary="List customers",
        params=[schema.OpenApiParameter("search", str, description="Name, email, company, phone")],
        page=(s.CustomerSerializer, "ServicedeskCustomerPage"),
        errors=(400, 401, 404),
    ),
    retrieve=doc(summary="A customer", ok=s.CustomerSerializer, path_id=True, errors=(401, 404)),
    create=doc(
        summary="Create a customer",
        request=s.CustomerSerializer,
        ok=s.CustomerSerializer,
        status=201,
        errors=(400, 401, 403),
    ),
    update=doc(
        summary="Replace a customer",
        request=s.CustomerSerializer,
        ok=s.CustomerSerializer,
        path_id=True,
        errors=(400, 401, 403, 404),
    ),
    partial_update=doc(
        summary="Update a customer",
        request=s.CustomerSerializer,
        ok=s.CustomerSerializer,
        path_id=True,
        errors=(400, 401, 403, 404),
    ),
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ANY_SEGMENT
    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilter

    def get_queryset(self):
        return crm_selectors.customers_visible_to(self.request.user).order_by("name", "id")

    def create(self, request: Request) -> Response:
        if not crm_selectors.may_manage_customers(request.user):
            raise Forbidden("You do not have permission to perform this action.")
        serializer = s.CustomerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = crm_services.customer_create(actor=request.user, **serializer.validated_data)
        return Response(s.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: Any = None) -> Response:
        return self._update(request, pk, partial=False)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: Any, *, partial: bool) -> Response:
        customer = crm_selectors.access_customer(actor=request.user, customer_id=pk)
        serializer = s.CustomerSerializer(customer, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        customer = crm_services.customer_update(
            actor=request.user, customer=customer, changes=dict(serializer.validated_data)
        )
        return Response(s.CustomerSerializer(customer).data)
