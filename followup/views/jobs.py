"""Documents made by the task worker: the page that offers one (the old document URLs), the
job's page with its progress, and the download (issue 12, point 2).

A GET never creates anything (reads never write): asking is a POST, to the same URL as the
offer, so the button works without JavaScript. Access is the documents' own: those who read
the programme city-wide; everyone else gets 404 for the offer, the job and the file.
"""

import mimetypes

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from followup import access
from followup.documents.jobs import (
    STYRKORT_KINDS,
    being_made,
    document_available,
    document_request,
    document_source,
    fresh,
    jobs_for,
)
from followup.models import DocumentKind, DocumentState, GeneratedDocument
from valdprogram.http import AuthenticatedHttpRequest

JOB_TEMPLATE = "documents/document_job.html"


def offer_url(kind: str, slug: str, year: int | None) -> str:
    """The URL that offers the document (GET) and asks for it (POST)."""
    if kind in STYRKORT_KINDS:
        variant = "status" if STYRKORT_KINDS[kind] else "ataganden"
        return reverse("styrkort-zip", args=[slug, variant])
    if kind == DocumentKind.CITY_FOLLOWUP:
        return reverse("city-followup-pdf", args=[slug, year])
    if kind == DocumentKind.CITY_EXPORT:
        return reverse("city-export", args=[slug, year])
    if kind == DocumentKind.ARCHIVE:
        return reverse("archive", args=[slug, year])
    return reverse("midterm-pdf", args=[slug, year])


def document_page(
    request: HttpRequest, granted: access.ProgrammeAccess, kind: str, year: int | None
) -> HttpResponse:
    """GET: the page offering the document, with the latest one still kept; POST: ask for
    it (join one being made, reuse a frozen one, or start one) and go to its page."""
    programme = granted.programme
    if not document_available(kind, programme, year):
        raise Http404("Året har ingen verksamhetsberättelse.")
    if request.method == "POST":
        job = document_request(kind=kind, programme=programme, year=year, user=request.user)
        return redirect("document-job", job.pk)
    jobs = jobs_for(kind, programme, year)
    made = fresh(jobs).order_by("-finished_at").first()
    context = {
        "programme": programme,
        "year": year,
        "title": DocumentKind(kind).label,
        "made": made,
        # Made from other data than there is now: the reader is told before downloading.
        "outdated": made is not None
        and made.source_key != document_source(kind, programme, year).key,
        "running": being_made(jobs).order_by("-created_at").first(),
        "action": offer_url(kind, programme.slug, year),
    }
    return render(request, "documents/document_offer.html", context)


def _expired(job: GeneratedDocument) -> bool:
    return job.expires_at is not None and job.expires_at <= timezone.now()


@require_safe
def document_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The job's page: progress while it is made (htmx asks for the status part every
    second, a plain refresh does without JavaScript), then the download link."""
    job = access.get_generated_document(request.user, pk)
    context = {
        "job": job,
        "programme": job.programme,
        "expired": _expired(job),
        "action": offer_url(job.kind, job.programme.slug, job.year),
        "is_zip": job.kind in STYRKORT_KINDS,
    }
    template = f"{JOB_TEMPLATE}#status" if request.htmx else JOB_TEMPLATE
    response = render(request, template, context)
    add_never_cache_headers(response)  # the progress changes every second
    return response


@require_safe
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    job = access.get_generated_document(request.user, pk)
    if (
        job.state != DocumentState.DONE
        or _expired(job)
        or not job.file.name
        or not job.file.storage.exists(job.file.name)
    ):
        raise Http404("Dokumentet finns inte längre. Be om ett nytt.")
    content_type = mimetypes.guess_type(job.filename)[0] or "application/octet-stream"
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # no-store: a private document stays out of caches
    return response
