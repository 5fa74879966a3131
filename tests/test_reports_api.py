from django.test import TestCase
from django.urls import reverse

from tests.followup_data import build_world


class Explore(TestCase):
    def test_x(self) -> None:
        w = build_world()
        self.client.force_login(w.reporter)
        from django.test.utils import CaptureQueriesContext
        from django.db import connection
        with CaptureQueriesContext(connection) as c:
            r = self.client.get(reverse("api-report-list"))
        for q in c.captured_queries:
            print(q["sql"][:300])
        print(r.content.decode()[:3000])
        d = r.json()["results"][0]
        print([(i["indicator"], i["kind"], i["text"][:40]) for i in d["indicators"]])
        print(len(d["activities"]))
        self.client.force_login(w.coordinator)
        print(self.client.get(reverse("api-report-list")).json()["count"])
