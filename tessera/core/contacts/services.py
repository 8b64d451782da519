"""Writes of the tag directory (document 003): tags, contacts and their links.

Tags live in ``tickets.Tag``; creating, editing and deleting them as directory entries, and
every contact write, needs ``manage_tags`` in the tag's project.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from tessera.core.audit.services import event_record
from tessera.core.common import clock
from tessera.core.common.errors import ValidationFailed
from tessera.core.projects import permissions
from tessera.core.projects.models import Project
from tessera.core.tickets.models import Tag

from .models import Contact, TagContact

TAG_FIELDS = {"name", "description", "color"}
CONTACT_FIELDS = {"name", "email", "phone", "title", "department", "description"}


def _taken(name: str) -> ValidationFailed:
    return ValidationFailed(
        "Tag name taken", fields={"name": [f"A tag named '{name}' already exists in this project."]}
    )


@transaction.atomic
def tag_create(
    *, actor, project: Project, name: str, description: str = "", color: str = "#0052cc"
) -> Tag:
    permissions.require_perm(actor, "manage_tags", project.pk)
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationFailed("Name is required", fields={"name": ["This field is required."]})
    if Tag.objects.filter(project=project, name__iexact=name).exists():
        raise _taken(name)
    try:
        with transaction.atomic():
            tag = Tag.objects.create(
                project=project, name=name, description=description or "", color=color or "#0052cc"
            )
    except IntegrityError:
        raise _taken(name)
    event_record(project=project, actor=actor, action="tag_created", new_value=name)
    return tag


@transaction.atomic
def tag_update(*, actor, tag: Tag, **changes) -> Tag:
    permissions.require_perm(actor, "manage_tags", tag.project_id)
    unknown = set(changes) - TAG_FIELDS
    if unknown:
        raise ValidationFailed(f"Cannot change: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()[:100]
        if not changes["name"]:
            raise ValidationFailed(
                "Name is required", fields={"name": ["This field may not be blank."]}
            )
        clash = Tag.objects.filter(project_id=tag.project_id, name__iexact=changes["name"])
        if clash.exclude(pk=tag.pk).exists():
            raise _taken(changes["name"])
    for field, value in changes.items():
        old = getattr(tag, field)
        if old != value:
            setattr(tag, field, value)
            event_record(
                project=tag.project,
                actor=actor,
                action="tag_updated",
                field=field,
                old_value=str(old),
                new_value=str(value),
            )
    tag.save()
    return tag


@transaction.atomic
def tag_delete(*, actor, tag: Tag) -> None:
    permissions.require_perm(actor, "manage_tags", tag.project_id)
    event_record(project=tag.project, actor=actor, action="tag_deleted", old_value=tag.name)
    tag.delete()


@transaction.atomic
def contact_create(*, actor, project: Project, name: str, **fields: str) -> Contact:
    permissions.require_perm(actor, "manage_tags", project.pk)
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown contact fields: {', '.join(sorted(unknown))}")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name is required", fields={"name": ["This field is required."]})
    now = clock.now()
    contact = Contact.objects.create(
        project=project,
        name=name[:200],
        created_by=actor,
        created_at=now,
        updated_at=now,
        **{k: v or "" for k, v in fields.items()},
    )
    event_record(project=project, actor=actor, action="contact_created", new_value=contact.name)
    return contact


@transaction.atomic
def tag_add_contact(*, actor, tag: Tag, contact: Contact, role: str = "") -> TagContact:
    """Attach ``contact`` to ``tag`` (same project); attaching again updates the role."""
    permissions.require_perm(actor, "manage_tags", tag.project_id)
    if contact.project_id != tag.project_id:
        raise ValidationFailed(
            "Contact of another project",
            fields={"contact_id": ["The contact belongs to another project."]},
        )
    link, created = TagContact.objects.get_or_create(
        tag=tag, contact=contact, defaults={"role": (role or "")[:100], "added_at": clock.now()}
    )
    if not created and link.role != (role or ""):
        link.role = (role or "")[:100]
        link.save(update_fields=["role"])
    event_record(
        project=tag.project,
        actor=actor,
        action="tag_contact_added",
        field="contact",
        new_value=f"{tag.name}:{contact.name}",
    )
    return link
