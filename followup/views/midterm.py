"""The halvtidsrapport: the samordnare writes its sections, anyone who reads the whole city
previews it or downloads it as PDF.

Access: the programme's samordnare writes; city-wide readers read (preview and PDF) and get
403 for a write; everyone else gets 404, as if the programme had no such report.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from catalog.models import Programme
from followup import access
from followup.documents.midterm import MidtermDocument, middle_year, midterm_document
from followup.documents.midterm_narrative import (
    MidtermSectionForm,
    StaleSection,
    midterm_section_get,
    midterm_section_save,
    midterm_sections_get,
)
from followup.documents.pdf import pdf_response, render_pdf
from followup.models import MidtermSection
from followup.views.report import form_after_conflict
from valdprogram.http import AuthenticatedHttpRequest

EDIT_TEMPLATE = "followup/midterm.html"


def _get_programme(request: HttpRequest, slug: str, year: int | None = None) -> Programme:
    """The programme, for city-wide readers; 404 for everyone else and for a year outside
    the programme. `can_edit` says whether the user is its samordnare."""
    programme = get_object_or_404(access.city_wide_programmes(request.user), slug=slug)
    if year is not None and year not in programme.years:
        raise Http404("Året hör inte till programmet.")
    programme.can_edit = (
        access.coordinated_programmes(request.user).filter(pk=programme.pk).exists()
    )
    return programme


def _get_rw_programme(request: HttpRequest, slug: str, year: int) -> Programme:
    programme = _get_programme(request, slug, year)
    if not programme.can_edit:
        raise PermissionDenied("Du kan läsa men inte ändra halvtidsrapporten.")
    return programme


def _document_context(
    programme: Programme, year: int, *, for_print: bool = False
) -> dict[str, object]:
    document: MidtermDocument = midterm_document(programme, year, for_print=for_print)
    return {
        "document": document,
        "programme": programme,
        "title": f"{document.title} – {programme.short_name}",
        "subtitle": programme.name,
        "organisation": programme.organisation,
        "description": (
            f"Halvtidsrapport för {programme.name}: uppföljning {programme.start_year}–{year}."
        ),
        "generated_on": document.generated_on,
    }


@require_safe
def midterm(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's halvtidsrapport for the year in ?ar= (default: the middle year): the
    samordnare lands where it is written, a reader on the preview."""
    programme = _get_programme(request, slug)
    wanted = request.GET.get("ar", "")
    year = int(wanted) if wanted.isdigit() else middle_year(programme)
    if year not in programme.years:
        raise Http404("Året hör inte till programmet.")
    return redirect("midterm-edit" if programme.can_edit else "midterm-preview", slug, year)


def _edit_page(
    request: HttpRequest,
    programme: Programme,
    year: int,
    *,
    bound: MidtermSectionForm | None = None,
    conflict: StaleSection | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page where the sections are written, beside the figures they are about. `bound`
    is a form that came back with errors or a conflict, shown instead of a fresh one so that
    nothing typed is lost."""
    document = midterm_document(programme, year)
    saved = request.GET.get("sparad", "")
    goals = {part.goal.pk: part for part in document.goals}
    sections = []
    for section in midterm_sections_get(programme=programme, year=year):
        form = bound if bound is not None and bound.prefix == section.key else None
        section.form = form or MidtermSectionForm(instance=section)
        section.saved = section.key == saved
        section.conflict = conflict if form is not None else None
        section.part = goals.get(section.goal_id) if section.goal_id is not None else None
        sections.append(section)
    return render(
        request,
        EDIT_TEMPLATE,
        {
            "programme": programme,
            "year": year,
            "document": document,
            "sections": sections,
        },
        status=status,
    )


@require_safe
def midterm_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    programme = _get_programme(request, slug, year)
    if not programme.can_edit:
        return redirect("midterm-preview", slug, year)
    return _edit_page(request, programme, year)


@require_POST
def midterm_section(
    request: AuthenticatedHttpRequest, slug: str, year: int, key: str
) -> HttpResponse:
    """Save one section: with htmx the section alone comes back; without JavaScript the page
    (on success a redirect to it, landing on the section)."""
    programme = _get_rw_programme(request, slug, year)
    section = midterm_section_get(programme=programme, year=year, key=key)
    if section is None:
        raise Http404("Avsnittet finns inte.")
    form = MidtermSectionForm(request.POST, instance=section)
    conflict = None
    if form.is_valid():
        try:
            section = midterm_section_save(form=form, user=request.user)
        except StaleSection as stale:
            conflict = stale
            form = form_after_conflict(form, request, stale.current)
    saved = conflict is None and not form.errors
    status = 200 if saved else 409 if conflict else 422
    if request.htmx:
        return _render_section(request, programme, year, section, form, saved, conflict, status)
    if saved:
        url = reverse("midterm-edit", args=[slug, year])
        return redirect(f"{url}?sparad={section.key}#{section.key}")
    return _edit_page(request, programme, year, bound=form, conflict=conflict, status=status)


def _render_section(
    request: HttpRequest,
    programme: Programme,
    year: int,
    section: MidtermSection,
    form: MidtermSectionForm,
    saved: bool,
    conflict: StaleSection | None,
    status: int,
) -> HttpResponse:
    section.form = MidtermSectionForm(instance=section) if saved else form
    section.saved, section.conflict = saved, conflict
    html = render_to_string(
        f"{EDIT_TEMPLATE}#section",
        {"programme": programme, "year": year, "section": section},
        request=request,
    )
    return HttpResponse(html, status=status)


@require_safe
def midterm_preview(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The document as a web page: the same content as the PDF, inside the site."""
    programme = _get_programme(request, slug, year)
    return render(request, "followup/midterm_preview.html", _document_context(programme, year))


@require_safe
def midterm_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    programme = _get_programme(request, slug, year)
    pdf = render_pdf("documents/midterm.html", _document_context(programme, year, for_print=True))
    return pdf_response(pdf, f"halvtidsrapport-{programme.slug}-{year}.pdf")
