"""Simultaneous requests on PostgreSQL (issue 9, points 4 and 6): first visits and first
writes of a samlad year, opens of a report whose board just gained a commitment, "Öppna"
pressed four times, "Lägg till" clicked twice. Each request runs in its own thread with its
own connection and transaction, released together by a barrier.

SQLite runs one writer at a time and cannot show these races; the tests run on PostgreSQL
only (DATABASE_URL=postgres://…).
"""

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar
from unittest import skipUnless

from concurrency.forms import get_signer
from django.db import connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from catalog.models import Activity, Board
from catalog.services import programme_load
from followup.models import (
    ActivityStatus,
    CityFollowup,
    CityFollowupGoal,
    CityReader,
    MidtermSection,
    PeriodState,
    Report,
    ReportingPeriod,
)
from followup.services import CREATED_VERSION, reports_sync_for_programme
from tests.catalog_data import stockholm_data
from tests.followup_data import OTHER, build_world, user

SLUG = "stockholm-2021-2025"
T = TypeVar("T")


def simultaneously(calls: list[Callable[[], T]]) -> list[T]:
    """Run the calls in threads released at the same moment; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def logged_in(person: object) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(person)
    return client


@skipUnless(connection.vendor == "postgresql", "races need PostgreSQL's concurrent writers")
class ConcurrencyTests(TransactionTestCase):
    def setUp(self) -> None:
        self.world = build_world(year=2023, kind="VB")

    def test_four_first_visits_of_a_samlad_year_all_answer_200_and_write_nothing(self) -> None:
        reader = user("stadslasare")
        CityReader.objects.create(user=reader, programme=self.world.programme)
        clients = [logged_in(self.world.coordinator), logged_in(reader)] * 2
        url = reverse("city-followup", args=[SLUG, 2023])
        statuses = simultaneously([lambda c=c: c.get(url).status_code for c in clients])
        self.assertEqual(statuses, [200] * 4)
        self.assertFalse(CityFollowup.objects.exists())

    def test_four_first_saves_of_a_samlad_year_create_one_draft_and_keep_every_text(
        self,
    ) -> None:
        clients = [logged_in(self.world.coordinator) for _ in range(4)]
        version = get_signer().sign(CREATED_VERSION)

        def save(client: Client, number: int) -> int:
            url = reverse("city-followup-save", args=[SLUG, 2023, str(number)])
            data = {f"mal{number}-narrative": f"Mål {number}.", f"mal{number}-version": version}
            return client.post(url, data).status_code

        statuses = simultaneously(
            [lambda c=c, n=n: save(c, n) for n, c in enumerate(clients, start=1)]
        )
        self.assertEqual(statuses, [302] * 4)
        self.assertEqual(CityFollowup.objects.count(), 1)
        self.assertEqual(CityFollowupGoal.objects.count(), 7)
        self.assertEqual(
            sorted(
                CityFollowupGoal.objects.exclude(narrative="").values_list("narrative", flat=True)
            ),
            ["Mål 1.", "Mål 2.", "Mål 3.", "Mål 4."],
        )

    def test_four_first_saves_of_a_halvtid_year_create_one_draft(self) -> None:
        clients = [logged_in(self.world.coordinator) for _ in range(4)]
        version = get_signer().sign(CREATED_VERSION)
        keys = ["sammanfattning", "stod", "fortsatt", "mal-1"]

        def save(client: Client, key: str) -> int:
            url = reverse("midterm-section", args=[SLUG, 2023, key])
            return client.post(url, {f"{key}-text": key, f"{key}-version": version}).status_code

        statuses = simultaneously(
            [lambda c=c, k=k: save(c, k) for c, k in zip(clients, keys, strict=True)]
        )
        self.assertEqual(statuses, [302] * 4)
        self.assertEqual(
            sorted(MidtermSection.objects.exclude(text="").values_list("text", flat=True)),
            sorted(keys),
        )
        self.assertEqual(MidtermSection.objects.count(), 3 + 7)

    def test_four_opens_of_a_report_after_its_board_gained_a_commitment(self) -> None:
        data = stockholm_data()
        data["goals"][0]["activities"][2]["responsible"].append(OTHER)  # Utbildningsnämnden's
        programme_load(data=data)
        gained = Activity.objects.in_programme().get(goal__number=1, position=3)
        clients = [logged_in(self.world.other_reporter) for _ in range(4)]
        url = reverse("report-detail", args=[self.world.other_report.pk])
        statuses = simultaneously([lambda c=c: c.get(url).status_code for c in clients])
        self.assertEqual(statuses, [200] * 4)
        self.assertEqual(
            ActivityStatus.objects.filter(report=self.world.other_report, activity=gained).count(),
            1,
        )

    def test_simultaneous_catalog_syncs_leave_one_row(self) -> None:
        # Two changes of the catalog at once (say, two admins saving): each syncs the reports.
        gained = Activity.objects.in_programme().get(goal__number=1, position=3)
        gained.responsibilities.create(board=Board.objects.get(slug=OTHER))
        programme = self.world.programme
        simultaneously([lambda: reports_sync_for_programme(programme=programme)] * 4)
        self.assertEqual(
            ActivityStatus.objects.filter(report=self.world.other_report, activity=gained).count(),
            1,
        )

    def test_four_presses_of_open_open_the_period_once(self) -> None:
        period = ReportingPeriod.objects.get(programme=self.world.programme, year=2024, kind="T1")
        clients = [logged_in(self.world.coordinator) for _ in range(4)]
        url = reverse("period-open", args=[period.pk])
        # Its deadline has passed, so each press comes with a new one (from the page that asks).
        data = {"deadline": (date.today() + timedelta(days=14)).isoformat()}
        responses = simultaneously([lambda c=c: c.post(url, data, follow=True) for c in clients])
        self.assertEqual([response.status_code for response in responses], [200] * 4)
        texts = [response.content.decode() for response in responses]
        self.assertEqual(sum("23 nya rapporter" in text for text in texts), 1)
        self.assertEqual(sum("är redan öppen" in text for text in texts), 3)
        self.assertEqual(period.history.filter(state=PeriodState.OPEN).count(), 1)
        self.assertEqual(Report.objects.filter(period=period).count(), 23)

    def test_a_double_click_on_add_creates_one_own_activity(self) -> None:
        clients = [logged_in(self.world.reporter) for _ in range(2)]
        url = reverse("report-own-item", args=[self.world.report.pk])
        goal = self.world.programme.goals.get(number=2)
        data = {"goal": goal.pk, "kind": "activity", "text": "Samverkansforum"}
        statuses = simultaneously([lambda c=c: c.post(url, data).status_code for c in clients])
        self.assertEqual(statuses, [302, 302])
        self.assertEqual(Activity.objects.own().filter(text="Samverkansforum").count(), 1)
