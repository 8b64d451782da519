from django.urls import path
from rest_framework_simplejwt.views import TokenRefreshView

from . import auth

urlpatterns = [
    path("tickets/auth/register/", auth.RegisterView.as_view(), name="boards-register"),
    path("tickets/auth/login/", auth.LoginView.as_view(), name="boards-login"),
    path("tickets/auth/token/refresh/", TokenRefreshView.as_view(), name="boards-token-refresh"),
    path("tickets/auth/me/", auth.MeView.as_view(), name="boards-me"),
]
