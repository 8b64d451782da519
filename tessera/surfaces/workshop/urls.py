"""Document 000, mounted at ``/api/v1/``."""

from django.urls import path

from . import auth, views

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="workshop-token"),
    path("auth/token/refresh/", auth.TokenRefresh.as_view(), name="workshop-token-refresh"),
    path("tickets/", views.TicketListView.as_view(), name="workshop-tickets"),
    path("tickets/create/", views.TicketCreateView.as_view(), name="workshop-ticket-create"),
    path("tickets/<str:pk>/", views.TicketDetailView.as_view(), name="workshop-ticket"),
    path("tickets/<str:pk>/assign/", views.TicketAssignView.as_view()),
    path("tickets/<str:pk>/start/", views.TicketStartView.as_view()),
    path("tickets/<str:pk>/to-waiting-qc/", views.TicketToWaitingQcView.as_view()),
    path("tickets/<str:pk>/qc-pass/", views.TicketQcPassView.as_view()),
    path("tickets/<str:pk>/qc-fail/", views.TicketQcFailView.as_view()),
    path("tickets/<str:pk>/manual-metrics/", views.TicketManualMetricsView.as_view()),
    path("tickets/<str:pk>/transitions/", views.TicketTransitionsView.as_view()),
    path("tickets/<str:pk>/work-session/pause/", views.WorkSessionPauseView.as_view()),
    path("tickets/<str:pk>/work-session/resume/", views.WorkSessionResumeView.as_view()),
    path("tickets/<str:pk>/work-session/stop/", views.WorkSessionStopView.as_view()),
    path("tickets/<str:pk>/work-session/history/", views.WorkSessionHistoryView.as_view()),
    path("inventory-items/", views.InventoryListView.as_view(), name="workshop-inventory"),
    path("inventory-items/<str:pk>/", views.InventoryDetailView.as_view()),
    path("inventory-items/<str:pk>/archive/", views.InventoryArchiveView.as_view()),
    path("inventory-items/<str:pk>/restore/", views.InventoryRestoreView.as_view()),
    path("xp/transactions/", views.XpTransactionListView.as_view(), name="workshop-xp"),
    path("xp/leaderboard/", views.XpLeaderboardView.as_view(), name="workshop-leaderboard"),
    path(
        "analytics/technicians/",
        views.TechnicianAnalyticsView.as_view(),
        name="workshop-analytics-technicians",
    ),
]
