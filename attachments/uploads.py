"""An attachment's upload before it is an attachment: size-limited while it is received,
and its name made safe.

The limit holds before anything is read into memory. A request whose declared length is
past the limit is refused without reading its body (`declared_too_big`); within it,
`LimitedUpload` runs first among the upload handlers and skips the file the moment its
bytes pass the limit (Django then reads the rest and throws it away), so nothing of a file
too big is kept, in memory or in a temporary file. Django's own handlers keep a file of
up to FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) in memory and larger ones in a temporary file.
"""

import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.text import get_valid_filename

from attachments.content import extension_of

# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_NAME_CHARS = 120


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def max_report_bytes() -> int:
    return settings.ATTACHMENT_REPORT_MAX_BYTES


def size_text(size: int) -> str:
    """A size as a reader reads it: "840 kB", "3,2 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def too_big_message() -> str:
    return f"Filen är för stor. En bilaga får vara högst {size_text(max_bytes())}."


def declared_too_big(request: HttpRequest) -> bool:
    """The request says it is longer than any allowed upload: refuse it unread."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django's parser refuses a malformed length itself
    return length > max_bytes() + FORM_OVERHEAD_BYTES


class LimitedUpload(FileUploadHandler):
    """Counts each file's bytes as they arrive and skips a file past the limit, and every
    file after the first: one attachment a request."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.files = 0
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        self.received = 0
        if self.files > 1:
            raise SkipFile
        if self.content_length is not None and self.content_length > self.limit:
            self.too_big = True
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise SkipFile
        return raw_data  # on to Django's own handlers

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def limit_uploads(request: HttpRequest) -> LimitedUpload:
    """Put the limit in front of the request's upload handlers; before its body is read."""
    handler = LimitedUpload(request, max_bytes())
    request.upload_handlers.insert(0, handler)
    return handler


def display_name(raw: str) -> str:
    """The name the user's file had, safe to show and to store: the last part of a path,
    printable characters only, at most MAX_NAME_CHARS (keeping the extension)."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    extension = extension_of(name)
    if len(name) > MAX_NAME_CHARS:
        name = name[: MAX_NAME_CHARS - len(extension)].rstrip() + extension
    return name if name.strip(". ") else f"bilaga{extension}"


def download_name(name: str) -> str:
    """The file name a download carries: `display_name` made a valid file name on any
    system (no spaces or punctuation but - _ .)."""
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        return f"bilaga{extension_of(name)}"
