"""Numbers the Swedish way, typed and shown: "62,5", "1 028".

A browser's `<input type="number">` reads a typed "62,5" as 625 in Chromium and sends it
without a word, so the report's number fields are text inputs parsed here on the server. The
same two form fields check the report page's rows and the rows of an uploaded Excel template
(whose cells may already be numbers). Everything a user reads shows a decimal comma
(`number_text`, `percent_text`); the API keeps its machine-readable "35.50".

What is shown keeps a number in one piece: thousands are grouped with a no-break space
("1 028") and a per cent sign is tied to its number ("59,8 %") by one (U+00A0), so that
neither a page nor a PDF ever breaks a line inside a figure.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# Thousands separators a Swede types or pastes: space, no-break space, narrow no-break space
# and thin space.
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")

DECIMAL_MESSAGE = "Skriv ett tal, t.ex. 62,5."
INTEGER_MESSAGE = "Skriv ett heltal, t.ex. 1 028."


def parse_decimal(value: object) -> Decimal | None:
    """A number typed as "62,5", "62.5" or "1 028,5" (or one an Excel cell already holds);
    None when empty. ValueError for anything else, also "1,028.5": one separator only."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        # The float's shortest form, not its binary expansion: 62.5, never 62.49999….
        return Decimal(repr(value))
    text = str(value).strip().translate(_GROUPING)
    if not text:
        return None
    if text.count(",") + text.count(".") > 1:
        raise ValueError(value)
    text = text.replace(",", ".")
    # Digits only, an optional sign and one separator: no "1e3", "NaN" or "Infinity".
    digits = text.lstrip("+-").replace(".", "", 1)
    if not digits.isascii() or not digits.isdigit() or len(text) - len(text.lstrip("+-")) > 1:
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - excluded by the check above
        raise ValueError(value) from None


# Between a number's groups of thousands and before a per cent sign: a no-break space.
NUMBER_SPACE = "\u00a0"


def _grouped(digits: str) -> str:
    """Whole digits (with an optional sign) in groups of three: "1028" as "1 028"."""
    sign, digits = (digits[0], digits[1:]) if digits[:1] in "+-" else ("", digits)
    if len(digits) <= 3:
        return sign + digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sign + NUMBER_SPACE.join(groups)


def number_text(value: Decimal | int | float | None, empty: str = "–") -> str:
    """A number as a Swede reads it: "62,5", "35", "0,25", "1 028"; `empty` for none."""
    if value is None:
        return empty
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        return _grouped(str(number.quantize(Decimal(1))))
    whole, _, fraction = format(number.normalize(), "f").partition(".")
    return f"{_grouped(whole)},{fraction}"


def percent_text(value: float | Decimal | None, places: int | None = 1) -> str:
    """A percentage the Swedish way, its sign tied to the number: "89,2 %"; "–" when there
    is none. `places` None keeps the value's own decimals ("62,5 %" for a target)."""
    if value is None:
        return "–"
    if places is None:
        shown = number_text(value)
    else:
        whole, _, fraction = f"{value:.{places}f}".partition(".")
        shown = _grouped(whole) + ("," + fraction if fraction else "")
    return f"{shown}{NUMBER_SPACE}%"


class _SwedishNumberInput(forms.TextInput):
    """A text input, so that the browser never rewrites what was typed."""

    def __init__(self, inputmode: str) -> None:
        super().__init__(attrs={"inputmode": inputmode, "autocomplete": "off"})


class SwedishDecimalField(forms.DecimalField):
    """A decimal typed "62,5", "62.5" or "1 028,5"; shown with a decimal comma."""

    default_error_messages = {"invalid": DECIMAL_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _SwedishNumberInput("decimal"))
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    # django-stubs gives DecimalField the to_python of IntegerField, its base class.
    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]
        try:
            number = parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return number

    def prepare_value(self, value: object) -> object:
        return number_text(value, "") if isinstance(value, Decimal | int | float) else value


class SwedishIntegerField(forms.IntegerField):
    """A whole number typed "1028" or "1 028"; "62,5" is refused rather than read as 625."""

    default_error_messages = {"invalid": INTEGER_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _SwedishNumberInput("numeric"))
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value: object) -> int | None:
        try:
            number = parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValidationError("Skriv ett heltal, utan decimaler, t.ex. 1 028.", code="invalid")
        return int(number)


def target_text(target: Decimal | str | None, *, share: bool) -> str:
    """An indicator's target as shown, with its unit: "62,5 %" for a share, "12" for a
    count; "–" when there is none. Frozen figures keep targets as strings ("62.50")."""
    if target is None or target == "":
        return "–"
    value = Decimal(target)
    return percent_text(value, places=None) if share else number_text(value)
