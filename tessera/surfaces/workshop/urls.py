"""Document 000, mounted at ``/api/v1/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("tickets/", views.TicketListView.as_view(), name="workshop-tickets"),
    path("tickets/create/", views.TicketCreateView.as_view(), name="workshop-ticket-create"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="workshop-ticket"),
    path("tickets/<int:pk>/assign/", views.TicketAssignView.as_view()),
    path("tickets/<int:pk>/start/", views.TicketStartView.as_view()),
    path("tickets/<int:pk>/to-waiting-qc/", views.TicketToWaitingQcView.as_view()),
    path("tickets/<int:pk>/qc-pass/", views.TicketQcPassView.as_view()),
    path("tickets/<int:pk>/qc-fail/", views.TicketQcFailView.as_view()),
    path("tickets/<int:pk>/manual-metrics/", views.TicketManualMetricsView.as_view()),
    path("tickets/<int:pk>/transitions/", views.TicketTransitionsView.as_view()),
    path("tickets/<int:pk>/work-session/pause/", views.WorkSessionPauseView.as_view()),
    path("tickets/<int:pk>/work-session/resume/", views.WorkSessionResumeView.as_view()),
    path("tickets/<int:pk>/work-session/stop/", views.WorkSessionStopView.as_view()),
    path("tickets/<int:pk>/work-session/history/", views.WorkSessionHistoryView.as_view()),
    path("inventory-items/", views.InventoryListView.as_view(), name="workshop-inventory"),
    path("inventory-items/<int:pk>/", views.InventoryDetailView.as_view()),
    path("inventory-items/<int:pk>/archive/", views.InventoryArchiveView.as_view()),
    path("inventory-items/<int:pk>/restore/", views.InventoryRestoreView.as_view()),
    path("xp/transactions/", views.XpTransactionListView.as_view(), name="workshop-xp"),
    path("xp/leaderboard/", views.XpLeaderboardView.as_view(), name="workshop-leaderboard"),
    path(
        "analytics/technicians/",
        views.TechnicianAnalyticsView.as_view(),
        name="workshop-analytics-technicians",
    ),
]
