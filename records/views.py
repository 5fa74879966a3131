"""The samordnare's records: the audit export (who changed what, when) and the archive
package of a programme year (issue 14, points 3 and 4).

The audit export is a read: its form is sent with GET, and the file streams back. The
archive package is a document made by the task worker: GET offers it, POST asks for it
(followup.views.jobs.document_page), like the other long documents.
"""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from followup import access
from followup.excel.template import CONTENT_TYPE as XLSX_TYPE
from followup.models import DocumentKind
from followup.views.jobs import document_page
from records import audit
from records.forms import AuditForm
from valdprogram.http import AuthenticatedHttpRequest


@require_safe
def records(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The form of the audit export and the archive packages of each programme year; with
    the form filled in (a GET), the export itself."""
    programmes = access.audited_programmes(request.user).order_by("name")
    archived = list(access.coordinated_programmes(request.user).order_by("name"))
    if not archived and not programmes.exists():
        raise Http404("Sidan finns inte.")
    form = AuditForm(request.GET or None, programmes=programmes)
    if form.is_bound and form.is_valid():
        return _export(form)
    return render(request, "records/records.html", {"form": form, "archived": archived})


def _export(form: AuditForm) -> StreamingHttpResponse:
    programme = form.cleaned_data["programme"]
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    extension = form.cleaned_data["format"]
    lines = audit.audit_lines(programme, first, last)
    if extension == "xlsx":
        response = StreamingHttpResponse(audit.audit_xlsx(lines), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(
            audit.audit_csv(lines), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition_header(
        True, audit.audit_filename(programme, first, last, extension)
    )
    add_never_cache_headers(response)  # who did what: stays out of every cache
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def archive(request: AuthenticatedHttpRequest, slug: str, year: int) -> HttpResponse:
    granted = access.get_archived_programme(request.user, slug, year)
    return document_page(request, granted, DocumentKind.ARCHIVE, year)
