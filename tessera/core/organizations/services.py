"""Writes of companies (document 003) and the project roles that follow from them.

Managing a company needs ``manage_companies`` in every project the company is linked to
(a company linked to no project: in at least one project). Linking people to a company
grants or withdraws project roles in the company's projects, in the same transaction:

- an admin of the company gets the ``admin`` role in each of its projects (a superadmin
  keeps their role); removing them downgrades to ``user`` where they are still a company
  user in that project, or removes the role, unless another company of the project still
  has them as admin;
- a company user gets the ``user`` role where they have no role yet; removing them removes
  a ``user`` role no other company of the project justifies.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from tessera.core.accounts.models import User
from tessera.core.accounts.services import user_create
from tessera.core.audit.services import event_record
from tessera.core.common.errors import Forbidden, ValidationFailed
from tessera.core.projects import permissions
from tessera.core.projects.models import Membership, Project
from tessera.core.projects.services import membership_remove, membership_set

from .models import Company

COMPANY_FIELDS = {"name", "description", "primary_contact_email", "phone"}
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
THUMBNAIL_SIZE = (128, 128)
MAX_LOGO_PIXELS = 40_000_000


def max_logo_bytes() -> int:
    return int(getattr(settings, "BOARDS_MAX_LOGO_BYTES", 2 * 1024 * 1024))


def require_manage_company(
    actor, company: Company | None, project_ids: list[int] | None = None
) -> None:
    """``manage_companies`` in each of the company's (or the given) projects."""
    if actor.is_superuser:
        return
    ids = list(project_ids or [])
    if company is not None and company.pk:
        ids += list(company.projects.values_list("pk", flat=True))
    if ids:
        if all(permissions.has_perm(actor, "manage_companies", pid) for pid in set(ids)):
            return
    elif permissions.projects_with_perm(actor, "manage_companies"):
        return
    raise Forbidden("You do not have permission to perform this action.")


def _clean_name(name: str, company: Company | None = None) -> str:
    name = (name or "").strip()[:200]
    if not name:
        raise ValidationFailed("Name is required", fields={"name": ["This field is required."]})
    clash = Company.objects.filter(name__iexact=name)
    if company is not None:
        clash = clash.exclude(pk=company.pk)
    if clash.exists():
        raise ValidationFailed(
            "Name taken", fields={"name": ["company with this name already exists."]}
        )
    return name


def _logo_files(upload: UploadedFile) -> tuple[ContentFile, ContentFile]:
    """Decode the upload as an image (the extension proves nothing) and make a 128 px
    thumbnail. Anything that is not a PNG/JPEG/GIF/WEBP image, too large, or a
    decompression bomb is refused."""
    from PIL import Image, UnidentifiedImageError

    limit = max_logo_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationFailed(
            "Logo too large", fields={"logo": [f"The logo may be at most {limit} bytes."]}
        )
    bad = ValidationFailed(
        "Not an image",
        fields={
            "logo": [
                "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
            ]
        },
    )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in LOGO_FORMATS or probe.width * probe.height > MAX_LOGO_PIXELS:
                raise bad
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            thumb = image.convert("RGBA") if image.mode not in ("RGB", "RGBA") else image.copy()
            thumb.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            thumb.save(out, format="PNG")
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise bad
    stem = uuid.uuid4().hex
    ext = {"JPEG": ".jpg"}.get(fmt, f".{fmt.lower()}")
    return ContentFile(data, name=f"{stem}{ext}"), ContentFile(
        out.getvalue(), name=f"thumb_{stem}.png"
    )


def _set_logo(company: Company, upload: UploadedFile | None) -> None:
    old = [f for f in (company.logo, company.logo_thumbnail) if f]
    if upload is None:
        company.logo = None
        company.logo_thumbnail = None
    else:
        logo, thumb = _logo_files(upload)
        company.logo.save(logo.name, logo, save=False)
        company.logo_thumbnail.save(thumb.name, thumb, save=False)
    for f in old:
        transaction.on_commit(lambda f=f, name=f.name: f.storage.delete(name))


def _boards_projects(project_ids: list[int]) -> list[Project]:
    projects = list(Project.objects.filter(pk__in=project_ids))
    missing = set(project_ids) - {p.pk for p in projects}
    if missing:
        raise ValidationFailed(
            "Unknown projects",
            fields={
                "project_ids": [
                    f'Invalid pk "{pk}" - object does not exist.' for pk in sorted(missing)
                ]
            },
        )
    return projects


@transaction.atomic
def company_create(
    *,
    actor,
    name: str,
    description: str = "",
    primary_contact_email: str = "",
    phone: str = "",
    admins: list[User] = (),
    users: list[User] = (),
    project_ids: list[int] = (),
    logo: UploadedFile | None = None,
) -> Company:
    projects = _boards_projects(list(project_ids))
    require_manage_company(actor, None, list(project_ids))
    company = Company(
        name=_clean_name(name),
        description=description or "",
        primary_contact_email=primary_contact_email or "",
        phone=phone or "",
    )
    if logo is not None:
        _set_logo(company, logo)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        raise ValidationFailed(
            "Name taken", fields={"name": ["company with this name already exists."]}
        )
    company.projects.set(projects)
    event_record(actor=actor, action="company_created", new_value=company.name)
    for user in users:
        company_assign_user(actor=actor, company=company, user=user)
    for user in admins:
        company_assign_admin(actor=actor, company=company, user=user)
    return company


@transaction.atomic
def company_update(
    *,
    actor,
    company: Company,
    changes: dict,
    project_ids: list[int] | None = None,
    logo: UploadedFile | None = None,
    clear_logo: bool = False,
) -> Company:
    """Change plain fields, the logo, or the project links (roles follow the links)."""
    if project_ids is not None:
        _boards_projects(project_ids)
    require_manage_company(actor, company, project_ids)
    unknown = set(changes) - COMPANY_FIELDS
    if unknown:
        raise ValidationFailed(f"Cannot change: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"], company)
    for field, value in changes.items():
        old = getattr(company, field)
        if old != value:
            setattr(company, field, value)
            event_record(
                actor=actor,
                action="company_updated",
                field=field,
                old_value=str(old),
                new_value=str(value),
            )
    if logo is not None or clear_logo:
        _set_logo(company, logo)
        event_record(actor=actor, action="company_updated", field="logo", new_value=company.name)
    company.save()
    if project_ids is not None:
        projects = _boards_projects(project_ids)
        company.projects.set(projects)
        for user in company.users.all():
            _grant(actor, company, user, "user")
        for user in company.admins.all():
            _grant(actor, company, user, "admin")
    return company


@transaction.atomic
def company_delete(*, actor, company: Company) -> None:
    """Delete the company; its tickets stay (their ``company`` becomes empty)."""
    require_manage_company(actor, company)
    event_record(actor=actor, action="company_deleted", old_value=company.name)
    files = [f for f in (company.logo, company.logo_thumbnail) if f]
    company.delete()
    for f in files:
        transaction.on_commit(lambda f=f, name=f.name: f.storage.delete(name))


def _roles(user: User, projects: list[Project]) -> dict[int, str]:
    return dict(
        Membership.objects.filter(user=user, project__in=projects).values_list(
            "project_id", "role__name"
        )
    )


def _grant(actor, company: Company, user: User, role: str) -> None:
    projects = list(company.projects.all())
    current = _roles(user, projects)
    for project in projects:
        have = current.get(project.pk)
        if role == "admin" and have in (None, "user", "manager"):
            membership_set(actor=None, project=project, user=user, role="admin")
        elif role == "user" and have is None:
            membership_set(actor=None, project=project, user=user, role="user")
    permissions.forget(user)


@transaction.atomic
def company_assign_admin(*, actor, company: Company, user: User) -> Company:
    require_manage_company(actor, company)
    company.admins.add(user)
    _grant(actor, company, user, "admin")
    event_record(
        actor=actor, action="company_admin_added", new_value=f"{company.name}:{user.username}"
    )
    return company


@transaction.atomic
def company_assign_user(*, actor, company: Company, user: User) -> Company:
    require_manage_company(actor, company)
    company.users.add(user)
    _grant(actor, company, user, "user")
    event_record(
        actor=actor, action="company_user_added", new_value=f"{company.name}:{user.username}"
    )
    return company


def _other_companies(project: Project, company: Company):
    return Company.objects.filter(projects=project).exclude(pk=company.pk)


@transaction.atomic
def company_remove_admin(*, actor, company: Company, user: User) -> Company:
    require_manage_company(actor, company)
    if not company.admins.filter(pk=user.pk).exists():
        raise ValidationFailed(
            "Not an admin", fields={"user_id": ["This user is not an admin of the company."]}
        )
    company.admins.remove(user)
    projects = list(company.projects.all())
    current = _roles(user, projects)
    for project in projects:
        if current.get(project.pk) != "admin":
            continue
        if _other_companies(project, company).filter(admins=user).exists():
            continue
        is_company_user = Company.objects.filter(projects=project, users=user).exists()
        if is_company_user:
            membership_set(actor=None, project=project, user=user, role="user")
        else:
            membership_remove(actor=None, project=project, user=user)
    event_record(
        actor=actor, action="company_admin_removed", old_value=f"{company.name}:{user.username}"
    )
    return company


@transaction.atomic
def company_remove_user(*, actor, company: Company, user: User) -> Company:
    require_manage_company(actor, company)
    if not company.users.filter(pk=user.pk).exists():
        raise ValidationFailed(
            "Not a user", fields={"user_id": ["This user is not a user of the company."]}
        )
    company.users.remove(user)
    projects = list(company.projects.all())
    current = _roles(user, projects)
    for project in projects:
        if current.get(project.pk) != "user":
            continue
        if _other_companies(project, company).filter(users=user).exists():
            continue
        membership_remove(actor=None, project=project, user=user)
    event_record(
        actor=actor, action="company_user_removed", old_value=f"{company.name}:{user.username}"
    )
    return company


@transaction.atomic
def company_create_user(
    *,
    actor,
    company: Company,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a client account, add it to the company and grant ``user`` in its projects."""
    require_manage_company(actor, company)
    user = user_create(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    company_assign_user(actor=actor, company=company, user=user)
    return user


# --- user administration (document 003's /users/) ----------------------------------------


def may_manage_user(actor, user: User) -> bool:
    """Django superusers manage everyone. A project superadmin (``manage_members``) manages
    an ordinary account whose every project role lies in projects they manage — never staff,
    superusers or themselves through these endpoints."""
    if actor.is_superuser:
        return True
    if user.is_superuser or user.is_staff or user.pk == actor.pk:
        return False
    theirs = set(Membership.objects.filter(user=user).values_list("project_id", flat=True))
    if not theirs:
        return False
    return all(permissions.has_perm(actor, "manage_members", pid) for pid in theirs)


def may_create_users(actor) -> bool:
    return bool(
        actor.is_superuser
        or actor.is_staff
        or permissions.projects_with_perm(actor, "manage_members")
    )


def _require_manage_user(actor, user: User) -> None:
    if not may_manage_user(actor, user):
        raise Forbidden("You do not have permission to perform this action.")


@transaction.atomic
def user_admin_create(*, actor, is_staff: bool = False, **fields) -> User:
    if not may_create_users(actor):
        raise Forbidden("You do not have permission to perform this action.")
    if is_staff and not actor.is_superuser:
        raise Forbidden("Only superusers may create staff accounts.")
    user = user_create(is_staff=is_staff, **fields)
    event_record(actor=actor, action="user_created", new_value=user.username)
    return user


USER_FIELDS = {"username", "email", "first_name", "last_name", "is_active", "is_staff"}


@transaction.atomic
def user_admin_update(*, actor, user: User, changes: dict) -> User:
    _require_manage_user(actor, user)
    unknown = set(changes) - USER_FIELDS
    if unknown:
        raise ValidationFailed(f"Cannot change: {', '.join(sorted(unknown))}")
    if "is_staff" in changes and not actor.is_superuser:
        raise Forbidden("Only superusers may change staff status.")
    errors: dict[str, list[str]] = {}
    if (
        "username" in changes
        and User.objects.filter(username=changes["username"]).exclude(pk=user.pk).exists()
    ):
        errors["username"] = ["A user with that username already exists."]
    if (
        "email" in changes
        and User.objects.filter(email__iexact=changes["email"]).exclude(pk=user.pk).exists()
    ):
        errors["email"] = ["A user with that email already exists."]
    if errors:
        raise ValidationFailed("Invalid user data", fields=errors)
    for field, value in changes.items():
        old = getattr(user, field)
        if old != value:
            setattr(user, field, value)
            event_record(
                actor=actor,
                action="user_updated",
                field=field,
                old_value=str(old),
                new_value=str(value),
            )
    user.save()
    return user


@transaction.atomic
def user_admin_set_password(*, actor, user: User, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    _require_manage_user(actor, user)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("Weak password", fields={"password": list(exc.messages)})
    user.set_password(password)
    user.save(update_fields=["password"])
    event_record(actor=actor, action="user_password_set", new_value=user.username)


@transaction.atomic
def user_admin_toggle_active(*, actor, user: User) -> bool:
    _require_manage_user(actor, user)
    user.is_active = not user.is_active
    user.save(update_fields=["is_active"])
    event_record(
        actor=actor,
        action="user_updated",
        field="is_active",
        old_value=str(not user.is_active),
        new_value=str(user.is_active),
    )
    return user.is_active


@transaction.atomic
def user_admin_delete(*, actor, user: User) -> None:
    _require_manage_user(actor, user)
    event_record(actor=actor, action="user_deleted", old_value=user.username)
    user.delete()
