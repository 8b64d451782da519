"""The surfaces' filter sets share their form fields between requests
(``tessera.surfaces.filtering``): each request still validates its own values."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from tessera.core.tickets.models import Ticket
from tessera.surfaces.servicedesk.filters import TicketFilter


def _form(query: str):
    return TicketFilter(QueryDict(query), queryset=Ticket.objects.none()).form


@pytest.mark.django_db
def test_forms_share_fields_but_not_their_values() -> None:
    first, second = _form("status=open&priority=high"), _form("priority=bogus")
    assert first.fields is not second.fields
    assert first.fields["priority"] is second.fields["priority"]
    assert first.is_valid(), first.errors
    assert first.cleaned_data["priority"] == "high"
    assert not second.is_valid()
    assert "priority" in second.errors
    # the first form's answer did not change by the second's validation
    assert first.cleaned_data["priority"] == "high"
    third = _form("priority=low")
    assert third.is_valid(), third.errors
    assert third.cleaned_data["priority"] == "low"
