"""Companies of document 003 (``/api/tickets/companies/``) over ``tessera.core.organizations``."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from tessera.core.accounts.models import User
from tessera.core.organizations import selectors, services
from tessera.core.organizations.models import Company
from tessera.core.tickets.counts import ticket_count
from tessera.core.tickets.selectors import ticket_search, with_card_fields

from . import schema as doc
from .common import (
    BoardsView,
    IdField,
    core_call,
    paginate,
    pk_list,
    project_for_write,
    project_param,
    user_brief,
)
from .tickets import board_tickets, tickets_out

DT = serializers.DateTimeField()


def _url(request, f) -> str | None:
    return request.build_absolute_uri(f.url) if f else None


def _base(request, c: Company) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "description": c.description,
        "logo_url": _url(request, c.logo),
        "logo_thumbnail_url": _url(request, c.logo_thumbnail),
        "primary_contact_email": c.primary_contact_email,
        "phone": c.phone,
        "admin_count": c.admin_count,
        "user_count": c.user_count,
        "ticket_count": c.ticket_count,
        "project_count": c.project_count,
    }


def company_list_out(request, c: Company) -> dict:
    return {
        **_base(request, c),
        "admin_names": [u.get_full_name() or u.username for u in c.admins.all()],
        "created_at": DT.to_representation(c.created_at),
        "updated_at": DT.to_representation(c.updated_at),
    }


def company_detail_out(request, c: Company) -> dict:
    base = _base(request, c)
    return {
        "id": c.pk,
        "name": c.name,
        "description": c.description,
        "logo": base["logo_url"],
        "logo_url": base["logo_url"],
        "logo_thumbnail": base["logo_thumbnail_url"],
        "logo_thumbnail_url": base["logo_thumbnail_url"],
        "primary_contact_email": c.primary_contact_email,
        "phone": c.phone,
        "admins": [user_brief(u) for u in c.admins.all()],
        "admin_count": c.admin_count,
        "users": [user_brief(u) for u in c.users.all()],
        "user_count": c.user_count,
        "ticket_count": c.ticket_count,
        "project_count": c.project_count,
        "project_ids": [p.pk for p in c.projects.all()],
        "created_at": DT.to_representation(c.created_at),
        "updated_at": DT.to_representation(c.updated_at),
    }


def _ordered_users():
    return Prefetch("admins", queryset=User.objects.order_by("id")), Prefetch(
        "users", queryset=User.objects.order_by("id")
    )


class CompanyInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    primary_contact_email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    admin_ids = serializers.ListField(child=IdField(), required=False, max_length=200)
    user_ids = serializers.ListField(child=IdField(), required=False, max_length=200)
    project_ids = serializers.ListField(child=IdField(), required=False, max_length=200)
    logo = serializers.FileField(required=False, allow_null=True, allow_empty_file=False)


class UserIdInput(serializers.Serializer):
    user_id = IdField()


class CreateUserInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, max_length=128)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


def _users(ids: list[int], field: str) -> list[User]:
    return pk_list(User.objects.all(), ids, field)


class CompanyViewSet(BoardsView, viewsets.ViewSet):
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _qs(self, request):
        return selectors.with_counts(selectors.companies_visible_to(request.user))

    def _get(self, request, pk) -> Company:
        return core_call(selectors.access_company, actor=request.user, company_id=pk)

    def _detail(self, request, pk) -> dict:
        """The full body of a company the caller has already loaded (or just created)."""
        c = (
            selectors.with_counts(Company.objects.filter(pk=pk))
            .prefetch_related(*_ordered_users(), "projects")
            .get()
        )
        selectors.with_ticket_figures([c], count_only=True)
        return company_detail_out(request, c)

    @doc.doc(
        summary="Companies (filtered by visibility and project)",
        page=doc.CompanyListItem,
        params=[
            doc.qint("project", "Only companies of this project (404 if not a member)"),
            doc.qstr("search", "Search in name and description"),
        ],
        errors=(400, 401, 404),
    )
    def list(self, request):
        project = project_param(request)
        qs = self._qs(request)
        if project is not None:
            qs = qs.filter(projects=project)
        search = (request.query_params.get("search") or "").strip()
        if search:
            from django.db.models import Q

            qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
        qs = qs.prefetch_related(_ordered_users()[0]).order_by("name", "id")
        project_id = project.pk if project else None

        def rows_out(rows) -> list[dict]:
            rows = selectors.with_ticket_figures(rows, project_id=project_id, count_only=True)
            return [company_list_out(request, c) for c in rows]

        return paginate(self, request, qs, rows_out)

    @doc.doc(
        summary="A company with its admins and users",
        ok=doc.CompanyDetail,
        path_id=True,
        errors=(401, 404),
    )
    def retrieve(self, request, pk=None):
        company = self._get(request, pk)
        return Response(self._detail(request, company.pk))

    @doc.doc(
        summary="Create a company (superadmin of each of its projects)",
        request={"application/json": CompanyInput, "multipart/form-data": CompanyInput},
        ok=doc.CompanyDetail,
        status=201,
        errors=(400, 401, 403),
    )
    def create(self, request):
        data = CompanyInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if not v.get("project_ids") and not request.user.is_superuser:
            # Like columns and tags: the actor's only project where they manage companies
            # (a company in no project would be invisible to everyone but superusers).
            v["project_ids"] = [project_for_write(request, None, "manage_companies").pk]
        company = core_call(
            services.company_create,
            actor=request.user,
            name=v["name"],
            description=v.get("description", ""),
            primary_contact_email=v.get("primary_contact_email", ""),
            phone=v.get("phone", ""),
            admins=_users(v.get("admin_ids", []), "admin_ids"),
            users=_users(v.get("user_ids", []), "user_ids"),
            project_ids=v.get("project_ids", []),
            logo=v.get("logo"),
        )
        return Response(self._detail(request, company.pk), status=status.HTTP_201_CREATED)

    @doc.doc(
        summary="Change a company; multipart to upload a logo",
        request={"application/json": CompanyInput, "multipart/form-data": CompanyInput},
        ok=doc.CompanyDetail,
        path_id=True,
    )
    def partial_update(self, request, pk=None):
        company = self._get(request, pk)
        data = CompanyInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "admin_ids" in v or "user_ids" in v:
            raise ValidationError(
                {"detail": "Use assign_admin/remove_admin/assign_user/remove_user."}
            )
        changes = {k: v[k] for k in services.COMPANY_FIELDS if k in v}
        core_call(
            services.company_update,
            actor=request.user,
            company=company,
            changes=changes,
            project_ids=v.get("project_ids"),
            logo=v.get("logo"),
            clear_logo="logo" in v and v["logo"] is None,
        )
        return Response(self._detail(request, company.pk))

    @doc.doc(
        summary="Change a company (as PATCH)",
        request={"application/json": CompanyInput, "multipart/form-data": CompanyInput},
        ok=doc.CompanyDetail,
        path_id=True,
    )
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @doc.doc(summary="Delete a company", status=204, path_id=True, errors=(401, 403, 404))
    def destroy(self, request, pk=None):
        company = self._get(request, pk)
        core_call(services.company_delete, actor=request.user, company=company)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc.doc(
        summary="A company's health figures",
        ok=doc.CompanyStats,
        path_id=True,
        params=[doc.qint("project", "Only this project's tickets (404 if not a member)")],
        errors=(400, 401, 404),
    )
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        company = self._get(request, pk)
        project = project_param(request)
        (c,) = selectors.with_ticket_figures(
            selectors.with_counts(Company.objects.filter(pk=company.pk)),
            project_id=project.pk if project else None,
        )
        return Response(
            {
                "open_tickets": c.open_tickets,
                "urgent_tickets": c.urgent_tickets,
                "overdue_tickets": c.overdue_tickets,
                "resolved_this_month": c.resolved_this_month,
                "total_tickets": c.total_tickets,
                "user_count": c.user_count,
                "admin_count": c.admin_count,
                "health_status": c.health_status,
                "last_activity": DT.to_representation(c.last_activity) if c.last_activity else None,
            }
        )

    def _people(self, request, pk, fn, message: str):
        company = self._get(request, pk)
        data = UserIdInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = _users([data.validated_data["user_id"]], "user_id")[0]
        core_call(fn, actor=request.user, company=company, user=user)
        company.refresh_from_db()
        return Response(
            {
                "message": message.format(user=user.username, company=company.name),
                "company": self._detail(request, company.pk),
            }
        )

    @doc.doc(
        summary="Make a user an admin of the company (admin role in its projects)",
        request=UserIdInput,
        ok=doc.CompanyMessage,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def assign_admin(self, request, pk=None):
        return self._people(
            request, pk, services.company_assign_admin, "{user} assigned as admin to {company}"
        )

    @doc.doc(
        summary="Remove a company admin (roles follow)",
        request=UserIdInput,
        ok=doc.CompanyMessage,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def remove_admin(self, request, pk=None):
        return self._people(
            request, pk, services.company_remove_admin, "{user} removed from {company} admins"
        )

    @doc.doc(
        summary="Make a user a member of the company (user role in its projects)",
        request=UserIdInput,
        ok=doc.CompanyMessage,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def assign_user(self, request, pk=None):
        return self._people(
            request, pk, services.company_assign_user, "{user} assigned to {company}"
        )

    @doc.doc(
        summary="Remove a company user (roles follow)",
        request=UserIdInput,
        ok=doc.CompanyMessage,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def remove_user(self, request, pk=None):
        return self._people(
            request, pk, services.company_remove_user, "{user} removed from {company}"
        )

    @doc.doc(
        summary="Create an account in this company (user role in its projects)",
        request=CreateUserInput,
        ok=doc.CompanyUserCreated,
        status=201,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def create_user(self, request, pk=None):
        company = self._get(request, pk)
        data = CreateUserInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = core_call(
            services.company_create_user, actor=request.user, company=company, **data.validated_data
        )
        return Response(
            {
                "message": f"User {user.username} created and assigned to {company.name}",
                "user": user_brief(user),
            },
            status=status.HTTP_201_CREATED,
        )

    @doc.doc(
        summary="The company's tickets the user may see",
        page=doc.Ticket,
        path_id=True,
        params=[
            doc.qint("project", "Only this project's tickets (404 if not a member)"),
            doc.qstr("search", "Search in name and description"),
        ],
        errors=(400, 401, 404),
    )
    @action(detail=True, methods=["get"])
    def tickets(self, request, pk=None):
        company = self._get(request, pk)
        qs = selectors.company_tickets(company, board_tickets(request.user))
        project = project_param(request)
        if project is not None:
            qs = qs.filter(project=project)
        qs = ticket_search(qs, request.query_params.get("search", "")).order_by(
            "-created_at", "-id"
        )
        return paginate(
            self,
            request,
            with_card_fields(qs, actor=request.user),
            tickets_out,
            count=lambda: ticket_count(qs),  # the tickets alone, without the cards' joins
        )


doc.prefix_components(globals())
