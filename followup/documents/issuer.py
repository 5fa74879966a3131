"""Who issued a document, as every document says it: the administration that compiled it
(Socialförvaltningen in Stockholm), the organisation, the decision behind the programme with
its diarienummer, and the city's logo where the operator has given one.

The administration and the decision are the programme's (`Programme.issuer`, `.decision`,
`.reference`, from the catalog document and editable in the admin). The logo is the
operator's, never a user's: a file in `settings.DOCUMENT_LOGO_DIR` named by the programme's
slug. The documents name it by a URL under the documents' own origin (`logo_url`), which
`pdf.StaticFilesFetcher` answers from that folder only (`logo_file_for_url`).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from catalog.models import Programme

LOGO_PATH = "/logotyp/"
LOGO_SUFFIXES = (".svg", ".png", ".jpg")
_LOGO_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.(svg|png|jpg)")


@dataclass(frozen=True)
class Issuer:
    organisation: str  # "Stockholms stad"
    administration: str  # "Socialförvaltningen", "" when the programme names none
    decision: str  # "Godkänt av kommunfullmäktige i juni 2021", or ""
    reference: str  # the diarienummer, "KS 2020/924", or ""
    logo_url: str  # "" without a logo
    logo_alt: str

    @property
    def issued_by(self) -> str:
        """ "Socialförvaltningen, Stockholms stad", or the organisation alone."""
        if self.administration:
            return f"{self.administration}, {self.organisation}"
        return self.organisation

    @property
    def decision_text(self) -> str:
        """ "Godkänt av kommunfullmäktige i juni 2021 (dnr KS 2020/924)", or ""."""
        if self.decision and self.reference:
            return f"{self.decision} (dnr {self.reference})"
        return self.decision or (f"Dnr {self.reference}" if self.reference else "")


def _logo_file(programme: Programme) -> Path | None:
    folder = settings.DOCUMENT_LOGO_DIR
    if not folder:
        return None
    for suffix in LOGO_SUFFIXES:
        path = Path(folder) / f"{programme.slug}{suffix}"
        if path.is_file():
            return path
    return None


def document_issuer(programme: Programme) -> Issuer:
    from followup.documents.pdf import DOCUMENT_ORIGIN

    logo = _logo_file(programme)
    return Issuer(
        organisation=programme.organisation,
        administration=programme.issuer,
        decision=programme.decision,
        reference=programme.reference,
        logo_url=f"{DOCUMENT_ORIGIN}{LOGO_PATH}{logo.name}" if logo else "",
        logo_alt=f"{programme.organisation}s logotyp",
    )


def logo_file_for_url(url: str) -> Path | None:
    """The logo file a document URL names, or None: only a plain file name under
    LOGO_PATH, and only a file that is in `settings.DOCUMENT_LOGO_DIR` itself."""
    from followup.documents.pdf import DOCUMENT_ORIGIN

    folder = settings.DOCUMENT_LOGO_DIR
    prefix = DOCUMENT_ORIGIN + LOGO_PATH
    if not folder or not url.startswith(prefix):
        return None
    name = url.removeprefix(prefix)
    if not _LOGO_NAME.fullmatch(name):
        return None
    path = Path(folder) / name
    return path if path.is_file() else None
