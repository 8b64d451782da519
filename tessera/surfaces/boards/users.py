"""User management of document 003 (``/api/tickets/users/``)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from tessera.core.accounts.models import User
from tessera.core.organizations import services
from tessera.core.organizations.models import Company
from tessera.core.organizations.selectors import users_visible_to
from tessera.core.projects import permissions
from tessera.core.projects import services as project_services
from tessera.core.projects.models import Membership
from tessera.core.projects.selectors import projects_visible_to

from . import schema as doc
from .common import TEMPLATE, BoardsView, IdField, core_call, ordering, paginate, path_id

DT = serializers.DateTimeField()
USER_ORDERING = {
    "username": "username",
    "email": "email",
    "date_joined": "date_joined",
    "last_login": "last_login",
}


def _dt(value) -> str | None:
    return DT.to_representation(value) if value else None


def _sees_all(actor) -> bool:
    return actor.is_superuser or actor.is_staff


def user_out(actor, u: User) -> dict:
    mine = None if _sees_all(actor) else set(permissions.memberships(actor))
    return {
        "id": u.pk,
        "username": u.username,
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "is_active": u.is_active,
        "is_staff": u.is_staff,
        "is_superuser": u.is_superuser,
        "date_joined": _dt(u.date_joined),
        "last_login": _dt(u.last_login),
        "project_roles": [
            {"project_id": m.project_id, "project_name": m.project.name, "role": m.role.name}
            for m in u.memberships.all()
            if mine is None or m.project_id in mine
        ],
        "administered_companies": [
            {"id": c.pk, "name": c.name} for c in u.administered_companies.all()
        ],
        "member_companies": [{"id": c.pk, "name": c.name} for c in u.member_companies.all()],
    }


def with_details(qs):
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("project", "role").order_by("id"),
        ),
        Prefetch("administered_companies", queryset=Company.objects.order_by("name")),
        Prefetch("member_companies", queryset=Company.objects.order_by("name")),
    )


class UserCreateInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, max_length=128)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)
    is_staff = serializers.BooleanField(required=False, default=False)


class UserUpdateInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150, required=False)
    email = serializers.EmailField(required=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    is_staff = serializers.BooleanField(required=False)


class RoleInput(serializers.Serializer):
    project_id = IdField()
    role = serializers.ChoiceField(["superadmin", "admin", "user", "manager"])


class ProjectIdInput(serializers.Serializer):
    project_id = IdField()


class PasswordInput(serializers.Serializer):
    password = serializers.CharField(max_length=128)


def _project(request, pid: int):
    project = projects_visible_to(request.user, template=TEMPLATE).filter(pk=pid).first()
    if project is None:
        raise ValidationError({"project_id": [f'Invalid pk "{pid}" - object does not exist.']})
    return project


class UserViewSet(BoardsView, viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    def _get(self, request, pk) -> User:
        user = users_visible_to(request.user).filter(pk=path_id(pk)).first()
        if user is None:
            raise NotFound("Not found.")
        return user

    def _any(self, request, pk) -> User:
        """Role changes may target any account: a project superadmin adds people by id."""
        user = User.objects.filter(pk=path_id(pk)).first()
        if user is None:
            raise NotFound("Not found.")
        return user

    def _fresh(self, request, pk) -> dict:
        return user_out(request.user, with_details(User.objects.filter(pk=pk)).get())

    @doc.doc(
        summary="Users (superusers and staff: all; others: people of their projects)",
        page=doc.ManagedUser,
        params=[
            doc.qstr("search", "Search in username, email, first and last name"),
            doc.qstr(
                "ordering",
                "Order by (prefix - for descending)",
                enum=[p + k for k in USER_ORDERING for p in ("", "-")],
            ),
        ],
        errors=(400, 401, 404),
    )
    def list(self, request):
        qs = users_visible_to(request.user)
        search = (request.query_params.get("search") or "").strip()
        if search:
            qs = qs.filter(
                Q(username__icontains=search)
                | Q(email__icontains=search)
                | Q(first_name__icontains=search)
                | Q(last_name__icontains=search)
            )
        qs = with_details(qs.order_by(*ordering(request, USER_ORDERING, ["id"])))
        return paginate(self, request, qs, lambda rows: [user_out(request.user, u) for u in rows])

    @doc.doc(summary="A user", ok=doc.ManagedUser, path_id=True, errors=(401, 404))
    def retrieve(self, request, pk=None):
        return Response(self._fresh(request, self._get(request, pk).pk))

    @doc.doc(
        summary="Create a user (superuser, staff, or a project superadmin)",
        request=UserCreateInput,
        ok=doc.ManagedUser,
        status=201,
        errors=(400, 401, 403),
    )
    def create(self, request):
        data = UserCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = core_call(services.user_admin_create, actor=request.user, **data.validated_data)
        return Response(self._fresh(request, user.pk), status=status.HTTP_201_CREATED)

    @doc.doc(summary="Change a user", request=UserUpdateInput, ok=doc.ManagedUser, path_id=True)
    def partial_update(self, request, pk=None):
        user = self._get(request, pk)
        data = UserUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        core_call(
            services.user_admin_update,
            actor=request.user,
            user=user,
            changes=dict(data.validated_data),
        )
        return Response(self._fresh(request, user.pk))

    @doc.doc(
        summary="Change a user (as PATCH)",
        request=UserUpdateInput,
        ok=doc.ManagedUser,
        path_id=True,
    )
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @doc.doc(summary="Delete a user", status=204, path_id=True, errors=(401, 403, 404))
    def destroy(self, request, pk=None):
        user = self._get(request, pk)
        core_call(services.user_admin_delete, actor=request.user, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc.doc(
        summary="Give a user a role in a project; 201 new, 200 changed",
        request=RoleInput,
        ok=doc.RoleAssigned,
        status=201,
        extra={200: doc.RoleAssigned},
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def assign_role(self, request, pk=None):
        user = self._any(request, pk)
        data = RoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = _project(request, data.validated_data["project_id"])
        role = data.validated_data["role"]
        membership, created = core_call(
            project_services.membership_set,
            actor=request.user,
            project=project,
            user=user,
            role=role,
        )
        membership = Membership.objects.select_related("role").get(pk=membership.pk)
        return Response(
            {
                "message": f"{user.username} assigned as {role} in {project.name}",
                "user_role": {
                    "id": membership.pk,
                    "user": user.pk,
                    "project": project.pk,
                    "role": membership.role.name,
                    "assigned_at": _dt(membership.assigned_at),
                    "assigned_by": membership.assigned_by_id,
                },
                "created": created,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @doc.doc(
        summary="Remove a user's role in a project",
        request=ProjectIdInput,
        ok=doc.Message,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def remove_role(self, request, pk=None):
        user = self._any(request, pk)
        data = ProjectIdInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = _project(request, data.validated_data["project_id"])
        core_call(
            project_services.membership_remove, actor=request.user, project=project, user=user
        )
        return Response({"message": f"Role removed for {user.username}"})

    @doc.doc(summary="Set a user's password", request=PasswordInput, ok=doc.Message, path_id=True)
    @action(detail=True, methods=["post"])
    def set_password(self, request, pk=None):
        user = self._get(request, pk)
        data = PasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        core_call(
            services.user_admin_set_password,
            actor=request.user,
            user=user,
            password=data.validated_data["password"],
        )
        return Response({"message": f"Password updated for {user.username}"})

    @doc.doc(
        summary="Enable or disable an account",
        request=None,
        ok=doc.ToggledActive,
        path_id=True,
        errors=(401, 403, 404),
    )
    @action(detail=True, methods=["post"])
    def toggle_active(self, request, pk=None):
        user = self._get(request, pk)
        active = core_call(services.user_admin_toggle_active, actor=request.user, user=user)
        return Response(
            {
                "message": f"User {user.username} is now {'active' if active else 'inactive'}",
                "is_active": active,
            }
        )

    @doc.doc(summary="A user's project roles", ok=doc.Roles, path_id=True, errors=(401, 404))
    @action(detail=True, methods=["get"])
    def roles(self, request, pk=None):
        user = self._get(request, pk)
        rows = Membership.objects.filter(user=user).select_related("project", "role").order_by("id")
        if not _sees_all(request.user):
            rows = rows.filter(project_id__in=list(permissions.memberships(request.user)))
        return Response(
            {
                "roles": [
                    {
                        "id": m.pk,
                        "project_id": m.project_id,
                        "project_name": m.project.name,
                        "project_key": m.project.key,
                        "role": m.role.name,
                        "assigned_at": _dt(m.assigned_at),
                    }
                    for m in rows
                ]
            }
        )


doc.prefix_components(globals())
