from django.urls import path

from . import auth

urlpatterns = [
    path("auth/login", auth.CookieLoginView.as_view(), name="support-login"),
    path("auth/logout", auth.CookieLogoutView.as_view(), name="support-logout"),
    path("auth/me", auth.CookieMeView.as_view(), name="support-me"),
]
