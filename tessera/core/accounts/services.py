"""Every write to accounts: users, skills, API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from tessera.core.common import clock
from tessera.core.common.errors import NotFound, ValidationFailed
from tessera.core.common.prepared import Prepared

from .models import ApiToken, Skill, User, UserSkill, hash_token

# A token is used at most once a minute for last_used, so the feed stays read-mostly.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    is_active: bool = True,
    validate: bool = True,
) -> User:
    """Create a user; username and email must be unique (case-insensitive email)."""
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username=username).exists():
        errors["username"] = ["A user with that username already exists."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["A user with that email already exists."]
    if password and validate:
        try:
            validate_password(password, User(username=username, email=email))
        except DjangoValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed("Invalid user data", fields=errors)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
        is_active=is_active,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationFailed("Invalid user data", fields={"username": ["Already taken."]})
    return user


def user_set_skills(*, user: User, skills: dict[str, int]) -> None:
    """Replace a user's skills with ``{name: proficiency 1..5}``."""
    with transaction.atomic():
        UserSkill.objects.filter(user=user).delete()
        for name, proficiency in skills.items():
            skill, _ = Skill.objects.get_or_create(name=name)
            UserSkill.objects.create(
                user=user, skill=skill, proficiency=max(1, min(5, proficiency))
            )


def api_token_create(
    *, name: str, user: User, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored or shown again."""
    raw = secrets.token_urlsafe(32)
    while raw.startswith("-"):  # "--deactivate -abc…" would read as an option, not a value
        raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, user=user, prefix=raw[:8], token_hash=hash_token(raw), expires_at=expires_at
    )
    return token, raw


def api_token_lookup(ident: str) -> ApiToken:
    """Find a token by its numeric id or by its raw value."""
    token = None
    if ident.isdigit():
        token = ApiToken.objects.filter(pk=int(ident)).first()
    if token is None:
        token = ApiToken.objects.filter(token_hash=hash_token(ident)).first()
    if token is None:
        raise NotFound("No such API token")
    return token


def api_token_set_active(*, token: ApiToken, active: bool) -> ApiToken:
    ApiToken.objects.filter(pk=token.pk).update(is_active=active)
    token.is_active = active
    return token


# The token (and its user) by hash, compiled once (``common.prepared``): every feed request
# authenticates this way.
_TOKEN_BY_HASH = Prepared(
    lambda token_hash: ApiToken.objects.select_related("user").filter(token_hash=token_hash), str
)


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active, unexpired token for ``raw`` (its user active too), or None.

    Records ``last_used`` at most once per minute: a conditional UPDATE, so concurrent
    requests do not all write.
    """
    if not raw:
        return None
    token = _TOKEN_BY_HASH.first(hash_token(raw))
    now = clock.now()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used is None or token.last_used <= now - LAST_USED_GRANULARITY:
        from django.db.models import Q

        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used__isnull=True) | Q(last_used__lte=now - LAST_USED_GRANULARITY)
        ).update(last_used=now)
        token.last_used = now
    return token
