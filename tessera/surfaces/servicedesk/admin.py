"""Document 002's Django admin at /admin/ticketing/: colour-coded status and priority badges,
inline comments and attachments, each ticket's read-only audit trail, filters and search,
overdue rows highlighted, human-readable file sizes, autocomplete for customer and user.

Writes go through the core services (``check_permission=False``: the admin is gated by
Django's model permissions), so admin edits leave the same history as the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from tessera.core.accounts.models import User
from tessera.core.common.pagination import CountedPaginator
from tessera.core.crm.models import Customer
from tessera.core.projects import permissions
from tessera.core.projects.models import Project
from tessera.core.projects.selectors import state_by_key
from tessera.core.servicedesk import selectors as sd
from tessera.core.servicedesk import services as sd_services
from tessera.core.tickets.counts import comment_count, ticket_count, with_count_limit
from tessera.core.tickets.selectors import (
    projects_of_template,
    ticket_search,
    tickets_of_template,
)
from tessera.core.tickets.services import attachment_add, ticket_delete

from .models import Ticket, TicketAttachment, TicketComment, TicketHistory

STATUS_COLORS = {
    "new": "#1565c0",
    "open": "#0288d1",
    "in_progress": "#ef6c00",
    "pending": "#8e24aa",
    "resolved": "#2e7d32",
    "closed": "#616161",
    "reopened": "#c62828",
}
PRIORITY_COLORS = {1: "#78909c", 2: "#1e88e5", 3: "#fb8c00", 4: "#e53935", 5: "#6a1b9a"}


def badge(text: str, color: str):
    return format_html('<span class="sd-badge" style="background:{}">{}</span>', color, text)


class AdminMedia:
    css = {"all": ["servicedesk/admin.css"]}


# ---- filters ---------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s.key, s.name) for s in sd.BLUEPRINT.states]

    def queryset(self, request, queryset):
        return queryset.filter(state__key=self.value()) if self.value() else queryset


class PriorityFilter(admin.SimpleListFilter):
    title = "priority"
    parameter_name = "priority"

    def lookups(self, request, model_admin):
        return [(str(v), label) for v, (_k, label) in sd.BLUEPRINT.priorities.items()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(priority=int(self.value()))
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sd.overdue_q())
        if self.value() == "no":
            return queryset.exclude(sd.overdue_q())
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignment"
    parameter_name = "assignment"

    def lookups(self, request, model_admin):
        return [("unassigned", "Unassigned"), ("mine", "Assigned to me")]

    def queryset(self, request, queryset):
        if self.value() == "unassigned":
            return queryset.filter(sd.unassigned_q())
        if self.value() == "mine":
            return queryset.filter(sd.assigned_to_q(request.user.pk))
        return queryset


# ---- inlines ---------------------------------------------------------------------------


class CommentInline(admin.TabularInline):
    """New comments may be added (through the comment service); existing ones are history."""

    model = TicketComment
    fk_name = "ticket"
    extra = 0
    fields = ["body", "is_internal", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = TicketAttachment
    fk_name = "ticket"
    extra = 0
    fields = ["file", "description", "filename", "human_size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["filename", "human_size", "uploaded_by", "uploaded_at"]

    @admin.display(description="size")
    def human_size(self, obj) -> str:
        return filesizeformat(obj.file_size) if obj.file_size is not None else ""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryInline(admin.TabularInline):
    """The ticket's audit trail, read-only."""

    model = TicketHistory
    fk_name = "ticket"
    extra = 0
    fields = ["created_at", "actor", "action", "field", "old_value", "new_value"]
    readonly_fields = fields
    ordering = ["id"]
    verbose_name_plural = "history (audit trail)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# ---- the ticket form -------------------------------------------------------------------


class TicketAdminForm(forms.ModelForm):
    project = forms.ModelChoiceField(
        queryset=Project.objects.filter(template=sd.TEMPLATE), required=False
    )
    status = forms.ChoiceField(
        choices=[(s.key, s.name) for s in sd.BLUEPRINT.states], required=False
    )
    priority = forms.TypedChoiceField(
        choices=[(v, label) for v, (_k, label) in sd.BLUEPRINT.priorities.items()],
        coerce=int,
        initial=sd.BLUEPRINT.default_priority,
    )
    assigned_to = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=AutocompleteSelect(Ticket._meta.get_field("created_by"), admin.site),
    )
    tags_text = forms.CharField(required=False, label="Tags", help_text="Comma-separated.")

    class Meta:
        model = Ticket
        fields = [
            "title",
            "description",
            "priority",
            "category",
            "customer",
            "due_date",
            "estimated_hours",
            "actual_hours",
        ]
        labels = {"title": "Subject"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ticket = self.instance
        if ticket.pk:
            self.fields.pop("project")
            self.fields["status"].initial = ticket.state.key
            self.fields["status"].required = True
            user = sd.assigned_user(ticket)
            self.fields["assigned_to"].initial = user.pk if user else None
            self.fields["tags_text"].initial = sd.tags_text(ticket)
        else:
            self.fields["project"].required = True
            self.fields.pop("status")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ticket = self.instance
        project_id = ticket.project_id if ticket.pk else getattr(data.get("project"), "pk", None)
        user = data.get("assigned_to")
        if (
            project_id
            and user is not None
            and not permissions.has_perm(user, "be_assigned", project_id)
        ):
            self.add_error("assigned_to", "This user is not an agent of the ticket's project.")
        status = data.get("status")
        if ticket.pk and status and status != ticket.state.key:
            target = state_by_key(ticket.project_id, status)
            if target is None or not ticket.can_transition_to(target):
                self.add_error("status", f"Cannot move from {ticket.state.key} to {status}.")
        return data


class HistoryActionFilter(admin.SimpleListFilter):
    """The history's actions as the document lists them, without reading the distinct
    actions of every event (0.2–0.6 s at 1M tickets)."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(a, a.replace("_", " ")) for a in sd.HISTORY_ACTIONS]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


def _servicedesk_tickets() -> QuerySet:
    """The service desk's tickets by their projects' ids (the kept counts' condition), a
    search of them reading the words of those projects only."""
    return tickets_of_template(sd.TEMPLATE)


# ---- model admins ----------------------------------------------------------------------

# A ticket search also finds the tickets of the customers whose name or e-mail contains
# the text: of at most this many of them.
MAX_SEARCHED_CUSTOMERS = 1000


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    Media = AdminMedia
    list_display = [
        "ticket_number",
        "title",
        "status_badge",
        "priority_badge",
        "category",
        "customer",
        "assignee",
        "due_date",
        "overdue",
        "created_at",
    ]
    list_display_links = ["ticket_number", "title"]
    list_filter = [
        StatusFilter,
        PriorityFilter,
        OverdueFilter,
        AssignmentFilter,
        "category",
        "project",
        "created_at",
    ]
    # Searched through the full-text index (number, title, description, tags, comments)
    # and the customers' names and e-mails: see ``get_search_results``.
    search_fields = ["title"]
    search_help_text = "Ticket number, words of the title, description, tags or comments, or a customer's name or e-mail"
    autocomplete_fields = ["customer"]
    # A created-at filter (today, past 7 days, this month, this year) instead of a date
    # hierarchy: the hierarchy reads the distinct years of every listed ticket, and the
    # first and last date of every match of a search (1.5 s each for a broad one at 1M).
    inlines = [CommentInline, AttachmentInline, HistoryInline]
    list_per_page = 50
    # No second count of every ticket beside the filtered one; the filtered one is read
    # from the kept per-group counts when the filters allow (``get_paginator``).
    show_full_result_count = False

    def get_fieldsets(self, request, obj=None):
        first = ["title", "description", "status"] if obj else ["project", "title", "description"]
        return [
            (None, {"fields": first}),
            ("Classification", {"fields": ["priority", "category", "tags_text"]}),
            ("People", {"fields": ["customer", "assigned_to"]}),
            ("SLA", {"fields": ["due_date", "estimated_hours", "actual_hours"]}),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The projects as a list of ids, not a join: the count can then be read from the
        # kept per-group counts (``tickets.counts``).
        qs = (
            super()
            .get_queryset(request)
            .filter(project_id__in_array=projects_of_template(sd.TEMPLATE))
        )
        return sd.with_relations(qs)

    def get_search_results(self, request, queryset, search_term):
        """The core's ticket search (numbers like ``TKT-000042`` too) or the customer's name
        or e-mail. No ``DISTINCT``: neither condition joins a many-valued relation (the
        admin's own ``icontains`` over titles, descriptions and tags took 11 s at 1M)."""
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        matching = ticket_search(_servicedesk_tickets(), term).order_by().values("pk")
        # The customers first (a small table): an OR with them, when none matches, kept
        # the planner from reading the matches through the full-text index.
        customers = list(
            Customer.objects.filter(Q(name__icontains=term) | Q(email__icontains=term))
            .order_by()
            .values_list("pk", flat=True)[:MAX_SEARCHED_CUSTOMERS]
        )
        condition = Q(pk__in=matching)
        if customers:
            condition |= Q(customer_id__in=customers)
        found = queryset.filter(condition)
        # counted up to the API search's limit, as its pages are (``with_count_limit``)
        return with_count_limit(found, settings.TESSERA_SEARCH_MAX_RESULTS), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CountedPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count=lambda: ticket_count(queryset),
        )

    @admin.display(description="number", ordering="number")
    def ticket_number(self, obj) -> str:
        return obj.display_number

    @admin.display(description="status", ordering="state__order")
    def status_badge(self, obj):
        return badge(obj.state.name, STATUS_COLORS.get(obj.state.key, "#455a64"))

    @admin.display(description="priority", ordering="priority")
    def priority_badge(self, obj):
        return badge(
            sd.BLUEPRINT.priority_label(obj.priority), PRIORITY_COLORS.get(obj.priority, "#455a64")
        )

    @admin.display(description="assigned to")
    def assignee(self, obj) -> str:
        user = sd.assigned_user(obj)
        return user.full_name if user else "—"

    @admin.display(description="overdue")
    def overdue(self, obj):
        if sd.ticket_metrics(obj)["is_overdue"]:
            return format_html('<span class="sd-overdue">{}</span>', "Overdue")
        return ""

    # writes through the services -----------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if not change:
            ticket = sd_services.sd_ticket_create(
                actor=request.user,
                project=data["project"],
                subject=data["title"],
                description=data.get("description") or "",
                priority=data.get("priority"),
                category=data.get("category"),
                customer=data.get("customer"),
                assigned_to=data.get("assigned_to"),
                due_date=data.get("due_date"),
                estimated_hours=data.get("estimated_hours"),
                actual_hours=data.get("actual_hours"),
                tags=data.get("tags_text") or "",
                check_permission=False,
            )
            for f in Ticket._meta.concrete_fields:
                setattr(obj, f.attname, getattr(ticket, f.attname))
            obj._state.adding = False
            obj._state.db = ticket._state.db
            return
        plain = [
            "title",
            "description",
            "priority",
            "category",
            "customer",
            "due_date",
            "estimated_hours",
            "actual_hours",
        ]
        changes = {name: data[name] for name in plain if name in form.changed_data}
        kwargs: dict[str, Any] = {}
        if "assigned_to" in form.changed_data:
            kwargs["assigned_to"] = data.get("assigned_to")
        if "tags_text" in form.changed_data:
            kwargs["tags"] = data.get("tags_text") or ""
        ticket = Ticket.objects.select_related("project", "state").get(pk=obj.pk)
        sd_services.sd_ticket_update(
            actor=request.user,
            ticket=ticket,
            changes=changes,
            status=data.get("status") if "status" in form.changed_data else None,
            check_permission=False,
            **kwargs,
        )

    def save_related(self, request, form, formsets, change) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        ticket = Ticket.objects.select_related("project", "state").get(pk=form.instance.pk)
        # what the admin's change message reads (no existing row is changed or deleted here)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.instance.pk or not inline_form.has_changed():
                continue
            if inline_form.cleaned_data.get("DELETE"):
                continue
            if formset.model is TicketComment:
                created = sd_services.sd_comment_add(
                    actor=request.user,
                    ticket=ticket,
                    content=inline_form.cleaned_data["body"],
                    is_internal=inline_form.cleaned_data.get("is_internal", False),
                    check_permission=False,
                )
            elif formset.model is TicketAttachment:
                created = attachment_add(
                    actor=request.user,
                    ticket=ticket,
                    upload=inline_form.cleaned_data["file"],
                    description=inline_form.cleaned_data.get("description", ""),
                    check_permission=False,
                )
            else:
                continue
            formset.new_objects.append(created)

    def delete_model(self, request, obj) -> None:
        ticket_delete(actor=request.user, ticket=obj, check_permission=False)

    def delete_queryset(self, request, queryset) -> None:
        for ticket in queryset:
            ticket_delete(actor=request.user, ticket=ticket, check_permission=False)


@admin.register(TicketComment)
class TicketCommentAdmin(admin.ModelAdmin):
    list_display = ["ticket_number", "author", "short_content", "visibility", "created_at"]
    list_filter = ["is_internal", "created_at"]
    search_fields = ["body"]  # shows the search box; get_search_results does the search
    search_help_text = (
        "Text in comments of the newest 1,000 tickets that mention it, or an author's username"
    )
    list_select_related = ["ticket__project", "author"]
    autocomplete_fields = ["author"]
    show_full_result_count = False  # one count, not a second one of every comment

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=_servicedesk_tickets())

    def get_search_results(self, request, queryset, search_term):
        """Comments holding the term, among those of the newest tickets (at most the
        search limit, 1,000) that the full-text index finds for it (a ticket's document
        holds its comments), or by the author with that username. Django's own
        ``icontains`` over every comment, its ticket and author took 2.8 s over 2,000,000
        comments at 1M; read from a list of ticket ids, a few hundred comments are read."""
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        limit = settings.TESSERA_SEARCH_MAX_RESULTS
        tickets = list(
            ticket_search(_servicedesk_tickets(), term)
            .order_by("-pk")
            .values_list("pk", flat=True)[:limit]
        )
        condition = Q(ticket_id__in=tickets, body__icontains=term)
        # the authors apart (a small table): an OR with a join to the users is read as a
        # scan of every comment
        authors = list(User.objects.filter(username__iexact=term).values_list("pk", flat=True))
        if authors:
            condition |= Q(author_id__in=authors)
        return queryset.filter(condition), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """The service desk's comments, all or only the public or internal ones, are
        counted from the ticket groups' kept comment counts (0.5 s through the tickets at
        1M); any other filter or a search counts them."""
        narrowed = set(request.GET) - {"p", "o"}
        internal = request.GET.get("is_internal__exact")
        kept = not narrowed or (narrowed == {"is_internal__exact"} and internal in ("0", "1"))

        def count() -> int:
            if not kept:
                return queryset.count()
            return comment_count(
                _servicedesk_tickets(),
                queryset,
                public=internal != "1",
                internal=internal != "0",
            )

        return CountedPaginator(queryset, per_page, orphans, allow_empty_first_page, count=count)

    @admin.display(description="ticket")
    def ticket_number(self, obj) -> str:
        return obj.ticket.display_number

    @admin.display(description="content")
    def short_content(self, obj) -> str:
        return obj.body[:80]

    @admin.display(description="visibility")
    def visibility(self, obj):
        return badge("Internal", "#6d4c41") if obj.is_internal else badge("Public", "#2e7d32")

    def has_add_permission(self, request) -> bool:
        return False  # comments are added on the ticket page (through the service)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "ticket_number", "human_size", "uploaded_by", "uploaded_at"]
    list_filter = ["uploaded_at", "content_type"]
    search_fields = ["filename", "description", "ticket__title"]
    list_select_related = ["ticket__project", "uploaded_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__project__template=sd.TEMPLATE)

    @admin.display(description="ticket")
    def ticket_number(self, obj) -> str:
        return obj.ticket.display_number

    @admin.display(description="size", ordering="file_size")
    def human_size(self, obj) -> str:
        return filesizeformat(obj.file_size)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TicketHistory)
class TicketHistoryAdmin(admin.ModelAdmin):
    """The complete audit trail, read-only."""

    list_display = [
        "created_at",
        "ticket_ref",
        "actor",
        "action",
        "field",
        "old_value",
        "new_value",
    ]
    list_filter = [HistoryActionFilter, "created_at"]
    search_fields = ["ticket_ref", "field", "old_value", "new_value"]
    list_select_related = ["actor"]
    show_full_result_count = False  # one count, not a second one of every event

    def get_queryset(self, request):
        return super().get_queryset(request).filter(project__template=sd.TEMPLATE)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
