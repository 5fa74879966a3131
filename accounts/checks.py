"""Settings of the city's login that fail loudly (`manage.py check`, `check --deploy`).

Nothing is reported when the login is not configured at all: local development and the
README's two commands need no identity provider.
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from accounts.local import breakglass_only


@register(Tags.security)
def oidc_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config = settings.OIDC
    problems: list[CheckMessage] = []
    if config.started and config.missing():
        problems.append(
            Error(
                "The city's login (OpenID Connect) is half-configured: set "
                + ", ".join(config.missing())
                + " as well, or none of the OIDC_ variables.",
                hint="README, section “Inloggning med stadens konto (OIDC)”.",
                id="accounts.E001",
            )
        )
    if config.started and "openid" not in config.scopes.split():
        problems.append(
            Error(
                f"OIDC_SCOPES is {config.scopes!r}: without the scope openid the provider "
                "sends no ID token and nobody can sign in.",
                id="accounts.E004",
            )
        )
    if config.started and not (config.id_claim.strip() and config.roles_claim.strip()):
        problems.append(
            Error(
                "OIDC_ID_CLAIM and OIDC_ROLES_CLAIM must name a claim: users are found by the "
                "one and given roles by the other.",
                id="accounts.E005",
            )
        )
    if breakglass_only() and not config.enabled:
        problems.append(
            Error(
                "LOCAL_LOGIN=breakglass without the city's login: nobody but the break-glass "
                "administrators could sign in.",
                hint="Configure the OIDC_ variables, or set LOCAL_LOGIN=all.",
                id="accounts.E002",
            )
        )
    if breakglass_only() and not settings.LOCAL_LOGIN_USERS:
        problems.append(
            Warning(
                "LOCAL_LOGIN=breakglass names no break-glass administrator in "
                "LOCAL_LOGIN_USERS: nobody can sign in with a password if the city's login "
                "is down.",
                id="accounts.W001",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def oidc_over_tls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    config = settings.OIDC
    plain = [name for name, url in config.urls().items() if not url.startswith("https://")]
    if not config.started or not plain:
        return []
    return [
        Error(
            "The city's login must use https in production: " + ", ".join(plain) + ".",
            id="accounts.E003",
        )
    ]
