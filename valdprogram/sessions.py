"""Django's database sessions, looking up only keys Django could have made.

A cookie may carry any text: `sessionid="\\000aaaaaaaa"` is unquoted to a key holding NUL,
which PostgreSQL refuses in the lookup (DataError), a 500 on every page. Django makes its
keys of lowercase letters and digits; any other key is no session, as an unknown one is,
and is never sent to the database.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        made_here = set(key or "") <= set(VALID_KEY_CHARS)
        return made_here and bool(super()._validate_session_key(key))  # type: ignore[misc]
