"""The archive package of a programme year for the city's e-archive (issue 14, point 3).

One ZIP, made by the task worker like the other long documents
(`followup.documents.jobs`, kind `DocumentKind.ARCHIVE`), holding:

- every report of the year as JSON, in the reports API's format (`followup.api.report_json`),
  and as PDF, printed from that same JSON (no per-report PDF exists elsewhere, and the
  styrkort shows a board's latest status, not one period's, so it cannot stand for a report);
- the samlad uppföljning PDF (when the year has its annual period) and the halvtidsrapport
  PDF (when one is written for the year), made by the documents' own makers;
- the catalog, in the open data API's format (`catalog.api.programme_json`);
- the boards' attachments as they were attached (`attachments.archive`);
- `manifest.json` and `manifest.csv`: every other file with its SHA-256, size, media type
  and a description of its format.

What goes in is a registry of parts (`ARCHIVE_PARTS`): a new kind of record is one entry.
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from django.conf import settings
from django.utils import timezone

from catalog.models import Programme

JSON_FORMAT = "JSON (RFC 8259), UTF-8"
CSV_FORMAT = "CSV (RFC 4180), UTF-8, semikolon"
MANIFEST_FILES = ("manifest.json", "manifest.csv")
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ArchiveFile:
    path: str  # inside the ZIP, "rapporter/T1-rinkeby-kista-stadsdelsnamnd.json"
    content: bytes
    media_type: str
    description: str  # of the format, for the archive: "PDF 1.7 (ISO 32000-1)"


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    sha256: str
    bytes: int
    media_type: str
    format: str


def pdf_format(content: bytes) -> str:
    """The PDF's version as its header states it."""
    match = re.match(rb"%PDF-(\d\.\d)", content)
    version = match.group(1).decode() if match else "okänd version"
    standard = "ISO 32000-2" if version.startswith("2") else "ISO 32000-1"
    return f"PDF {version} ({standard})"


def pdf_file(path: str, content: bytes) -> ArchiveFile:
    return ArchiveFile(path, content, "application/pdf", pdf_format(content))


def json_file(path: str, document: object) -> ArchiveFile:
    content = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return ArchiveFile(path, content, "application/json", JSON_FORMAT)


def site_uri(path: str) -> str:
    """An address on the site: the archive is made without a request."""
    return settings.SITE_URL.rstrip("/") + path


# --- The parts ---------------------------------------------------------------------------


def report_files(programme: Programme, year: int) -> Iterator[ArchiveFile]:
    from followup.api import reports_json
    from followup.documents.pdf import render_pdf
    from followup.models import Report
    from followup.selectors import with_api_rows

    reports = list(
        with_api_rows(
            Report.objects.filter(period__programme=programme, period__year=year)
        ).order_by("period__position", "board__name", "pk")
    )
    for report, document in zip(reports, reports_json(reports, site_uri), strict=True):
        name = f"rapporter/{report.period.kind}-{report.board.slug}"
        yield json_file(f"{name}.json", document)
        context = {
            "title": f"{report.board.name}: {report.period.label}",
            "organisation": programme.organisation,
            "programme": programme,
            "report": document,
        }
        yield pdf_file(f"{name}.pdf", render_pdf("records/report_print.html", context))


def _made(kind: str, programme: Programme, year: int) -> bytes:
    """A document as its own maker in followup.documents.jobs makes it."""
    from followup.documents.jobs import MAKERS
    from followup.models import GeneratedDocument

    out = io.BytesIO()
    MAKERS[kind](GeneratedDocument(programme=programme, kind=kind, year=year), out, _no_progress)
    return out.getvalue()


def _no_progress(done: int, total: int) -> None:
    pass


def document_files(programme: Programme, year: int) -> Iterator[ArchiveFile]:
    from followup.documents.jobs import document_available, document_filename
    from followup.models import DocumentKind, MidtermReport

    kind = DocumentKind.CITY_FOLLOWUP
    if document_available(kind, programme, year):
        yield pdf_file(document_filename(kind, programme, year), _made(kind, programme, year))
    if MidtermReport.objects.filter(programme=programme, year=year).exists():
        kind = DocumentKind.MIDTERM
        yield pdf_file(document_filename(kind, programme, year), _made(kind, programme, year))


def catalog_files(programme: Programme, year: int) -> Iterator[ArchiveFile]:
    from catalog.api import programme_json
    from catalog.selectors import programme_catalog

    catalog = programme_catalog(programme.slug).get()
    yield json_file(f"katalog-{programme.slug}.json", programme_json(catalog, site_uri))


def attachment_files(programme: Programme, year: int) -> Iterator[ArchiveFile]:
    from attachments.archive import archive_files

    yield from archive_files(programme, year)


@dataclass(frozen=True)
class ArchivePart:
    """What goes into the package; `per_file` parts count a progress step per file (the
    reports, two per report), the others one step for the part."""

    label: str
    files: Callable[[Programme, int], Iterator[ArchiveFile]]
    available: Callable[[], bool] = lambda: True
    per_file: bool = False


ARCHIVE_PARTS: tuple[ArchivePart, ...] = (
    ArchivePart("Rapporter (JSON och PDF)", report_files, per_file=True),
    ArchivePart("Samlad uppföljning och halvtidsrapport", document_files),
    ArchivePart("Katalogen", catalog_files),
    ArchivePart("Bilagor", attachment_files),
)


# --- The package -------------------------------------------------------------------------


def archive_steps(programme: Programme, year: int) -> int:
    """Steps for the progress bar: two files per report, and each other part."""
    from followup.models import Report

    reports = Report.objects.filter(period__programme=programme, period__year=year).count()
    return 2 * reports + sum(1 for part in ARCHIVE_PARTS if not part.per_file)


def write_archive(
    programme: Programme, year: int, out: IO[bytes], progress: Callable[[int, int], None]
) -> list[ManifestEntry]:
    """Write the package to `out`; the manifest's entries, as written into it."""
    total = archive_steps(programme, year)
    done = 0
    progress(done, total)
    entries: list[ManifestEntry] = []
    with ZipFile(out, "w", compression=ZIP_DEFLATED) as archive:
        for part in ARCHIVE_PARTS:
            if not part.available():
                continue
            for file in part.files(programme, year):
                archive.writestr(file.path, file.content)
                entries.append(
                    ManifestEntry(
                        path=file.path,
                        sha256=hashlib.sha256(file.content).hexdigest(),
                        bytes=len(file.content),
                        media_type=file.media_type,
                        format=file.description,
                    )
                )
                if part.per_file:
                    done += 1
                    progress(min(done, total), total)
            if not part.per_file:
                done += 1
                progress(min(done, total), total)
        manifest = {
            "format": MANIFEST_VERSION,
            "programme": programme.slug,
            "programme_name": programme.name,
            "organisation": programme.organisation,
            "year": year,
            "made_at": timezone.now().isoformat(),
            "note": "Förteckningen tar upp varje fil i paketet utom manifest.json och "
            "manifest.csv.",
            "files": [asdict(entry) for entry in entries],
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("manifest.csv", _manifest_csv(entries))
    progress(total, total)
    return entries


def _manifest_csv(entries: list[ManifestEntry]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(["sökväg", "sha256", "byte", "medietyp", "format"])
    for entry in entries:
        writer.writerow([entry.path, entry.sha256, entry.bytes, entry.media_type, entry.format])
    return text.getvalue().encode()


def archive_filename(programme: Programme, year: int) -> str:
    return f"arkiv-{programme.slug}-{year}.zip"


def make_archive(job: Any, out: IO[bytes], progress: Callable[[int, int], None]) -> None:
    """The maker of `DocumentKind.ARCHIVE` in followup.documents.jobs."""
    assert job.year is not None  # an archive package is of a year
    write_archive(job.programme, job.year, out, progress)
