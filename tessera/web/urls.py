"""The web UI, mounted at the site root (last in ``tessera/urls.py``)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import (
    board,
    create,
    dashboards,
    portal,
    shopfloor,
    tickets,
    workshop_admin,
    workspace,
)

app_name = "web"

urlpatterns = [
    path("", workspace.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="web/password_change.html", success_url=reverse_lazy("web:password-done")
        ),
        name="password",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_done.html"),
        name="password-done",
    ),
    path("tickets/", workspace.workspace, name="workspace"),
    path("tickets/views/", workspace.saved_view_save, name="saved-view-save"),
    path(
        "tickets/views/<int:view_id>/delete/", workspace.saved_view_delete, name="saved-view-delete"
    ),
    path("tickets/new/", create.ticket_new, name="ticket-new"),
    path("tickets/<int:ticket_id>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/comment/", tickets.comment, name="ticket-comment"),
    path("tickets/<int:ticket_id>/attach/", tickets.attach, name="ticket-attach"),
    path("tickets/<int:ticket_id>/state/", tickets.transition, name="ticket-state"),
    path("tickets/<int:ticket_id>/assign/", tickets.assign, name="ticket-assign"),
    path("tickets/<int:ticket_id>/follow/", tickets.follow, name="ticket-follow"),
    path("tickets/<int:ticket_id>/tags/", tickets.tags, name="ticket-tags"),
    path("tickets/<int:ticket_id>/edit/", tickets.update, name="ticket-update"),
    path("files/<int:attachment_id>/", tickets.download, name="download"),
    path("portal/", portal.portal, name="portal"),
    path("portal/new/", create.portal_ticket_new, name="portal-new"),
    path("portal/tickets/<int:ticket_id>/", portal.portal_ticket, name="portal-ticket"),
    path("projects/", board.projects, name="projects"),
    path("projects/<int:project_id>/board/", board.board, name="board"),
    path("projects/<int:project_id>/board/move/", board.move, name="board-move"),
    path("dashboards/", dashboards.dashboards, name="dashboards"),
    path("shopfloor/", shopfloor.shopfloor, name="shopfloor"),
    path("shopfloor/intake/", workshop_admin.intake, name="shop-intake"),
    path("shopfloor/review/", workshop_admin.review, name="shop-review"),
    path(
        "shopfloor/review/<int:ticket_id>/approve/",
        workshop_admin.review_approve,
        name="shop-review-approve",
    ),
    path(
        "shopfloor/review/<int:ticket_id>/assign/",
        workshop_admin.review_assign,
        name="shop-review-assign",
    ),
    path(
        "shopfloor/tickets/<int:ticket_id>/<slug:name>/", shopfloor.action, name="shopfloor-action"
    ),
]
