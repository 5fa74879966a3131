"""Print the OIDC_ endpoint variables for an issuer, read from its discovery document.

mozilla-django-oidc takes the endpoints one by one; the service never fetches the
discovery document itself, so that a start-up does not depend on the provider answering.
"""

import json
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

from django.core.management.base import BaseCommand, CommandError, CommandParser

FIELDS = {
    "OIDC_ISSUER": "issuer",
    "OIDC_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_JWKS_URI": "jwks_uri",
    "OIDC_USERINFO_ENDPOINT": "userinfo_endpoint",
    "OIDC_END_SESSION_ENDPOINT": "end_session_endpoint",
}


class Command(BaseCommand):
    help = (
        "Print the OIDC_ endpoint variables of an issuer (from /.well-known/openid-configuration)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issuer", help="e.g. https://login.microsoftonline.com/<tenant>/v2.0")

    def handle(self, *args: Any, issuer: str, **options: Any) -> None:
        if not issuer.startswith(("https://", "http://")):
            raise CommandError("The issuer is an address: https://…")
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            with urlopen(url, timeout=10) as response:  # noqa: S310 - http(s) checked above
                discovery = json.load(response)
        except (URLError, OSError, ValueError) as error:
            raise CommandError(f"Could not read {url}: {error}") from None
        if str(discovery.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
            raise CommandError(
                f"{url} names another issuer ({discovery.get('issuer')!r}): check the address."
            )
        for variable, name in FIELDS.items():
            if discovery.get(name):
                self.stdout.write(f"{variable}={discovery[name]}")
