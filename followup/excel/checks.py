"""What an uploaded file must be before openpyxl reads it, and how the problems found in it
are collected and told.

A template comes back as the bytes of whatever the user picked: an empty file, an old .xls,
a password-protected workbook, a macro-enabled .xlsm, a Word document, a damaged or hostile
ZIP. Each gets its own Swedish message here, from the file's content (never its name), and
nothing in the archive is unpacked before its declared sizes have been checked.
"""

import heapq
import struct
import zipfile
from io import BytesIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from openpyxl.utils import column_index_from_string

from followup.guard import Stop

# A workbook is a zip archive: a small file can unpack to a great deal. Stockholm's
# template unpacks to well under a megabyte.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A page of a few thousand errors helps no one and a hostile file can make one of any
# length: the first ones are shown, the rest counted.
MAX_SHOWN_ERRORS = 50

EMPTY = "Filen är tom (0 byte). Välj den ifyllda mallen och ladda upp den igen."
NOT_A_WORKBOOK = (
    "Filen är inte en Excel-arbetsbok (.xlsx) som går att läsa. Spara den som "
    "Excel-arbetsbok och försök igen."
)
DAMAGED = (
    "Filen är skadad (ofullständig eller ändrad efter att den sparades) och kan inte läsas. "
    "Spara den på nytt i Excel och ladda upp den igen."
)
OLD_FORMAT = (
    "Filen är i ett äldre format (till exempel .xls) och inte en .xlsx-mall härifrån. "
    "Hämta mallen på rapportens sida, fyll i den och spara den som Excel-arbetsbok (.xlsx)."
)
ENCRYPTED = (
    "Filen är lösenordsskyddad och kan därför inte läsas. Ta bort lösenordet i Excel "
    "(Skydda arbetsbok, Kryptera med lösenord), spara och ladda upp filen igen."
)
MACRO_ENABLED = (
    "Filen är en makroaktiverad arbetsbok (.xlsm). Bara mallarna härifrån tas emot, som "
    ".xlsx: hämta mallen på rapportens sida, fyll i den och spara den som Excel-arbetsbok "
    "(.xlsx)."
)
NOT_A_SPREADSHEET = (
    "Filen är ett ZIP-arkiv men ingen Excel-arbetsbok (till exempel ett Word-dokument). "
    "Ladda upp den ifyllda mallen (.xlsx) från rapportens sida."
)
TOO_BIG_UNPACKED = "Filen är för stor uppackad för att vara en mall."

# The content type of a workbook's main part (ECMA-376 part 1). Microsoft's macro variants
# (.xlsm, .xltm, .xlam) and the binary .xlsb all have "macroEnabled" in theirs.
WORKBOOK_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
CONTENT_TYPES_PART = "[Content_Types].xml"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"


class ImportRefused(Exception):
    """The upload cannot be applied; `errors` says why, in Swedish, naming sheet, row and
    column where there is one. `more` counts the errors found beyond those shown;
    `guard_stops` are the cells the personal-data guard stopped, for `followup.guard`."""

    def __init__(
        self,
        errors: list[str],
        status: int = 422,
        more: int = 0,
        guard_stops: list["Stop"] | None = None,
    ) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
        self.status = status
        self.more = more
        self.guard_stops = guard_stops or []

    @property
    def more_label(self) -> str:
        """ "och 1 234 fler fel", or "" when every error is shown."""
        return f"och {grouped(self.more)} fler fel" if self.more else ""


def grouped(number: int) -> str:
    """A number as Swedish writes it: thousands grouped by a (non-breaking) space."""
    return f"{number:,}".replace(",", "\u00a0")


# --- The file before it is read -----------------------------------------------------------


def file_problem(content: bytes) -> str | None:
    """Why these bytes cannot be a template from here, or None if openpyxl may read them."""
    if not content:
        return EMPTY
    if content.startswith(OLE2_MAGIC):
        # Excel writes a password-protected .xlsx as an OLE2 container holding the
        # encrypted package; an unprotected OLE2 file is an .xls (or .doc) of old.
        return ENCRYPTED if "EncryptedPackage" in ole2_streams(content) else OLD_FORMAT
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return _archive_problem(archive)
    except Exception:
        # zipfile fails in many ways on a damaged or hostile archive (BadZipFile, EOFError,
        # NotImplementedError, zlib.error, ...): to the user it is damaged if it begins as
        # a ZIP archive does, and something else otherwise.
        return DAMAGED if content.startswith(ZIP_MAGIC) else NOT_A_WORKBOOK


def unpacked_bytes(archive: zipfile.ZipFile) -> int:
    """What the archive's members unpack to, as its directory declares: read before anything
    is unpacked. zipfile never unpacks a member beyond its declared size (it stops there and
    fails the CRC), so the declared sizes bound the work. Also read for attachments."""
    return sum(member.file_size for member in archive.infolist())


def _archive_problem(archive: zipfile.ZipFile) -> str | None:
    members = archive.infolist()
    if unpacked_bytes(archive) > MAX_UNPACKED_BYTES:
        return TOO_BIG_UNPACKED
    # A ZIP password (bit 0 of the flags) is not how Excel protects a workbook, but it is
    # a password all the same.
    if any(member.flag_bits & 0x1 for member in members):
        return ENCRYPTED
    # Every member's checksum, also of the parts openpyxl would not read.
    if archive.testzip() is not None:
        return DAMAGED
    if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
        return MACRO_ENABLED
    # openpyxl parses with lxml when it is installed (pikepdf brings it), and lxml expands
    # the entities a part declares: no part may declare any (Office never writes a DTD; in
    # the text of a cell "<" is always escaped, so these bytes are markup).
    if any(_declares_entities(archive.read(member)) for member in members):
        return NOT_A_WORKBOOK
    if CONTENT_TYPES_PART not in archive.namelist():
        return NOT_A_SPREADSHEET
    types = ooxml_content_types(archive)
    if types is None:
        return NOT_A_WORKBOOK
    if any("macroenabled" in kind.lower() or "vbaproject" in kind.lower() for kind in types):
        return MACRO_ENABLED
    if not types & WORKBOOK_CONTENT_TYPES:
        return NOT_A_SPREADSHEET
    return None


def _declares_entities(part: bytes) -> bool:
    return b"<!DOCTYPE" in part or b"<!ENTITY" in part


def ooxml_content_types(archive: zipfile.ZipFile) -> set[str] | None:
    """The content types an Office Open XML package declares in its `[Content_Types].xml`
    (the main part's says what the document is), or None if that part is missing, not XML,
    or XML declaring entities (which Office never writes). Also read for attachments."""
    try:
        return {
            str(element.get("ContentType", ""))
            for element in fromstring(archive.read(CONTENT_TYPES_PART))
        }
    except (KeyError, ParseError, DefusedXmlException):
        return None


# Sector numbers from here up are markers (reserved, DIFSECT, FATSECT, ENDOFCHAIN, FREESECT).
_SPECIAL_SECTORS = 0xFFFFFFFB


def ole2_streams(content: bytes) -> set[str]:
    """The names in an OLE2 (compound file) directory, read as [MS-CFB] lays it out; an
    empty set if the file is too damaged to tell.

    Only the directory is read, never a stream. The file is at most the upload limit, so
    the 109 FAT sectors the header lists are all the FAT there can be (109 x 128 sectors
    of 512 bytes is 7 MB), and following a chain stops after as many sectors as the file has.
    """
    try:
        sector_size = 1 << struct.unpack_from("<H", content, 0x1E)[0]
        if sector_size not in (512, 4096):
            return set()
        first_directory = struct.unpack_from("<I", content, 0x30)[0]
        fat_sectors = struct.unpack_from("<109I", content, 0x4C)
        sector_count = len(content) // sector_size

        def sector(number: int) -> bytes:
            start = (number + 1) * sector_size
            return content[start : start + sector_size]

        fat: list[int] = []
        for number in fat_sectors:
            if number >= _SPECIAL_SECTORS:
                break
            data = sector(number)
            fat += struct.unpack_from(f"<{len(data) // 4}I", data)
        names: set[str] = set()
        number, steps = first_directory, 0
        while number < min(_SPECIAL_SECTORS, len(fat)) and steps < sector_count:
            data = sector(number)
            for offset in range(0, len(data) - 127, 128):
                length, kind = struct.unpack_from("<HB", data, offset + 0x40)
                if kind in (1, 2, 5) and 2 <= length <= 64:  # storage, stream, root
                    names.add(data[offset : offset + length - 2].decode("utf-16-le"))
            number, steps = fat[number], steps + 1
        return names
    except (struct.error, UnicodeDecodeError):
        return set()


# --- The problems found reading it --------------------------------------------------------


class Problems:
    """Every problem found in one file, one per cell: the first problem found for a cell is
    the one told (that it holds a formula, say, and not also that a formula is no number).

    The first MAX_SHOWN_ERRORS in the file's order (sheet, row, column) are kept, in
    whatever order they were found; the others are only counted, so that a file of a
    hundred thousand bad rows costs a counter, not a page.
    """

    def __init__(self) -> None:
        self._cells: set[tuple[str, int, str]] = set()
        self._sheets: dict[str, int] = {}
        # A heap of the shown errors keyed by their negated position: its top is the one
        # furthest into the file, the one to give up when an earlier one turns up.
        self._shown: list[tuple[tuple[int, int, int], str]] = []
        self.count = 0
        # What the personal-data guard stopped, every cell of it (also those not shown).
        self.guard_stops: list[Stop] = []

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, sheet: str, line: int, column: str, message: str, about: str = "") -> None:
        """A problem in a cell (`column` "" for the row as a whole); `about` names the
        row's item in a message about the row."""
        cell = (sheet, line, column)
        if cell in self._cells:
            return
        self._cells.add(cell)
        self.count += 1
        rank = self._sheets.setdefault(sheet, len(self._sheets))
        key = (-rank, -line, -column_index_from_string(column) if column else 0)
        text = f"{where(sheet, line, column)}{f' ({about})' if about else ''}: {message}"
        if len(self._shown) < MAX_SHOWN_ERRORS:
            heapq.heappush(self._shown, (key, text))
        elif key > self._shown[0][0]:
            heapq.heapreplace(self._shown, (key, text))

    def refused(self, status: int = 422) -> ImportRefused:
        shown = [text for _, text in sorted(self._shown, reverse=True)]
        return ImportRefused(
            shown, status=status, more=self.count - len(shown), guard_stops=self.guard_stops
        )

    def raise_any(self, status: int = 422) -> None:
        if self:
            raise self.refused(status)


def where(sheet: str, line: int, column: str = "") -> str:
    """A place in the file as the messages name it: "Aktiviteter, rad 7, kolumn C"."""
    return f"{sheet}, rad {line}" + (f", kolumn {column}" if column else "")
