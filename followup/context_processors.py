from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, bool]:
    """Whether the menu offers the city-wide pages. Read from the session (set at login by
    followup.signals), so that drawing the menu costs no query on every page."""
    return {"nav_city_wide": request.session.get(CITY_WIDE_SESSION_KEY, False)}


CITY_WIDE_SESSION_KEY = "followup_city_wide"
