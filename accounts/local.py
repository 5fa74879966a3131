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


def axes_exempt(request: object, credentials: dict[str, object] | None = None) -> bool:
    """Axes' AXES_WHITELIST_CALLABLE: only password attempts (which carry a username) count
    towards a lockout. A failed return from the city's login carries none, and counting it
    would lock out every sign-in from the address, which for the city's staff is often one
    proxy; the provider guards its own passwords."""
    return "username" not in (credentials or {})
