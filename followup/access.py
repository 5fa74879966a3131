"""Who may see and change which report. Every report a view touches comes through here.

Rules (DESIGN.md): a board's rapportör writes the board's reports in open periods; a läsare
reads them; a samordnare reads and reviews every report of the programmes they coordinate,
and may fill a report in on a board's behalf. Everyone else gets 404, as if the report did
not exist.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.contrib.auth import models as auth
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from catalog.models import Board, Programme
from followup.models import BoardRole, CityReader, Coordinator, Membership, Report

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
    report = (
        reports_visible_to(user).select_related("period__programme", "board").filter(pk=pk).first()
    )
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
