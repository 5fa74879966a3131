from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from followup.access import notifications_of


def unread(request: HttpRequest) -> dict[str, object]:
    """The number of the user's unread notifications, for "Aviseringar" in the header: one
    COUNT on an index, made only when a page draws the header (not for the admin, a PDF or
    JSON), none for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": 0}
    return {
        "notifications_unread": SimpleLazyObject(
            lambda: notifications_of(user).filter(read_at=None).count()
        )
    }
