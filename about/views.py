"""The pages the law requires, open to everyone: the accessibility statement
(tillgänglighetsredogörelse, following DIGG's model) and "Om tjänsten"."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from about.service import service_owner
from about.statement import STATEMENT
from catalog import selectors


@login_not_required
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "about/accessibility.html",
        {"owner": service_owner(), "statement": STATEMENT},
    )


@login_not_required
@require_safe
def about_service(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "about/service.html",
        {"owner": service_owner(), "programmes": selectors.programmes(), "cookies": COOKIES},
    )


def _days(seconds: int) -> str:
    days = round(seconds / 86400)
    if days >= 360:
        return "ett år"
    return "ett dygn" if days <= 1 else f"{days} dagar"


# The cookies the service sets, by the names it sets them under (tests/test_about.py checks
# that nothing else is set).
COOKIES = [
    (
        settings.SESSION_COOKIE_NAME,
        "Håller dig inloggad. Tas bort när du loggar ut, och gäller som längst "
        f"{settings.SESSION_COOKIE_AGE // 3600} timmar.",
    ),
    (
        settings.CSRF_COOKIE_NAME,
        "Skyddar formulären mot förfalskade anrop från andra webbplatser (CSRF). Sparas i "
        f"{_days(settings.CSRF_COOKIE_AGE)}.",
    ),
    (
        CookieStorage.cookie_name,
        "Bär ett kort besked till nästa sida, till exempel ”Rapporten är inskickad”. Tas "
        "bort när beskedet har visats.",
    ),
]
