"""Small display helpers for the web templates (no rules: labels and navigation only)."""

from __future__ import annotations

from django import template

from tessera.core.projects import permissions

from .. import selectors

register = template.Library()


@register.filter
def priority_label(ticket) -> str:
    return ticket.project.blueprint.priority_label(ticket.priority)


@register.simple_tag(takes_context=True)
def nav(context) -> dict:
    """Which sections the signed-in user's navigation shows (cached per request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_web_nav", None)
    if cached is None:
        workshop = selectors.has_workshop(user)
        cached = {
            "agent": selectors.is_agent(user),
            "workshop": workshop,
            "can_create": permissions.projects_with_perm(user, "add_ticket") != [],
        }
        request._web_nav = cached
    return cached


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


@register.filter
def duration(seconds) -> str:
    """Seconds as ``HH:MM:SS``."""
    try:
        total = max(0, int(seconds))
    except (TypeError, ValueError):
        return "00:00:00"
    return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}"
