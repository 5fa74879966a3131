"""Who may sign in with a password: everyone ("all"), or only the break-glass
administrators named in LOCAL_LOGIN_USERS once the city's login serves everyone else.
One rule, used by the password login and by the password reset."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from accounts.config import LOCAL_LOGIN_BREAKGLASS


def breakglass_only() -> bool:
    return settings.LOCAL_LOGIN == LOCAL_LOGIN_BREAKGLASS


def password_login_allowed(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not breakglass_only():
        return True
    return user.get_username() in settings.LOCAL_LOGIN_USERS
