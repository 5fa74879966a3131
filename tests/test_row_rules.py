"""The rules that keep wrong numbers out of the city's figures, one set for every writer
(the page's row form, the Excel import, the model itself), and numbers the Swedish way:
typed "62,5" or "1 028", shown with a decimal comma."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from catalog.models import IndicatorKind
from followup.history import report_history
from followup.models import ActivityStatus, Assessment, IndicatorOutcome, Progress, ReportState
from followup.numbers import number_text, parse_decimal
from followup.rollup import activity_rows_behind, period_rollup
from followup.services import report_completeness_now
from tests.followup_data import build_world, fill_report
from tests.test_excel import RefusalTests, fill
from tests.test_report_rows import activity_post, indicator_post, save_url


class ParseTests(SimpleTestCase):
    def test_swedish_and_english_decimals_and_grouped_thousands_are_read(self) -> None:
        for typed, number in [
            ("62,5", "62.5"),
            ("62.5", "62.5"),
            (" 1 028 ", "1028"),
            ("1\u00a0028,25", "1028.25"),
            ("1\u2009028", "1028"),
            ("1\u202f028", "1028"),
            ("-3", "-3"),
            (62.5, "62.5"),
            (12, "12"),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(parse_decimal(typed), Decimal(number))

    def test_anything_else_is_refused(self) -> None:
        for typed in ["1,028.5", "62,5,1", "abc", "1e3", "NaN", "Infinity", "--2", "٣", True]:
            with self.subTest(typed=typed), self.assertRaises(ValueError):
                parse_decimal(typed)

    def test_numbers_read_with_a_decimal_comma(self) -> None:
        self.assertEqual(
            [number_text(v) for v in (Decimal("62.50"), Decimal("35.00"), 1028, 0.25, None)],
            ["62,5", "35", "1\u00a0028", "0,25", "–"],
        )


class RulesWorld(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.report = cls.world.report
        cls.activity = cls.report.activity_rows.select_related("activity").first()
        rows = cls.report.indicator_rows
        cls.share = rows.get(
            indicator__kind=IndicatorKind.SHARE, indicator__goal__number=3, indicator__position=1
        )
        cls.count = rows.filter(indicator__kind=IndicatorKind.COUNT).first()

    def setUp(self) -> None:
        self.client.force_login(self.world.reporter)

    def post(self, row, kind: str, **values: str):
        post = activity_post if kind == "a" else indicator_post
        return self.client.post(
            save_url(row, kind), post(row, **values), headers={"HX-Request": "true"}
        )

    def assertRefusedInPlace(self, response, message: str, row) -> None:
        """The row comes back with the message beside its field, and nothing is stored."""
        before = type(row).objects.get(pk=row.pk)
        self.assertContains(response, message, status_code=422)
        self.assertContains(response, 'aria-invalid="true"', status_code=422)
        self.assertContains(response, "Raden sparades inte", status_code=422)
        self.assertEqual(type(row).objects.get(pk=row.pk).version, before.version)


class DecimalCommaPageTests(RulesWorld):
    def test_number_fields_are_text_inputs_with_a_numeric_keyboard(self) -> None:
        page = self.client.get(reverse("report-detail", args=[self.report.pk]))
        prefix = self.share.prefix
        self.assertContains(page, f'name="{prefix}-numerator"')
        self.assertNotContains(page, 'type="number"')
        self.assertContains(
            page,
            f'<input type="text" name="{prefix}-target" inputmode="decimal" autocomplete="off"'
            f' aria-describedby="id_{prefix}-target_helptext" id="id_{prefix}-target">',
            html=True,
        )
        self.assertContains(
            page,
            f'<input type="text" name="{prefix}-numerator" inputmode="numeric"'
            f' autocomplete="off" id="id_{prefix}-numerator">',
            html=True,
        )

    def test_a_target_typed_with_a_decimal_comma_is_stored_as_such_and_shown_so(self) -> None:
        response = self.post(
            self.share, "i", numerator="1 028", denominator="2\u00a0000", target="62,5"
        )
        self.assertEqual(response.status_code, 200)
        self.share.refresh_from_db()
        self.assertEqual(
            (self.share.numerator, self.share.denominator, self.share.target),
            (1028, 2000, Decimal("62.5")),
        )
        # The fresh form shows the stored value the Swedish way, and the "%" beside it.
        self.assertContains(response, 'value="62,5"')
        self.assertContains(response, "Nämndens målvärde för året (%)")
        self.client.force_login(self.world.reader)
        page = self.client.get(reverse("report-detail", args=[self.report.pk]))
        self.assertContains(page, "<dd>62,5\u00a0%</dd>", html=True)
        self.assertNotContains(page, "62.5")

    def test_a_target_with_a_point_is_read_too(self) -> None:
        self.post(self.share, "i", target="62.5")
        self.share.refresh_from_db()
        self.assertEqual(self.share.target, Decimal("62.5"))

    def test_something_that_is_no_number_is_refused_in_swedish(self) -> None:
        response = self.post(self.share, "i", target="sextio")
        self.assertRefusedInPlace(response, "Skriv ett tal, t.ex. 62,5.", self.share)
        # What was typed stays in the field, to be corrected.
        self.assertContains(response, 'value="sextio"', status_code=422)

    def test_a_whole_number_field_refuses_decimals_rather_than_reading_625(self) -> None:
        response = self.post(self.count, "i", numerator="62,5")
        self.assertRefusedInPlace(
            response, "Skriv ett heltal, utan decimaler, t.ex. 1 028.", self.count
        )
        response = self.post(self.count, "i", numerator="tolv")
        self.assertRefusedInPlace(response, "Skriv ett heltal, t.ex. 1 028.", self.count)
        # A number too large for the database is refused, never a server error.
        response = self.post(self.count, "i", numerator="9" * 40, target="9" * 40)
        self.assertRefusedInPlace(response, "Säkerställ att", self.count)
        self.assertIsNone(IndicatorOutcome.objects.get(pk=self.count.pk).numerator)

    def test_history_shows_numbers_with_a_decimal_comma(self) -> None:
        self.post(self.share, "i", target="12,5")
        self.share.refresh_from_db()
        self.post(self.share, "i", target="40")
        changes = [(c.old, c.new) for c in report_history(self.report) if "ålvärde" in c.field]
        self.assertEqual(changes, [("12,5", "40"), ("–", "12,5")])
        page = self.client.get(reverse("report-history", args=[self.report.pk]))
        self.assertContains(page, "12,5")
        self.assertNotContains(page, "12.50")


class IndicatorRuleTests(RulesWorld):
    def test_a_share_target_above_100_is_refused(self) -> None:
        response = self.post(self.share, "i", target="625")
        self.assertRefusedInPlace(
            response, "Målvärdet är en andel i procent och kan vara högst 100.", self.share
        )
        self.assertIsNone(IndicatorOutcome.objects.get(pk=self.share.pk).target)

    def test_a_share_target_of_100_and_a_count_target_above_100_are_fine(self) -> None:
        self.assertEqual(self.post(self.share, "i", target="100").status_code, 200)
        self.assertEqual(self.post(self.count, "i", target="625").status_code, 200)
        self.assertEqual(IndicatorOutcome.objects.get(pk=self.count.pk).target, 625)

    def test_women_and_men_together_may_not_exceed_the_whole(self) -> None:
        response = self.post(
            self.share,
            "i",
            numerator="30",
            denominator="100",
            women_numerator="12",
            women_denominator="40",
            men_numerator="25",
            men_denominator="70",
        )
        self.assertRefusedInPlace(
            response,
            "Antalet kvinnor/flickor och män/pojkar tillsammans (12 + 25 = 37) är större än "
            "hela antalet (30).",
            self.share,
        )
        self.assertContains(
            response,
            "Totalt kvinnor/flickor och män/pojkar tillsammans (40 + 70 = 110) är större än "
            "totalt för alla (100).",
            status_code=422,
        )
        self.assertIsNone(IndicatorOutcome.objects.get(pk=self.share.pk).numerator)

    def test_women_and_men_of_a_count_may_not_exceed_it(self) -> None:
        response = self.post(self.count, "i", numerator="3", women_numerator="2", men_numerator="2")
        self.assertRefusedInPlace(
            response, "tillsammans (2 + 2 = 4) är större än hela antalet (3).", self.count
        )

    def test_women_and_men_up_to_the_whole_are_saved(self) -> None:
        response = self.post(
            self.share,
            "i",
            numerator="30",
            denominator="100",
            women_numerator="12",
            women_denominator="40",
            men_numerator="18",
            men_denominator="55",
        )
        self.assertEqual(response.status_code, 200)

    def test_the_model_refuses_the_same_for_any_writer(self) -> None:
        row = IndicatorOutcome.objects.select_related("indicator").get(pk=self.share.pk)
        row.numerator, row.denominator, row.target = 30, 100, Decimal("625")
        row.women_numerator, row.women_denominator = 12, 40
        row.men_numerator, row.men_denominator = 25, 70
        with self.assertRaises(ValidationError) as refused:
            row.full_clean()
        self.assertEqual(
            set(refused.exception.message_dict), {"target", "men_numerator", "men_denominator"}
        )


class NotApplicableTests(RulesWorld):
    def test_ej_aktuell_with_a_reason_is_filled_without_an_assessment(self) -> None:
        before = report_completeness_now(self.report).filled
        response = self.post(
            self.activity,
            "a",
            progress="ej_aktuell",
            not_applicable_reason="Ingen skola i området.",
        )
        self.assertEqual(response.status_code, 200)
        row = ActivityStatus.objects.get(pk=self.activity.pk)
        self.assertTrue(row.is_filled)
        self.assertTrue(ActivityStatus.objects.filter(ActivityStatus.filled(), pk=row.pk).exists())
        now = report_completeness_now(self.report)
        self.assertEqual(now.filled, before + 1)
        self.assertFalse(any(row.activity.text[:40] in item.text for item in now.missing))
        # The counter the row sends back with it says so.
        self.assertContains(response, f"Ifyllt: {now.filled} av {now.total}")

    def test_an_assessment_sent_with_ej_aktuell_is_dropped(self) -> None:
        self.post(
            self.activity,
            "a",
            progress="ej_aktuell",
            not_applicable_reason="Ingen skola i området.",
            assessment="enligt_plan",
        )
        row = ActivityStatus.objects.get(pk=self.activity.pk)
        self.assertEqual((row.progress, row.assessment), ("ej_aktuell", ""))

    def test_ej_aktuell_without_a_reason_is_missing_its_reason(self) -> None:
        ActivityStatus.objects.filter(pk=self.activity.pk).update(progress=Progress.NOT_APPLICABLE)
        row = ActivityStatus.objects.get(pk=self.activity.pk)
        self.assertFalse(row.is_filled)
        self.assertFalse(ActivityStatus.objects.filter(ActivityStatus.filled(), pk=row.pk).exists())
        self.assertTrue(
            any(
                item.text.endswith("skäl till ”Ej aktuell” saknas")
                for item in report_completeness_now(self.report).missing
            )
        )

    def test_is_filled_and_its_database_twin_agree(self) -> None:
        cases = [
            ("", "", ""),
            ("paborjad", "", ""),
            ("paborjad", "enligt_plan", ""),
            ("ej_aktuell", "", ""),
            ("ej_aktuell", "", "   "),
            ("ej_aktuell", "", "Skäl"),
            ("ej_aktuell", "enligt_plan", ""),
        ]
        for progress, assessment, reason in cases:
            with self.subTest(progress=progress, assessment=assessment, reason=reason):
                ActivityStatus.objects.filter(pk=self.activity.pk).update(
                    progress=progress, assessment=assessment, not_applicable_reason=reason
                )
                row = ActivityStatus.objects.get(pk=self.activity.pk)
                in_db = ActivityStatus.objects.filter(ActivityStatus.filled(), pk=row.pk).exists()
                self.assertEqual(row.is_filled, in_db)

    def test_a_report_with_ej_aktuell_rows_is_submitted(self) -> None:
        fill_report(self.report)
        self.report.activity_rows.filter(pk=self.activity.pk).update(
            progress=Progress.NOT_APPLICABLE, assessment="", not_applicable_reason="Ingen skola."
        )
        self.client.post(reverse("report-submit", args=[self.report.pk]))
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, ReportState.SUBMITTED)

    def test_the_reason_field_says_when_it_applies_and_can_be_hidden_by_the_script(self) -> None:
        page = self.client.get(reverse("report-detail", args=[self.report.pk]))
        self.assertContains(page, "Skäl till ”Ej aktuell” (bara när status är Ej aktuell)")
        self.assertContains(page, 'data-shown-for-progress="ej_aktuell"')
        self.assertContains(page, "/static/js/report.js")
        # Without JavaScript the field is there, not hidden.
        self.assertNotContains(page, 'data-shown-for-progress="ej_aktuell" hidden')


class NotApplicableFiguresTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        report = cls.world.report
        rows = list(
            report.activity_rows.filter(activity__goal__number=1).order_by("activity__position")
        )
        # One Ej aktuell as the form saves it, one with an assessment left from before
        # (written past the form), and one assessed.
        ActivityStatus.objects.filter(pk=rows[0].pk).update(
            progress=Progress.NOT_APPLICABLE, not_applicable_reason="Ingen skola."
        )
        ActivityStatus.objects.filter(pk=rows[1].pk).update(
            progress=Progress.NOT_APPLICABLE,
            not_applicable_reason="Flyttad.",
            assessment=Assessment.OFF_TRACK,
        )
        ActivityStatus.objects.filter(pk__in=[row.pk for row in rows[2:]]).update(
            progress=Progress.ONGOING, assessment=Assessment.ON_TRACK
        )
        cls.assessed = len(rows) - 2
        report.state = ReportState.SUBMITTED
        report.save()

    def test_ej_aktuell_rows_count_among_statuses_but_not_among_assessments(self) -> None:
        rollup = period_rollup(self.world.programme, 2023, "T1")
        goal = next(g for g in rollup.goals if g.goal.number == 1)
        by_progress = {b.key: b.count for b in goal.by_progress}
        by_assessment = {b.key: b.count for b in goal.by_assessment}
        self.assertEqual(by_progress[Progress.NOT_APPLICABLE], 2)
        # No "Ej angivet" for them, and the old assessment is not off track.
        self.assertNotIn("", by_assessment)
        self.assertEqual(by_assessment[Assessment.ON_TRACK], self.assessed)
        self.assertEqual(by_assessment[Assessment.OFF_TRACK], 0)
        self.assertEqual(rollup.off_track, 0)
        self.assertEqual(rollup.off_track_boards, [])
        self.assertFalse(
            activity_rows_behind(rollup.scope, assessment=Assessment.OFF_TRACK).exists()
        )
        # The other rows of the submitted report are still blank: "Ej angivet" elsewhere.
        other_goal = next(g for g in rollup.goals if g.goal.number == 2)
        self.assertIn("", {b.key for b in other_goal.by_assessment})


class ExcelRuleTests(RefusalTests):
    """An uploaded row is checked by the same fields and the same model rules as the page."""

    def test_numbers_typed_as_swedish_text_or_given_as_number_cells_are_read(self) -> None:
        workbook = self.download()
        sheet = workbook["Indikatorer"]
        fill(sheet, self.share.pk, Antal="1 028", Av_totalt=2000, **{TARGET: "62,5"})
        fill(sheet, self.count.pk, Antal=12.0, **{TARGET: 7.25})
        location = self.upload(workbook)["Location"]
        preview = self.client.get(location)
        self.assertContains(preview, "<td>–</td><td>62,5</td>", html=False)
        self.assertContains(preview, "<td>–</td><td>7,25</td>", html=False)
        self.assertNotContains(preview, "62.5")
        self.client.post(location)
        share = IndicatorOutcome.objects.get(pk=self.share.pk)
        self.assertEqual((share.numerator, share.target), (1028, Decimal("62.5")))
        count = IndicatorOutcome.objects.get(pk=self.count.pk)
        self.assertEqual((count.numerator, count.target), (12, Decimal("7.25")))

    def test_the_rules_of_the_page_refuse_the_upload_and_change_nothing(self) -> None:
        workbook = self.download()
        sheet = workbook["Indikatorer"]
        share_line = fill(
            sheet,
            self.share.pk,
            Antal=30,
            Av_totalt=100,
            **{
                "Antal kvinnor/flickor": 12,
                "Av totalt kvinnor/flickor": 40,
                "Antal män/pojkar": 25,
                "Av totalt män/pojkar": 70,
                TARGET: 625,
            },
        )
        count_line = fill(sheet, self.count.pk, Antal="62,5")
        self.assertRefused(
            self.upload(workbook),
            f"Indikatorer, rad {share_line}, kolumn K: Målvärdet är en andel i procent och "
            "kan vara högst 100.",
            f"Indikatorer, rad {share_line}, kolumn I: Antalet kvinnor/flickor och män/pojkar "
            "tillsammans (12 + 25 = 37) är större än hela antalet (30).",
            f"Indikatorer, rad {share_line}, kolumn J: Totalt kvinnor/flickor och män/pojkar "
            "tillsammans (40 + 70 = 110) är större än totalt för alla (100).",
            f"Indikatorer, rad {count_line}, kolumn D: Skriv ett heltal, utan decimaler",
        )

    def test_ej_aktuell_with_a_reason_needs_no_assessment_in_the_file(self) -> None:
        workbook = self.download()
        fill(
            workbook["Aktiviteter"],
            self.activity.pk,
            Status="Ej aktuell",
            Bedömning="Enligt plan",
            **{"Skäl till ”Ej aktuell”": "Ingen skola i området."},
        )
        location = self.upload(workbook)["Location"]
        self.client.post(location)
        row = ActivityStatus.objects.get(pk=self.activity.pk)
        self.assertEqual((row.progress, row.assessment), ("ej_aktuell", ""))
        self.assertTrue(row.is_filled)


TARGET = "Målvärde för året"
