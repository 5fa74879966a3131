"""Documents built from the data as PDF: styrkort, samlad uppföljning, halvtidsrapport.

`pdf.render_pdf` turns a template extending `documents/base.html` into PDF bytes with a URL
fetcher that reaches nothing but the app's static files; the other modules gather what each
document shows.
"""

import logging

# fontTools logs every font subset it makes, and WeasyPrint every step of every document,
# at INFO: dozens of lines per document that say nothing to whoever reads the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class _WithoutHarfBuzzSubsetNotice(logging.Filter):
    """WeasyPrint warns, for every font of every document, that it subsets fonts with
    fontTools because the system lacks HarfBuzz-Subset. fontTools does the job; the
    notice says nothing new after the first time."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in str(record.msg)


logging.getLogger("weasyprint").addFilter(_WithoutHarfBuzzSubsetNotice())
