"""Mounts the five surfaces, the schema, the admin and the web UI — nothing else.

Order matters under ``/api/tickets``: ``boards`` owns literal resource names
(``/api/tickets/tickets/``, ``/api/tickets/auth/…``), ``support`` owns the paths without a
trailing slash, and ``feed`` takes ``/api/tickets/`` and ``/api/tickets/<id>/`` last.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tessera.web import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tessera.surfaces.workshop.urls")),
    path("api/ticketing/", include("tessera.surfaces.servicedesk.urls")),
    path("api/", include("tessera.surfaces.boards.urls")),
    path("api/", include("tessera.surfaces.support.urls")),
    path("api/", include("tessera.surfaces.feed.urls")),
    path("", include("tessera.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
