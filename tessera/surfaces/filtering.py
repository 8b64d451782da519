"""django-filter without its per-request set-up cost (docs/performance.md).

For every request a stock ``FilterSet`` deep-copies its declared filters (with the querysets
of model-choice filters) and builds a new form class from them: about a millisecond per
list request, more than the list's SQL. ``FilterSet`` here copies each filter shallowly and
builds its form class once per class, and its forms share that class's fields instead of
deep-copying them per instance as Django forms do (~0.2 ms per filtered list): a filter
form is only validated, never rendered or changed, and validating reads a field without
writing to it. ``FilterBackend`` skips the filter set when the request names none of its
parameters. Filters whose form fields depend on the request (callable querysets) must not
use this base.
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend


class _SharedFields(dict):
    """A form class's fields that its instances share: ``BaseForm.__init__`` deep-copies
    ``base_fields``, and this copy is shallow (each form still gets its own dict)."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


class FilterSet(django_filters.FilterSet):
    _form_classes: dict[type, type] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, declared in self.base_filters.items():
            filter_ = copy.copy(declared)
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method:
                filter_.method = filter_.method  # bind the method proxy to this copy
            self.filters[name] = filter_

    def get_form_class(self) -> type:
        cls = type(self)
        form = FilterSet._form_classes.get(cls)
        if form is None:
            form = super().get_form_class()
            form.base_fields = _SharedFields(form.base_fields)
            FilterSet._form_classes[cls] = form
        return form


class FilterBackend(DjangoFilterBackend):
    """The project default: a request that names none of the filter set's parameters gets
    the queryset unchanged, exactly what the filter set would return for it."""

    def filter_queryset(self, request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = filterset_class.base_filters.keys()
        if not any(param in names for param in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
