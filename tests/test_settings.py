"""Production configuration: what an operator gets when they set the environment."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "k3y-Ö9x!" * 8,
    "ALLOWED_HOSTS": "valdprogram.example.se",
    "DATABASE_URL": "sqlite:////tmp/valdprogram-settings-test.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_boolean_fails_loudly() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "DEBUG": "kanske"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


ENTRA = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001"
CITY_LOGIN_ENV = {
    "OIDC_ISSUER": f"{ENTRA}/v2.0",
    "OIDC_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
    "OIDC_CLIENT_SECRET": "hemlig-klienthemlighet",
    "OIDC_AUTHORIZATION_ENDPOINT": f"{ENTRA}/oauth2/v2.0/authorize",
    "OIDC_TOKEN_ENDPOINT": f"{ENTRA}/oauth2/v2.0/token",
    "OIDC_JWKS_URI": f"{ENTRA}/discovery/v2.0/keys",
    "OIDC_END_SESSION_ENDPOINT": f"{ENTRA}/oauth2/v2.0/logout",
    "OIDC_ID_CLAIM": "oid",
    "LOCAL_LOGIN": "breakglass",
    "LOCAL_LOGIN_USERS": "it.admin",
}


def test_production_with_the_city_login_passes_the_deployment_checklist() -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, **CITY_LOGIN_ENV}
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_half_configured_city_login_is_reported_with_what_is_missing() -> None:
    env = {**PRODUCTION_ENV, **CITY_LOGIN_ENV}
    del env["OIDC_CLIENT_SECRET"], env["OIDC_JWKS_URI"]
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
    assert "set OIDC_CLIENT_SECRET, OIDC_JWKS_URI as well" in result.stderr
    # And password login for the break-glass accounts only would then leave everyone out.
    assert "accounts.E002" in result.stderr


def test_the_city_login_without_tls_and_a_bad_local_login_fail_loudly() -> None:
    plain = {**PRODUCTION_ENV, **CITY_LOGIN_ENV, "OIDC_TOKEN_ENDPOINT": "http://idp.example/t"}
    result = _manage("check", "--deploy", env=plain)
    assert result.returncode != 0
    assert "accounts.E003" in result.stderr
    assert "OIDC_TOKEN_ENDPOINT" in result.stderr

    result = _manage("check", env={**PRODUCTION_ENV, "LOCAL_LOGIN": "ingen"})
    assert result.returncode != 0
    assert "LOCAL_LOGIN must be one of all, breakglass" in result.stderr
