from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from accounts.local import breakglass_only

BREAKGLASS_REFUSED = (
    "Användarnamnet och lösenordet gick inte att logga in med. Inloggning med lösenord "
    "finns bara för ett fåtal administratörer; alla andra loggar in med stadens konto."
)


class LoginForm(AuthenticationForm):
    """Django's login form without autofocus: focus jumping past the page's introduction
    (and its skip link) disorients keyboard and screen-reader users. When password login is
    kept for the break-glass administrators only, a refused login says so (for any account,
    so that the answer does not tell whose password was right)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
        if breakglass_only():
            self.error_messages = {**self.error_messages, "invalid_login": BREAKGLASS_REFUSED}
