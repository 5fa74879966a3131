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
