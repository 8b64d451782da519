"""Every write to CRM customers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tessera.core.common.errors import Forbidden, ValidationFailed

from .models import Customer
from .selectors import may_manage_customers

CUSTOMER_FIELDS = ("name", "email", "phone", "company")


def _require(actor) -> None:
    if not may_manage_customers(actor):
        raise Forbidden("You do not have permission to perform this action.")


@transaction.atomic
def customer_create(
    *, actor, name: str, email: str = "", phone: str = "", company: str = ""
) -> Customer:
    """Create a customer; needs ``manage_customers`` in some project."""
    _require(actor)
    if not (name or "").strip():
        raise ValidationFailed("Name is required", fields={"name": ["This field is required."]})
    return Customer.objects.create(
        name=name.strip(), email=(email or "").strip(), phone=phone or "", company=company or ""
    )


@transaction.atomic
def customer_update(*, actor, customer: Customer, changes: dict[str, Any]) -> Customer:
    _require(actor)
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationFailed(f"Cannot change: {', '.join(sorted(unknown))}")
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed(
            "Name is required", fields={"name": ["This field may not be blank."]}
        )
    for field, value in changes.items():
        setattr(customer, field, value or "")
    if changes:
        customer.save(update_fields=[*changes, "updated_at"])
    return customer
