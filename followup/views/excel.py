"""Excel in and out: a report's template, its upload with a preview, the city-wide export."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from catalog.models import Board
from followup import access, guard
from followup.excel import city, template, upload
from followup.models import DocumentKind, GuardSource, Report
from followup.views.jobs import document_page
from valdprogram.http import AuthenticatedHttpRequest

# The pending import lives in the (database) session between preview and confirmation:
# the parsed values and the versions they were checked against, signed, never the file.
PENDING_SALT = "followup.excel.import"
PENDING_MAX_AGE = 60 * 60
# Session keys of pending imports; those left unconfirmed are removed by `manage.py gallra`.
PENDING_PREFIX = "excel-import-"


def _pending_key(report: Report) -> str:
    return f"{PENDING_PREFIX}{report.pk}"


def _report_url(report: Report, anchor: str = "") -> str:
    url = reverse("report-detail", args=[report.pk])
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "HEAD", "POST"])
def report_excel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the report as a template to fill in. POST: a filled template, checked."""
    if request.method == "POST":
        return _upload(request, pk)
    report = access.get_report(request.user, pk)
    response = HttpResponse(template.report_template(report), content_type=template.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, template.template_filename(report)
    )
    return response


def _upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_writable_report(request.user, pk)
    form = upload.ExcelUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, report, ["Välj en ifylld mall att ladda upp."], 422)
    try:
        parsed, _ = upload.upload_read(report=report, file=form.cleaned_data["file"])
    except upload.ImportRefused as refused:
        guard.report_refused(refused.guard_stops, report=report, source=GuardSource.EXCEL)
        return _refused(request, report, refused.errors, refused.status, refused.more_label)
    token = secrets.token_urlsafe(16)
    request.session[_pending_key(report)] = {
        "token": token,
        "rows": signing.dumps(
            {
                "user": request.user.pk,
                "report": report.pk,
                "rows": [row.to_dict() for row in parsed],
            },
            salt=PENDING_SALT,
            compress=True,
        ),
    }
    return redirect("report-excel-import", pk=report.pk, token=token)


def _pending(request: HttpRequest, report: Report, token: str) -> list[upload.ParsedRow] | None:
    stored = request.session.get(_pending_key(report))
    if not stored or not secrets.compare_digest(stored["token"], token):
        return None
    try:
        payload = signing.loads(stored["rows"], salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload["user"] != request.user.pk or payload["report"] != report.pk:
        return None
    return upload.parsed_from_dicts(payload["rows"])


@require_http_methods(["GET", "HEAD", "POST"])
def report_excel_import(request: AuthenticatedHttpRequest, pk: int, token: str) -> HttpResponse:
    """GET: what the uploaded file will change. POST: change it, all or nothing."""
    report = access.get_writable_report(request.user, pk)
    parsed = _pending(request, report, token)
    if parsed is None:
        messages.error(request, "Förhandsgranskningen finns inte längre. Ladda upp filen igen.")
        return redirect(_report_url(report, "excel"))
    try:
        if request.method == "POST":
            count = upload.import_apply(
                report=report,
                parsed=parsed,
                user=request.user,
                on_behalf=report.access.on_behalf,
            )
        else:
            changes = upload.import_preview(report=report, parsed=parsed)
    except upload.ImportRefused as refused:
        return _refused(request, report, refused.errors, 409, refused.more_label)
    if request.method == "POST":
        del request.session[_pending_key(report)]
        rows = "1 rad" if count == 1 else f"{count} rader"
        messages.success(request, f"Ändringarna från Excel-filen är sparade ({rows}).")
        return redirect(_report_url(report))
    return render(
        request,
        "followup/import_preview.html",
        {"report": report, "access": report.access, "changes": changes, "token": token},
    )


def _refused(
    request: HttpRequest, report: Report, errors: list[str], status: int, more: str = ""
) -> HttpResponse:
    return render(
        request,
        "followup/import_errors.html",
        {
            "report": report,
            "access": report.access,
            "errors": errors,
            "more": more,
            "upload_form": upload.ExcelUploadForm(),
            "max_kb": upload.max_upload_bytes() // 1024,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def city_export(
    request: HttpRequest, programme: str, year: int
) -> HttpResponse | StreamingHttpResponse:
    """Every board's answers for a programme year, for city-wide readers only: streamed as it
    is written while the programme has up to `CITY_EXPORT_STREAM_BOARDS` boards, made by the
    task worker beyond (GET offers it, POST asks for it), like the other long documents."""
    granted = access.get_programme(request.user, programme, year=year)
    found = granted.programme
    if Board.objects.responsible_in(found).count() > settings.CITY_EXPORT_STREAM_BOARDS:
        return document_page(request, granted, DocumentKind.CITY_EXPORT, year)
    if request.method == "POST":
        return redirect("city-export", programme, year)  # nothing to ask for: it streams
    response = StreamingHttpResponse(
        city.city_export(found, year), content_type=template.CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        True, city.city_export_filename(found, year)
    )
    return response
