from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse

from catalog.models import Board, IndicatorKind
from catalog.services import programme_load
from followup.models import (
    ActivityStatus,
    Assessment,
    Fulfilment,
    GoalAssessment,
    IndicatorOutcome,
    Progress,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.services import own_item_add, period_open, periods_create
from tests.catalog_data import sodertalje_data
from tests.followup_data import DISTRICT, OTHER, add_own_items, build_world, user

URL = reverse("api-report-list")
STOCKHOLM = "stockholm-2021-2025"
YEAR_ERROR = "Parametern year måste vara ett årtal med fyra siffror, t.ex. 2023."
SOON = datetime(2023, 4, 28, 14, 30, tzinfo=UTC)


def open_period(year: int, kind: str) -> ReportingPeriod:
    period = ReportingPeriod.objects.get(programme__slug=STOCKHOLM, year=year, kind=kind)
    period_open(period=period)
    return period


class ReportsApiAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        sodertalje, _ = programme_load(data=sodertalje_data())
        periods_create(programme=sodertalje)
        period_open(period=sodertalje.periods.get(year=2024, kind="T1"))

    def ids(self, person: User, **params: str) -> list[int]:
        self.client.force_login(person)
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        return [report["id"] for report in response.json()["results"]]

    def test_reporter_sees_exactly_the_boards_report(self) -> None:
        self.assertEqual(self.ids(self.world.reporter), [self.world.report.pk])

    def test_reader_sees_the_boards_report_too(self) -> None:
        self.assertEqual(self.ids(self.world.reader), [self.world.report.pk])

    def test_other_boards_reporter_sees_only_its_own_report(self) -> None:
        self.assertEqual(self.ids(self.world.other_reporter), [self.world.other_report.pk])

    def test_asking_for_another_board_gives_an_empty_list_not_an_error(self) -> None:
        self.client.force_login(self.world.other_reporter)
        response = self.client.get(URL, {"board": DISTRICT})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {"count": 0, "page": 1, "pages": 1, "next": None, "previous": None, "results": []},
        )

    def test_coordinator_sees_every_report_of_the_programme_and_no_other(self) -> None:
        expected = Report.objects.filter(period__programme=self.world.programme)
        self.assertTrue(Report.objects.exclude(period__programme=self.world.programme).exists())
        ids = self.ids(self.world.coordinator)
        self.assertEqual(len(ids), 23)
        self.assertEqual(set(ids), set(expected.values_list("pk", flat=True)))

    def test_user_without_a_role_sees_nothing(self) -> None:
        self.assertEqual(self.ids(user("utan-roll")), [])

    def test_anonymous_gets_401_json_not_a_redirect(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"detail": "Inloggning krävs."})
        self.assertIn("Session", response["WWW-Authenticate"])

    def test_api_is_read_only(self) -> None:
        self.client.force_login(self.world.coordinator)
        self.assertEqual(self.client.head(URL).status_code, 200)
        for method in (self.client.post, self.client.put, self.client.delete):
            with self.subTest(method=method.__name__):
                self.assertEqual(method(URL).status_code, 405)

    def test_answers_are_private_to_the_user(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.get(URL)
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn("Access-Control-Allow-Origin", response)


class ReportsApiValueTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        report = cls.world.report
        cls.activity_row = (
            ActivityStatus.objects.filter(report=report).select_related("activity").first()
        )
        cls.activity_row.progress = Progress.NOT_APPLICABLE
        cls.activity_row.not_applicable_reason = "Ingen förskola i området."
        # Dropped by the model's clean(): "Ej aktuell" has nothing to assess.
        cls.activity_row.assessment = Assessment.PARTLY
        cls.activity_row.comment = "Vi väntar på nytt material."
        cls.activity_row.updated_by = cls.world.reporter
        cls.activity_row.updated_at = SOON
        cls.activity_row.full_clean()
        cls.activity_row.save()

        cls.share_row = IndicatorOutcome.objects.select_related("indicator").get(
            report=report, indicator__text__startswith="Andel familjer"
        )
        cls.share_row.numerator = 12
        cls.share_row.denominator = 40
        cls.share_row.women_numerator = 5
        cls.share_row.women_denominator = 16
        cls.share_row.men_numerator = 7
        cls.share_row.men_denominator = 24
        cls.share_row.target = Decimal("35.5")
        cls.share_row.comment = "Fler än förra året."
        cls.share_row.updated_at = SOON
        cls.share_row.full_clean()
        cls.share_row.save()

        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.RETURNED,
            actor=cls.world.coordinator,
            comment="Komplettera indikatorerna.",
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=SOON)

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)

    def report(self, **params: str) -> dict:
        (report,) = self.client.get(URL, params).json()["results"]
        return report

    def test_report_carries_period_board_and_state(self) -> None:
        report = self.report()
        for key in ("events", "activities", "indicators", "goals", "attachments"):
            report.pop(key)
        self.assertEqual(
            report,
            {
                "id": self.world.report.pk,
                "url": f"http://testserver/rapporter/{self.world.report.pk}/",
                "programme": STOCKHOLM,
                "year": 2023,
                "period": "T1",
                "period_label": "Tertialrapport 1 2023",
                "board": {
                    "slug": DISTRICT,
                    "name": "Rinkeby-Kista stadsdelsnämnd",
                    "kind": "stadsdelsnamnd",
                    "kind_label": "Stadsdelsnämnd",
                    "organisation": "Stockholms stad",
                },
                "state": "utkast",
                "state_label": "Utkast",
                "reopened": False,
                "deadline": "2023-05-20",
                "summary": "",
                "threads": [],  # the thread on the report as a whole, if any (dialogue)
            },
        )

    def test_events_say_who_did_what_and_when(self) -> None:
        self.assertEqual(
            self.report()["events"],
            [
                {
                    "kind": "returned",
                    "kind_label": "Återskickad",
                    "at": "2023-04-28T14:30:00+00:00",
                    "actor": "samordnare",
                    "on_behalf": False,
                    "comment": "Komplettera indikatorerna.",
                }
            ],
        )

    def test_a_filled_activity_row_comes_out_exactly(self) -> None:
        activities = self.report()["activities"]
        self.assertEqual(
            len(activities), ActivityStatus.objects.filter(report=self.world.report).count()
        )
        row = next(a for a in activities if a["activity"] == self.activity_row.activity_id)
        self.assertEqual(
            row,
            {
                "activity": self.activity_row.activity_id,
                "text": self.activity_row.activity.text,
                "own": False,
                "progress": "ej_aktuell",
                "progress_label": "Ej aktuell",
                "not_applicable_reason": "Ingen förskola i området.",
                "assessment": "",
                "assessment_label": "",
                "comment": "Vi väntar på nytt material.",
                "version": self.activity_row.version,
                "updated_at": "2023-04-28T14:30:00+00:00",
                "threads": [],  # added in v1 with the comment threads (dialogue)
                "attachments": [],
            },
        )
        self.assertEqual(self.activity_row.version, 2)

    def test_a_filled_share_row_comes_out_exactly_with_its_share(self) -> None:
        indicators = self.report()["indicators"]
        row = next(i for i in indicators if i["indicator"] == self.share_row.indicator_id)
        self.assertEqual(
            row,
            {
                "indicator": self.share_row.indicator_id,
                "text": self.share_row.indicator.text,
                "kind": "share",
                "own": False,
                "numerator": 12,
                "denominator": 40,
                "share": 30.0,
                "answer": None,
                "women_numerator": 5,
                "women_denominator": 16,
                "men_numerator": 7,
                "men_denominator": 24,
                "target": "35.50",
                "comment": "Fler än förra året.",
                "version": self.share_row.version,
                "updated_at": "2023-04-28T14:30:00+00:00",
                "threads": [],  # added in v1 with the comment threads (dialogue)
                "attachments": [],
            },
        )

    def test_unfilled_rows_are_empty_not_zero(self) -> None:
        indicators = self.report()["indicators"]
        count = next(i for i in indicators if i["kind"] == IndicatorKind.COUNT)
        self.assertEqual(
            [count[key] for key in ("numerator", "denominator", "share", "answer", "target")],
            [None, None, None, None, None],
        )
        self.assertIsNone(count["updated_at"])

    def test_yes_no_answer_and_count_have_no_share(self) -> None:
        rows = IndicatorOutcome.objects.filter(report=self.world.report)
        rows.filter(indicator__kind=IndicatorKind.YES_NO).update(answer=True)
        rows.filter(indicator__kind=IndicatorKind.COUNT).update(numerator=9)
        indicators = self.report()["indicators"]
        yes_no = next(i for i in indicators if i["kind"] == IndicatorKind.YES_NO)
        count = next(i for i in indicators if i["kind"] == IndicatorKind.COUNT)
        self.assertEqual((yes_no["answer"], yes_no["share"]), (True, None))
        self.assertEqual((count["numerator"], count["share"]), (9, None))

    def test_text_is_the_wording_reported_on_while_the_report_is_in(self) -> None:
        ActivityStatus.objects.filter(pk=self.activity_row.pk).update(
            activity_text="Formuleringen när rapporten skickades in."
        )
        IndicatorOutcome.objects.filter(pk=self.share_row.pk).update(
            indicator_text="Andel familjer, som det stod då."
        )

        def texts() -> tuple[str, str]:
            report = self.report()
            activity = next(
                a for a in report["activities"] if a["activity"] == self.activity_row.activity_id
            )
            indicator = next(
                i for i in report["indicators"] if i["indicator"] == self.share_row.indicator_id
            )
            return activity["text"], indicator["text"]

        Report.objects.filter(pk=self.world.report.pk).update(state=ReportState.SUBMITTED)
        self.assertEqual(
            texts(),
            ("Formuleringen när rapporten skickades in.", "Andel familjer, som det stod då."),
        )
        # Sent back, the board answers to the catalog's wording again (and submits with it).
        Report.objects.filter(pk=self.world.report.pk).update(state=ReportState.RETURNED)
        self.assertEqual(texts(), (self.activity_row.activity.text, self.share_row.indicator.text))

    def test_boards_own_activity_is_marked_and_follows_the_programmes_in_its_goal(self) -> None:
        goal = self.world.programme.goals.get(number=1)
        own = own_item_add(report=self.world.report, goal=goal, text="Vår egen aktivitet")
        activities = self.report()["activities"]
        mine = next(a for a in activities if a["activity"] == own.pk)
        self.assertEqual((mine["text"], mine["own"]), ("Vår egen aktivitet", True))
        in_goal = set(goal.activities.values_list("pk", flat=True))
        order = [a["activity"] for a in activities if a["activity"] in in_goal]
        self.assertEqual(order[-1], own.pk)
        self.assertFalse(any(a["own"] for a in activities if a["activity"] != own.pk))

    def test_annual_report_carries_goal_assessments(self) -> None:
        period = open_period(2023, "VB")
        row = GoalAssessment.objects.select_related("goal").get(
            report__period=period, report__board__slug=DISTRICT, goal__number=1
        )
        row.fulfilment = Fulfilment.PARTLY
        row.analysis = "Programmen är i gång i hälften av skolorna."
        row.save()
        report = self.report(period="VB")
        self.assertEqual(self.report(period="T1")["goals"], [])
        self.assertEqual(
            [goal["goal"] for goal in report["goals"]],
            sorted(goal["goal"] for goal in report["goals"]),
        )
        self.assertEqual(
            report["goals"][0],
            {
                "goal": 1,
                "title": row.goal.title,
                "fulfilment": "delvis",
                "fulfilment_label": "Delvis uppfyllt",
                "analysis": "Programmen är i gång i hälften av skolorna.",
                "version": row.version,
                "updated_at": None,
                "threads": [],
                "attachments": [],
            },
        )

    def test_swedish_letters_stay_readable(self) -> None:
        self.assertIn("Återskickad".encode(), self.client.get(URL).content)


class ReportsApiFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        open_period(2023, "T2")
        open_period(2024, "T1")

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def results(self, **params: str) -> list[tuple[str, int, str, str]]:
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        return [
            (r["programme"], r["year"], r["period"], r["board"]["slug"])
            for r in response.json()["results"]
        ]

    def test_filters_combine(self) -> None:
        self.assertEqual(
            self.results(programme=STOCKHOLM, year="2023", period="T2", board=OTHER),
            [(STOCKHOLM, 2023, "T2", OTHER)],
        )
        self.assertEqual(
            self.results(board=DISTRICT),
            [(STOCKHOLM, 2023, "T1", DISTRICT), (STOCKHOLM, 2023, "T2", DISTRICT),
             (STOCKHOLM, 2024, "T1", DISTRICT)],
        )  # fmt: skip

    def test_each_filter_narrows(self) -> None:
        self.assertEqual(len(self.results(year="2023")), 46)
        self.assertEqual(len(self.results(year="2024")), 23)
        self.assertEqual(len(self.results(period="T1")), 46)
        self.assertEqual(len(self.results(period="T2", year="2023")), 23)
        self.assertEqual(len(self.results(programme=STOCKHOLM, board=DISTRICT)), 3)

    def test_empty_parameters_are_ignored(self) -> None:
        self.assertEqual(len(self.results(year="", period="", board="", programme="")), 50)

    def test_unknown_slugs_give_an_empty_list(self) -> None:
        self.assertEqual(self.results(programme="malmo-2025"), [])
        self.assertEqual(self.results(board="ingen-sadan-namnd"), [])
        self.assertEqual(self.results(year="1999"), [])

    def test_bad_year_is_400_naming_the_parameter(self) -> None:
        for year in ("tjugo", "2023.0", "-2023", "23"):
            with self.subTest(year=year):
                response = self.client.get(URL, {"year": year})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {"detail": YEAR_ERROR})

    def test_bad_period_is_400_naming_the_parameter(self) -> None:
        for period in ("T3", "t1", "helår"):
            with self.subTest(period=period):
                response = self.client.get(URL, {"period": period})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json(), {"detail": "Parametern period måste vara en av T1, T2, VB."}
                )


class ReportsApiPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        open_period(2023, "T2")
        open_period(2023, "VB")

    def setUp(self) -> None:
        self.client.force_login(self.world.coordinator)

    def test_pages_of_fifty_with_links(self) -> None:
        first = self.client.get(URL, {"programme": STOCKHOLM}).json()
        self.assertEqual((first["count"], first["page"], first["pages"]), (69, 1, 2))
        self.assertEqual(len(first["results"]), 50)
        self.assertEqual(
            first["next"], f"http://testserver/api/v1/reports/?programme={STOCKHOLM}&page=2"
        )
        self.assertIsNone(first["previous"])

        second = self.client.get(first["next"]).json()
        self.assertEqual((second["count"], second["page"], len(second["results"])), (69, 2, 19))
        self.assertIsNone(second["next"])
        self.assertEqual(
            second["previous"], f"http://testserver/api/v1/reports/?programme={STOCKHOLM}&page=1"
        )
        ids = [r["id"] for r in first["results"] + second["results"]]
        self.assertEqual(len(set(ids)), 69)

    def test_reports_come_in_period_then_board_order(self) -> None:
        results = self.client.get(URL).json()["results"]
        periods = [(r["year"], r["period"]) for r in results]
        self.assertEqual(periods, sorted(periods))
        # Board names in the database's collation, which need not be Python's.
        names = Board.objects.filter(reports__period=self.world.period).order_by("name")
        self.assertEqual(
            [r["board"]["name"] for r in results if r["period"] == "T1"],
            list(names.values_list("name", flat=True)),
        )

    def test_bad_page_is_400_and_a_page_past_the_end_404(self) -> None:
        for page in ("0", "två", "-1"):
            with self.subTest(page=page):
                response = self.client.get(URL, {"page": page})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json(), {"detail": "Parametern page måste vara ett positivt heltal."}
                )
        response = self.client.get(URL, {"page": "3"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Sidan finns inte."})


class ReportsApiQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    def grow(self) -> None:
        """More reports, more rows in every report, events and own items."""
        open_period(2023, "T2")
        open_period(2023, "VB")
        add_own_items(self.world.report, 5)
        for report in Report.objects.all():
            ReportEvent.objects.create(
                report=report, kind=ReportEvent.Kind.SUBMITTED, actor=self.world.coordinator
            )

    def assert_constant_queries(self, person: User) -> None:
        self.client.force_login(person)
        # session, user, count, the page of reports (with period, programme, board and the
        # user's standing), activity rows, indicator rows, goal rows, events with their actors,
        # the threads' entries with their threads and authors, attachments with who attached them
        with self.assertNumQueries(10):
            before = self.client.get(URL).json()
        self.grow()
        with self.assertNumQueries(10):
            after = self.client.get(URL).json()
        self.assertGreater(after["count"], before["count"])
        mine = next(r for r in after["results"] if r["id"] == self.world.report.pk)
        self.assertEqual(len(mine["events"]), 1)
        self.assertEqual(sum(a["own"] for a in mine["activities"]), 5)
        self.assertEqual(sum(i["own"] for i in mine["indicators"]), 5)

    def test_coordinators_query_count_does_not_grow_with_reports_or_rows(self) -> None:
        self.assert_constant_queries(self.world.coordinator)

    def test_reporters_query_count_does_not_grow_with_reports_or_rows(self) -> None:
        self.assert_constant_queries(self.world.reporter)

    def test_query_count_is_the_same_for_the_last_page(self) -> None:
        self.grow()
        self.client.force_login(self.world.coordinator)
        # as above: session, user, count, page, three kinds of rows, events, threads, attachments
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get(URL, {"page": "2"}).json()["page"], 2)

    def test_anonymous_costs_no_query(self) -> None:
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get(URL).status_code, 401)
