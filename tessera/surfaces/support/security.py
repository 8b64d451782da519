"""Cookie-authenticated writes must come from this site (document 001 sends no CSRF token).

Browsers send ``Origin`` on every cross-origin POST/PATCH/DELETE (and ``Sec-Fetch-Site``);
clients that send neither (curl, servers) are not browsers riding on a cookie.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CrossSiteRefused(exceptions.PermissionDenied):
    default_detail = "Forbidden - cross-site request refused"


def same_origin(request) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        trusted = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
        return origin in trusted
    return request.META.get("HTTP_SEC_FETCH_SITE", "") in ("", "same-origin", "none")


def refuse_cross_site_writes(request) -> None:
    if request.method not in SAFE_METHODS and not same_origin(request):
        raise CrossSiteRefused()
