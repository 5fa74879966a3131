from collections.abc import Iterator

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User

from accounts.local import password_login_allowed


class LocalPasswordResetForm(PasswordResetForm):
    """ "Glömt lösenordet?" for the accounts that may sign in with a password. Accounts of
    the city's login have no password (Django already skips them), and when password login is
    kept for the break-glass administrators only, nobody else gets a link. The page answers
    the same either way, so it does not tell who has an account."""

    def get_users(self, email: str) -> Iterator[User]:
        return (user for user in super().get_users(email) if password_login_allowed(user))
