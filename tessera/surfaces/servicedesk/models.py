"""Proxies of the core rows under this app's label, so the admin lives at /admin/ticketing/
(document 002). No tables: the rows are the core's tickets, comments, files and events."""

from __future__ import annotations

from tessera.core.audit.models import Event
from tessera.core.tickets import models as core


class Ticket(core.Ticket):
    class Meta:
        proxy = True
        verbose_name = "ticket"
        ordering = ["-created_at", "-id"]


class TicketComment(core.Comment):
    class Meta:
        proxy = True
        verbose_name = "ticket comment"


class TicketAttachment(core.Attachment):
    class Meta:
        proxy = True
        verbose_name = "ticket attachment"


class TicketHistory(Event):
    class Meta:
        proxy = True
        verbose_name = "ticket history entry"
        verbose_name_plural = "ticket history"
