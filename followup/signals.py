from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from followup.access import city_wide_programmes
from followup.context_processors import CITY_WIDE_SESSION_KEY


@receiver(user_logged_in)
def remember_city_wide_reader(
    sender: type, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """Note in the session whether the user reads the whole city, for the menu. A role given
    later shows in the menu at the next login; access itself is always checked afresh."""
    if request is not None:
        request.session[CITY_WIDE_SESSION_KEY] = city_wide_programmes(user).exists()
