"""No text the application takes may hold a NUL character.

PostgreSQL can neither store nor compare one: psycopg refuses a query holding it (DataError),
and a view that looked up a slug, a token or a search from the address with one answered 500.
No one types the character, so a request whose path, query or form holds it is refused as a
bad request (400) here, before any view reads it. A form's own text fields refuse it as well
(Django's ProhibitNullCharactersValidator); this covers what views read themselves. A
multipart body (a file upload) is left to the view, whose upload handlers must come first,
and its form fields check their text.
"""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase, QueryDict

NUL = "\x00"
REFUSAL = "Adressen eller formuläret innehöll ett otillåtet tecken (NUL)."


def _holds_nul(values: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in vs) for key, vs in values.lists())


class NulRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            NUL in request.path
            or _holds_nul(request.GET)
            or (
                request.content_type == "application/x-www-form-urlencoded"
                and _holds_nul(request.POST)
            )
        ):
            raise BadRequest(REFUSAL)
        return self.get_response(request)
