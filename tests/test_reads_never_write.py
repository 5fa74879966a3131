"""No GET or HEAD of the application writes anything, whoever asks (issue 9, point 4).

Every route of the URLconf is asked for by every role, with real values in its path; every
SQL statement the request runs is watched, and an INSERT, UPDATE or DELETE fails the test.
The session is written only at login (`force_login`, before the walk): a GET that changed it
would show up here as an UPDATE of django_session.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client, TestCase
from weasyprint import HTML

from tests.url_walk import routes, walk_world

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def writes_caught() -> Iterator[list[str]]:
    """The writing statements run inside the block."""
    writes: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith(WRITES):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield writes


def _read(client: Client, method: str, path: str) -> int:
    response = getattr(client, method)(path)
    if response.streaming:
        b"".join(response.streaming_content)  # a streamed file is made while it is read
    return response.status_code


class ReadsNeverWriteTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.walk = walk_world()

    def test_the_watch_sees_a_write(self) -> None:
        # The test below means something only if a write would be seen.
        client = Client()
        client.force_login(self.walk.world.reporter)
        with writes_caught() as writes:
            client.post(
                f"/rapporter/{self.walk.world.report.pk}/sammanfattning/",
                {"summary-summary": "Skrivet.", "summary-version": "fel"},
            )
            client.post(f"/rapporter/{self.walk.world.report.pk}/egna/", {})
            self.walk.world.report.save()
        self.assertTrue(any(sql.lstrip().upper().startswith("UPDATE") for sql in writes))

    # Laying out a PDF reads nothing from the database (the documents' data is gathered before);
    # skipping the layout keeps the walk quick.
    @mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7")
    def test_no_get_or_head_writes_for_any_role(self, _: mock.Mock) -> None:
        failures = []
        walked = 0
        for role, person in self.walk.roles().items():
            client = Client(raise_request_exception=False)
            if person is not None:
                client.force_login(person)
            for route in routes():
                path = route.path(self.walk.value_of)
                for method in ("get", "head"):
                    with writes_caught() as writes:
                        status = _read(client, method, path)
                    walked += 1
                    if writes:
                        failures.append(f"{method.upper()} {path} ({role}) skrev: {writes[0][:90]}")
                    if status >= 500:
                        failures.append(f"{method.upper()} {path} ({role}) svarade {status}")
        self.assertEqual(failures, [])
        self.assertGreater(walked, 7 * 2 * 40)  # every role, both methods, every route
