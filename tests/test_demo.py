"""The demo data `make run` shows: five lived-in years, logins in every role, demo mode only."""

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Max, Min
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from catalog.models import Board, IndicatorKind
from demo.seed import OWN_INDICATOR
from followup.models import (
    ActivityStatus,
    BoardRole,
    CityReader,
    Coordinator,
    GoalAssessment,
    IndicatorOutcome,
    Membership,
    PeriodState,
    Progress,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportState,
)
from followup.rollup import period_rollup
from followup.services import report_completeness_now
from tests.catalog_data import catalog_remove, load_sodertalje, stockholm


def _seed() -> str:
    output = StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = stockholm()
        cls.output = _seed()
        cls.current = ReportingPeriod.objects.get(programme=cls.programme, year=2025, kind="T1")
        cls.boards = list(Board.objects.responsible_in(cls.programme))

    def log_in(self, username: str) -> None:
        # Through the login page: django-axes wants a request, so client.login() will not do.
        response = self.client.post(reverse("login"), {"username": username, "password": "demo"})
        self.assertRedirects(response, reverse("start"), fetch_redirect_response=False)

    def test_every_past_period_is_locked_and_the_rest_of_2025_is_not_open(self) -> None:
        periods = ReportingPeriod.objects.filter(programme=self.programme)
        past = periods.filter(year__lt=2025)
        self.assertEqual(past.count(), 12)
        self.assertEqual(set(past.values_list("state", flat=True)), {PeriodState.LOCKED})
        later = periods.filter(year=2025).exclude(pk=self.current.pk)
        self.assertEqual(set(later.values_list("state", flat=True)), {PeriodState.NOT_OPEN})

    def test_2025_t1_is_open_now_with_its_deadline_ahead(self) -> None:
        today = timezone.localdate()
        self.assertEqual(self.current.state, PeriodState.OPEN)
        self.assertLess(self.current.opens_on, today)
        self.assertGreater(self.current.deadline, today)

    def test_every_board_has_a_reporter_and_a_reader_who_log_in_with_demo(self) -> None:
        self.assertEqual(len(self.boards), 23)
        for board in self.boards:
            for prefix, role in (("rapportor", BoardRole.REPORTER), ("lasare", BoardRole.READER)):
                user = User.objects.get(username=f"{prefix}-{board.slug}")
                self.assertTrue(user.first_name and user.last_name)
                self.assertTrue(
                    Membership.objects.filter(user=user, board=board, role=role).exists()
                )
        for username in (
            "rapportor-rinkeby-kista-stadsdelsnamnd",
            "lasare-rinkeby-kista-stadsdelsnamnd",
            "samordnare",
            "stadslasare",
            "admin",
        ):
            with self.subTest(username=username):
                self.log_in(username)
                self.client.post(reverse("logout"))

    def test_the_housing_companies_share_a_reporter(self) -> None:
        user = User.objects.get(username="rapportor-ab-familjebostader")
        self.assertEqual(
            set(user.memberships.values_list("board__slug", "role")),
            {
                ("ab-familjebostader", BoardRole.REPORTER),
                ("ab-stockholmshem", BoardRole.REPORTER),
            },
        )

    def test_the_city_wide_reader_reads_the_dashboard_and_reviews_nothing(self) -> None:
        reader = User.objects.get(username="stadslasare")
        self.assertTrue(CityReader.objects.filter(user=reader, programme=self.programme).exists())
        self.assertFalse(reader.coordinator_roles.exists() or reader.memberships.exists())
        self.client.force_login(reader)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)
        self.assertEqual(self.client.get(reverse("period-list")).status_code, 404)

    def test_samordnare_coordinates_and_admin_administers(self) -> None:
        coordinator = User.objects.get(username="samordnare")
        self.assertTrue(
            Coordinator.objects.filter(user=coordinator, programme=self.programme).exists()
        )
        self.assertFalse(coordinator.is_staff)
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_staff and admin.is_superuser)

    def test_the_reporter_sees_the_boards_open_report(self) -> None:
        self.log_in("rapportor-rinkeby-kista-stadsdelsnamnd")
        report = Report.objects.get(period=self.current, board__slug="rinkeby-kista-stadsdelsnamnd")
        self.assertEqual(report.state, ReportState.DRAFT)
        response = self.client.get(reverse("report-detail", args=[report.pk]))
        self.assertContains(response, "Spara raden")

    def test_the_open_period_has_reports_in_all_four_states(self) -> None:
        states = set(self.current.reports.values_list("state", flat=True))
        self.assertEqual(states, set(ReportState.values))
        # Some drafts are half filled in, some not touched at all this period.
        touched = ActivityStatus.objects.filter(
            report__period=self.current, report__state=ReportState.DRAFT, updated_by__isnull=False
        ).values("report")
        drafts = self.current.reports.filter(state=ReportState.DRAFT)
        self.assertTrue(drafts.filter(pk__in=touched).exists())
        self.assertTrue(drafts.exclude(pk__in=touched).exists())

    def test_every_past_report_is_approved_and_complete(self) -> None:
        past = Report.objects.filter(period__year__lt=2025)
        self.assertEqual(past.count(), 12 * 23)
        self.assertFalse(past.exclude(state=ReportState.APPROVED).exists())
        for report in Report.objects.filter(state=ReportState.APPROVED).select_related("period"):
            with self.subTest(report=str(report)):
                self.assertTrue(report_completeness_now(report).is_complete)

    def test_a_returned_report_carries_the_coordinators_comment(self) -> None:
        returned = self.current.reports.filter(state=ReportState.RETURNED)
        self.assertTrue(returned.exists())
        for report in returned:
            last = report.events.order_by("at", "pk").last()
            self.assertEqual(last.kind, ReportEvent.Kind.RETURNED)
            self.assertEqual(last.actor.username, "samordnare")
            self.assertTrue(last.comment)
        # In past periods returned reports were corrected and approved.
        past_returns = ReportEvent.objects.filter(
            kind=ReportEvent.Kind.RETURNED, report__period__year__lt=2025
        )
        self.assertTrue(past_returns.exists())
        self.assertFalse(past_returns.exclude(report__state=ReportState.APPROVED).exists())

    def test_histories_vary_late_on_behalf_and_reopened(self) -> None:
        late = [
            event
            for event in ReportEvent.objects.filter(kind=ReportEvent.Kind.SUBMITTED).select_related(
                "report__period"
            )
            if timezone.localdate(event.at) > event.report.period.deadline
        ]
        self.assertTrue(late)
        self.assertTrue(ReportEvent.objects.filter(on_behalf=True).exists())
        self.assertTrue(ReportEvent.objects.filter(kind=ReportEvent.Kind.REOPENED).exists())
        self.assertFalse(ReportEvent.objects.filter(at__gt=timezone.now()).exists())

    def test_events_fall_within_their_period(self) -> None:
        for event in ReportEvent.objects.select_related("report__period"):
            self.assertGreaterEqual(timezone.localdate(event.at), event.report.period.opens_on)

    def test_rows_say_who_saved_them_and_keep_a_history(self) -> None:
        row = ActivityStatus.objects.filter(
            report__period__year=2023, report__board__slug="rinkeby-kista-stadsdelsnamnd"
        ).first()
        self.assertEqual(row.updated_by.username, "rapportor-rinkeby-kista-stadsdelsnamnd")
        self.assertEqual(timezone.localdate(row.updated_at).year, 2023)
        self.assertEqual(row.history.filter(history_user=row.updated_by).count(), 1)

    def test_progress_moves_forward_over_the_years(self) -> None:
        def share_done(year: int) -> float:
            rows = ActivityStatus.objects.filter(
                report__period__year=year, report__period__kind="T1"
            )
            return rows.filter(progress=Progress.DONE).count() / rows.count()

        self.assertLess(share_done(2021), share_done(2023))
        self.assertLess(share_done(2023), share_done(2025))
        reasons = ActivityStatus.objects.filter(progress=Progress.NOT_APPLICABLE)
        self.assertTrue(reasons.exists())
        self.assertFalse(reasons.filter(not_applicable_reason="").exists())

    def test_shares_never_have_more_than_their_total(self) -> None:
        outcomes = IndicatorOutcome.objects.all()
        for part, whole in (
            ("numerator", "denominator"),
            ("women_numerator", "women_denominator"),
            ("men_numerator", "men_denominator"),
        ):
            self.assertFalse(outcomes.filter(**{f"{part}__gt": F(whole)}).exists())
        shares = outcomes.filter(indicator__kind=IndicatorKind.SHARE, denominator__isnull=False)
        spread = shares.aggregate(low=Min("denominator"), high=Max("denominator"))
        self.assertLess(spread["low"], 10)
        self.assertGreater(spread["high"], 200)
        self.assertTrue(shares.filter(women_denominator__isnull=False).exists())

    def test_annual_reports_assess_every_goal_and_have_a_summary(self) -> None:
        annual = Report.objects.filter(period__kind="VB")
        self.assertFalse(annual.filter(summary="").exists())
        self.assertFalse(GoalAssessment.objects.filter(analysis="").exists())

    def test_a_district_board_has_an_activity_of_its_own(self) -> None:
        own = ActivityStatus.objects.filter(
            activity__added_by__slug="skarholmens-stadsdelsnamnd", report__period=self.current
        )
        self.assertEqual(own.count(), 1)

    def test_the_own_indicator_is_never_a_city_wide_figure(self) -> None:
        # Skärholmen's own indicator once stood among the programme's as "saknas (0 av 0
        # rapporterat)" on the dashboard, although the board had reported it.
        rollup = period_rollup(self.programme, 2025, "T1")
        texts = {item.indicator.text for goal in rollup.goals for item in goal.indicators}
        self.assertNotIn(OWN_INDICATOR, texts)
        self.assertFalse(
            [item for goal in rollup.goals for item in goal.indicators if item.indicator.is_own]
        )
        self.client.force_login(User.objects.get(username="samordnare"))
        response = self.client.get(reverse("dashboard"), {"ar": 2025, "period": "T1"})
        self.assertNotContains(response, "0 av 0 rapporterat")
        self.assertNotContains(response, OWN_INDICATOR)

    def test_the_summary_counts_reports_per_state(self) -> None:
        self.assertIn("T1 2025 (öppen):", self.output)
        self.assertIn("Godkänd", self.output)
        self.assertIn("Tid:", self.output)

    def test_a_second_run_changes_nothing(self) -> None:
        def counts() -> list[int]:
            models = (User, Report, ReportEvent, ActivityStatus, IndicatorOutcome, Membership)
            return [model.objects.count() for model in models] + [ActivityStatus.history.count()]

        before = counts()
        self.assertIn("Demodata finns redan", _seed())
        self.assertEqual(counts(), before)


class SeedDemoBothProgrammesTests(TestCase):
    """`make run` loads Södertälje's plan too: its demo runs its own cycle beside Stockholm's."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = load_sodertalje()
        cls.output = _seed()

    def test_the_plan_has_its_cycle_up_to_a_delarsbokslut_open_now(self) -> None:
        periods = list(ReportingPeriod.objects.filter(programme=self.programme))
        opened = [p for p in periods if p.state != PeriodState.NOT_OPEN]
        current = opened[-1]
        self.assertEqual((current.kind, current.state), ("DB", PeriodState.OPEN))
        self.assertGreater(current.deadline, timezone.localdate())
        self.assertEqual({p.state for p in opened[:-1]}, {PeriodState.LOCKED})
        self.assertEqual({p.kind for p in opened}, {"DB", "AB"} if len(opened) > 1 else {"DB"})
        self.assertEqual(
            set(current.reports.values_list("state", flat=True)), set(ReportState.values)
        )
        self.assertIn(f"DB {current.year} (öppen):", self.output)

    def test_the_plan_has_its_own_samordnare_and_boards_people(self) -> None:
        coordinator = User.objects.get(username="samordnare-sodertalje")
        self.assertEqual(
            list(
                Coordinator.objects.filter(user=coordinator).values_list(
                    "programme__slug", flat=True
                )
            ),
            [self.programme.slug],
        )
        for board in Board.objects.responsible_in(self.programme):
            self.assertTrue(
                Membership.objects.filter(
                    user__username=f"rapportor-{board.slug}", board=board, role=BoardRole.REPORTER
                ).exists()
            )

    def test_one_person_holds_roles_in_both_municipalities(self) -> None:
        person = User.objects.get(username="rapportor-tva-kommuner")
        self.assertEqual(
            set(person.memberships.values_list("board__organisation", "role")),
            {("Södertälje kommun", BoardRole.REPORTER), ("Stockholms stad", BoardRole.READER)},
        )


class SeedDemoRefusalTests(TestCase):
    @override_settings(DEMO_MODE=False)
    def test_refuses_outside_demo_mode(self) -> None:
        with self.assertRaisesMessage(CommandError, "DEMO_MODE"):
            _seed()
        self.assertFalse(User.objects.exists())
        self.assertFalse(Report.objects.exists())

    @override_settings(DEMO_MODE=True)
    def test_asks_for_the_catalog_first(self) -> None:
        catalog_remove()
        with self.assertRaisesMessage(CommandError, "load_programme"):
            _seed()
        self.assertFalse(User.objects.exists())

    @override_settings(DEMO_MODE=True)
    def test_leaves_a_real_account_with_a_demo_name_alone(self) -> None:
        # A real city-wide reader's account that happens to be named like the demo's.
        real = User.objects.create_user("stadslasare", password="en riktig lösenfras 42")
        self.assertIn("Demodata finns redan", _seed())
        real.refresh_from_db()
        self.assertTrue(real.check_password("en riktig lösenfras 42"))
        self.assertFalse(Report.objects.exists())

    @override_settings(DEMO_MODE=True)
    def test_refuses_a_scale_below_one(self) -> None:
        with self.assertRaisesMessage(CommandError, "minst 1"):
            call_command("seed_demo", "--scale", "0", stdout=StringIO())


class SeedDemoScaleTests(TestCase):
    """`--scale 2`: the benchmark's city of twice Stockholm's boards, each copy a clone of
    its original's five years."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = stockholm()
        call_command("seed_demo", "--scale", "2", stdout=StringIO())
        cls.copy = Board.objects.get(slug="rinkeby-kista-stadsdelsnamnd-k2")
        cls.original = Board.objects.get(slug="rinkeby-kista-stadsdelsnamnd")

    @staticmethod
    def states(board: Board) -> list[tuple[int, str, str]]:
        return list(
            Report.objects.filter(board=board)
            .order_by("period__year", "period__position")
            .values_list("period", "state", "summary")
        )

    def test_every_board_has_a_copy_with_its_responsibilities_and_groups(self) -> None:
        boards = list(Board.objects.responsible_in(self.programme))
        self.assertEqual(len(boards), 2 * 23)
        self.assertEqual(self.copy.name, "Rinkeby-Kista stadsdelsnämnd (kopia 2)")
        self.assertEqual(
            set(self.copy.activity_roles.values_list("activity", "role")),
            set(self.original.activity_roles.values_list("activity", "role")),
        )
        self.assertEqual(
            list(self.copy.groups.values_list("slug", flat=True)),
            list(self.original.groups.values_list("slug", flat=True)),
        )

    def test_a_copy_reports_as_its_original_did_row_by_row_with_history(self) -> None:
        self.assertEqual(self.states(self.copy), self.states(self.original))
        for model, item in (
            (ActivityStatus, "activity"),
            (IndicatorOutcome, "indicator"),
            (GoalAssessment, "goal"),
        ):
            with self.subTest(model=model.__name__):
                answers = ["report__period", item, *model.ANSWER_FIELDS, "version", "updated_at"]
                rows = model.objects.order_by("report__period", item).values_list(*answers)
                self.assertEqual(
                    list(rows.filter(report__board=self.copy)),
                    list(rows.filter(report__board=self.original)),
                )
                history = model.history.filter(report__board__in=[self.copy, self.original])
                self.assertEqual(
                    history.filter(report__board=self.copy).count(),
                    history.filter(report__board=self.original).count(),
                )
        self.assertEqual(
            Report.history.filter(board=self.copy).count(),
            Report.history.filter(board=self.original).count(),
        )
        self.assertEqual(
            ReportEvent.objects.filter(report__board=self.copy).count(),
            ReportEvent.objects.filter(report__board=self.original).count(),
        )

    def test_a_copy_has_none_of_its_originals_own_items(self) -> None:
        copy = Board.objects.get(slug="skarholmens-stadsdelsnamnd-k2")
        self.assertTrue(
            ActivityStatus.objects.filter(
                report__board__slug="skarholmens-stadsdelsnamnd", activity__added_by__isnull=False
            ).exists()
        )
        self.assertFalse(
            ActivityStatus.objects.filter(report__board=copy, activity__added_by__isnull=False)
            .union(
                IndicatorOutcome.objects.filter(
                    report__board=copy, indicator__added_by__isnull=False
                )
            )
            .exists()
        )

    def test_the_samordnare_is_told_of_the_copies_reports(self) -> None:
        from notifications.models import Notification

        report = Report.objects.get(board=self.copy, period__year=2024, period__kind="VB")
        told = Notification.objects.filter(report=report)
        self.assertEqual(set(told.values_list("recipient__username", flat=True)), {"samordnare"})
        notice = told.filter(kind="submitted").first()
        assert notice is not None
        self.assertIn("Rinkeby-Kista stadsdelsnämnd (kopia 2)", notice.title)
        self.assertEqual(notice.url, f"/rapporter/{report.pk}/#review")
        self.client.force_login(User.objects.get(username="samordnare"))
        self.assertEqual(self.client.get(notice.url).status_code, 200)

    def test_the_years_samlad_uppfoljning_is_final_but_not_published(self) -> None:
        from followup.models import CityFollowup, FollowupState
        from publishing.models import Publication

        followup = CityFollowup.objects.get(programme=self.programme, year=2024)
        self.assertEqual(followup.state, FollowupState.FINAL)
        names = {entry["board"] for entry in followup.figures["boards"]}
        self.assertIn("Rinkeby-Kista stadsdelsnämnd (kopia 2)", names)
        self.assertFalse(Publication.objects.filter(published_at__isnull=False).exists())
