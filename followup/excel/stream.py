"""A workbook written while it is being sent.

openpyxl, even in write-only mode, finishes the whole file before its first byte can go out,
which for a city-wide export at scale means a long wait and a temporary file as big as the
export. Here each sheet's XML is generated row by row straight into a ZIP stream (Python's
zipfile writes to a stream that cannot seek, using data descriptors), and the bytes are handed
to the response as soon as there are enough of them: the download starts at once and memory
stays flat.

Only what a data export needs: inline text (never a formula; text that a spreadsheet would
take for a formula when edited gets Excel's quote prefix), numbers, a bold header row that
stays in view, column widths. The workbooks this makes are read back with openpyxl in the
tests.
"""

import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from followup.excel.layout import needs_quote, safe_text
from followup.streaming import ChunkBuffer

CHUNK = 64 * 1024  # bytes handed to the response at a time

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (cellXfs): 0 normal, 1 bold header, 2 text with Excel's quote prefix.
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
HEADER, QUOTED = 1, 2

Sheet = tuple[str, list[tuple[str, int]], Iterable[list[object]]]  # title, headers, rows


def _cell(reference: str, value: object, style: int = 0) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        value = "Ja" if value else "Nej"
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = str(value)
    if style == 0 and needs_quote(text):
        style = QUOTED
    styled = f' s="{style}"' if style else ""
    return (
        f'<c r="{reference}"{styled} t="inlineStr"><is><t xml:space="preserve">'
        f"{escape(safe_text(text))}</t></is></c>"
    )


def _row(number: int, values: list[object], letters: list[str], style: int = 0) -> bytes:
    cells = "".join(
        _cell(f"{letter}{number}", value, style)
        for letter, value in zip(letters, values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _sheet_head(headers: list[tuple[str, int]], letters: list[str]) -> bytes:
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, (_, width) in enumerate(headers, start=1)
    )
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f"<cols>{columns}</cols><sheetData>"
    ).encode() + _row(1, [header for header, _ in headers], letters, HEADER)


def _package(titles: list[str]) -> dict[str, str]:
    """The parts around the sheets: content types, relationships, the workbook."""
    sheets = range(1, len(titles) + 1)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in sheets
    )
    return {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC}/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                for n, title in zip(sheets, titles, strict=True)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_DOC}/relationships/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in sheets
            )
            + f'<Relationship Id="rId{len(titles) + 1}" Type="{_DOC}/relationships/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }


def stream_workbook(sheets: list[Sheet]) -> Iterator[bytes]:
    """The .xlsx of `sheets`, in chunks, each sheet's rows read as they are written."""
    buffer = ChunkBuffer()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _package([title for title, _, _ in sheets]).items():
            archive.writestr(name, xml)
        for index, (_, headers, rows) in enumerate(sheets, start=1):
            letters = [get_column_letter(n) for n in range(1, len(headers) + 1)]
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w") as part:
                part.write(_sheet_head(headers, letters))
                for number, values in enumerate(rows, start=2):
                    part.write(_row(number, values, letters))
                    if buffer.size >= CHUNK:
                        yield buffer.take()
                part.write(b"</sheetData></worksheet>")
            yield buffer.take()
    yield buffer.take()
