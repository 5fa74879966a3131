"""The guard against personal data in free text.

The service holds aggregated follow-up only, never data about individual victims or
perpetrators (DESIGN.md). What a machine can tell about a person in a text is a
personnummer or samordningsnummer, an e-mail address and a phone number: a text holding one
is refused, wherever it is written (a row's comment, an analysis, a summary, a narrative, an
own item, a cell of an uploaded template), by the validator here on the model fields and
forms those texts go through. `followup.guard` counts the refusals.

What is and is not found, so that ordinary follow-up text never sets it off:

- A personnummer is six or eight digits of a date, an optional "-" or "+", and four more
  digits, the last of them the Luhn check digit of the ten-digit form; a samordningsnummer
  is the same with 60 added to the day. Dates (2024-05-12, 20240512), years, ranges
  (2024–2027), organisation numbers (their "month" is 20 or more) and diarienummer
  ("SN 2023/1234", "Dnr 3.1.2-123/2024") are none: they fail the date or the check digit,
  or are too short.
- An e-mail address is something@domain.tld.
- A phone number is Swedish: 0 and an area code, or +46/0046, with 8 to 10 digits in all
  (07x-xxx xx xx, 08-xxx xx xx, 0xx-xxxxxx), in groups parted by a space or a hyphen.
  Digits that continue a number (the "028 000" of "1 028 000 kr", "08" of "2024-08-12"),
  times (08:30) and decimals (0,5) are none. The national service numbers (020, 0200 and
  077: Kvinnofridslinjen is 020-50 50 50) are no one's own number and are let through.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

# The code on the ValidationError, by which `followup.guard` finds the refusals in a form.
GUARD_CODE = "personal_data"


class PersonalDataKind(models.TextChoices):
    """What the guard finds; the label reads after "ett"/"en" in the refusal."""

    PERSONNUMMER = "personnummer", "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer", "samordningsnummer"
    EMAIL = "epost", "e-postadress"
    PHONE = "telefon", "telefonnummer"


# "ett personnummer", "en e-postadress"
_ARTICLES = {
    PersonalDataKind.PERSONNUMMER: "ett",
    PersonalDataKind.SAMORDNINGSNUMMER: "ett",
    PersonalDataKind.EMAIL: "en",
    PersonalDataKind.PHONE: "ett",
}


@dataclass(frozen=True)
class Finding:
    kind: PersonalDataKind
    text: str  # as it stands in the text, for the user to find it (never logged)


# The spaces Swedish text puts between groups of digits.
_SPACES = " \u00a0\u2009\u202f"
_SPACE = f"[{_SPACES}]"
# One space, or a hyphen or en dash with or without spaces around it.
_GROUP_SEP = f"(?:{_SPACE}?[-–]{_SPACE}?|{_SPACE})"
# Not within a longer number, a word, a date or a diarienummer.
_NOT_AFTER = r"(?<![\w+\-–/.,:])"
# Nor the later groups of a number grouped by spaces ("1 028 000").
_NOT_AFTER_GROUP = "".join(f"(?<!\\d{space})" for space in _SPACES)
_NOT_BEFORE = r"(?![\w/]|[.,:\-]\d)"

_PERSONNUMMER = re.compile(
    _NOT_AFTER + r"(?P<century>\d{2})?(?P<date>\d{6})[-+]?(?P<serial>\d{4})" + _NOT_BEFORE
)
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])")
# Groups of digits from the leading 0 or +46; how many digits there are is checked after.
_PHONE = re.compile(
    _NOT_AFTER
    + _NOT_AFTER_GROUP
    + r"(?P<prefix>(?:\+|00)46"
    + _GROUP_SEP
    + r"?(?:\(0\)"
    + _GROUP_SEP
    + r"?)?|\(?0(?=[1-9]))"
    + r"(?P<number>\d(?:\)?"
    + _GROUP_SEP
    + r"?\d){5,9})(?!\d)"
    + _NOT_BEFORE
)
# The national numbers that reach a service, not a person.
_SERVICE_PREFIXES = ("20", "77")


def find_personal_data(text: str) -> list[Finding]:
    """What in `text` looks like personal data, in the order it stands."""
    found: list[tuple[int, Finding]] = []
    taken: list[tuple[int, int]] = []
    for match in _PERSONNUMMER.finditer(text):
        kind = _identity_number_kind(match["century"], match["date"], match["serial"])
        if kind is not None:
            found.append((match.start(), Finding(kind, match[0])))
            taken.append(match.span())
    for match in _EMAIL.finditer(text):
        found.append((match.start(), Finding(PersonalDataKind.EMAIL, match[0])))
        taken.append(match.span())
    for match in _PHONE.finditer(text):
        # A personnummer's digits are not a phone number too.
        overlaps = any(start < match.end() and match.start() < end for start, end in taken)
        if not overlaps and _is_phone_number(match["prefix"], match["number"]):
            found.append((match.start(), Finding(PersonalDataKind.PHONE, match[0])))
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _identity_number_kind(century: str | None, birth: str, serial: str) -> PersonalDataKind | None:
    """A personnummer or samordningsnummer if the digits are one, else None."""
    if century is not None and century not in ("18", "19", "20"):
        return None
    month, day = int(birth[2:4]), int(birth[4:6])
    kind = PersonalDataKind.PERSONNUMMER
    if day > 60:
        kind, day = PersonalDataKind.SAMORDNINGSNUMMER, day - 60
    # The ten-digit form does not say the century: a date in either will do.
    centuries = [century] if century else ["19", "20"]
    years = [int(each + birth[:2]) for each in centuries]
    if not any(_is_date(year, month, day) for year in years):
        return None
    return kind if _luhn_valid(birth + serial) else None


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _luhn_valid(digits: str) -> bool:
    """The Luhn check of a ten-digit personnummer: weights 2, 1, 2, 1, … from the left."""
    total = 0
    for index, digit in enumerate(int(char) for char in digits):
        product = digit * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def _is_phone_number(prefix: str, number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    # Without the leading 0 (or the country code): 7 to 9 digits.
    if not 7 <= len(digits) <= 9:
        return False
    if prefix.startswith("(") != (")" in number):
        return False  # "(08) 123 45 67" has both parentheses
    if len(re.findall("[-–]", number)) > 1:
        return False  # at most one, after the area code: "08-12 13-17" are times
    return not digits.startswith(_SERVICE_PREFIXES)


def kinds_found(findings: list[Finding]) -> list[PersonalDataKind]:
    """Each kind found once, in the order first found."""
    return list(dict.fromkeys(finding.kind for finding in findings))


def refusal(findings: list[Finding]) -> str:
    """The refusal in Swedish: what was found (and where in the text) and why it may not be
    saved."""
    parts = []
    for kind in kinds_found(findings):
        shown = list(dict.fromkeys(f.text for f in findings if f.kind == kind))
        quoted = ", ".join(f"”{text}”" for text in shown[:3])
        parts.append(f"{_ARTICLES[kind]} {kind.label} ({quoted})")
    found = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
    them = "det" if len(findings) == 1 else "dem"
    return (
        f"Texten verkar innehålla {found}. Tjänsten får bara innehålla sammanställda "
        f"uppgifter, aldrig uppgifter om enskilda personer. Ta bort {them} och spara igen."
    )


def no_personal_data(value: object) -> None:
    """A Django validator: refuses a text holding what looks like personal data. The kinds
    found go with the error (`params["kinds"]`), for `followup.guard` to count."""
    if not isinstance(value, str) or not value:
        return
    findings = find_personal_data(value)
    if findings:
        # Django formats the message with its params: no "%" may stand in it unescaped.
        raise ValidationError(
            refusal(findings).replace("%", "%%"),
            code=GUARD_CODE,
            params={"kinds": [str(kind) for kind in kinds_found(findings)]},
        )
