"""The city's login through OpenID Connect (mozilla-django-oidc): the authorization code
flow with PKCE, the ID token signed with RS256 and checked against the provider's JWKS.

Imported only when the login is configured (settings lists the backend, accounts.views
imports the views on their first request). The backend comes after Axes and the password
login in AUTHENTICATION_BACKENDS and answers only the provider's callback: it returns None
for a username and password.
"""

import logging
import re
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from accounts.config import OidcConfig
from accounts.models import OidcIdentity
from accounts.roles import claim_values, roles_sync_from_claims

logger = logging.getLogger(__name__)

OIDC_FAILED = (
    "Inloggningen med stadens konto misslyckades. Försök igen, och kontakta "
    "stadens it-support om det inte går."
)


class CallbackView(OIDCAuthenticationCallbackView):
    """A failed sign-in comes back to the login page with a message, instead of to the
    start page without one. So does a provider that cannot be reached or answers with
    something that does not hold up (another issuer, a bad signature, a replayed state)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as error:
            logger.warning("Sign-in through the city's login failed: %s", error)
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        messages.error(self.request, OIDC_FAILED)
        return HttpResponseRedirect(reverse("login"))


class CityOIDCBackend(OIDCAuthenticationBackend):
    """Users from the city's login: found by the provider's stable id for the person,
    created and updated from the claims, their roles taken from the roles claim."""

    @property
    def config(self) -> OidcConfig:
        return settings.OIDC

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback's call (with the nonce and PKCE verifier from the session): a
        # password form sent with ?code=…&state=… in its address must not start a token
        # exchange.
        if "nonce" not in kwargs or "username" in kwargs or "password" in kwargs:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    # --- the tokens ------------------------------------------------------------------

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """mozilla-django-oidc checks the signature (RS256, the provider's JWKS), expiry and
        nonce; the issuer and the audience are checked here, as OpenID Connect requires."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if payload.get("iss") != self.config.issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.config.client_id not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        return payload

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The signing key; a token without a key id (`kid`) is accepted only when the JWKS
        has a single signing key for its algorithm (mozilla-django-oidc fails on it)."""
        header = jwt.get_unverified_header(token)
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None)
        )
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("alg", header.get("alg")) == header.get("alg")
            and key.get("use", "sig") == "sig"
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("The ID token names no key, and the JWKS has several.")
        return jwt.PyJWK(keys[0])

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint when there is one.
        Entra ID sends `oid` and `roles` in the ID token only."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo answer is about another subject.")
            claims = {**info, **payload}
        # Kept for the roles, which are applied once the user is found or created.
        self._claims = claims
        return claims

    # --- the user --------------------------------------------------------------------

    def _subject(self, claims: dict[str, Any]) -> str:
        value = claims.get(self.config.id_claim)
        return value if isinstance(value, str) else ""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self._subject(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(
            oidc_identity__issuer=self.config.issuer,
            oidc_identity__subject=self._subject(claims),
        )

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        with transaction.atomic():
            user: User | None = super().get_or_create_user(access_token, id_token, payload)
            if user is not None and user.is_active:
                values = claim_values(self._claims.get(self.config.roles_claim))
                changes = roles_sync_from_claims(user=user, values=values)
                OidcIdentity.objects.filter(user=user).update(last_login_claims=values)
                if changes.added or changes.changed or changes.removed:
                    logger.info(
                        "Roles of %s from the city's login: added %s, changed %s, removed %s",
                        user.username,
                        changes.added,
                        changes.changed,
                        changes.removed,
                    )
        return user

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User(username=_free_username(_username_base(claims)))
        _apply_profile(user, claims)
        user.set_unusable_password()
        user.save()
        OidcIdentity.objects.create(
            user=user, issuer=self.config.issuer, subject=self._subject(claims)
        )
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        before = (user.first_name, user.last_name, user.email)
        _apply_profile(user, claims)
        if (user.first_name, user.last_name, user.email) != before:
            user.save(update_fields=["first_name", "last_name", "email"])
        return user


def _apply_profile(user: User, claims: dict[str, Any]) -> None:
    given = _text(claims.get("given_name"))
    family = _text(claims.get("family_name"))
    if not (given or family):
        given, _, family = _text(claims.get("name")).partition(" ")
    user.first_name = given[:150]
    user.last_name = family[:150]
    email = _text(claims.get("email"))
    user.email = email if len(email) <= 254 and "@" in email else ""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _username_base(claims: dict[str, Any]) -> str:
    for name in ("preferred_username", "upn", "email"):
        value = _text(claims.get(name))
        if value:
            return re.sub(r"[^\w.@+-]", "", value)[:140] or "stadens-konto"
    return "stadens-konto"


def _free_username(base: str) -> str:
    """A username no local account has: a person from the city's login never takes over an
    existing account that happens to share their name or address."""
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
