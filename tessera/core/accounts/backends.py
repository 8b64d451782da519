"""Sign in with a username or an email address, the same password check either way."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = username or email or kwargs.get(User.USERNAME_FIELD)
        if not login or password is None:
            return None
        user = User.objects.filter(Q(username=login) | Q(email__iexact=login)).first()
        if user is None:
            # Run the hasher anyway so timing does not reveal whether the user exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
