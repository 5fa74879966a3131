"""The year's attachments in the archive package (records.archive, "Bilagor"): each file as
the board attached it, under "bilagor/<report>/", with the format named for the archive."""

from collections.abc import Iterator

from django.utils.text import get_valid_filename

from attachments.content import BY_KEY, DOCX, JPEG, ODS, ODT, PDF, PNG, XLSX
from attachments.models import Attachment
from catalog.models import Programme
from records.archive import ArchiveFile, pdf_format

# How the archive's manifest names each format (the standard it follows).
FORMATS = {
    DOCX.key: "Office Open XML, ordbehandling (ISO/IEC 29500)",
    XLSX.key: "Office Open XML, kalkylblad (ISO/IEC 29500)",
    ODT.key: "OpenDocument-text (ISO/IEC 26300)",
    ODS.key: "OpenDocument-kalkylblad (ISO/IEC 26300)",
    PNG.key: "PNG (ISO/IEC 15948)",
    JPEG.key: "JPEG (ISO/IEC 10918-1)",
}


def archive_files(programme: Programme, year: int) -> Iterator[ArchiveFile]:
    attachments = (
        Attachment.objects.filter(report__period__programme=programme, report__period__year=year)
        .select_related("report__period", "report__board")
        .order_by("report__period__position", "report__board__name", "pk")
    )
    for attachment in attachments.iterator(chunk_size=200):
        report = attachment.report
        with attachment.file.open("rb") as stored:
            content = stored.read()
        kind = BY_KEY[attachment.kind]
        description = pdf_format(content) if kind is PDF else FORMATS[kind.key]
        folder = f"bilagor/{report.period.kind}-{report.board.slug}"
        name = get_valid_filename(attachment.name) or f"bilaga{kind.extensions[0]}"
        yield ArchiveFile(
            f"{folder}/{attachment.pk}-{name}", content, kind.content_type, description
        )
