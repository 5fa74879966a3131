"""Programme-wide documents made by the task worker, with progress (issue 12, point 2).

The ZIPs of every board's styrkort (both variants), the samlad uppföljning PDF, the
halvtidsrapport PDF and, for a large city, the export of every board's answers take seconds
(minutes at a hundred times Stockholm): too long for a web request. Asking for one
(`document_request`) creates a `GeneratedDocument` and enqueues `make_document`, which
saves its progress as it goes (boards done of boards for a ZIP, steps for a PDF) and
stores the file through Django's storage (`STORAGES["default"]`) until
`DOCUMENT_KEEP_HOURS` have passed; `prune_documents` deletes what has expired.

Asking again while one is being made joins it; a final samlad uppföljning's figures are
frozen, so its PDF is made once and reused while they stay the same (`source_key`).
Who may read a document is `access.get_generated_document`'s business.
"""

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from catalog.models import Board, Programme
from followup.access import ProgrammeAccess, User
from followup.models import (
    ActivityStatus,
    CityFollowup,
    DocumentKind,
    DocumentState,
    FollowupState,
    GeneratedDocument,
    GoalAssessment,
    IndicatorOutcome,
    Report,
    ReportingPeriod,
)

logger = logging.getLogger(__name__)

STYRKORT_KINDS: dict[str, bool] = {
    DocumentKind.STYRKORT_STATUS: True,  # with status
    DocumentKind.STYRKORT_COMMITMENTS: False,
}
# The steps of a PDF, for its progress bar: data gathered, laid out, stored.
PDF_STEPS = 3
# A job still running after this long lost its worker (stopped or killed mid-document): it
# is not joined, and `prune` marks it failed. The ZIP of 2,300 styrkort takes well under it.
RUNNING_AT_MOST = timedelta(hours=2)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Source:
    """The data a document is made from: `key` compares two documents' data, `label` and
    `at` say it to the reader. `frozen` data (a final samlad uppföljning) does not change
    under a made document, so the document can be reused."""

    key: str
    label: str
    at: datetime | None
    frozen: bool = False


def newest_report_change(programme: Programme, year: int | None = None) -> datetime | None:
    """When the programme's reports (of the year, if given) last changed: a report's own
    fields or any of its rows."""
    reports = Report.objects.filter(period__programme=programme)
    if year is not None:
        reports = reports.filter(period__year=year)
    times = [reports.aggregate(at=Max("updated_at"))["at"]]
    for model in (ActivityStatus, IndicatorOutcome, GoalAssessment):
        times.append(model.objects.filter(report__in=reports).aggregate(at=Max("updated_at"))["at"])
    known = [at for at in times if at is not None]
    return max(known) if known else None


def _reports_source(programme: Programme, year: int | None) -> Source:
    at = newest_report_change(programme, year)
    if at is None:
        return Source(key="inga-rapporter", label="programmet innan någon rapport kom in", at=None)
    local = timezone.localtime(at)
    return Source(
        key=f"rapporter:{at.isoformat()}",
        label=f"rapporterna som de var {local:%Y-%m-%d %H:%M}",
        at=at,
    )


def document_source(kind: str, programme: Programme, year: int | None) -> Source:
    if kind == DocumentKind.CITY_FOLLOWUP:
        assert year is not None  # a samlad uppföljning is of a year
        followup = CityFollowup.objects.filter(programme=programme, year=year).first()
        if followup is not None and followup.state == FollowupState.FINAL:
            assert followup.finalised_at is not None  # set when it became final
            local = timezone.localtime(followup.finalised_at)
            return Source(
                key=f"slutlig:{followup.version}:{followup.finalised_at.isoformat()}",
                label=f"den slutliga versionen, låst {local:%Y-%m-%d %H:%M}",
                at=followup.finalised_at,
                frozen=True,
            )
        return _reports_source(programme, year)
    return _reports_source(programme, year)


def document_filename(kind: str, programme: Programme, year: int | None) -> str:
    from followup.documents.styrkort import zip_filename

    if kind in STYRKORT_KINDS:
        return zip_filename(programme, with_status=STYRKORT_KINDS[kind])
    if kind == DocumentKind.CITY_FOLLOWUP:
        from followup.documents.city import city_followup_pdf_filename

        assert year is not None  # a samlad uppföljning is of a year
        return city_followup_pdf_filename(CityFollowup(programme=programme, year=year))
    if kind == DocumentKind.CITY_EXPORT:
        from followup.excel.city import city_export_filename

        assert year is not None  # an export is of a year
        return city_export_filename(programme, year)
    if kind == DocumentKind.ARCHIVE:
        from records.archive import archive_filename

        assert year is not None  # an archive package is of a year
        return archive_filename(programme, year)
    return f"halvtidsrapport-{programme.slug}-{year}.pdf"


def document_available(kind: str, programme: Programme, year: int | None) -> bool:
    """Whether the document can be made at all: the samlad uppföljning needs the year's
    annual period (Stockholm's verksamhetsberättelse) (its figures come from it)."""
    if kind == DocumentKind.CITY_FOLLOWUP:
        if year is None:
            return False
        return ReportingPeriod.objects.filter(
            programme=programme, year=year, is_annual=True
        ).exists()
    return True


# --- Making each document ------------------------------------------------------------------


def _make_styrkort_zip(job: GeneratedDocument, out: IO[bytes], progress: Progress) -> None:
    from followup.documents.styrkort import styrkort_zip_chunks

    total = Board.objects.responsible_in(job.programme).count()
    progress(0, total)
    chunks = styrkort_zip_chunks(job.programme, with_status=STYRKORT_KINDS[job.kind])
    # One chunk per board, then the archive's directory.
    for done, chunk in enumerate(chunks, start=1):
        out.write(chunk)
        progress(min(done, total), total)


def city_followup_pdf_bytes(followup: CityFollowup) -> bytes:
    """The samlad uppföljning as a PDF, with the figures and charts of its page: for the
    task below and for its publication (`publishing.services`)."""
    from followup.city import city_followup_figures, city_followup_parts
    from followup.documents import city as documents_city
    from followup.documents.pdf import chart_for_print
    from followup.views.city import assessment_chart

    figures = city_followup_figures(followup)
    charts = {
        goal["number"]: chart_for_print(assessment_chart(goal, followup.programme))
        for goal in figures["goals"]
    }
    parts = city_followup_parts(followup)
    previous = documents_city.previous_year_figures(followup)
    return documents_city.city_followup_pdf(followup, figures, parts, charts, previous=previous)


def midterm_html(programme: Programme, year: int) -> str:
    """The halvtidsrapport's HTML for print, marked where it may be split in two."""
    from followup.views.midterm import document_context

    # The printed document is the same for every reader: nobody's write access shows in it.
    context = document_context(
        ProgrammeAccess(programme=programme, can_write=False), year, for_print=True
    )
    return render_to_string("documents/midterm.html", context)


def midterm_pdf_bytes(programme: Programme, year: int) -> bytes:
    """The halvtidsrapport as a PDF: for the task below and for its publication; its later
    goals made at the same time as the rest where there are two cores
    (`split.html_to_pdf_in_two`, which makes it in one process where forking is not safe)."""
    from followup.documents.split import html_to_pdf_in_two

    return html_to_pdf_in_two(midterm_html(programme, year))


def _make_city_followup(job: GeneratedDocument, out: IO[bytes], progress: Progress) -> None:
    from followup.city import city_followup_get

    progress(0, PDF_STEPS)
    assert job.year is not None  # asked for with its year
    followup = city_followup_get(programme=job.programme, year=job.year)
    progress(1, PDF_STEPS)
    out.write(city_followup_pdf_bytes(followup))
    progress(2, PDF_STEPS)


def _make_midterm(job: GeneratedDocument, out: IO[bytes], progress: Progress) -> None:
    progress(0, PDF_STEPS)
    assert job.year is not None  # asked for with its year
    progress(1, PDF_STEPS)
    out.write(midterm_pdf_bytes(job.programme, job.year))
    progress(2, PDF_STEPS)


def _make_city_export(job: GeneratedDocument, out: IO[bytes], progress: Progress) -> None:
    from followup.excel.city import city_export

    progress(0, 1)
    assert job.year is not None  # asked for with its year
    for chunk in city_export(job.programme, job.year):
        out.write(chunk)
    progress(1, 1)


def _make_archive(job: GeneratedDocument, out: IO[bytes], progress: Progress) -> None:
    from records.archive import make_archive

    make_archive(job, out, progress)


MAKERS: dict[str, Callable[[GeneratedDocument, IO[bytes], Progress], None]] = {
    DocumentKind.STYRKORT_STATUS: _make_styrkort_zip,
    DocumentKind.STYRKORT_COMMITMENTS: _make_styrkort_zip,
    DocumentKind.CITY_FOLLOWUP: _make_city_followup,
    DocumentKind.MIDTERM: _make_midterm,
    DocumentKind.CITY_EXPORT: _make_city_export,
    DocumentKind.ARCHIVE: _make_archive,
}


def _save_progress(job: GeneratedDocument) -> Progress:
    def progress(done: int, total: int) -> None:
        job.progress_done, job.progress_total = done, total
        GeneratedDocument.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return progress


def make(job: GeneratedDocument) -> None:
    """Make the job's document, saving progress as it goes; a failure is recorded on the job
    (and raised again, for the worker's log)."""
    now = timezone.now()
    job.state, job.started_at = DocumentState.RUNNING, now
    job.save(update_fields=["state", "started_at"])
    progress = _save_progress(job)
    try:
        with tempfile.TemporaryFile() as out:
            MAKERS[job.kind](job, out, progress)
            out.seek(0)
            job.file.save(job.filename, File(out), save=False)
    except Exception as error:
        job.state = DocumentState.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        raise
    job.state = DocumentState.DONE
    job.progress_done = job.progress_total
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + timedelta(hours=settings.DOCUMENT_KEEP_HOURS)
    job.save(
        update_fields=["state", "file", "progress_done", "finished_at", "expires_at"],
    )


@task()
def make_document(job_id: int) -> None:
    """The task: make one queued document. A job that is no longer queued (made already, or
    pruned) is left alone, so that a task run twice does the work once."""
    # Claimed in one statement: of two runs of the same task, one finds it queued.
    claimed = GeneratedDocument.objects.filter(pk=job_id, state=DocumentState.QUEUED).update(
        state=DocumentState.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.info("Document job %s is not queued; nothing to do.", job_id)
        return
    make(GeneratedDocument.objects.select_related("programme").get(pk=job_id))


# --- Asking for a document -----------------------------------------------------------------


def fresh(jobs: QuerySet[GeneratedDocument]) -> QuerySet[GeneratedDocument]:
    """The made documents among `jobs` that have not expired."""
    return jobs.filter(state=DocumentState.DONE, expires_at__gt=timezone.now())


def being_made(jobs: QuerySet[GeneratedDocument]) -> QuerySet[GeneratedDocument]:
    """The jobs among `jobs` that are queued or running (and not lost, `RUNNING_AT_MOST`)."""
    lost = timezone.now() - RUNNING_AT_MOST
    return jobs.filter(
        Q(state=DocumentState.QUEUED) | Q(state=DocumentState.RUNNING, started_at__gt=lost)
    )


def jobs_for(kind: str, programme: Programme, year: int | None) -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.filter(programme=programme, kind=kind, year=year)


def document_request(
    *, kind: str, programme: Programme, year: int | None, user: "User"
) -> GeneratedDocument:
    """The job that answers a request for the document: one being made (joined), a made one
    of a final samlad uppföljning whose figures have not changed (reused), or a new one,
    enqueued when the transaction commits."""
    with transaction.atomic():
        # Two requests at once must not both start one: the programme row serialises them
        # (on SQLite the IMMEDIATE transaction already does).
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        jobs = jobs_for(kind, programme, year)
        running = being_made(jobs).order_by("-created_at").first()
        if running is not None:
            return running
        source = document_source(kind, programme, year)
        if source.frozen:
            made = fresh(jobs).filter(source_key=source.key).order_by("-finished_at").first()
            if made is not None:
                return made
        job = GeneratedDocument.objects.create(
            programme=programme,
            kind=kind,
            year=year,
            filename=document_filename(kind, programme, year),
            source_key=source.key,
            source_label=source.label,
            source_at=source.at,
            requested_by=user if user.is_authenticated else None,
        )
        transaction.on_commit(lambda: make_document.enqueue(job.pk))
    return job


def expired_documents(now: datetime) -> QuerySet[GeneratedDocument]:
    """The documents gone out of date at `now`: past their expiry, or failed longer ago than
    the keep time."""
    keep = timedelta(hours=settings.DOCUMENT_KEEP_HOURS)
    return GeneratedDocument.objects.filter(
        Q(expires_at__lte=now) | Q(state=DocumentState.FAILED, created_at__lte=now - keep)
    )


def mark_lost(now: datetime) -> int:
    """Mark failed the jobs whose worker stopped mid-document (their page then offers a
    retry)."""
    return GeneratedDocument.objects.filter(
        state=DocumentState.RUNNING, started_at__lte=now - RUNNING_AT_MOST
    ).update(
        state=DocumentState.FAILED,
        finished_at=now,
        error="The worker stopped while the document was being made.",
    )


def delete_document(job: GeneratedDocument) -> int:
    """Delete the job and its stored file; 0 if another run deleted it first (only the run
    that deleted the row deletes the file)."""
    deleted, _ = GeneratedDocument.objects.filter(pk=job.pk).delete()
    if deleted and job.file:
        job.file.delete(save=False)
    return 1 if deleted else 0


def prune(now: datetime | None = None, *, expired_before: datetime | None = None) -> int:
    """Delete documents expired by `expired_before` (by default now), their files too; also
    failed jobs older than the keep time. A job lost by its worker is marked failed first.
    Returns how many were deleted."""
    now = now or timezone.now()
    mark_lost(now)
    return sum(delete_document(job) for job in expired_documents(expired_before or now))
