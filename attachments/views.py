"""A report's attachments: the list with the upload form, the upload, the download, the
removal (asked first on a page of its own).

Access is the report's (followup.access): whoever may read the report sees and downloads
its files, everyone else gets 404 for the report and its files alike; whoever may write it
adds and removes them while it is open for writing, a reader gets 403. Files go out only
here, as downloads, never from a public URL.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from attachments import services
from attachments.content import Refused
from attachments.forms import AttachmentForm
from attachments.models import Attachment
from attachments.selectors import AttachmentIndex, attachment_index
from attachments.uploads import (
    LimitedUpload,
    declared_too_big,
    display_name,
    download_name,
    limit_uploads,
    too_big_message,
)
from followup import access
from followup.models import Report
from followup.services import FollowupError
from followup.views.confirm import Confirmation, confirm_page
from valdprogram.http import AuthenticatedHttpRequest

PANEL = "attachments/attachments.html#panel"
FORM_PREFIX = "bilaga"


def _writable(report: Report) -> bool:
    return report.access.can_write and report.is_open_for_writing


def _report_url(report: Report, anchor: str = "") -> str:
    url = reverse("report-detail", args=[report.pk])
    return f"{url}#{anchor}" if anchor else url


def upload_form(
    index: AttachmentIndex, data: object = None, files: object = None, selected: str = ""
) -> AttachmentForm:
    """The upload form; `selected` is the row it attaches to unless the user chooses."""
    return AttachmentForm(
        data, files, targets=index.targets, prefix=FORM_PREFIX, initial={"target": selected}
    )


def _page(
    request: AuthenticatedHttpRequest,
    index: AttachmentIndex,
    *,
    form: AttachmentForm | None = None,
    error: str = "",
    saved: Attachment | None = None,
    status: int = 200,
) -> HttpResponse:
    """The attachments page, or for htmx its panel alone (with the row's list out of band)."""
    context = {
        "report": index.report,
        "attachments": index,
        "attachment_form": form or upload_form(index, selected=request.GET.get("rad", "")),
        "attachment_error": error,
        "attachment_saved": saved,
    }
    if not request.htmx:
        return render(request, "attachments/attachments.html", context, status=status)
    html = render_to_string(PANEL, context, request=request)
    # From the report page, the row's own list is swapped too (it is not on this page).
    current = urlsplit(request.htmx.current_url_abs_path or "").path
    on_report_page = current == reverse("report-detail", args=[index.report.pk])
    if saved is not None and saved.row_kind and on_report_page:
        row_files = {"anchor": saved.anchor, "oob": True}
        html += render_to_string(
            "attachments/attachments.html#row-files", {**context, **row_files}, request=request
        )
    return HttpResponse(html, status=status)


@require_safe
def attachment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access.get_report(request.user, pk)
    return _page(request, attachment_index(report, writable=_writable(report)))


@csrf_exempt  # checked below, once the size limit is in place (Django's upload docs)
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach one file. Who may, and how large a request may be, is settled before its
    body is read; then the upload handler keeps the file within the limit as it arrives."""
    report = access.get_writable_report(request.user, pk)
    if declared_too_big(request):
        index = attachment_index(report, writable=_writable(report))
        return _page(request, index, error=too_big_message(), status=413)
    handler = limit_uploads(request)
    return _upload(request, report, handler)


@csrf_protect
def _upload(
    request: AuthenticatedHttpRequest, report: Report, handler: LimitedUpload
) -> HttpResponse:
    index = attachment_index(report, writable=_writable(report))
    form = upload_form(index, request.POST, request.FILES)
    if handler.too_big:
        return _page(request, index, form=upload_form(index), error=too_big_message(), status=413)
    if not form.is_valid():
        return _page(request, index, form=form, status=422)
    upload = form.cleaned_data["file"]
    try:
        attachment = services.attachment_add(
            report=report,
            file=upload,
            name=display_name(upload.name or ""),
            anchor=form.cleaned_data["target"],
            user=request.user,
            on_behalf=report.access.on_behalf,
        )
    except (Refused, FollowupError) as refused:
        return _page(request, index, form=upload_form(index), error=str(refused), status=422)
    finally:
        upload.close()  # a temporary file goes now, not when the request ends
    if request.htmx:
        index = attachment_index(report, writable=True)
        return _page(request, index, saved=attachment)
    messages.success(request, f"”{attachment.name}” är bifogad.")
    return redirect(_report_url(report, attachment.anchor))


@require_safe
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> FileResponse:
    attachment = access.get_attachment(request.user, pk, attachment_pk)
    storage, stored = attachment.file.storage, attachment.file.name
    if not stored or not storage.exists(stored):
        raise Http404("Filen finns inte längre.")
    response = FileResponse(
        storage.open(stored, "rb"),
        as_attachment=True,
        filename=download_name(attachment.name),
        content_type=attachment.file_kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # no-store: a board's evidence stays out of caches
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def attachment_remove(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    """GET: what removing the file means, with the button; POST: remove it."""
    attachment = access.get_writable_attachment(request.user, pk, attachment_pk)
    report = attachment.report
    error = ""
    if request.method == "POST":
        try:
            services.attachment_remove(attachment=attachment, user=request.user)
        except FollowupError as refused:
            error = str(refused)
        else:
            messages.success(request, f"”{attachment.name}” är borttagen ur rapporten.")
            return redirect(_report_url(report, attachment.anchor))
    elif not _writable(report):
        error = "Rapporten kan inte ändras nu, så bilagan kan inte tas bort."
    back = _report_url(report, attachment.anchor)
    confirmation = Confirmation(
        title=f"Ta bort ”{attachment.name}”?",
        consequences=[
            f"Filen ”{attachment.name}” ({attachment.size_text}) tas bort ur rapporten "
            "och kan inte hämtas längre.",
            "I rapportens historik står kvar vem som bifogade och vem som tog bort den.",
        ],
        action=reverse("attachment-remove", args=[report.pk, attachment.pk]),
        button="Ta bort bilagan",
        back=back,
        breadcrumbs=[
            (reverse("start"), "Start"),
            (_report_url(report), f"{report.board.name}, {report.period.label}"),
        ],
        error=error,
        blocked=bool(error),
    )
    return confirm_page(
        request, confirmation, status=422 if error and request.method == "POST" else 200
    )
