"""Who may see and change which report and which programme. Every report, programme-wide
document and period a view touches comes through here; deny by default.

Rules (DESIGN.md): a board's rapportör writes the board's reports in open periods; a läsare
reads them; a samordnare reads and reviews every report of the programmes they coordinate,
and may fill a report in on a board's behalf. Everyone else gets 404, as if the report did
not exist.

A programme's city-wide material (dashboard, samlad uppföljning, halvtidsrapport, city export,
every board's styrkort) is read by its samordnare and its city-wide readers and written (and
its periods opened and locked) by its samordnare only: 404 for everyone else, 403 for a
reader who tries to write. A board's styrkort with status is read by whoever may read the
board's reports.

A report's attachments are read by whoever may read the report and added or removed by
whoever may write it, while it is open for writing (attachments.services checks that).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.contrib.auth import models as auth
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from attachments.models import Attachment
from catalog.models import Board, Programme
from followup.models import (
    BoardRole,
    CityReader,
    Coordinator,
    DocumentKind,
    GeneratedDocument,
    GuardStop,
    Membership,
    Report,
    ReportingPeriod,
)
from notifications.models import Notification
from publishing.models import Publication

# Whoever asks: a signed-in user or the anonymous one.
User: TypeAlias = auth.User | auth.AnonymousUser


class Standing(TypedDict):
    """The user's standing that reports_visible_to annotates on each report."""

    user_role: str | None
    user_coordinates: bool
    user_reads_city: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    StandingReport: TypeAlias = WithAnnotations[Report, Standing]


def coordinated_programmes(user: User) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(coordinators__user=user)


def audited_programmes(user: User) -> QuerySet[Programme]:
    """Programmes whose audit trail (who changed what, when) the user may export: their
    samordnare's, and every programme for staff (the city's administrators)."""
    if user.is_authenticated and user.is_staff:
        return Programme.objects.all()
    return coordinated_programmes(user)


def is_coordinator(user: User) -> bool:
    return coordinated_programmes(user).exists()


def city_wide_programmes(user: User) -> QuerySet[Programme]:
    """Programmes whose every report and dashboard the user may read: as samordnare or as a
    city-wide reader."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(Q(coordinators__user=user) | Q(readers__user=user)).distinct()


def boards_of(user: User, role: str | None = None) -> QuerySet[Board]:
    """The boards the user belongs to (as any role, or as the role given)."""
    if not user.is_authenticated:
        return Board.objects.none()
    memberships = Membership.objects.filter(user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Board.objects.filter(pk__in=memberships.values("board"))


def reports_visible_to(user: User) -> "QuerySet[StandingReport]":
    """The reports the user may read, each annotated with the user's standing:
    `user_role` (rapportor, lasare or None), `user_coordinates` (a samordnare) and
    `user_reads_city` (a city-wide reader)."""
    if not user.is_authenticated:
        # No rows, so none without the annotations.
        return cast("QuerySet[StandingReport]", Report.objects.none())
    reports = Report.objects.annotate(
        user_role=Subquery(
            Membership.objects.filter(user=user, board=OuterRef("board")).values("role")[:1]
        ),
        user_coordinates=Exists(
            Coordinator.objects.filter(user=user, programme=OuterRef("period__programme"))
        ),
        user_reads_city=Exists(
            CityReader.objects.filter(user=user, programme=OuterRef("period__programme"))
        ),
    )
    if user.is_superuser:
        return reports
    return reports.filter(
        Q(user_role__isnull=False) | Q(user_coordinates=True) | Q(user_reads_city=True)
    )


@dataclass(frozen=True)
class ReportAccess:
    """What the user may do with one report, whatever state it is in."""

    can_write: bool  # fill in rows, add own items, submit
    on_behalf: bool  # writing as samordnare for the board
    can_review: bool  # approve, return, reopen

    @classmethod
    def for_report(cls, report: "StandingReport", user: User) -> "ReportAccess":
        reporter = report.user_role == BoardRole.REPORTER
        coordinator = report.user_coordinates or user.is_superuser
        return cls(
            can_write=reporter or coordinator,
            on_behalf=coordinator and not reporter,
            can_review=coordinator,
        )


def get_report(user: User, pk: int) -> Report:
    """A report the user may read, or 404."""
    # At most one report: [:1] rather than .first(), whose ORDER BY is a sixth of the cost.
    found = reports_visible_to(user).select_related("period__programme", "board").filter(pk=pk)
    report = next(iter(found[:1]), None)
    if report is None:
        raise Http404("Rapporten finns inte.")
    report.access = ReportAccess.for_report(report, user)
    return report


def get_writable_report(user: User, pk: int) -> Report:
    """A report the user may write to: 404 if they may not see it, 403 if only read."""
    report = get_report(user, pk)
    if not report.access.can_write:
        raise PermissionDenied("Du kan läsa men inte ändra rapporten.")
    return report


def get_reviewable_report(user: User, pk: int) -> Report:
    report = get_report(user, pk)
    if not report.access.can_review:
        raise PermissionDenied("Bara samordnaren granskar rapporter.")
    return report


def get_commentable_report(user: User, pk: int) -> Report:
    """A report whose comment threads the user may write in (comment, resolve, reopen): the
    programme's samordnare and the board's rapportörer, in any state of the report. 404 if
    they may not read it, 403 for those who only read (the board's läsare, city-wide
    readers)."""
    report = get_report(user, pk)
    # The same people who may write the report: its rapportörer and the samordnare.
    if not report.access.can_write:
        raise PermissionDenied("Du kan läsa kommentarerna men inte skriva i dem.")
    return report


# --- Programmes --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeAccess:
    """A programme the user follows city-wide, and whether they may also write its
    city-wide documents (as its samordnare). What the templates ask instead of attributes
    set on the programme."""

    programme: Programme
    can_write: bool


def get_programme(user: User, slug: str, *, year: int | None = None) -> ProgrammeAccess:
    """A programme the user may read city-wide, or 404; with `year`, also 404 for a year
    outside the programme."""
    if not user.is_authenticated:
        raise Http404("Programmet finns inte.")  # city_wide_programmes has none for them
    programme = (
        city_wide_programmes(user)
        .annotate(
            user_coordinates=Exists(Coordinator.objects.filter(user=user, programme=OuterRef("pk")))
        )
        .filter(slug=slug)
        .first()
    )
    if programme is None:
        raise Http404("Programmet finns inte.")
    if year is not None and year not in programme.years:
        raise Http404("Året hör inte till programmet.")
    can_write = user.is_superuser or programme.user_coordinates
    return ProgrammeAccess(programme=programme, can_write=can_write)


def get_writable_programme(
    user: User, slug: str, *, year: int | None = None, what: str = "programmets dokument"
) -> ProgrammeAccess:
    """A programme whose city-wide documents the user may write: 404 if they may not read
    it, 403 if they only read it. `what` names the document in the refusal."""
    granted = get_programme(user, slug, year=year)
    if not granted.can_write:
        raise PermissionDenied(f"Du kan läsa men inte ändra {what}.")
    return granted


def get_archived_programme(user: User, slug: str, year: int) -> ProgrammeAccess:
    """A programme year whose archive package (every report, document and the catalog)
    the user may make and download: its samordnare only; 404 for everyone else."""
    programme = coordinated_programmes(user).filter(slug=slug).first()
    if programme is None or year not in programme.years:
        raise Http404("Programmet finns inte.")
    return ProgrammeAccess(programme=programme, can_write=True)


def coordinated_periods(user: User) -> QuerySet[ReportingPeriod]:
    """The periods the user opens and locks: those of the programmes they coordinate."""
    return ReportingPeriod.objects.filter(programme__in=coordinated_programmes(user))


def get_coordinated_period(user: User, pk: int) -> ReportingPeriod:
    period = coordinated_periods(user).select_related("programme").filter(pk=pk).first()
    if period is None:
        raise Http404("Perioden finns inte.")
    return period


def guard_stops_visible_to(user: User) -> QuerySet[GuardStop]:
    """What the personal-data guard stopped, for the samordnare of the programmes it was
    stopped in: none for anyone else."""
    return GuardStop.objects.filter(programme__in=coordinated_programmes(user))


# --- Styrkort with status ----------------------------------------------------------------


def status_boards(user: User, programme: Programme) -> QuerySet[Board]:
    """The boards whose styrkort with status the user may read: every board for those who
    follow the programme city-wide (samordnare, city-wide readers), otherwise the boards the
    user reports for or reads, as with the boards' reports."""
    if city_wide_programmes(user).filter(pk=programme.pk).exists():
        return Board.objects.all()
    return boards_of(user)


def may_read_status(user: User, programme: Programme, board: Board) -> bool:
    return status_boards(user, programme).filter(pk=board.pk).exists()


def get_status_board(user: User, programme: Programme, board_slug: str) -> Board:
    """A board whose styrkort with status the user may read, or 404."""
    board = status_boards(user, programme).filter(slug=board_slug).first()
    if board is None:
        raise Http404("Nämnden finns inte.")
    return board


# --- Documents made by the task worker ---------------------------------------------------


def get_generated_document(user: User, pk: int) -> GeneratedDocument:
    """A made (or being made) programme-wide document, for those who may read the programme's
    city-wide documents (its samordnare and city-wide readers), or 404: the same rule as
    the documents' own pages; an archive package only for the programme's samordnare.
    Whoever asked for it does not matter."""
    job = (
        GeneratedDocument.objects.select_related("programme")
        .filter(pk=pk)
        .filter(
            # The archive package holds everything of the year: its samordnare's only.
            Q(programme__in=coordinated_programmes(user), kind=DocumentKind.ARCHIVE)
            | (Q(programme__in=city_wide_programmes(user)) & ~Q(kind=DocumentKind.ARCHIVE))
        )
        .first()
    )
    if job is None:
        raise Http404("Dokumentet finns inte.")
    return job


# --- Attachments -------------------------------------------------------------------------


def get_attachment(user: User, report_pk: int, pk: int) -> Attachment:
    """An attachment of a report the user may read, or 404: the same answer whether the
    report or the file is out of reach, so that neither tells the other exists."""
    report = get_report(user, report_pk)
    attachment = (
        Attachment.objects.select_related("uploaded_by").filter(report=report, pk=pk).first()
    )
    if attachment is None:
        raise Http404("Bilagan finns inte.")
    attachment.report = report  # with the user's access
    return attachment


def get_writable_attachment(user: User, report_pk: int, pk: int) -> Attachment:
    """An attachment the user may remove: 404 as `get_attachment`, 403 for a reader."""
    attachment = get_attachment(user, report_pk, pk)
    if not attachment.report.access.can_write:
        raise PermissionDenied("Du kan läsa men inte ändra rapportens bilagor.")
    return attachment


# --- Published results (public, no login) -------------------------------------------------


def public_publications(programme: Programme) -> QuerySet[Publication]:
    """The published versions anyone may read, signed in or not: those not taken down. Never
    a draft: only a final document is ever published (`publishing.services`)."""
    return Publication.objects.filter(programme=programme, withdrawn_at__isnull=True)


def get_public_publication(programme: Programme, kind: str, year: int, number: int) -> Publication:
    """One published version anyone may read, or 404."""
    publication = public_publications(programme).filter(kind=kind, year=year, number=number).first()
    if publication is None:
        raise Http404("Det finns ingen sådan publicerad version.")
    return publication


# --- Notifications -----------------------------------------------------------------------


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's own notifications (notifications app): nobody sees anyone else's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification(user: User, pk: int) -> Notification:
    notification = notifications_of(user).filter(pk=pk).first()
    if notification is None:
        raise Http404("Aviseringen finns inte.")
    return notification
