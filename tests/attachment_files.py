"""Small real files of every kind a board may attach, and of kinds it may not, made here
rather than checked in: a PDF laid out by WeasyPrint, PNG and JPEG drawn by Pillow, an
.xlsx saved by openpyxl, and Word and OpenDocument packages written as their formats lay
them out."""

import io
import zipfile
from functools import cache

from openpyxl import Workbook
from PIL import Image
from weasyprint import HTML


@cache
def pdf() -> bytes:
    return HTML(string="<html lang='sv'><p>Nämndens rutin mot våld</p></html>").write_pdf()


def _image(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(buffer, format=format_name)
    return buffer.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")


def xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Antal utbildade"
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A real .xlsx with a member of 60 MB of zeros, which packs to some 60 kB."""
    buffer = io.BytesIO(xlsx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bild.bin", bytes(60 * 1024 * 1024))
    return buffer.getvalue()


def _zip(members: list[tuple[str, str]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, text) in enumerate(members):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, text, compress_type=kind)
    return buffer.getvalue()


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCX_BODY = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Verksamhetsberättelse</w:t></w:r></w:p></w:body></w:document>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx(main: str = WORD_MAIN) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", _DOCX_TYPES.format(main=main)),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", _DOCX_BODY),
        ]
    )


def docm() -> bytes:
    """A macro-enabled Word document (.docm)."""
    return docx(WORD_MACRO_MAIN)


def _odf(mimetype: str, body: str) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mimetype}"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    return _zip(
        [("mimetype", mimetype), ("META-INF/manifest.xml", manifest), ("content.xml", content)],
        stored_first=True,
    )


def odt() -> bytes:
    return _odf(
        "application/vnd.oasis.opendocument.text",
        "<office:text><text:p>Rutin</text:p></office:text>",
    )


def ods() -> bytes:
    return _odf("application/vnd.oasis.opendocument.spreadsheet", "<office:spreadsheet/>")


def odp() -> bytes:
    """An OpenDocument presentation: ODF, but not a kind we take."""
    return _odf("application/vnd.oasis.opendocument.presentation", "<office:presentation/>")


def exe() -> bytes:
    """The start of a Windows program: the MZ header and the PE signature it points to."""
    header = bytearray(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")
    header += bytes(0x3C - len(header)) + (0x80).to_bytes(4, "little")
    header += bytes(0x80 - len(header)) + b"PE\x00\x00" + bytes(200)
    return bytes(header)


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def doc() -> bytes:
    """The start of an old binary Word file (an OLE2 compound file)."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
