"""Projects, columns, tags and contacts of document 003: thin views over
``tessera.core.projects`` and ``tessera.core.contacts``."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tessera.core.accounts.models import User
from tessera.core.contacts import services as contact_services
from tessera.core.contacts.models import Contact
from tessera.core.contacts.selectors import (
    contact_search,
    contacts_visible_to,
    tag_search,
    tags_visible_to,
)
from tessera.core.projects import services as project_services
from tessera.core.projects.models import BoardColumn, Membership
from tessera.core.projects.selectors import access_project, projects_visible_to
from tessera.core.tickets.counts import tickets_in_column

from . import schema as doc
from .common import (
    TEMPLATE,
    BoardsView,
    IdField,
    core_call,
    paginate,
    path_id,
    project_for_write,
    project_param,
)

DT = serializers.DateTimeField()


def _dt(value) -> str | None:
    return DT.to_representation(value) if value else None


# --- projects ------------------------------------------------------------------------------


def project_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "key": p.key,
        "description": p.description,
        "created_by": p.created_by_id,
        "created_at": _dt(p.created_at),
        "updated_at": _dt(p.updated_at),
    }


class ProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    key = serializers.CharField(max_length=20)
    description = serializers.CharField(required=False, allow_blank=True)


class ProjectUpdate(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


def membership_out(m: Membership) -> dict:
    return {
        "id": m.pk,
        "user": m.user_id,
        "project": m.project_id,
        "role": m.role.name,
        "assigned_at": _dt(m.assigned_at),
        "assigned_by": m.assigned_by_id,
    }


class MemberInput(serializers.Serializer):
    user_id = IdField()
    role = serializers.ChoiceField(["superadmin", "admin", "user", "manager"])


MEMBERS_GET = dict(
    tags=[doc.TAG],
    summary="A project's members and their roles",
    parameters=[doc.ID, *doc.PAGE],
    responses={200: doc.page_of(doc.Membership), **{c: doc.ERRORS[c] for c in (401, 404)}},
)
MEMBERS_POST = dict(
    tags=[doc.TAG],
    summary="Give a user a role in the project (superadmin); 201 new, 200 changed",
    parameters=[doc.ID],
    request=MemberInput,
    responses={
        201: doc.Membership,
        200: doc.Membership,
        **{c: doc.ERRORS[c] for c in (400, 401, 403, 404)},
    },
)


class ProjectViewSet(BoardsView, viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @doc.doc(summary="Projects the user belongs to", page=doc.Project, errors=(400, 401, 404))
    def list(self, request):
        qs = projects_visible_to(request.user, template=TEMPLATE).order_by("id")
        return paginate(self, request, qs, lambda rows: [project_out(p) for p in rows])

    @doc.doc(
        summary="Create a project (the creator becomes its superadmin)",
        request=ProjectInput,
        ok=doc.Project,
        status=201,
        errors=(400, 401),
    )
    def create(self, request):
        data = ProjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = core_call(
            project_services.project_create,
            actor=request.user,
            template=TEMPLATE,
            **data.validated_data,
        )
        return Response(project_out(project), status=status.HTTP_201_CREATED)

    def _get(self, request, pk):
        return core_call(access_project, actor=request.user, project_id=pk, template=TEMPLATE)

    @doc.doc(summary="A project", ok=doc.Project, path_id=True, errors=(401, 404))
    def retrieve(self, request, pk=None):
        return Response(project_out(self._get(request, pk)))

    @doc.doc(
        summary="Rename or describe a project (superadmin)",
        request=ProjectUpdate,
        ok=doc.Project,
        path_id=True,
    )
    def partial_update(self, request, pk=None):
        project = self._get(request, pk)
        data = ProjectUpdate(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "key" in request.data and request.data["key"] != project.key:
            raise ValidationError({"key": ["A project's key cannot be changed."]})
        project = core_call(
            project_services.project_update,
            actor=request.user,
            project=project,
            **data.validated_data,
        )
        return Response(project_out(project))

    @doc.doc(
        summary="Rename or describe a project (as PATCH)",
        request=ProjectUpdate,
        ok=doc.Project,
        path_id=True,
    )
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @doc.doc(
        summary="Delete a project (superadmin)", status=204, path_id=True, errors=(401, 403, 404)
    )
    def destroy(self, request, pk=None):
        project = self._get(request, pk)
        core_call(project_services.project_delete, actor=request.user, project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], **MEMBERS_GET)
    @extend_schema(methods=["POST"], **MEMBERS_POST)
    @action(detail=True, methods=["get", "post"])
    def members(self, request, pk=None):
        project = self._get(request, pk)
        if request.method == "POST":
            data = MemberInput(data=request.data)
            data.is_valid(raise_exception=True)
            user = User.objects.filter(pk=data.validated_data["user_id"]).first()
            if user is None:
                raise ValidationError(
                    {
                        "user_id": [
                            f'Invalid pk "{data.validated_data["user_id"]}" - object does not exist.'
                        ]
                    }
                )
            membership, created = core_call(
                project_services.membership_set,
                actor=request.user,
                project=project,
                user=user,
                role=data.validated_data["role"],
            )
            membership = Membership.objects.select_related("role").get(pk=membership.pk)
            return Response(membership_out(membership), status=201 if created else 200)
        qs = Membership.objects.filter(project=project).select_related("role").order_by("id")
        return paginate(self, request, qs, lambda rows: [membership_out(m) for m in rows])


# --- columns -------------------------------------------------------------------------------


def column_out(c: BoardColumn) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "order": c.order,
        "color": c.color,
        "project": c.project_id,
        "status": c.state.key,
        "tickets_count": getattr(c, "tickets_count", 0),
        "created_at": _dt(c.created_at),
        "updated_at": _dt(c.updated_at),
    }


class ColumnInput(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    order = serializers.IntegerField(required=False, min_value=0, max_value=10_000)
    color = serializers.RegexField(r"^#[0-9A-Fa-f]{3,8}$", required=False)
    project = IdField(required=False)


class ReorderItem(serializers.Serializer):
    id = IdField()
    order = serializers.IntegerField(min_value=0, max_value=10_000)


class ReorderInput(serializers.Serializer):
    order = ReorderItem(many=True, allow_empty=False)


def columns_qs(actor):
    projects = projects_visible_to(actor, template=TEMPLATE).values("pk")
    return (
        BoardColumn.objects.filter(project_id__in=projects)
        .select_related("state")
        .annotate(tickets_count=tickets_in_column(OuterRef("pk"), OuterRef("project_id")))
    )


class ColumnViewSet(BoardsView, viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @doc.doc(
        summary="Kanban columns of the user's projects",
        page=doc.Column,
        params=[doc.qint("project", "Only this project's columns (404 if not a member)")],
        errors=(400, 401, 404),
    )
    def list(self, request):
        qs = columns_qs(request.user)
        project = project_param(request)
        if project is not None:
            qs = qs.filter(project=project)
        qs = qs.order_by("project_id", "order", "id")
        return paginate(self, request, qs, lambda rows: [column_out(c) for c in rows])

    def _get(self, request, pk) -> BoardColumn:
        column = columns_qs(request.user).filter(pk=path_id(pk)).first()
        if column is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("Not found.")
        return column

    def _fresh(self, request, pk) -> dict:
        return column_out(self._get(request, pk))

    @doc.doc(
        summary="Add a column (and its workflow state)",
        request=ColumnInput,
        ok=doc.Column,
        status=201,
        errors=(400, 401, 403),
    )
    def create(self, request):
        data = ColumnInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        project = project_for_write(request, v.get("project"), "manage_columns")
        column = core_call(
            project_services.column_create,
            actor=request.user,
            project=project,
            name=v["name"],
            order=v.get("order"),
            color=v.get("color", "#0052cc"),
        )
        return Response(self._fresh(request, column.pk), status=status.HTTP_201_CREATED)

    @doc.doc(summary="A column", ok=doc.Column, path_id=True, errors=(401, 404))
    def retrieve(self, request, pk=None):
        return Response(self._fresh(request, pk))

    @doc.doc(summary="Change a column", request=ColumnInput, ok=doc.Column, path_id=True)
    def partial_update(self, request, pk=None):
        column = self._get(request, pk)
        data = ColumnInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "project"}
        core_call(project_services.column_update, actor=request.user, column=column, **changes)
        return Response(self._fresh(request, pk))

    @doc.doc(summary="Change a column (as PATCH)", request=ColumnInput, ok=doc.Column, path_id=True)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @doc.doc(summary="Delete an empty column", status=204, path_id=True)
    def destroy(self, request, pk=None):
        column = self._get(request, pk)
        core_call(project_services.column_delete, actor=request.user, column=column)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc.doc(
        summary="Reorder a project's columns in one transaction",
        request=ReorderInput,
        ok=doc.ReorderDone,
        errors=(400, 401, 403, 404),
    )
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        data = ReorderInput(data=request.data)
        data.is_valid(raise_exception=True)
        pairs = [(i["id"], i["order"]) for i in data.validated_data["order"]]
        ids = [cid for cid, _ in pairs]
        found = dict(columns_qs(request.user).filter(pk__in=ids).values_list("pk", "project_id"))
        missing = [cid for cid in ids if cid not in found]
        if missing:
            raise ValidationError(
                {"order": [f'Invalid pk "{cid}" - object does not exist.' for cid in missing]}
            )
        if len(set(found.values())) != 1:
            raise ValidationError({"order": ["All columns must belong to one project."]})
        project = core_call(
            access_project, actor=request.user, project_id=next(iter(found.values()))
        )
        core_call(
            project_services.columns_reorder, actor=request.user, project=project, order=pairs
        )
        return Response({"status": "columns reordered"})


# --- tags ----------------------------------------------------------------------------------


def tag_out(t) -> dict:
    return {
        "id": t.pk,
        "name": t.name,
        "description": t.description,
        "color": t.color,
        "project": t.project_id,
        "project_name": t.project.name if t.project_id else None,
        "tickets_count": getattr(t, "tickets_count", 0),
        "contacts_count": getattr(t, "contacts_count", 0),
        "created_at": _dt(t.created_at),
        "updated_at": _dt(t.updated_at),
    }


class TagInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    color = serializers.RegexField(r"^#[0-9A-Fa-f]{3,8}$", required=False)
    project = IdField(required=False)


class AddContactInput(serializers.Serializer):
    contact_id = IdField()
    role = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


def contact_out(c: Contact) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "title": c.title,
        "department": c.department,
        "description": c.description,
        "project": c.project_id,
        "created_at": _dt(c.created_at),
        "updated_at": _dt(c.updated_at),
    }


class TagViewSet(BoardsView, viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @doc.doc(
        summary="Tags",
        page=doc.Tag,
        params=[
            doc.qint("project", "Only this project's tags (404 if not a member)"),
            doc.qstr("search", "Search in tag name and description"),
        ],
        errors=(400, 401, 404),
    )
    def list(self, request):
        qs = tags_visible_to(request.user)
        project = project_param(request)
        if project is not None:
            qs = qs.filter(project=project)
        qs = tag_search(qs, request.query_params.get("search", "")).order_by("name", "id")
        return paginate(self, request, qs, lambda rows: [tag_out(t) for t in rows])

    def _get(self, request, pk):
        tag = tags_visible_to(request.user).filter(pk=path_id(pk)).first()
        if tag is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("Not found.")
        return tag

    @doc.doc(
        summary="Create a tag (superadmin)",
        request=TagInput,
        ok=doc.Tag,
        status=201,
        errors=(400, 401, 403),
    )
    def create(self, request):
        data = TagInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        project = project_for_write(request, v.get("project"), "manage_tags")
        tag = core_call(
            contact_services.tag_create,
            actor=request.user,
            project=project,
            name=v["name"],
            description=v.get("description", ""),
            color=v.get("color", "#0052cc"),
        )
        return Response(tag_out(self._get(request, tag.pk)), status=status.HTTP_201_CREATED)

    @doc.doc(summary="A tag", ok=doc.Tag, path_id=True, errors=(401, 404))
    def retrieve(self, request, pk=None):
        return Response(tag_out(self._get(request, pk)))

    @doc.doc(summary="Change a tag (superadmin)", request=TagInput, ok=doc.Tag, path_id=True)
    def partial_update(self, request, pk=None):
        tag = self._get(request, pk)
        data = TagInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "project"}
        core_call(contact_services.tag_update, actor=request.user, tag=tag, **changes)
        return Response(tag_out(self._get(request, pk)))

    @doc.doc(summary="Change a tag (as PATCH)", request=TagInput, ok=doc.Tag, path_id=True)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @doc.doc(summary="Delete a tag (superadmin)", status=204, path_id=True, errors=(401, 403, 404))
    def destroy(self, request, pk=None):
        tag = self._get(request, pk)
        core_call(contact_services.tag_delete, actor=request.user, tag=tag)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @doc.doc(
        summary="Link a contact to a tag (again: update its role)",
        request=AddContactInput,
        ok=doc.TagContact,
        status=201,
        path_id=True,
    )
    @action(detail=True, methods=["post"])
    def add_contact(self, request, pk=None):
        tag = self._get(request, pk)
        data = AddContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        cid = data.validated_data["contact_id"]
        contact = contacts_visible_to(request.user).filter(pk=cid).first()
        if contact is None:
            raise ValidationError({"contact_id": [f'Invalid pk "{cid}" - object does not exist.']})
        with transaction.atomic():
            link = core_call(
                contact_services.tag_add_contact,
                actor=request.user,
                tag=tag,
                contact=contact,
                role=data.validated_data["role"],
            )
        return Response(
            {
                "id": link.pk,
                "tag": tag.pk,
                "contact": {"id": contact.pk, "name": contact.name, "email": contact.email},
                "role": link.role,
                "added_at": _dt(link.added_at),
            },
            status=status.HTTP_201_CREATED,
        )


# --- contacts ------------------------------------------------------------------------------


class ContactInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    department = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    project = IdField(required=False)


class ContactViewSet(BoardsView, viewsets.ViewSet):
    lookup_value_regex = r"\d+"

    @doc.doc(
        summary="Contacts",
        page=doc.Contact,
        params=[
            doc.qint("project", "Only this project's contacts (404 if not a member)"),
            doc.qstr("search", "Search in name, email, title, department"),
        ],
        errors=(400, 401, 404),
    )
    def list(self, request):
        qs = contacts_visible_to(request.user)
        project = project_param(request)
        if project is not None:
            qs = qs.filter(project=project)
        qs = contact_search(qs, request.query_params.get("search", "")).order_by("name", "id")
        return paginate(self, request, qs, lambda rows: [contact_out(c) for c in rows])

    @doc.doc(summary="A contact", ok=doc.Contact, path_id=True, errors=(401, 404))
    def retrieve(self, request, pk=None):
        contact = contacts_visible_to(request.user).filter(pk=path_id(pk)).first()
        if contact is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("Not found.")
        return Response(contact_out(contact))

    @doc.doc(
        summary="Create a contact (superadmin)",
        request=ContactInput,
        ok=doc.Contact,
        status=201,
        errors=(400, 401, 403),
    )
    def create(self, request):
        data = ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        project = project_for_write(request, v.pop("project", None), "manage_tags")
        contact = core_call(
            contact_services.contact_create, actor=request.user, project=project, **v
        )
        return Response(contact_out(contact), status=status.HTTP_201_CREATED)


doc.prefix_components(globals())
