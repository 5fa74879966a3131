"""Settings of retention and e-mail that fail loudly (`manage.py check`, `check --deploy`).

The defaults pass: local development and CI's `check --deploy` with nothing but DEBUG,
SECRET_KEY and ALLOWED_HOSTS set report nothing.
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from records.retention import DAY, PRUNABLE

# Backends that hand mail to nobody: reminders are "on" only with another one.
NON_SENDING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.compatibility)
def retention_periods(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    retention = getattr(settings, "RETENTION", None)
    if not isinstance(retention, dict):
        return [Error("RETENTION must be a dict of days per kind of data.", id="records.E001")]
    problems: list[CheckMessage] = []
    known = {kind.key for kind in PRUNABLE}
    if unknown := sorted(set(retention) - known):
        problems.append(
            Error(
                "RETENTION names kinds that do not exist: " + ", ".join(unknown) + ".",
                hint="Known kinds: " + ", ".join(sorted(known)) + ".",
                id="records.E002",
            )
        )
    for kind in PRUNABLE:
        days = retention.get(kind.key)
        if days is None:
            problems.append(Error(f"RETENTION has no period for {kind.key!r}.", id="records.E003"))
        elif isinstance(days, bool) or not isinstance(days, int):
            problems.append(
                Error(
                    f"RETENTION[{kind.key!r}] must be a whole number of days, not {days!r}.",
                    id="records.E004",
                )
            )
        elif days < kind.minimum:
            problems.append(
                Error(
                    f"RETENTION[{kind.key!r}] is {days} days: "
                    + (
                        "a period cannot be negative."
                        if days < 0
                        else f"at least {kind.minimum} is needed, or `gallra` removes "
                        "data still in use."
                    ),
                    id="records.E005",
                )
            )
    attempts = retention.get("login_attempts")
    if isinstance(attempts, int) and attempts * DAY < settings.AXES_COOLOFF_TIME:
        problems.append(
            Error(
                "RETENTION['login_attempts'] is shorter than AXES_COOLOFF_TIME: pruning would "
                "lift lockouts early.",
                id="records.E006",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def reminder_sender(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With a backend that really sends mail (reminders are on), a sender and a mail server
    must be named, and links must point at the site's own address."""
    if settings.EMAIL_BACKEND in NON_SENDING_BACKENDS:
        return []
    problems: list[CheckMessage] = []
    sender = settings.DEFAULT_FROM_EMAIL.strip()
    if not sender or sender.endswith("@localhost"):
        problems.append(
            Error(
                f"Reminders are sent by e-mail but DEFAULT_FROM_EMAIL is {sender!r}: "
                "replies and bounces reach nobody.",
                hint="Set DEFAULT_FROM_EMAIL to the city's sender address.",
                id="records.E010",
            )
        )
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST.strip():
        problems.append(
            Error(
                "Reminders are sent by SMTP but EMAIL_HOST is empty.",
                id="records.E011",
            )
        )
    if settings.SITE_URL.startswith(("http://127.0.0.1", "http://localhost")):
        problems.append(
            Warning(
                f"Reminders link to {settings.SITE_URL}: set SITE_URL to the site's address.",
                id="records.W010",
            )
        )
    return problems
