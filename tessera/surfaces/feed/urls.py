"""Document 004, mounted under ``api/`` after boards and support (see tessera/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("tickets/", views.TicketFeedView.as_view(), name="feed-tickets"),
    path("tickets/<str:ident>/", views.TicketFeedDetailView.as_view(), name="feed-ticket"),
]
