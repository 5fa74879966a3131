"""The guard against personal data in free text: what it finds and what it lets through, in
real-looking follow-up text; that every place free text is written refuses it with a Swedish
message and changes nothing; that the refusals are counted and logged without the text; and
that the samordnare sees the counts."""

from io import BytesIO

from concurrency.forms import get_signer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from openpyxl import load_workbook

from catalog.services import programme_load
from followup.documents.midterm_narrative import midterm_section_get
from followup.forms import RowForm
from followup.models import (
    CityFollowup,
    Coordinator,
    GuardSource,
    GuardStop,
    MidtermSection,
    Report,
    ReportState,
)
from followup.personal_data import PersonalDataKind, find_personal_data
from followup.rows import Row, kind_of
from followup.services import CREATED_VERSION, report_submit
from tests.catalog_data import small_data
from tests.followup_data import build_world, fill_report, user
from tests.test_excel import as_bytes, excel_url, fill
from tests.test_report_rows import activity_post, save_url

SLUG = "stockholm-2021-2025"
# The samples below are Skatteverket's published test numbers, never a real person's.
PERSONNUMMER = "811218-9876"
SAMORDNINGSNUMMER = "701063-2391"
WHY = "Tjänsten får bara innehålla sammanställda uppgifter, aldrig uppgifter om enskilda personer."

# Real-looking follow-up text full of numbers that are no one's: amounts, dates, times,
# years, ranges, diarienummer, goal numbers, percentages, an organisation number and a
# national helpline.
ORDINARY_TEXT = (
    "Under 2023 genomfördes 14 utbildningar för 312 medarbetare (58\u00a0% kvinnor), enligt "
    "beslut i KF 2021-06-07 (dnr KS 2021/0456) och nämndens beslut 20230315, "
    "Dnr 3.1.2-123/2024 och SN 2023/1234. Budget 1 028 000 kr, utfall 987\u00a0500 kr och "
    "1\u2009200\u2009000 kr för 2024–2027. Mål 3.2 och 4.1 följs upp 2024-05-12 kl. "
    "08:30–16:00 och 08.30-12.00. Andelen ökade från 12,5\u00a0% till 14,0 procent, 0,8 "
    "procentenheter; 23 av 23 nämnder, 2 500 000 kr och 0 kr i övrigt, vecka 12–14, 08-10 "
    "deltagare per tillfälle. Organisationsnummer 212000-0142. Affischer om "
    "Kvinnofridslinjen 020-50 50 50 och 0771-11 22 33 sattes upp i alla stadsdelar; 1177 och "
    "112 nämns i materialet. Ärende 202301011234. Öppet kl 08-12 13-17."
)


def kinds(text: str) -> list[str]:
    return [finding.kind.value for finding in find_personal_data(text)]


class FindingTests(SimpleTestCase):
    def test_personnummer_in_every_written_form_with_a_valid_check_digit(self) -> None:
        for text in (
            f"Kvinnan med personnummer {PERSONNUMMER} fick stöd.",
            "Född 811218+9876, över hundra år.",
            "Anmälan gällde 8112189876.",
            "Uppgiften 19811218-9876 rättades.",
            "Uppgiften 198112189876 rättades.",
        ):
            with self.subTest(text):
                self.assertEqual(kinds(text), ["personnummer"])

    def test_samordningsnummer_has_sixty_added_to_the_day(self) -> None:
        for text in (SAMORDNINGSNUMMER, "7010632391", "197010632391", "701063+2391"):
            with self.subTest(text):
                self.assertEqual(kinds(f"Personen ({text}) flyttade."), ["samordningsnummer"])

    def test_a_wrong_check_digit_or_an_impossible_date_is_no_personnummer(self) -> None:
        for text in ("811218-9877", "8112189870", "811232-9876", "811318-9876", "19811218-9875"):
            with self.subTest(text):
                self.assertEqual(kinds(f"Nummer {text} i listan."), [])

    def test_email_addresses(self) -> None:
        self.assertEqual(kinds("Skriv till anna.svensson@stockholm.se om det."), ["epost"])
        self.assertEqual(kinds("Kontakt: <åsa+stöd@exempel.nu>."), ["epost"])
        self.assertEqual(kinds("Vi följer @stockholmsstad och skriver i #kvinnofrid."), [])

    def test_swedish_phone_numbers_in_the_usual_forms(self) -> None:
        for text in (
            "070-123 45 67",
            "0701234567",
            "073 - 123 45 67",
            "070–123 45 67",
            "+46 70 123 45 67",
            "+46 (0)8-508 25 000",
            "0046 8 508 250 00",
            "08-508 25 000",
            "08-50825000",
            "(08) 123 45 67",
            "031-123456",
            "0980-123 45",
        ):
            with self.subTest(text):
                self.assertEqual(kinds(f"Ring {text} för mer."), ["telefon"])

    def test_no_false_alarm_on_the_numbers_of_ordinary_follow_up(self) -> None:
        self.assertEqual(find_personal_data(ORDINARY_TEXT), [])

    def test_each_finding_in_the_order_it_stands(self) -> None:
        text = f"Hon ({PERSONNUMMER}, anna@exempel.se) ringde från 070-123 45 67 i går."
        self.assertEqual(
            [(finding.kind.value, finding.text) for finding in find_personal_data(text)],
            [
                ("personnummer", PERSONNUMMER),
                ("epost", "anna@exempel.se"),
                ("telefon", "070-123 45 67"),
            ],
        )


class RefusedWritesTests(TestCase):
    """Every place free text is written refuses personal data in place, changes nothing,
    counts the stop and logs the rule and the place, never the text."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world(year=2023, kind="VB")
        cls.report = cls.world.report
        cls.row = cls.report.activity_rows.select_related("activity").first()

    def assertRefused(self, response, kind: str, found: str, status: int = 422) -> None:
        self.assertEqual(response.status_code, status)
        self.assertContains(
            response, f"Texten verkar innehålla {kind} (”{found}”).", status_code=status
        )
        self.assertContains(response, WHY, status_code=status)

    def assertStopped(self, kind: PersonalDataKind, place: str, **where: object) -> None:
        stop = GuardStop.objects.get()
        self.assertEqual((stop.kind, stop.place), (kind, place))
        for name, value in where.items():
            self.assertEqual(getattr(stop, name), value)

    def test_row_comment_is_refused_in_place_with_the_text_kept(self) -> None:
        self.client.force_login(self.world.reporter)
        comment = f"Stöd gavs till kvinnan med personnummer {PERSONNUMMER}."
        with self.assertLogs("followup.guard", "WARNING") as logs:
            response = self.client.post(
                save_url(self.row, "a"),
                activity_post(
                    self.row, progress="paborjad", assessment="enligt_plan", comment=comment
                ),
                HTTP_HX_REQUEST="true",
            )
        self.assertRefused(response, "ett personnummer", PERSONNUMMER)
        self.assertContains(response, "kvinnan med personnummer", status_code=422)  # kept
        self.row.refresh_from_db()
        self.assertEqual((self.row.progress, self.row.comment), ("", ""))
        self.assertStopped(
            PersonalDataKind.PERSONNUMMER,
            "ActivityStatus.comment",
            source=GuardSource.FORM,
            board_id=self.report.board_id,
            programme_id=self.world.programme.pk,
        )
        log = "\n".join(logs.output)
        self.assertIn("personnummer in ActivityStatus.comment", log)
        self.assertIn(f"report {self.report.pk}", log)
        self.assertNotIn(PERSONNUMMER, log)
        self.assertNotIn("kvinnan", log)

    def test_ordinary_comment_full_of_numbers_is_saved(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            save_url(self.row, "a"),
            activity_post(
                self.row, progress="paborjad", assessment="enligt_plan", comment=ORDINARY_TEXT
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.row.refresh_from_db()
        self.assertEqual(self.row.comment, ORDINARY_TEXT)
        self.assertFalse(GuardStop.objects.exists())

    def test_reason_for_not_applicable_is_guarded_too(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            save_url(self.row, "a"),
            activity_post(
                self.row, progress="ej_aktuell", not_applicable_reason="Fråga 070-123 45 67."
            ),
        )
        self.assertRefused(response, "ett telefonnummer", "070-123 45 67")
        self.assertStopped(PersonalDataKind.PHONE, "ActivityStatus.not_applicable_reason")

    def test_goal_analysis_and_indicator_comment(self) -> None:
        self.client.force_login(self.world.reporter)
        goal_row = self.report.goal_rows.first()
        indicator_row = self.report.indicator_rows.first()
        for row, kind, data in (
            (goal_row, "g", {"fulfilment": "delvis", "analysis": "Se anna@exempel.se."}),
            (indicator_row, "i", {"comment": "Se anna@exempel.se."}),
        ):
            form = kind_form(row)
            post = {form.add_prefix("version"): form["version"].value()}
            post.update({form.add_prefix(name): value for name, value in data.items()})
            with self.subTest(kind):
                response = self.client.post(save_url(row, kind), post)
                self.assertRefused(response, "en e-postadress", "anna@exempel.se")
        self.assertEqual(
            sorted(GuardStop.objects.values_list("place", flat=True)),
            ["GoalAssessment.analysis", "IndicatorOutcome.comment"],
        )
        goal_row.refresh_from_db()
        self.assertEqual(goal_row.analysis, "")

    def test_report_summary(self) -> None:
        self.client.force_login(self.world.reporter)
        response = self.client.post(
            reverse("report-summary", args=[self.report.pk]),
            {
                "summary-summary": f"Året i korthet. Samordningsnummer {SAMORDNINGSNUMMER}.",
                "summary-version": get_signer().sign(self.report.version),
            },
        )
        self.assertRefused(response, "ett samordningsnummer", SAMORDNINGSNUMMER)
        self.assertEqual(Report.objects.get(pk=self.report.pk).summary, "")
        self.assertStopped(PersonalDataKind.SAMORDNINGSNUMMER, "Report.summary")

    def test_own_item(self) -> None:
        self.client.force_login(self.world.reporter)
        goal = self.world.programme.goals.get(number=1)
        before = self.report.activity_rows.count()
        response = self.client.post(
            reverse("report-own-item", args=[self.report.pk]),
            {"goal": goal.pk, "kind": "activity", "text": "Samtal med 19811218-9876"},
        )
        self.assertRefused(response, "ett personnummer", "19811218-9876")
        self.assertEqual(self.report.activity_rows.count(), before)
        self.assertStopped(PersonalDataKind.PERSONNUMMER, "OwnItem.text")

    def test_several_kinds_are_named_together_and_counted_each(self) -> None:
        self.client.force_login(self.world.reporter)
        comment = f"{PERSONNUMMER}, anna@exempel.se"
        response = self.client.post(
            save_url(self.row, "a"), activity_post(self.row, comment=comment)
        )
        self.assertContains(
            response,
            f"ett personnummer (”{PERSONNUMMER}”) och en e-postadress (”anna@exempel.se”). "
            + WHY
            + " Ta bort dem och spara igen.",
            status_code=422,
        )
        self.assertEqual(
            sorted(GuardStop.objects.values_list("kind", flat=True)), ["epost", "personnummer"]
        )

    def test_city_followup_narrative(self) -> None:
        self.client.force_login(self.world.coordinator)
        response = self.client.post(
            reverse("city-followup-save", args=[SLUG, 2023, "helhet"]),
            {
                "helhet-narrative": "Frågor till 08-508 25 000.",
                "helhet-version": get_signer().sign(CREATED_VERSION),
            },
        )
        self.assertRefused(response, "ett telefonnummer", "08-508 25 000")
        self.assertFalse(CityFollowup.objects.exists())  # not even the draft was made
        self.assertStopped(
            PersonalDataKind.PHONE, "CityFollowup.narrative", board=None, source="formular"
        )

    def test_midterm_section(self) -> None:
        self.client.force_login(self.world.coordinator)
        section = midterm_section_get(programme=self.world.programme, year=2023, key="stod")
        assert section is not None
        response = self.client.post(
            reverse("midterm-section", args=[SLUG, 2023, "stod"]),
            {
                "stod-text": f"Fallet {PERSONNUMMER}.",
                "stod-version": get_signer().sign(section.version),
            },
            HTTP_HX_REQUEST="true",
        )
        self.assertRefused(response, "ett personnummer", PERSONNUMMER)
        self.assertFalse(MidtermSection.objects.filter(text__contains="Fallet").exists())
        self.assertStopped(PersonalDataKind.PERSONNUMMER, "MidtermSection.text", board=None)

    def test_returning_a_report_with_a_phone_number_in_the_comment(self) -> None:
        fill_report(self.report)
        report_submit(report=self.report, user=self.world.reporter, on_behalf=False)
        self.client.force_login(self.world.coordinator)
        response = self.client.post(
            reverse("report-review", args=[self.report.pk]),
            {"decision": "return", "comment": "Ring mig på 070-123 45 67 om mål 2."},
        )
        self.assertRefused(response, "ett telefonnummer", "070-123 45 67")
        self.assertEqual(Report.objects.get(pk=self.report.pk).state, ReportState.SUBMITTED)
        self.assertStopped(PersonalDataKind.PHONE, "Review.comment", board_id=self.report.board_id)

    def test_uploaded_cell_names_sheet_row_column_and_kind(self) -> None:
        self.client.force_login(self.world.reporter)
        workbook = load_workbook(BytesIO(self.client.get(excel_url(self.report)).content))
        line = fill(
            workbook["Aktiviteter"],
            self.row.pk,
            Status="Påbörjad",
            Bedömning="Enligt plan",
            Kommentar="Ring 070-123 45 67.",
        )
        with self.assertLogs("followup.guard", "WARNING") as logs:
            response = self.client.post(
                excel_url(self.report),
                {"file": SimpleUploadedFile("mall.xlsx", as_bytes(workbook))},
            )
        self.assertContains(
            response,
            f"Aktiviteter, rad {line}, kolumn F: Texten verkar innehålla ett telefonnummer",
            status_code=422,
        )
        self.assertContains(response, "Ingenting i rapporten är ändrat", status_code=422)
        self.row.refresh_from_db()
        self.assertEqual(self.row.comment, "")
        self.assertStopped(
            PersonalDataKind.PHONE,
            "ActivityStatus.comment",
            source=GuardSource.EXCEL,
            board_id=self.report.board_id,
        )
        self.assertNotIn("070", "\n".join(logs.output))


def kind_form(row: Row) -> RowForm:
    return kind_of(row).form(instance=row)


class GuardStopsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        programme, board = cls.world.programme, cls.world.report.board
        for kind, place in (
            (PersonalDataKind.PERSONNUMMER, "ActivityStatus.comment"),
            (PersonalDataKind.PERSONNUMMER, "Report.summary"),
            (PersonalDataKind.EMAIL, "ActivityStatus.comment"),
        ):
            GuardStop.objects.create(
                kind=kind, place=place, source=GuardSource.FORM, programme=programme, board=board
            )
        GuardStop.objects.create(
            kind=PersonalDataKind.PHONE,
            place="CityFollowup.narrative",
            source=GuardSource.FORM,
            programme=programme,
        )

    def test_coordinator_sees_how_often_and_what_was_stopped(self) -> None:
        self.client.force_login(self.world.coordinator)
        start = self.client.get(reverse("start"))
        self.assertContains(start, f'href="{reverse("guard-stops")}"')
        response = self.client.get(reverse("guard-stops"))
        self.assertContains(response, "Stoppat 4 gånger, varav 4 de senaste 30 dagarna.")
        html = response.content.decode()
        for label, count in (
            ("Personnummer", 2),
            ("E-postadress", 1),
            ("Telefonnummer", 1),
            ("Aktivitetens kommentar", 2),
            ("Rapportens sammanfattning", 1),
            ("Samlad uppföljning, samlad bedömning", 1),
            (self.world.report.board.name, 3),
            ("Samordnarens dokument", 1),
            ("Formulär", 4),
        ):
            with self.subTest(label):
                self.assertRegex(html, rf'<th scope="row">{label}</th><td class="num">{count}</td>')

    def test_only_the_samordnare_sees_it(self) -> None:
        for person in (self.world.reporter, self.world.reader, user("utomstående")):
            with self.subTest(person.username):
                self.client.force_login(person)
                self.assertEqual(self.client.get(reverse("guard-stops")).status_code, 404)
        self.client.logout()
        response = self.client.get(reverse("guard-stops"))
        self.assertEqual(response.status_code, 302)

    def test_a_coordinator_of_another_programme_sees_none_of_these(self) -> None:
        other, _ = programme_load(data=small_data())
        coordinator = user("annan-samordnare")
        Coordinator.objects.create(user=coordinator, programme=other)
        self.client.force_login(coordinator)
        response = self.client.get(reverse("guard-stops"))
        self.assertContains(response, "Ingenting har stoppats.")
        self.assertNotContains(response, "Personnummer")

    def test_query_count_does_not_grow_with_the_stops(self) -> None:
        self.client.force_login(self.world.coordinator)
        # The session, the user, the programmes, the stops grouped, the header's unread
        # notifications.
        with self.assertNumQueries(5):
            self.client.get(reverse("guard-stops"))
        GuardStop.objects.bulk_create(
            GuardStop(
                kind=PersonalDataKind.PHONE,
                place="ActivityStatus.comment",
                source=GuardSource.EXCEL,
                programme=self.world.programme,
                board=self.world.other_report.board,
            )
            for _ in range(30)
        )
        with self.assertNumQueries(5):
            response = self.client.get(reverse("guard-stops"))
        self.assertContains(response, "Stoppat 34 gånger")
        self.assertContains(response, "Excel-fil")
