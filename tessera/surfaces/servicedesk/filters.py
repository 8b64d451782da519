"""Query parameters of document 002. Every parameter is validated: a value that does not
parse is a 400 with the parameter's name, never silently ignored."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from tessera.core.accounts.models import User
from tessera.core.common.ids import MAX_ID
from tessera.core.crm.models import Customer
from tessera.core.servicedesk import selectors as sd
from tessera.core.tickets.selectors import created_on_days, in_states_keyed, ticket_search
from tessera.surfaces.filtering import FilterSet

BOOL_CHOICES = [(v, v) for v in ("true", "false", "True", "False", "1", "0")]


def _as_bool(value: str) -> bool:
    return value.lower() in ("true", "1")


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` (or 1/0); anything else is a 400, not "no filter"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("choices", BOOL_CHOICES)
        kwargs.setdefault("coerce", _as_bool)
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """An id: a whole number in the database's range (else 400, not an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class TicketFilter(FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(s, s) for s in sd.STATUSES], method="filter_status"
    )
    priority = django_filters.ChoiceFilter(
        choices=[(p, p) for p in sd.PRIORITIES.values()], method="filter_priority"
    )
    category = django_filters.CharFilter(method="filter_category")
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all())
    assigned_to = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), method="filter_assigned_to"
    )
    my_tickets = StrictBooleanFilter(method="filter_my_tickets")
    unassigned = StrictBooleanFilter(method="filter_unassigned")
    overdue = StrictBooleanFilter(method="filter_overdue")
    created_after = django_filters.DateFilter(
        method="filter_created_after", input_formats=["%Y-%m-%d"]
    )
    created_before = django_filters.DateFilter(
        method="filter_created_before", input_formats=["%Y-%m-%d"]
    )
    search = django_filters.CharFilter(method="filter_search")

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return in_states_keyed(qs, value)

    def filter_priority(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(priority={v: k for k, v in sd.PRIORITIES.items()}[value])

    def filter_category(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        slugs = set(sd.categories_for(self.request.user).values_list("slug", flat=True))
        if value not in slugs:
            raise ValidationError(
                {"category": [f"Select a valid choice. {value} is not one of the categories."]}
            )
        return qs.filter(category__slug=value)

    def filter_assigned_to(self, qs: QuerySet, name: str, value: User) -> QuerySet:
        return qs.filter(sd.assigned_to_q(value.pk))

    def filter_my_tickets(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        q = sd.assigned_to_q(self.request.user.pk)
        return qs.filter(q) if value else qs.exclude(q)

    def filter_unassigned(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        q = sd.unassigned_q()
        return qs.filter(q) if value else qs.exclude(q)

    def filter_overdue(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        q = sd.overdue_q()
        return qs.filter(q) if value else qs.exclude(q)

    def filter_created_after(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        return created_on_days(qs, first=value)

    def filter_created_before(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        return created_on_days(qs, last=value)

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return ticket_search(qs, value)


class CommentFilter(FilterSet):
    ticket = IntegerFilter(field_name="ticket_id")
    is_internal = StrictBooleanFilter(field_name="is_internal")


class AttachmentFilter(FilterSet):
    ticket = IntegerFilter(field_name="ticket_id")


class HistoryFilter(FilterSet):
    ticket = IntegerFilter(field_name="ticket_id")
    action = django_filters.ChoiceFilter(choices=[(a, a) for a in sd.HISTORY_ACTIONS])
