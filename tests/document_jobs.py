"""Asking for a document the task worker makes, in tests where the flow does not matter:
the immediate backend runs the task inside the POST, and the files go to a temporary
MEDIA_ROOT removed when the tests end."""

import atexit
import shutil
import tempfile
from contextlib import AbstractContextManager
from unittest import mock

from django.http import HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import resolve, reverse

from followup.documents import pdf

MEDIA_ROOT = tempfile.mkdtemp(prefix="valdprogram-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

media = override_settings(MEDIA_ROOT=MEDIA_ROOT)


def fresh_print_styles() -> AbstractContextManager[object]:
    """A fresh per-thread cache of the parsed print stylesheet, so that the next document
    reads print.css and its fonts through the fetcher again rather than reusing an earlier
    document's (for tests of what the fetcher is asked for)."""
    return mock.patch.object(pdf, "_print_styles", pdf._PrintStyles())


def job_pk(response: HttpResponse) -> int:
    """The job a request for a document was sent on to."""
    return int(resolve(response["Location"]).kwargs["pk"])


def ask(test: TestCase, client: Client, url: str) -> HttpResponse:
    """POST to a document's page with the immediate backend: the job is made when the
    request's transaction commits."""
    # The callbacks run when the inner block ends, still with the immediate backend.
    with (
        override_settings(TASKS=IMMEDIATE_TASKS, MEDIA_ROOT=MEDIA_ROOT),
        test.captureOnCommitCallbacks(execute=True),
    ):
        return client.post(url)


def made_document(test: TestCase, client: Client, url: str) -> HttpResponse:
    """Ask for the document at `url`, then download it: the download's status and headers
    with the whole body as `content`."""
    asked = ask(test, client, url)
    test.assertEqual(asked.status_code, 302, asked)
    with media:
        response = client.get(reverse("document-download", args=[job_pk(asked)]))
        body = b"".join(response.streaming_content) if response.streaming else response.content
    copy = HttpResponse(body, status=response.status_code)
    for name, value in response.headers.items():
        copy[name] = value
    return copy
