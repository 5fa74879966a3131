"""What an attached file is, told from its content and never from its name alone.

A board attaches evidence: PDF, Word (.docx), OpenDocument text (.odt), Excel (.xlsx),
OpenDocument spreadsheets (.ods), PNG and JPEG. The file's signature is read with puremagic
(file signatures, pure Python); the office formats are all ZIP archives, so for them the
archive's own description is read as well: an Office Open XML package names its main part in
`[Content_Types].xml`, an OpenDocument file begins with a `mimetype` entry. The name's
extension must agree with what the content is. Anything else (a renamed program, an HTML or
SVG page, a macro-enabled workbook, an old binary .doc) is refused with a Swedish message.

Old binary Word files (.doc) are refused: their container (OLE2) holds Excel, Outlook and
installer files alike and carries macros, and cannot be told apart without parsing it; Word
saves any of them as .docx or PDF in two clicks.

Only the first kilobytes and, for an archive, its directory and one small member are read:
never the whole file into memory.
"""

import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic

from followup.excel.checks import (
    CONTENT_TYPES_PART,
    MAX_UNPACKED_BYTES,
    OLE2_MAGIC,
    ooxml_content_types,
    unpacked_bytes,
)

HEAD_BYTES = 8192
# [Content_Types].xml and `mimetype` are a few kilobytes; a larger one is not from Office.
MAX_DESCRIPTION_BYTES = 1024 * 1024
# An office document packs its XML some ten times and its pictures not at all; an archive
# that unpacks to more than a hundred times its size (Apache POI's limit) and past what the
# workbook import takes is a zip bomb, for whoever opens the attachment later.
MAX_INFLATION = 100


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str  # in the interface: "PDF", "Word-dokument"
    article: str  # "en", "ett": "innehållet är ett Word-dokument"
    extensions: tuple[str, ...]  # the first is the one a stored file gets
    content_type: str  # sent with the download


PDF = FileKind("pdf", "PDF", "en", (".pdf",), "application/pdf")
DOCX = FileKind(
    "docx",
    "Word-dokument",
    "ett",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ODT = FileKind(
    "odt", "OpenDocument-text", "en", (".odt",), "application/vnd.oasis.opendocument.text"
)
XLSX = FileKind(
    "xlsx",
    "Excel-arbetsbok",
    "en",
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
ODS = FileKind(
    "ods",
    "OpenDocument-kalkylblad",
    "ett",
    (".ods",),
    "application/vnd.oasis.opendocument.spreadsheet",
)
PNG = FileKind("png", "PNG-bild", "en", (".png",), "image/png")
JPEG = FileKind("jpeg", "JPEG-bild", "en", (".jpg", ".jpeg"), "image/jpeg")

KINDS = (PDF, DOCX, ODT, XLSX, ODS, PNG, JPEG)
BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}
BY_KEY = {kind.key: kind for kind in KINDS}

# The main part of a package, by what it is (ECMA-376 part 1). The macro-enabled variants
# (.docm, .xlsm) and templates have other types, and are refused.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ODF_MIMETYPES = {ODT.content_type: ODT, ODS.content_type: ODS}

# What puremagic names the signatures we take: the family, before an archive is opened.
_SIGNATURES = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".zip": "zip"}
# Office packages are ZIP archives; puremagic names them by their first member.
_ZIP_NAMES = {".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".jar", ".apk"}
_PROGRAMS = {".exe", ".dll", ".com", ".msi", ".elf", ".so", ".bat", ".sh", ".jar", ".apk"}
_PAGES = {".html", ".htm", ".svg", ".xml", ".xhtml", ".js"}

ALLOWED_TEXT = (
    "PDF, Word (.docx), OpenDocument-text (.odt), Excel (.xlsx), "
    "OpenDocument-kalkylblad (.ods), PNG eller JPEG"
)
EMPTY = "Filen är tom (0 byte). Välj filen igen."
OLD_WORD = (
    "Äldre Word-filer (.doc) tas inte emot. Spara dokumentet som Word-dokument (.docx) "
    "eller PDF i Word och bifoga det igen."
)
OLD_OFFICE = (
    "Filen är i ett äldre Office-format (till exempel .doc eller .xls) och tas inte emot. "
    "Spara den som .docx, .xlsx eller PDF och bifoga den igen."
)
MACROS = (
    "Filen innehåller makron (till exempel .docm eller .xlsm) och tas inte emot. Spara den "
    "som vanligt Word-dokument (.docx) eller Excel-arbetsbok (.xlsx)."
)
PROGRAM = "Filen är ett program och tas inte emot, vad den än heter. Bara dokument och bilder."
PAGE = "Filen är en webbsida eller SVG-bild och tas inte emot, vad den än heter."
ENCRYPTED = "Filen är lösenordsskyddad och kan inte tas emot. Ta bort lösenordet och försök igen."
ZIP_BOMB = (
    "Filen blir orimligt stor när den packas upp (en så kallad zip-bomb) och tas inte emot. "
    "Spara dokumentet på nytt och bifoga det igen."
)


class Refused(Exception):
    """The file cannot be attached; the message says why, in Swedish."""


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def kind_for_name(name: str) -> FileKind:
    """The kind the file's name says it is; Refused for a name we take no files by."""
    extension = extension_of(name)
    if extension == ".doc":
        raise Refused(OLD_WORD)
    if extension not in BY_EXTENSION:
        shown = f"Filer av typen {extension}" if extension else "Filer utan filändelse"
        raise Refused(f"{shown} tas inte emot. Bifoga {ALLOWED_TEXT}.")
    return BY_EXTENSION[extension]


def sniff(file: IO[bytes]) -> FileKind:
    """What the content is, read from the file (positioned anywhere; left at its start);
    Refused with the reason for anything that is none of our kinds."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if not head:
        raise Refused(EMPTY)
    try:
        found = [match for match in puremagic.magic_string(head) if match.offset == 0]
    except puremagic.PureError:
        found = []
    extensions = {match.extension.lower() for match in found}
    family = next((_SIGNATURES[e] for e in extensions if e in _SIGNATURES), None)
    if family is None and extensions & _ZIP_NAMES:
        family = "zip"
    if family == "pdf":
        return PDF
    if family == "png":
        return PNG
    if family == "jpeg":
        return JPEG
    if family == "zip":
        return _package_kind(file)
    if head.startswith(OLE2_MAGIC):  # .doc, .xls of old (also an installer, .msi)
        raise Refused(OLD_OFFICE)
    if extensions & _PROGRAMS or head.startswith((b"MZ", b"\x7fELF", b"#!")):
        raise Refused(PROGRAM)
    if extensions & _PAGES or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise Refused(PAGE)
    raise Refused(f"Filens innehåll är inget av det som tas emot ({ALLOWED_TEXT}).")


def _package_kind(file: IO[bytes]) -> FileKind:
    """An office document's kind from the archive's own description of itself."""
    damaged = Refused("Filen är skadad (ett ofullständigt ZIP-arkiv) och kan inte läsas.")
    packed = file.seek(0, 2)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            unpacked = unpacked_bytes(archive)
            if unpacked > MAX_UNPACKED_BYTES and unpacked > MAX_INFLATION * packed:
                raise Refused(ZIP_BOMB)
            if any(member.flag_bits & 0x1 for member in members):
                raise Refused(ENCRYPTED)
            names = {member.filename.lower() for member in members}
            if any(name.endswith("vbaproject.bin") for name in names):
                raise Refused(MACROS)
            # OpenDocument: the first member is `mimetype`, stored, holding the type.
            first = members[0] if members else None
            if first is not None and first.filename == "mimetype":
                if first.file_size > MAX_DESCRIPTION_BYTES:
                    raise damaged
                mimetype = archive.read(first).decode("ascii", "replace").strip()
                if mimetype in ODF_MIMETYPES:
                    return ODF_MIMETYPES[mimetype]
                raise Refused(
                    f"Filen är ett OpenDocument-dokument av en annan sort än text eller "
                    f"kalkylblad och tas inte emot. Bifoga {ALLOWED_TEXT}."
                )
            if CONTENT_TYPES_PART in archive.namelist():
                if archive.getinfo(CONTENT_TYPES_PART).file_size > MAX_DESCRIPTION_BYTES:
                    raise damaged
                types = ooxml_content_types(archive) or set()
                if any("macroenabled" in kind.lower() for kind in types):
                    raise Refused(MACROS)
                for content_type, kind in OOXML_MAIN_PARTS.items():
                    if content_type in types:
                        return kind
        raise Refused(
            f"Filen är ett ZIP-arkiv men inget dokument som tas emot. Bifoga {ALLOWED_TEXT}."
        )
    except Refused:
        raise
    except Exception:
        # zipfile fails in many ways on a damaged or hostile archive (BadZipFile, EOFError,
        # NotImplementedError, zlib.error, …).
        raise damaged from None
    finally:
        file.seek(0)


def check(file: IO[bytes], name: str) -> FileKind:
    """The file's kind when its name and its content agree on one we take; Refused
    otherwise. The size is checked before (attachments.uploads)."""
    named = kind_for_name(name)
    content = sniff(file)
    if content != named:
        raise Refused(
            f"Filen heter {extension_of(name)} men innehållet är {content.article} "
            f"{content.label} ({content.extensions[0]}). Byt filändelse eller välj rätt fil."
        )
    return named
