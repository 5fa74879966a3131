"""A real OpenID provider on loopback for the tests: oidc-provider-mock 0.3.4 serves
discovery, the authorization and token endpoints, userinfo, JWKS (RS256) and end-session,
and `PUT /users/{sub}` sets the claims a person gets. Nothing leaves the machine.

The `oidc` fixture starts nothing itself: the provider runs once per session
(`oidc_provider`), and each test switches the city's login on with settings built from the
provider's discovery document, the way an operator would copy them into the environment.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
import requests
from csp.constants import SELF
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from accounts.config import OidcConfig, authentication_backends

PORTS = range(8181, 8190)  # this branch's ports for the provider
CLIENT_ID = "valdprogram-test"


@contextmanager
def provider_running() -> Iterator[str]:
    """The provider on the first free port of PORTS; yields its address."""
    from oidc_provider_mock import run_server_in_thread

    for port in PORTS:
        server = run_server_in_thread(port=port)
        try:
            running = server.__enter__()
        except (OSError, SystemExit):  # werkzeug exits when the port is taken
            continue
        try:
            yield f"http://localhost:{running.server_port}"
        finally:
            server.__exit__(None, None, None)
        return
    raise RuntimeError(f"No free port for the OpenID provider in {PORTS}.")


def discovered_config(url: str, **changes: str) -> OidcConfig:
    """The configuration an operator copies from the provider's discovery document."""
    discovery = requests.get(f"{url}/.well-known/openid-configuration", timeout=5).json()
    values = {
        "issuer": discovery["issuer"],
        "client_id": CLIENT_ID,
        "client_secret": "hemligt-för-test",
        "authorization_endpoint": discovery["authorization_endpoint"],
        "token_endpoint": discovery["token_endpoint"],
        "jwks_uri": discovery["jwks_uri"],
        "userinfo_endpoint": discovery["userinfo_endpoint"],
        "end_session_endpoint": discovery["end_session_endpoint"],
        "scopes": "openid profile email",
        **changes,
    }
    return OidcConfig(**values)


def settings_for(config: OidcConfig) -> dict[str, object]:
    """The settings settings.py would make of this configuration."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [SELF, *config.form_action_origins()]
    return {
        "OIDC": config,
        "AUTHENTICATION_BACKENDS": authentication_backends(config.enabled),
        "CONTENT_SECURITY_POLICY": policy,
        **config.django_settings(),
    }


@dataclass
class Provider:
    url: str
    config: OidcConfig

    def new_person(self, **claims: object) -> str:
        """A person at the provider with these claims; returns their subject."""
        subject = f"person-{uuid4()}"
        self.set_claims(subject, **claims)
        return subject

    def set_claims(self, subject: str, **claims: object) -> None:
        response = requests.put(f"{self.url}/users/{subject}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorization_url: str, subject: str) -> str:
        """The person signs in at the provider; returns where it sends the browser back."""
        response = requests.post(
            authorization_url, data={"sub": subject}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def sign_in(self, client: Client, subject: str, next_url: str = "") -> HttpResponse:
        """The whole code flow with Django's test client; returns the callback's answer."""
        start = reverse("oidc-start") + (f"?next={next_url}" if next_url else "")
        redirect = client.get(start)
        assert redirect.status_code == 302
        back = urlsplit(self.authorize(redirect["Location"], subject))
        return client.get(f"{back.path}?{back.query}")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[str]:
    with provider_running() as url:
        yield url


@pytest.fixture
def oidc(oidc_provider: str) -> Iterator[Provider]:
    """The city's login switched on against the local provider for one test."""
    config = discovered_config(oidc_provider)
    with override_settings(**settings_for(config)):
        yield Provider(url=oidc_provider, config=config)
