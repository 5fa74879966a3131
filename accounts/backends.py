"""The password login (the city's login is accounts.oidc.CityOIDCBackend).

AUTHENTICATION_BACKENDS lists Axes first, so a locked-out username is refused before any
password is checked.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, User

from accounts.local import password_login_allowed


class LocalPasswordBackend(ModelBackend):
    """Django's password login, refused to accounts that may not use a password. The
    password is checked first either way, so the answer takes as long."""

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        return (
            user is not None
            and super().user_can_authenticate(user)
            and password_login_allowed(user)
        )
