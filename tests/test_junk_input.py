"""No input makes the application answer 5xx (issue 9, point 5).

Every route of the URLconf is asked for with junk in each of its path values in turn (the
others real): letters where a number goes, "..", huge numbers, unknown slugs, unicode, the
NUL character. GET and an empty POST, as a samordnare and as a rapportör; junk in every
query parameter a view reads; every method, with and without htmx's headers, and broken
bodies (bad JSON, a torn multipart). A refusal is a 4xx, never a 500. CI runs these on
PostgreSQL too, which refuses what SQLite takes (a NUL in a query).
"""

from unittest import mock

from django.test import Client, TestCase
from weasyprint import HTML

from tests.url_walk import Route, routes, walk_world

# Every query parameter a view reads (grep request.GET and the API's params).
QUERY_NAMES = [
    "ar",
    "mal",
    "namnder",
    "period",
    "program",
    "sparad",
    "aktivitet",
    "board",
    "indikator",
    "namnd",
    "page",
    "programme",
    "sida",
    "visa",
    "year",
    "q",
    "lage",
    "rad",
    "vem",
]
# "%00" as typed, and the NUL character itself (which PostgreSQL refuses in any query).
JUNK = [
    "x",
    "..",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999",
    "ö",
    "💥",
    "%00",
    "a\x00b",
    "a" * 300,
]


class JunkInputTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.walk = walk_world()

    # Laying out a PDF reads nothing from the input; skipping it keeps the walk quick.
    @mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7")
    def test_no_junk_in_a_path_gives_a_server_error(self, _: mock.Mock) -> None:
        failures = []
        walked = 0
        for person in (self.walk.world.coordinator, self.walk.world.reporter):
            client = Client(raise_request_exception=False)
            client.force_login(person)
            for route in routes():
                for name in route.parameters:
                    for junk in JUNK:

                        def value_of(
                            route: Route, each: str, junk: str = junk, name: str = name
                        ) -> str:
                            return junk if each == name else self.walk.value_of(route, each)

                        path = route.path(value_of)
                        for method in ("get", "post"):
                            response = getattr(client, method)(path)
                            if response.streaming:
                                b"".join(response.streaming_content)
                            walked += 1
                            if response.status_code >= 500:
                                failures.append(
                                    f"{method.upper()} {path} ({person.username}): "
                                    f"{response.status_code}"
                                )
        self.assertEqual(failures, [])
        self.assertGreater(walked, 1000)

    @mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7")
    def test_no_junk_in_a_query_gives_a_server_error(self, _: mock.Mock) -> None:
        failures = []
        client = Client(raise_request_exception=False)
        client.force_login(self.walk.world.coordinator)
        for route in routes():
            path = route.path(self.walk.value_of)
            for junk in JUNK:
                response = client.get(path, {name: junk for name in QUERY_NAMES})
                if response.streaming:
                    b"".join(response.streaming_content)
                if response.status_code >= 500:
                    failures.append(f"GET {path}?…={junk}: {response.status_code}")
        self.assertEqual(failures, [])

    @mock.patch.object(HTML, "write_pdf", return_value=b"%PDF-1.7")
    def test_no_method_body_or_htmx_header_gives_a_server_error(self, _: mock.Mock) -> None:
        # Every route with real values, by every method, with and without htmx's headers,
        # and POSTs whose bodies are broken or of the wrong kind, as three kinds of user.
        bodies = [
            ("{inte json", "application/json"),
            ('{"a": [1, 2]}', "application/json"),
            ("a=b&&==%%%", "application/x-www-form-urlencoded"),
            ("--xx\r\ntrasig", "multipart/form-data; boundary=xx"),
            ("<a/>", "text/xml"),
        ]
        failures = []
        for person in (None, self.walk.world.reporter, self.walk.world.coordinator):
            client = Client(raise_request_exception=False)
            if person is not None:
                client.force_login(person)
            for route in routes():
                path = route.path(self.walk.value_of)
                for method in ("get", "head", "options", "post", "put", "patch", "delete"):
                    for headers in ({}, {"HX-Request": "true", "HX-Target": "x"}):
                        response = getattr(client, method)(path, headers=headers)
                        if response.status_code >= 500:
                            failures.append(f"{method.upper()} {path} {headers}")
                for body, content_type in bodies:
                    response = client.post(path, body, content_type=content_type)
                    if response.status_code >= 500:
                        failures.append(f"POST {path} ({content_type})")
        self.assertEqual(failures, [])

    def test_a_goal_part_that_is_not_a_number_is_404_and_saves_nothing(self) -> None:
        client = Client()
        client.force_login(self.walk.world.coordinator)
        for part in ("x", "..", "1x", "٣"):
            response = client.post(
                f"/samlad/stockholm-2021-2025/2023/spara/{part}/", {"mal1-narrative": "Text"}
            )
            self.assertEqual(response.status_code, 404, part)
        self.assertFalse(self.walk.world.programme.city_followups.exists())

    def test_a_nul_character_in_the_address_or_a_form_is_a_bad_request(self) -> None:
        # PostgreSQL refuses a query holding NUL: a view looking up a value with one would
        # answer 500. It is refused before any view reads it, with the 400 page.
        client = Client()
        client.force_login(self.walk.world.coordinator)
        for path, query in (
            ("/api/v1/reports/", {"board": "a\x00b"}),
            ("/sok/", {"q": "\x00"}),
            (f"/rapporter/{self.walk.world.report.pk}/excel/import/a%00b/", {}),
        ):
            with self.subTest(path=path, query=query):
                self.assertEqual(client.get(path, query).status_code, 400)
        # A form as a browser sends it (a multipart one is left to its form's fields).
        response = client.post(
            f"/rapporter/{self.walk.world.report.pk}/sammanfattning/",
            "summary-summary=Text%00",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 400)
        # The same request without it is answered as usual.
        self.assertEqual(client.get("/api/v1/reports/", {"board": "a-b"}).status_code, 200)
