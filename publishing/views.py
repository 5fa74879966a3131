"""The samordnare's publishing: what is final and what is published, per year; publish a
final document (after a page showing what will become public), open it for a correction,
take it down with a reason.

Access: the programme's samordnare only (`access.get_writable_programme`): 404 for those
who do not follow the programme city-wide, 403 for its city-wide readers.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from catalog.models import Programme
from followup import access
from followup.final import document_reopen
from followup.models import CityFollowup, FinalDocument, MidtermReport
from followup.services import FollowupError
from followup.views.confirm import Confirmation
from followup.views.jobs import offer_url
from publishing import suppression
from publishing.forms import PublishForm, WithdrawForm
from publishing.models import Publication, PublicationKind
from publishing.public import year_context
from publishing.results import Published, year_results
from publishing.services import (
    DOCUMENT_KINDS,
    PDF_FIRST,
    made_pdf,
    public_versions,
    publication_draft,
    publication_publish,
    publication_refusal,
    publication_withdraw,
    source_document,
)
from valdprogram.http import AuthenticatedHttpRequest

WHAT = "publiceringen"


@dataclass(frozen=True)
class DocumentRow:
    """One document of one year on the overview."""

    kind: str
    label: str
    year: int
    document: FinalDocument | None
    versions: list[Publication]  # every version, taken down or not

    @property
    def is_final(self) -> bool:
        return self.document is not None and self.document.is_final

    @property
    def public(self) -> list[Publication]:
        return [each for each in self.versions if each.is_public]


def _programme(request: HttpRequest, slug: str, kind: str | None = None) -> Programme:
    if kind is not None and kind not in PublicationKind.values:
        raise Http404("Dokumentet finns inte.")
    return access.get_writable_programme(request.user, slug, what=WHAT).programme


@require_safe
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    documents: dict[tuple[str, int], FinalDocument] = {}
    for model, kind in (
        (CityFollowup, PublicationKind.CITY_FOLLOWUP),
        (MidtermReport, PublicationKind.MIDTERM),
    ):
        for document in model.objects.filter(programme=programme):
            documents[(kind, document.year)] = document
    versions: dict[tuple[str, int], list[Publication]] = {}
    for publication in Publication.objects.filter(programme=programme).select_related(
        "published_by", "withdrawn_by"
    ):
        versions.setdefault((publication.kind, publication.year), []).append(publication)
    rows = [
        DocumentRow(
            kind=kind,
            label=label,
            year=year,
            document=documents.get((kind, year)),
            versions=versions.get((kind, year), []),
        )
        for year in programme.years
        for kind, label in PublicationKind.choices
    ]
    return render(
        request,
        "publishing/overview.html",
        {"programme": programme, "rows": rows, "rule": suppression.rule_text()},
    )


def _back(slug: str) -> str:
    return reverse("publishing", args=[slug])


def _breadcrumbs(slug: str) -> list[tuple[str, str]]:
    return [(reverse("start"), "Start"), (_back(slug), "Publicering")]


@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: AuthenticatedHttpRequest, slug: str, kind: str, year: int) -> HttpResponse:
    """GET: what will become public, and the button; POST: publish it."""
    programme = _programme(request, slug, kind)
    if year not in programme.years:
        raise Http404("Året hör inte till programmet.")
    label = PublicationKind(kind).label
    correcting = bool(public_versions(programme=programme, kind=kind, year=year))
    form = PublishForm(request.POST if request.method == "POST" else None)
    refusal = error = publication_refusal(programme=programme, kind=kind, year=year)
    # The PDF is made by the task worker first, as the document's own page offers it; the
    # samordnare reads it, and publishing copies it.
    pdf = None if refusal else made_pdf(programme=programme, kind=kind, year=year)
    status = 200
    if request.method == "POST" and not error and pdf is None:
        error, status = PDF_FIRST, 422
    elif request.method == "POST" and not error and form.is_valid():
        try:
            publication = publication_publish(
                programme=programme,
                kind=kind,
                year=year,
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except FollowupError as refused:
            error, status = str(refused), 422
        else:
            messages.success(
                request, f"{label} {year} är publicerad som version {publication.number}."
            )
            return redirect("publishing", slug)
    elif request.method == "POST":
        status = 422
    preview, published = None, None
    if not refusal:
        draft = publication_draft(programme=programme, kind=kind, year=year)
        published = Published.of(programme)
        versions = {**published.versions}
        versions[(kind, year)] = [*versions.get((kind, year), []), draft]
        published = Published(programme=programme, versions=versions)
        preview = year_results(published, year)
    consequences = [
        "Det som visas nedan blir offentligt för alla, utan inloggning: siffrorna, din text, "
        "nämndernas styrkort och PDF:en.",
        "Den publicerade versionen ändras aldrig. En rättelse publiceras som en ny version "
        "med en kommentar; den här versionen finns då kvar, märkt ”Ersatt”.",
        suppression.rule_text(),
    ]
    if correcting:
        consequences.insert(1, "Den version som nu är publicerad blir ”Ersatt”.")
    confirmation = Confirmation(
        title=f"Publicera {label.lower()} {year}?",
        consequences=consequences,
        action=reverse("publishing-publish", args=[slug, kind, year]),
        button=f"Publicera {label.lower()} {year}",
        back=_back(slug),
        breadcrumbs=_breadcrumbs(slug),
        form=form if correcting else None,
        error=error,
        blocked=bool(refusal),
        missing=[]
        if refusal or pdf is not None
        else [
            (
                offer_url(DOCUMENT_KINDS[PublicationKind(kind)], slug, year),
                f"Gör PDF:en av {label.lower()} {year}",
            )
        ],
        missing_intro="PDF:en som publiceras görs först, i bakgrunden, från uppgifterna som de "
        "är nu. Läs den, och kom sedan tillbaka hit för att publicera:",
    )
    context: dict[str, object] = {"confirm": confirmation, "pdf": pdf}
    if published is not None and preview is not None:
        context.update(year_context(published, preview))
        context["preview"] = True
    return render(request, "publishing/publish_confirm.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: AuthenticatedHttpRequest, slug: str, kind: str, year: int) -> HttpResponse:
    programme = _programme(request, slug, kind)
    label = PublicationKind(kind).label
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    error = ""
    if not public_versions(programme=programme, kind=kind, year=year):
        error = "Det finns ingen publicerad version att avpublicera."
    status = 200
    if request.method == "POST" and not error:
        if form.is_valid():
            try:
                publication_withdraw(
                    programme=programme,
                    kind=kind,
                    year=year,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except FollowupError as refused:
                error = str(refused)
            else:
                messages.success(request, f"{label} {year} är avpublicerad.")
                return redirect("publishing", slug)
        status = 422
    confirmation = Confirmation(
        title=f"Avpublicera {label.lower()} {year}?",
        consequences=[
            "Årets publicerade versioner tas bort från de offentliga sidorna och öppna data; "
            "adresserna svarar ”Sidan finns inte”.",
            "Skälet sparas, med vem som avpublicerade och när.",
            "Dokumentet kan publiceras igen senare, som en ny version.",
        ],
        action=reverse("publishing-withdraw", args=[slug, kind, year]),
        button=f"Avpublicera {label.lower()} {year}",
        back=_back(slug),
        breadcrumbs=_breadcrumbs(slug),
        form=form,
        error=error,
        blocked=bool(error) and request.method != "POST",
    )
    return render(
        request, "publishing/publish_confirm.html", {"confirm": confirmation}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reopen(request: AuthenticatedHttpRequest, slug: str, kind: str, year: int) -> HttpResponse:
    """Open a final document again, to correct it and publish the correction."""
    programme = _programme(request, slug, kind)
    label = PublicationKind(kind).label
    document = source_document(programme=programme, kind=kind, year=year)
    error = "" if document.is_final else f"{label} {year} är inte slutlig."
    if request.method == "POST" and not error:
        try:
            document_reopen(document)
        except FollowupError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                f"{label} {year} är ett utkast igen. Rätta den, gör den slutlig och publicera "
                "rättelsen.",
            )
            return redirect("publishing", slug)
    confirmation = Confirmation(
        title=f"Öppna {label.lower()} {year} för rättelse?",
        consequences=[
            "Dokumentet blir ett utkast igen: siffrorna följer rapporterna och texterna kan "
            "ändras, tills du gör det slutligt på nytt.",
            "Det som är publicerat ändras inte. Rättelsen publiceras som en ny version med "
            "en kommentar.",
        ],
        action=reverse("publishing-reopen", args=[slug, kind, year]),
        button="Öppna för rättelse",
        back=_back(slug),
        breadcrumbs=_breadcrumbs(slug),
        error=error,
        blocked=bool(error),
    )
    return render(
        request,
        "publishing/publish_confirm.html",
        {"confirm": confirmation},
        status=422 if error and request.method == "POST" else 200,
    )
