"""The halvtidsrapport: the samordnare writes its sections, anyone who reads the whole city
previews it or downloads it as PDF.

Access: the programme's samordnare writes; city-wide readers read (preview and PDF) and get
403 for a write; everyone else gets 404, as if the programme had no such report.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import Programme
from followup import access, guard
from followup.documents.issuer import document_issuer
from followup.documents.midterm import GoalPart, MidtermDocument, middle_year, midterm_document
from followup.documents.midterm_narrative import (
    MidtermSectionForm,
    StaleSection,
    midterm_finalise,
    midterm_missing,
    midterm_report_get,
    midterm_section_get,
    midterm_section_save,
    midterm_sections_get,
)
from followup.models import DocumentKind, MidtermSection
from followup.services import FollowupError
from followup.views.confirm import Confirmation, confirm_page
from followup.views.jobs import document_page
from followup.views.report import form_after_conflict
from valdprogram.http import AuthenticatedHttpRequest

EDIT_TEMPLATE = "followup/midterm.html"


@dataclass(frozen=True)
class SectionEdit:
    """One section as the edit page draws it: its form (fresh, or the one sent back with
    errors or a conflict), whether it was just saved, and the figures it is written beside."""

    section: MidtermSection
    form: MidtermSectionForm
    saved: bool = False
    conflict: StaleSection | None = None
    part: GoalPart | None = None  # for a goal's section


def document_context(
    granted: access.ProgrammeAccess, year: int, *, for_print: bool = False
) -> dict[str, object]:
    programme = granted.programme
    document: MidtermDocument = midterm_document(programme, year, for_print=for_print)
    return {
        "access": granted,
        "document": document,
        "programme": programme,
        "title": f"{document.title} · {programme.short_name}",
        "draft": not document.final,
        "issuer": document_issuer(programme),
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
    granted = access.get_programme(request.user, slug)
    wanted = request.GET.get("ar", "")
    year = int(wanted) if wanted.isascii() and wanted.isdigit() else middle_year(granted.programme)
    if year not in granted.programme.years:
        raise Http404("Året hör inte till programmet.")
    return redirect("midterm-edit" if granted.can_write else "midterm-preview", slug, year)


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
        sections.append(
            SectionEdit(
                section=section,
                form=form or MidtermSectionForm(instance=section),
                saved=section.key == saved,
                conflict=conflict if form is not None else None,
                part=goals.get(section.goal_id) if section.goal_id is not None else None,
            )
        )
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
    granted = access.get_programme(request.user, slug, year=year)
    if not granted.can_write or midterm_report_get(programme=granted.programme, year=year).is_final:
        return redirect("midterm-preview", slug, year)
    return _edit_page(request, granted.programme, year)


@require_POST
def midterm_section(
    request: AuthenticatedHttpRequest, slug: str, year: int, key: str
) -> HttpResponse:
    """Save one section: with htmx the section alone comes back; without JavaScript the page
    (on success a redirect to it, landing on the section)."""
    programme = access.get_writable_programme(
        request.user, slug, year=year, what="halvtidsrapporten"
    ).programme
    section = midterm_section_get(programme=programme, year=year, key=key)
    if section is None:
        raise Http404("Avsnittet finns inte.")
    form = MidtermSectionForm(request.POST, instance=section)
    conflict = None
    if form.is_valid():
        try:
            section = midterm_section_save(form=form, user=request.user)
        except StaleSection as stale:  # a FollowupError too: first
            conflict = stale
            form = form_after_conflict(form, request, stale.current)
        except FollowupError as refused:
            messages.error(request, str(refused))
            return redirect("midterm-preview", slug, year)
    else:
        guard.form_refused(form, programme_id=programme.pk)
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
    edit = SectionEdit(
        section=section,
        form=MidtermSectionForm(instance=section) if saved else form,
        saved=saved,
        conflict=conflict,
    )
    html = render_to_string(
        f"{EDIT_TEMPLATE}#section",
        {"programme": programme, "year": year, "edit": edit, "section": section},
        request=request,
    )
    return HttpResponse(html, status=status)


@require_safe
def midterm_preview(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The document as a web page: the same content as the PDF, inside the site."""
    granted = access.get_programme(request.user, slug, year=year)
    report = midterm_report_get(programme=granted.programme, year=year)
    context = {**document_context(granted, year), "final": report if report.is_final else None}
    return render(request, "followup/midterm_preview.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def midterm_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The halvtidsrapport as PDF, made by the task worker (`documents.jobs`): GET offers
    it, POST asks for it."""
    granted = access.get_programme(request.user, slug, year=year)
    return document_page(request, granted, DocumentKind.MIDTERM, year)


@require_safe
def midterm_final_confirm(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """What "Gör slutlig" does to the halvtidsrapport, asked before it is done."""
    programme = access.get_writable_programme(
        request.user, slug, year=year, what="halvtidsrapporten"
    ).programme
    error = ""
    if midterm_report_get(programme=programme, year=year).is_final:
        error = "Halvtidsrapporten är redan slutlig."
    elif missing := midterm_missing(programme=programme, year=year):
        error = "Skriv först: " + ", ".join(missing) + "."
    page_url = reverse("midterm-edit", args=[slug, year])
    return confirm_page(
        request,
        Confirmation(
            title=f"Göra halvtidsrapporten {year} slutlig?",
            consequences=[
                "Siffrorna låses som de är nu. Ändras en rapport senare, ändras inte den "
                "slutliga halvtidsrapporten.",
                "Texterna kan inte längre ändras. Det går inte att ångra.",
                "Den slutliga halvtidsrapporten kan sedan publiceras.",
            ],
            action=reverse("midterm-final", args=[slug, year]),
            button="Gör halvtidsrapporten slutlig",
            back=page_url,
            breadcrumbs=[(reverse("start"), "Start"), (page_url, f"Halvtidsrapport {year}")],
            error=error,
            blocked=bool(error),
        ),
    )


@require_POST
def midterm_final(request: AuthenticatedHttpRequest, slug: str, year: int) -> HttpResponse:
    programme = access.get_writable_programme(
        request.user, slug, year=year, what="halvtidsrapporten"
    ).programme
    try:
        midterm_finalise(programme=programme, year=year, user=request.user)
    except FollowupError as refused:
        messages.error(request, str(refused))
        return redirect("midterm-final-confirm", slug, year)
    messages.success(request, "Halvtidsrapporten är slutlig. Siffrorna är låsta.")
    return redirect("midterm-preview", slug, year)
