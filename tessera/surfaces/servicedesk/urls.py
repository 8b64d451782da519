"""Document 002 at ``/api/ticketing/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import auth, views

router = SimpleRouter()
router.register("tickets", views.TicketViewSet, basename="servicedesk-ticket")
router.register("comments", views.CommentViewSet, basename="servicedesk-comment")
router.register("attachments", views.AttachmentViewSet, basename="servicedesk-attachment")
router.register("history", views.HistoryViewSet, basename="servicedesk-history")
router.register("categories", views.CategoryViewSet, basename="servicedesk-category")
router.register("customers", views.CustomerViewSet, basename="servicedesk-customer")

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="servicedesk-token"),
    path("auth/token/refresh/", auth.TokenRefresh.as_view(), name="servicedesk-token-refresh"),
    *router.urls,
]
