"""Document 002 at ``/api/ticketing/``."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("tickets", views.TicketViewSet, basename="servicedesk-ticket")
router.register("comments", views.CommentViewSet, basename="servicedesk-comment")
router.register("attachments", views.AttachmentViewSet, basename="servicedesk-attachment")
router.register("history", views.HistoryViewSet, basename="servicedesk-history")
router.register("categories", views.CategoryViewSet, basename="servicedesk-category")
router.register("customers", views.CustomerViewSet, basename="servicedesk-customer")

urlpatterns = router.urls
