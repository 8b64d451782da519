"""Reads of CRM customers: who may see them, search."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tessera.core.common.errors import NotFound
from tessera.core.projects import permissions

from .models import Customer


def may_manage_customers(actor) -> bool:
    """Customers are shared by every project; holders of ``manage_customers`` anywhere see them."""
    allowed = permissions.projects_with_perm(actor, "manage_customers")
    return allowed is None or bool(allowed)


def customers_visible_to(actor) -> QuerySet[Customer]:
    if not may_manage_customers(actor):
        return Customer.objects.none()
    return Customer.objects.all()


def customer_search(qs: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(
        Q(name__icontains=text)
        | Q(email__icontains=text)
        | Q(company__icontains=text)
        | Q(phone__icontains=text)
    )


def access_customer(*, actor, customer_id) -> Customer:
    try:
        pk = int(customer_id)
    except (TypeError, ValueError):
        raise NotFound("Customer not found")
    customer = customers_visible_to(actor).filter(pk=pk).first()
    if customer is None:
        raise NotFound("Customer not found")
    return customer
