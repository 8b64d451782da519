from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from . import auth, board, companies, dashboard, tickets, users

router = SimpleRouter()
router.register("tickets/tickets", tickets.TicketViewSet, basename="boards-ticket")
router.register("tickets/projects", board.ProjectViewSet, basename="boards-project")
router.register("tickets/columns", board.ColumnViewSet, basename="boards-column")
router.register("tickets/tags", board.TagViewSet, basename="boards-tag")
router.register("tickets/contacts", board.ContactViewSet, basename="boards-contact")
router.register("tickets/comments", tickets.CommentViewSet, basename="boards-comment")
router.register("tickets/attachments", tickets.AttachmentViewSet, basename="boards-attachment")
router.register("tickets/companies", companies.CompanyViewSet, basename="boards-company")
router.register("tickets/users", users.UserViewSet, basename="boards-user")

RESOURCES = (
    "auth|tickets|projects|columns|tags|contacts|comments|attachments|companies|users|dashboard"
)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other path under a boards resource (``/api/tickets/columns/abc/``): DRF's 404
    body rather than Django's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("tickets/auth/register/", auth.RegisterView.as_view(), name="boards-register"),
    path("tickets/auth/login/", auth.LoginView.as_view(), name="boards-login"),
    path("tickets/auth/token/refresh/", auth.RefreshView.as_view(), name="boards-token-refresh"),
    path("tickets/auth/me/", auth.MeView.as_view(), name="boards-me"),
    path(
        "tickets/dashboard/company-health/",
        dashboard.CompanyHealthView.as_view(),
        name="boards-dash-health",
    ),
    path(
        "tickets/dashboard/attention-needed/",
        dashboard.AttentionNeededView.as_view(),
        name="boards-dash-attention",
    ),
    path("tickets/dashboard/newest/", dashboard.NewestView.as_view(), name="boards-dash-newest"),
    path(
        "tickets/dashboard/activity/", dashboard.ActivityView.as_view(), name="boards-dash-activity"
    ),
    path(
        "tickets/dashboard/workload/", dashboard.WorkloadView.as_view(), name="boards-dash-workload"
    ),
    path(
        "tickets/dashboard/kanban-summary/",
        dashboard.KanbanSummaryView.as_view(),
        name="boards-dash-kanban",
    ),
    *router.urls,
    re_path(rf"^tickets/(?:{RESOURCES})/", not_found),
]
