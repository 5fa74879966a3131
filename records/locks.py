"""One run at a time of a job started from cron on every app server (`manage.py gallra`).

On PostgreSQL a session-level advisory lock (`pg_try_advisory_lock`), which the server
releases itself if the process dies; on SQLite, whose database is a file on one machine, an
exclusive `flock` on a file beside it, which the kernel releases likewise.
"""

import fcntl
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def _advisory_key(name: str) -> int:
    return zlib.crc32(f"valdprogram.{name}".encode())


def lock_file(name: str) -> Path:
    """The lock file beside the SQLite database (a test's in-memory one: the temp dir)."""
    database = str(connection.settings_dict["NAME"])
    folder = Path(database).parent
    if database.startswith("file:") or ":memory:" in database or not folder.is_dir():
        folder = Path(tempfile.gettempdir())
        database = f"valdprogram-{zlib.crc32(database.encode())}"
    return folder / f"{Path(database).name}.{name}.lock"


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Hold the lock called `name` while the block runs; yields False (and holds nothing)
    when another process holds it already."""
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    with open(lock_file(name), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
