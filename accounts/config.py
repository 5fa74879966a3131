"""The city's login (OpenID Connect) as configured by the environment, without Django.

settings.py builds one `OidcConfig` from the environment and turns it into
mozilla-django-oidc's settings; tests build one for the local provider. Sign-in through the
city's identity provider is on only when every required value is set: a half-configured
login is reported by a system check (accounts.checks), never used.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

OIDC_BACKEND = "accounts.oidc.CityOIDCBackend"
LOCAL_BACKEND = "accounts.backends.LocalPasswordBackend"
# Axes first: it refuses a locked-out login before any password is checked.
AXES_BACKEND = "axes.backends.AxesStandaloneBackend"

LOCAL_LOGIN_ALL = "all"
LOCAL_LOGIN_BREAKGLASS = "breakglass"
LOCAL_LOGIN_CHOICES = (LOCAL_LOGIN_ALL, LOCAL_LOGIN_BREAKGLASS)


@dataclass(frozen=True)
class OidcConfig:
    """The values an operator sets, named after their environment variables (in `missing`)."""

    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    jwks_uri: str = ""
    userinfo_endpoint: str = ""  # optional: Entra ID puts roles and oid in the ID token only
    end_session_endpoint: str = ""  # optional: logout then ends the provider's session too
    scopes: str = "openid profile email"
    id_claim: str = "sub"  # Entra ID: "oid", the same for the person in every application
    roles_claim: str = "roles"  # Entra ID app roles; "groups" for group ids

    REQUIRED = {
        "OIDC_ISSUER": "issuer",
        "OIDC_CLIENT_ID": "client_id",
        "OIDC_CLIENT_SECRET": "client_secret",
        "OIDC_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
        "OIDC_TOKEN_ENDPOINT": "token_endpoint",
        "OIDC_JWKS_URI": "jwks_uri",
    }
    OPTIONAL = {
        "OIDC_USERINFO_ENDPOINT": "userinfo_endpoint",
        "OIDC_END_SESSION_ENDPOINT": "end_session_endpoint",
    }

    @property
    def started(self) -> bool:
        """Any of the values is set: the operator meant to switch the login on."""
        return any(
            getattr(self, name) for name in (*self.REQUIRED.values(), *self.OPTIONAL.values())
        )

    def missing(self) -> list[str]:
        """The environment variables still to set for the login to work."""
        return [env for env, name in self.REQUIRED.items() if not getattr(self, name)]

    @property
    def enabled(self) -> bool:
        return not self.missing()

    def urls(self) -> dict[str, str]:
        """Every endpoint that is set, by environment variable."""
        names = {**self.REQUIRED, **self.OPTIONAL}
        return {
            env: getattr(self, name)
            for env, name in names.items()
            if name not in ("client_id", "client_secret") and getattr(self, name)
        }

    def django_settings(self) -> dict[str, object]:
        """mozilla-django-oidc's settings; none when the login is off."""
        if not self.enabled:
            return {}
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": self.scopes,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": self.token_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": self.jwks_uri,
            "OIDC_OP_USER_ENDPOINT": self.userinfo_endpoint or None,
            # Kept in the session for the logout's id_token_hint.
            "OIDC_STORE_ID_TOKEN": True,
            "OIDC_USE_PKCE": True,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc-callback",
            "OIDC_TIMEOUT": 10,
        }

    def form_action_origins(self) -> list[str]:
        """Origins the logout form may be redirected to (CSP form-action): the provider's
        end-session endpoint."""
        if not (self.enabled and self.end_session_endpoint):
            return []
        parts = urlsplit(self.end_session_endpoint)
        return [f"{parts.scheme}://{parts.netloc}"]


def authentication_backends(oidc_enabled: bool) -> list[str]:
    """Axes, the password login, and the city's login when it is on. Without it,
    mozilla-django-oidc is never imported."""
    backends = [AXES_BACKEND, LOCAL_BACKEND]
    return [*backends, OIDC_BACKEND] if oidc_enabled else backends
