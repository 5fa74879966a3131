"""Publishing, correcting and unpublishing a final document. Each write locks the
programme's row, so that two samordnare publishing at once make two versions one after the
other, never the same number twice."""

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from catalog.models import Programme
from followup.city import city_followup_get
from followup.documents.jobs import (
    city_followup_pdf_bytes,
    document_source,
    fresh,
    jobs_for,
    midterm_pdf_bytes,
)
from followup.documents.midterm_narrative import midterm_report_get
from followup.models import (
    CityFollowup,
    DocumentKind,
    FinalDocument,
    GeneratedDocument,
    MidtermReport,
)
from followup.services import FollowupError
from publishing import snapshot
from publishing.models import Publication, PublicationKind

NOTE_REQUIRED = "Skriv vad som är rättat: rättelsen publiceras med en kommentar."
REASON_REQUIRED = "Skriv varför den avpubliceras."
PDF_FIRST = (
    "Gör PDF:en först: den som publiceras är den du har kunnat läsa, gjord från uppgifterna "
    "som de är nu."
)
# What a publication's PDF is made as by the task worker (followup.documents.jobs).
DOCUMENT_KINDS = {
    PublicationKind.CITY_FOLLOWUP: DocumentKind.CITY_FOLLOWUP,
    PublicationKind.MIDTERM: DocumentKind.MIDTERM,
}


def source_document(*, programme: Programme, kind: str, year: int) -> FinalDocument:
    """The document a publication of `kind` is made from (unsaved if nobody has written)."""
    if kind == PublicationKind.CITY_FOLLOWUP:
        return city_followup_get(programme=programme, year=year)
    return midterm_report_get(programme=programme, year=year)


def public_versions(*, programme: Programme, kind: str, year: int) -> list[Publication]:
    return list(
        Publication.objects.filter(
            programme=programme, kind=kind, year=year, withdrawn_at__isnull=True
        ).order_by("number")
    )


def _next_number(*, programme: Programme, kind: str, year: int) -> int:
    earlier = Publication.objects.filter(programme=programme, kind=kind, year=year)
    return (earlier.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def publication_refusal(*, programme: Programme, kind: str, year: int) -> str:
    """Why the document cannot be published now, or ""."""
    document = source_document(programme=programme, kind=kind, year=year)
    if not document.is_final:
        return f"{PublicationKind(kind).label} {year} är inte slutlig. Gör den slutlig först."
    versions = public_versions(programme=programme, kind=kind, year=year)
    if versions and document.finalised_at and versions[-1].published_at >= document.finalised_at:
        return (
            "Den här slutliga versionen är redan publicerad. Öppna den för rättelse för att "
            "publicera en rättad version."
        )
    return ""


def made_pdf(*, programme: Programme, kind: str, year: int) -> GeneratedDocument | None:
    """The document's PDF as the task worker made it from the data as they are now (for a
    final samlad uppföljning: its frozen version), if it has and it is still kept: what
    publishing copies, so that no web request lays out a long document."""
    document_kind = DOCUMENT_KINDS[PublicationKind(kind)]
    source = document_source(document_kind, programme, year)
    made = fresh(jobs_for(document_kind, programme, year)).filter(source_key=source.key)
    return made.order_by("-finished_at").first()


def _publication_pdf(*, programme: Programme, kind: str, year: int, make_missing: bool) -> bytes:
    made = made_pdf(programme=programme, kind=kind, year=year)
    if made is not None:
        with made.file.open("rb") as file:
            return file.read()
    if not make_missing:
        raise FollowupError(PDF_FIRST)
    document = source_document(programme=programme, kind=kind, year=year)
    if isinstance(document, CityFollowup):
        return city_followup_pdf_bytes(document)
    return midterm_pdf_bytes(programme, year)


def publication_draft(*, programme: Programme, kind: str, year: int) -> Publication:
    """What publishing the final document would make public, unsaved and without its PDF:
    for the confirmation page, and the very snapshot `publication_publish` saves."""
    document = source_document(programme=programme, kind=kind, year=year)
    figures = document.figures or {}
    styrkort: list[dict[str, Any]] = []
    if isinstance(document, CityFollowup):
        narrative = snapshot.city_followup_narrative(document)
        styrkort = snapshot.board_styrkort(programme, year, figures)
    else:
        assert isinstance(document, MidtermReport)
        narrative = snapshot.midterm_narrative(document)
    return Publication(
        programme=programme,
        kind=kind,
        year=year,
        number=_next_number(programme=programme, kind=kind, year=year),
        figures=figures,
        narrative=narrative,
        styrkort=styrkort,
        published_at=timezone.now(),
    )


def publication_publish(
    *,
    programme: Programme,
    kind: str,
    year: int,
    user: User,
    note: str = "",
    make_missing_pdf: bool = False,
) -> Publication:
    """Publish the final document as a new version: its figures, narrative, the boards'
    styrkort and its PDF, copied now. A version published after another (a correction)
    needs `note`. The PDF is the one the task worker made from the data as they are now
    (`made_pdf`; without one, refused with PDF_FIRST); outside a web request (the demo) it
    may be made here, `make_missing_pdf`, before the transaction, so that the lock is short."""
    note = note.strip()
    if refusal := publication_refusal(programme=programme, kind=kind, year=year):
        raise FollowupError(refusal)
    if public_versions(programme=programme, kind=kind, year=year) and not note:
        raise FollowupError(NOTE_REQUIRED)
    draft = publication_draft(programme=programme, kind=kind, year=year)
    pdf = _publication_pdf(programme=programme, kind=kind, year=year, make_missing=make_missing_pdf)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        if refusal := publication_refusal(programme=programme, kind=kind, year=year):
            raise FollowupError(refusal)
        if public_versions(programme=programme, kind=kind, year=year) and not note:
            raise FollowupError(NOTE_REQUIRED)
        publication = draft
        publication.number = _next_number(programme=programme, kind=kind, year=year)
        publication.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        publication.note = note
        publication.published_at = timezone.now()
        publication.published_by = user
        publication.pdf.save(publication.pdf_filename, ContentFile(pdf), save=False)
        try:
            publication.full_clean()
            publication.save()
        except Exception:
            publication.pdf.delete(save=False)  # nothing published: no file left behind
            raise
    return publication


def publication_withdraw(
    *, programme: Programme, kind: str, year: int, user: User, reason: str
) -> int:
    """Take the document's public versions down, recording who, when and why. Returns how
    many versions were taken down."""
    reason = reason.strip()
    if not reason:
        raise FollowupError(REASON_REQUIRED)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        versions = public_versions(programme=programme, kind=kind, year=year)
        if not versions:
            raise FollowupError("Det finns ingen publicerad version att avpublicera.")
        now = timezone.now()
        for version in versions:
            version.withdrawn_at, version.withdrawn_by = now, user
            version.withdrawn_reason = reason
            version.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return len(versions)
