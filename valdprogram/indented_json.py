"""JSON indented by two spaces, to the character as `json.dumps(value, indent=2,
ensure_ascii=False, cls=DjangoJSONEncoder)` writes it, in about half its time.

With `indent` the standard library gives up its C encoder and writes every value through
Python generators, a token at a time: for the reports API's page (some 500 kB) that was a
third of the request. Here each string is still escaped by the C function the standard
library uses, and each container written by one plain recursive function.
"""

from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse

INDENT = "  "

_default: Callable[[Any], Any] = DjangoJSONEncoder().default


def _float(value: float) -> str:
    # As json.encoder's floatstr with allow_nan (the default).
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    # As json.encoder turns a dict's keys into strings (without skipkeys).
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _write(value: Any, out: list[str], level: int) -> None:
    """Append `value` to `out`, its inner lines indented one step more than `level`."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = "\n" + INDENT * (level + 1)
        separator = "," + inner
        out.append("[" + inner)
        for index, item in enumerate(value):
            if index:
                out.append(separator)
            _write(item, out, level + 1)
        out.append("\n" + INDENT * level + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = "\n" + INDENT * (level + 1)
        separator = "," + inner
        out.append("{" + inner)
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(separator)
            out.append(encode_basestring(_key(key)) + ": ")
            _write(item, out, level + 1)
        out.append("\n" + INDENT * level + "}")
    else:
        _write(_default(value), out, level)


def dumps(value: Any) -> str:
    """`value` as indented JSON, non-ASCII characters as they are."""
    out: list[str] = []
    _write(value, out, 0)
    return "".join(out)


class IndentedJsonResponse(JsonResponse):
    """What `JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})`
    answers, written by `dumps`."""

    def __init__(self, payload: dict[str, Any], status: int = 200) -> None:
        # JsonResponse's own __init__ would encode the payload with json.dumps.
        HttpResponse.__init__(self, dumps(payload), content_type="application/json", status=status)
