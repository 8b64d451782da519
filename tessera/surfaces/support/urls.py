from django.urls import path

from . import auth, views

urlpatterns = [
    path("auth/login", auth.CookieLoginView.as_view(), name="support-login"),
    path("auth/logout", auth.CookieLogoutView.as_view(), name="support-logout"),
    path("auth/me", auth.CookieMeView.as_view(), name="support-me"),
    path("tickets", views.TicketCollectionView.as_view(), name="support-tickets"),
    path("tickets/all", views.TicketAllView.as_view(), name="support-tickets-all"),
    path("tickets/<str:ticket_id>", views.TicketDetailView.as_view(), name="support-ticket"),
    path(
        "tickets/<str:ticket_id>/processing",
        views.TicketProcessingView.as_view(),
        name="support-ticket-processing",
    ),
]
