"""Who changed what, and when, in one programme over a span of days (issue 14, point 4).

Every line comes from a record the application keeps anyway:

- report rows and summaries: django-simple-history, compared record by record the way the
  report's own history page does (`followup.history.record_changes`);
- the reports' workflow: `ReportEvent` (sent in, sent back, approved, reopened);
- the catalog: django-simple-history on the programme, its cycle, goals, prerequisites,
  activities, indicators and who answers for them (so the admin's LogEntry adds nothing);
- roles for the programme's boards, as its samordnare and as city-wide reader: their
  history, with the reason the city's login gives when it adds or removes one;
- logins, logouts and failed logins: django-axes' logs (`AccessLog`, `AccessFailureLog`),
  for the people who have or have had a role in the programme.

The lines are merged in time order and written as CSV or xlsx while they are sent; text is
formula-safe (`followup.excel.layout.needs_quote`).
"""

import csv
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    Goal,
    Indicator,
    IndicatorResponsibility,
    PeriodDefinition,
    Prerequisite,
    Programme,
)
from followup.excel.layout import needs_quote
from followup.excel.stream import stream_workbook
from followup.history import Change, display_value, record_changes, user_of
from followup.models import CityReader, Coordinator, Membership, Report, ReportEvent
from followup.rows import ROW_KINDS

HEADERS = (
    ("Tidpunkt", 18),
    ("Användare", 22),
    ("Område", 16),
    ("Vad", 60),
    ("Ändring", 22),
    ("Före", 30),
    ("Efter", 30),
    ("Anteckning", 40),
)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    user: str
    area: str
    subject: str
    change: str
    old: str = ""
    new: str = ""
    note: str = ""

    def values(self) -> list[object]:
        local = timezone.localtime(self.at)
        return [
            f"{local:%Y-%m-%d %H:%M:%S}",
            self.user,
            self.area,
            self.subject,
            self.change,
            self.old,
            self.new,
            self.note,
        ]


@dataclass(frozen=True)
class Span:
    """From the start of `first` to the end of `last`, in the city's time zone."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _lines_of(
    changes: Iterable[Change], area: str, span: Span, note_of: Callable[[Change], str] | None = None
) -> list[AuditLine]:
    return sorted(
        (
            AuditLine(
                at=change.at,
                user=change.user,
                area=area,
                subject=change.item,
                change=change.field,
                old=change.old,
                new=change.new,
                note="för nämndens räkning" if change.on_behalf else "",
            )
            for change in changes
            if span.holds(change.at)
        ),
        key=lambda line: line.at,
    )


def _whole(word: str) -> Callable[[Any, str], Change]:
    """A record's creation or removal as one change: "Skapad", "Borttagen"."""

    def change(record: Any, item: str) -> Change:
        reason = getattr(record, "history_change_reason", None) or ""
        return Change(record.history_date, user_of(record), False, item, word, "", reason)

    return change


def _history(model: type[models.Model], span: Span, **lookup: Any) -> list[Any]:
    """The model's historical records up to the span's end (the ones before it are what
    the first change in it is compared with), row by row in time order."""
    manager: Any = model.history  # type: ignore[attr-defined]
    return list(
        manager.filter(history_date__lt=span.end, **lookup)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )


def _fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in ("id", "version", "updated_at", "updated_by", "created_at")
    )


# --- Reports -----------------------------------------------------------------------------


def _report_lines(programme: Programme, span: Span) -> list[AuditLine]:
    reports = {
        report.pk: f"{report.board.name}, {report.period.label}"
        for report in Report.objects.filter(period__programme=programme).select_related(
            "board", "period"
        )
    }
    lines: list[AuditLine] = []
    for kind in ROW_KINDS:
        records = _history(kind.model, span, report_id__in=list(reports))
        item_model: Any = kind.model._meta.get_field(kind.item_field).related_model
        items = item_model.objects.in_bulk({kind.item_id(record) for record in records})

        def label_of(record: Any, items: dict = items, kind: Any = kind) -> str:
            item = items.get(kind.item_id(record))
            text = (
                Truncator(getattr(item, kind.wording_field)).chars(90)
                if item is not None
                else f"nr {kind.item_id(record)} (borttagen ur katalogen)"
            )
            return f"{reports.get(record.report_id, '')} · {kind.label}: {text}"

        fields = (*kind.model.ANSWER_FIELDS, "carried_over")
        lines += _lines_of(record_changes(records, fields, kind.model, label_of), "Rapport", span)
    summaries = _history(Report, span, id__in=list(reports))
    lines += _lines_of(
        record_changes(
            summaries,
            ("summary", "deadline", "reopened"),
            Report,
            lambda record: reports.get(record.id, ""),
        ),
        "Rapport",
        span,
    )
    return sorted(lines, key=lambda line: line.at)


def _event_lines(programme: Programme, span: Span) -> Iterator[AuditLine]:
    events = (
        ReportEvent.objects.filter(
            report__period__programme=programme, at__gte=span.start, at__lt=span.end
        )
        .select_related("actor", "report__board", "report__period")
        .order_by("at", "pk")
    )
    for event in events.iterator(chunk_size=2000):
        note = event.comment
        if event.on_behalf:
            note = f"för nämndens räkning. {note}".strip()
        yield AuditLine(
            at=event.at,
            user=event.actor.get_full_name() or event.actor.username,
            area="Rapportens gång",
            subject=f"{event.report.board.name}, {event.report.period.label}",
            change=event.get_kind_display(),
            note=note,
        )


# --- Catalog and roles -------------------------------------------------------------------


def _changes_with_lifecycle(
    records: list[Any], model: type[models.Model], label_of: Callable[[Any], str], **words: str
) -> list[Change]:
    return record_changes(
        records,
        _fields(model),
        model,
        label_of,
        removal=_whole(words.get("removed", "Borttagen")),
        creation=_whole(words.get("created", "Skapad")),
    )


def _catalog_lines(programme: Programme, span: Span) -> list[AuditLine]:
    goal_ids = set(Goal.history.filter(programme_id=programme.pk).values_list("id", flat=True))
    activity_ids = set(Activity.history.filter(goal_id__in=goal_ids).values_list("id", flat=True))
    indicator_ids = set(Indicator.history.filter(goal_id__in=goal_ids).values_list("id", flat=True))
    boards = dict(Board.objects.values_list("pk", "name"))
    sources: list[tuple[type[models.Model], dict[str, Any], Callable[[Any], str]]] = [
        (Programme, {"id": programme.pk}, lambda r: f"Programmet: {r.short_name}"),
        (PeriodDefinition, {"programme_id": programme.pk}, lambda r: f"Period: {r.code}"),
        (Goal, {"id__in": goal_ids}, lambda r: f"{programme.goal_label} {r.number}"),
        (
            Prerequisite,
            {"goal_id__in": goal_ids},
            lambda r: Truncator(f"Förutsättning: {r.text}").chars(90),
        ),
        (
            Activity,
            {"id__in": activity_ids},
            lambda r: Truncator(f"{programme.activity_label}: {r.text}").chars(90),
        ),
        (
            Indicator,
            {"id__in": indicator_ids},
            lambda r: Truncator(f"Indikator: {r.text}").chars(90),
        ),
        (
            ActivityResponsibility,
            {"activity_id__in": activity_ids},
            lambda r: (
                f"Ansvar för aktivitet nr {r.activity_id}: {boards.get(r.board_id, r.board_id)}"
            ),
        ),
        (
            IndicatorResponsibility,
            {"indicator_id__in": indicator_ids},
            lambda r: (
                f"Ansvar för indikator nr {r.indicator_id}: {boards.get(r.board_id, r.board_id)}"
            ),
        ),
    ]
    lines: list[AuditLine] = []
    for model, lookup, label_of in sources:
        changes = _changes_with_lifecycle(_history(model, span, **lookup), model, label_of)
        lines += _lines_of(changes, "Katalog", span)
    return sorted(lines, key=lambda line: line.at)


def _role_records(programme: Programme, span: Span) -> list[tuple[type[models.Model], list[Any]]]:
    boards = Board.objects.responsible_in(programme).values_list("pk", flat=True)
    return [
        (Membership, _history(Membership, span, board_id__in=list(boards))),
        (Coordinator, _history(Coordinator, span, programme_id=programme.pk)),
        (CityReader, _history(CityReader, span, programme_id=programme.pk)),
    ]


def _role_lines(programme: Programme, span: Span, records: list) -> list[AuditLine]:
    people = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(
            pk__in={record.user_id for _, rows in records for record in rows}
        )
    }
    boards = dict(Board.objects.values_list("pk", "name"))
    lines: list[AuditLine] = []
    for model, rows in records:
        role_name = str(model._meta.verbose_name)

        def label_of(record: Any, model: type = model, role_name: str = role_name) -> str:
            person = people.get(record.user_id, f"användare {record.user_id}")
            if model is Membership:
                role = display_value(Membership._meta.get_field("role"), record.role)
                return f"{person}: {role.lower()} för {boards.get(record.board_id, '')}"
            return f"{person}: {role_name}"

        changes = _changes_with_lifecycle(
            rows, model, label_of, created="Roll given", removed="Roll borttagen"
        )
        for line in _lines_of(changes, "Roller", span):
            lines.append(line)
    return sorted(lines, key=lambda line: line.at)


def _login_lines(usernames: list[str], span: Span) -> Iterator[AuditLine]:
    logins = AccessLog.objects.filter(
        username__in=usernames, attempt_time__gte=span.start, attempt_time__lt=span.end
    ).order_by("attempt_time", "pk")
    failures = AccessFailureLog.objects.filter(
        username__in=usernames, attempt_time__gte=span.start, attempt_time__lt=span.end
    ).order_by("attempt_time", "pk")
    logged = (
        AuditLine(
            at=entry.attempt_time,
            user=entry.username or "",
            area="Inloggning",
            subject=entry.username or "",
            change="Inloggning",
            new=(
                f"utloggad {timezone.localtime(entry.logout_time):%Y-%m-%d %H:%M}"
                if entry.logout_time
                else ""
            ),
            note=f"från {entry.ip_address}" if entry.ip_address else "",
        )
        for entry in logins.iterator(chunk_size=2000)
    )
    failed = (
        AuditLine(
            at=entry.attempt_time,
            user=entry.username or "",
            area="Inloggning",
            subject=entry.username or "",
            change="Misslyckad inloggning" + (", låst" if entry.locked_out else ""),
            note=f"från {entry.ip_address}" if entry.ip_address else "",
        )
        for entry in failures.iterator(chunk_size=2000)
    )
    return heapq.merge(logged, failed, key=lambda line: line.at)


def audit_lines(programme: Programme, first: date, last: date) -> Iterator[AuditLine]:
    """Every recorded change and login of the programme from `first` to `last` (whole
    days), oldest first."""
    span = Span(first, last)
    roles = _role_records(programme, span)
    usernames = list(
        User.objects.filter(
            pk__in={record.user_id for _, rows in roles for record in rows}
        ).values_list("username", flat=True)
    )
    return heapq.merge(
        _report_lines(programme, span),
        _event_lines(programme, span),
        _catalog_lines(programme, span),
        _role_lines(programme, span, roles),
        _login_lines(usernames, span),
        key=lambda line: line.at,
    )


# --- Files -------------------------------------------------------------------------------


def csv_safe(value: object) -> str:
    """A CSV cell a spreadsheet program shows as text, never runs as a formula (OWASP:
    a leading apostrophe)."""
    text = str(value)
    return f"'{text}" if needs_quote(text) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv(lines: Iterable[AuditLine]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark and semicolons, as Excel in Swedish opens it."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff".encode()
    yield writer.writerow([title for title, _ in HEADERS]).encode()
    for line in lines:
        yield writer.writerow([csv_safe(value) for value in line.values()]).encode()


def audit_xlsx(lines: Iterable[AuditLine]) -> Iterator[bytes]:
    return stream_workbook([("Granskning", list(HEADERS), (line.values() for line in lines))])


def audit_filename(programme: Programme, first: date, last: date, extension: str) -> str:
    return f"granskning-{programme.slug}-{first:%Y%m%d}-{last:%Y%m%d}.{extension}"
