"""Every route of the application, read from the URLconf, for the tests that walk them all
(tests/test_reads_never_write.py, tests/test_junk_input.py). The admin and the login and
logout pages are Django's own and left out; everything else is walked, so that a route added
later is walked too without anyone remembering to add it here."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from attachments.models import Attachment
from catalog.models import Activity, ActivityResponsibility
from followup.models import CityReader, DocumentKind, DocumentState, GeneratedDocument
from followup.rollup import year_figures
from followup.services import own_item_add
from publishing.models import Publication, PublicationKind
from publishing.snapshot import board_styrkort
from tests.followup_data import DISTRICT, World, build_world, user

SLUG = "stockholm-2021-2025"

# Django's own pages, not the application's: the admin writes by design, login writes the
# session and django-axes' records.
SKIPPED_PREFIXES = ("admin/", "konto/")

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # the whole route, "rapporter/<int:pk>/rad/<str:kind>/<int:row_pk>/"

    @property
    def parameters(self) -> list[str]:
        return [match["name"] for match in PARAMETER.finditer(self.pattern)]

    def path(self, value_of: Callable[["Route", str], str]) -> str:
        """The route with each parameter replaced by `value_of(route, name)`, quoted."""
        return "/" + PARAMETER.sub(
            lambda match: quote(value_of(self, match["name"]), safe=""), self.pattern
        )


def routes() -> list[Route]:
    return sorted(_walk(get_resolver().url_patterns, ""), key=lambda route: route.pattern)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield Route(name=entry.name or route, pattern=route)


@dataclass
class WalkWorld:
    """The follow-up world (an open verksamhetsberättelse) with an own activity in the
    district's report and a user in every role."""

    world: World
    own_activity: Activity
    city_reader: User
    superuser: User
    document: GeneratedDocument
    attachment: Attachment
    publication: Publication

    def roles(self) -> dict[str, User | None]:
        return {
            "anonym": None,
            "rapportör": self.world.reporter,
            "läsare": self.world.reader,
            "annan nämnds rapportör": self.world.other_reporter,
            "samordnare": self.world.coordinator,
            "stadsövergripande läsare": self.city_reader,
            "superanvändare": self.superuser,
        }

    def value_of(self, route: Route, name: str) -> str:
        """A real value for each parameter, so that the walk reaches the views' work."""
        report = self.world.report
        pk = report.pk
        if route.pattern.startswith("perioder/"):
            pk = self.world.period.pk
        elif route.pattern.startswith("dokument/"):
            pk = self.document.pk
        row_pk = report.activity_rows.order_by("pk").values_list("pk", flat=True)[0]
        kind = "aktivitet" if route.name == "report-own-item-remove" else "a"
        if route.name.startswith(("publishing", "results")):
            kind = PublicationKind.CITY_FOLLOWUP
        values = {
            "pk": pk,
            "kind": kind,
            "row_pk": row_pk,
            "target": f"a{row_pk}",  # a comment thread's address (dialogue)
            "item_pk": self.own_activity.pk,
            "token": "ingen-sadan",
            "slug": SLUG,
            "programme": SLUG,
            "year": report.period.year,
            "number": 1,
            "part": "helhet",
            "board_slug": DISTRICT,
            "variant": "status",
            "key": "sammanfattning",
            "attachment_pk": self.attachment.pk,
            # A goal-1 indicator's boards' values on the samlad page.
            "indicator": report.period.programme.goals.get(number=1).indicators.values_list(
                "pk", flat=True
            )[0],
        }
        return str(values[name])


def walk_world() -> WalkWorld:
    world = build_world(year=2023, kind="VB")
    own_activity = own_item_add(
        report=world.report, goal=world.programme.goals.get(number=1), text="Egen aktivitet"
    )
    city_reader = user("stadslasare")
    CityReader.objects.create(user=city_reader, programme=world.programme)
    superuser = User.objects.create_superuser("admin", password="lösenord-för-test-1")
    # A commitment gained behind the app's back (not through the loader or the admin, which
    # sync the reports): the district's report is behind the catalog, and reading it must
    # still change nothing.
    ActivityResponsibility.objects.create(
        activity=Activity.objects.in_programme()
        .filter(goal__programme=world.programme)
        .exclude(responsibilities__board=world.report.board)
        .first(),
        board=world.report.board,
    )
    # A made document (its file already pruned from storage: the walk stores no files),
    # so that its page and download are walked in the done state.
    document = GeneratedDocument.objects.create(
        programme=world.programme,
        kind=DocumentKind.MIDTERM,
        year=world.period.year,
        state=DocumentState.DONE,
        file="dokument/walk.pdf",
        filename="halvtidsrapport.pdf",
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    # An attachment (its file not in storage either: the download answers 404), so that its
    # download and removal pages are walked.
    attachment = Attachment.objects.create(
        report=world.report,
        file="bilagor/walk.pdf",
        name="rutin.pdf",
        size=1000,
        kind="pdf",
        uploaded_by=world.reporter,
    )
    # A published samlad uppföljning of the year (its PDF pruned too), so that the public
    # results and their open data are walked with something to show.
    figures = year_figures(world.programme, world.period.year)
    publication = Publication.objects.create(
        programme=world.programme,
        kind=PublicationKind.CITY_FOLLOWUP,
        year=world.period.year,
        number=1,
        figures=figures,
        narrative={"overall": "Publicerad text.", "goals": {}},
        styrkort=board_styrkort(world.programme, world.period.year, figures),
        pdf="publicerat/walk.pdf",
        pdf_sha256="0" * 64,
        published_at=timezone.now(),
        published_by=world.coordinator,
    )
    return WalkWorld(
        world=world,
        own_activity=own_activity,
        city_reader=city_reader,
        superuser=superuser,
        document=document,
        attachment=attachment,
        publication=publication,
    )
