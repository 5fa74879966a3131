"""The accessibility statement must say how to report a problem (lagen om tillgänglighet
till digital offentlig service, 11 §): a contact address that is not one fails loudly, and
`check --deploy` warns when there is none."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@register()
def contact_email_valid(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    email = settings.SERVICE_CONTACT_EMAIL
    if not email:
        return []
    try:
        validate_email(email)
    except ValidationError:
        return [
            Error(
                f"SERVICE_CONTACT_EMAIL is not an e-mail address: {email!r}.",
                hint="The accessibility statement and “Om tjänsten” show it as the contact.",
                id="about.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def contact_email_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not settings.SERVICE_CONTACT_EMAIL:
        problems.append(
            Warning(
                "SERVICE_CONTACT_EMAIL is empty: the accessibility statement names no way "
                "to report a problem, which the law requires.",
                hint="Set SERVICE_CONTACT_EMAIL to the administration's address.",
                id="about.W001",
            )
        )
    if not settings.SERVICE_ORGANISATION:
        problems.append(
            Warning(
                "SERVICE_ORGANISATION is empty: the accessibility statement names nobody "
                "as responsible for the service.",
                id="about.W002",
            )
        )
    return problems
