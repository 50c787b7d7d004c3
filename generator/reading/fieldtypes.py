"""The field types, declared once: how a YAML value is converted, what a message says it expected,
the hint that fixes it, and the JSON Schema that editors use.

``schema`` declares each field with one of these types; ``fields`` reads YAML nodes with
``convert``; ``schema.json_schema`` writes each type's ``json``. Adding a type means adding one
row to ``TYPES``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from yaml.constructor import SafeConstructor

from .yamlnodes import FLOAT, INT, NULL, STR

if TYPE_CHECKING:
    from .schema import Field

# Ids become URL paths: letters, digits, '-', '_' and '.', each part starting with a letter or digit
# (so no '..', no leading '/', no spaces); path ids may have several parts separated by '/'.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
PATH_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*$"
NUMBER_LIMIT = 1e15  # larger magnitudes are typos, and would overflow the arithmetic of scoring
DATE_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
# Dates from year 1 to 9998: scoring adds up to six months to a date, which must still be a date.
MIN_YEAR, MAX_YEAR = 1, 9998
SIZE_PATTERN = r"^\s*(\d+(?:\.\d+)?)\s*([kKMG]i?B|B)?\s*$"
_SIZE_UNITS = {"B": 1, "kB": 10**3, "KB": 10**3, "MB": 10**6, "GB": 10**9,
               "KiB": 2**10, "kiB": 2**10, "MiB": 2**20, "GiB": 2**30}

_constructor = SafeConstructor()
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBERISH = re.compile(r"^\s*[-+]?(\d[\d_,]*\.?\d*|\.\d+)([eE][-+]?\d+)?\s*%?\s*$")
_EXPONENT = re.compile(r"^[-+]?\d+[eE][-+]?\d+$")  # 1e5: a number to people, text to YAML 1.1
_PLAIN_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")  # [0-9]: \d takes any script
_ID = re.compile(ID_PATTERN)
_PATH_ID = re.compile(PATH_ID_PATTERN)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SIZE = re.compile(SIZE_PATTERN)


class Invalid(Exception):
    """A value that cannot be read as its field's type: the message and the hint that fixes it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class Untaggable(Exception):
    """A value whose explicit YAML tag (``!!int ''``, ``!!timestamp x``) cannot be applied."""


def scalar_value(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar node, as the safe loader resolves it.

    Raises Untaggable when the node's tag cannot be applied to its text."""
    tag, text = node.tag, node.value
    # Fast paths for the common cases, equal to what the constructors give; the rest go to them.
    if tag == STR:
        return text
    if tag == INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return int(text)  # plain decimal: no octal, hex, sign, '_' or ':' to interpret
    if tag == FLOAT:
        try:
            return float(text)  # YAML's '.inf', '.nan' and 1:30.5 fall through to the constructor
        except ValueError:
            pass
    constructor = _constructor.yaml_constructors.get(tag)
    if constructor is None:
        return text  # an unknown tag: the text as written
    try:
        return constructor(_constructor, node)
    except Exception as exc:
        raise Untaggable(tag) from exc


def describe(node: Any) -> str:
    """How a value looks in a message: 'twenty', a list, a mapping."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "nothing"
    return repr(node.value)


def is_month_text(text: str) -> bool:
    """Whether a date is written as a month (2026-11) rather than a day."""
    return _MONTH.match(text.strip()) is not None


def parse_date_text(text: str) -> dt.date | None:
    """An ISO date or a month (the month's first day) from year 1 to 9998; None when it is neither,
    does not exist or is out of that range."""
    match = _DAY.match(text) or _MONTH.match(text)
    if not match or not year_in_range(int(match[1])):
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]) if match.re is _DAY else 1)
    except ValueError:
        return None


def year_in_range(year: int) -> bool:
    """Whether dates of this year are ones that scoring can compute with (years 1 to 9998: the day
    after any of them is still a date)."""
    return MIN_YEAR <= year <= MAX_YEAR


def date_in_range(date: dt.date) -> bool:
    return year_in_range(date.year)


def parse_size_text(text: str) -> int | None:
    """A size in bytes from '5 MB', '500kB', '2 MiB' or a plain number of bytes; None otherwise."""
    match = _SIZE.match(text)
    return int(float(match[1]) * _SIZE_UNITS[match[2] or "B"]) if match else None


def parse_number_text(text: str) -> int | float | None:
    """A number written plainly in ASCII ('6', '-2.5', '1e3'), within NUMBER_LIMIT; None for anything else.

    Stricter than int() and float(), which also take '1_000', digits of other scripts, 'nan' and 'inf'.
    """
    text = text.strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    try:
        value: int | float = int(text)
    except ValueError:  # a fraction or an exponent (or more digits than int() will read)
        value = float(text)
    return value if abs(value) <= NUMBER_LIMIT else None  # also None for an overflow to inf


def _tag_hint(tag: str) -> str:
    return f"remove the tag '!!{tag.rsplit(':', 1)[-1]}' before the value"


def tagged_value(node: yaml.ScalarNode) -> Any:
    """The value of a scalar node as its tag says; Invalid (with the fix) when the tag cannot apply."""
    return _value(node)


def _value(node: yaml.ScalarNode) -> Any:
    try:
        return scalar_value(node)
    except Untaggable as exc:
        short = str(exc).rsplit(":", 1)[-1]
        raise Invalid(f"cannot read {node.value!r} as !!{short}", _tag_hint(str(exc))) from None


# -- converters: one per scalar type; each returns the value or raises Invalid ------------------------

def not_a(node: Any, spec: Field, hint: str | None = None) -> Invalid:
    """The usual complaint: what the field's type expects, what was written, and the type's hint
    (or ``hint``)."""
    return Invalid(f"expected {spec.type.expected(spec)}, got {describe(node)}", hint or spec.type.hint(spec))


def _text(node: yaml.ScalarNode, spec: Field) -> Any:
    if node.tag == STR:
        return node.value
    value = _value(node)
    if isinstance(value, (dict, list)) or value is None:
        raise Invalid(f"expected text, got {describe(node)}", spec.type.hint(spec))
    return value if isinstance(value, str) else node.value


def _id_converter(pattern: re.Pattern[str]) -> Callable[[yaml.ScalarNode, Field], Any]:
    def convert(node: yaml.ScalarNode, spec: Field) -> Any:
        text = _text(node, spec)
        if not pattern.match(text):
            raise Invalid(f"'{text}' is not a valid id", spec.type.hint(spec))
        return text
    return convert


def _with_point(text: str) -> str:
    mantissa, exponent = re.split("[eE]", text)
    sign = "" if exponent.startswith(("-", "+")) else "+"
    return f"{mantissa}.0e{sign}{exponent}"


def _number(node: yaml.ScalarNode, spec: Field) -> Any:
    tag, text = node.tag, node.value
    if tag == INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0") and len(text) < 16:
        return int(text)  # a plain decimal within NUMBER_LIMIT: nothing more to check
    value = _value(node)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = None
        if isinstance(value, str) and _EXPONENT.match(value) and not node.style:
            hint = f"YAML reads {value} as text: write it with a point, e.g. {_with_point(value)}"
        elif isinstance(value, str) and _NUMBERISH.match(value):
            hint = "write the number without quotes, commas or a % sign"
        raise not_a(node, spec, hint)
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"expected a finite number, got {node.value}", "write an ordinary number")
    if abs(value) > NUMBER_LIMIT:
        raise Invalid(f"number {node.value} is too large", "write a number below 10^15")
    return value


def _fraction(node: yaml.ScalarNode, spec: Field) -> Any:
    value = _number(node, spec)
    if not 0 <= value <= 1:
        raise Invalid(f"expected a number from 0 to 1, got {node.value}", "write it as a fraction: 0.7 means 70%")
    return value


def _positive(node: yaml.ScalarNode, spec: Field) -> Any:
    value = _number(node, spec)
    if value <= 0:
        raise Invalid(f"expected a number above 0, got {node.value}", "use 1 for normal weight")
    return value


MAX_DAYS = 3660  # ten years: a longer rhythm or window is a typo


def _days(node: yaml.ScalarNode, spec: Field) -> Any:
    value = _number(node, spec)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise Invalid(f"expected a whole number of days from 1 to {MAX_DAYS}, got {node.value}", spec.type.hint(spec))
    return value


_WEB_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def _url(node: yaml.ScalarNode, spec: Field) -> Any:
    text = _text(node, spec)
    if not _WEB_URL.match(str(text)):
        raise not_a(node, spec)
    return str(text)


def _bool(node: yaml.ScalarNode, spec: Field) -> Any:
    value = _value(node)
    if not isinstance(value, bool):
        raise not_a(node, spec)
    return value


def _choice(node: yaml.ScalarNode, spec: Field) -> Any:
    from ..diagnostics import did_you_mean

    value = _value(node)
    if value not in spec.choices:
        raise not_a(node, spec, did_you_mean(str(node.value), spec.choices))
    return value


def _date(node: yaml.ScalarNode, spec: Field) -> Any:
    """A date written as YYYY-MM-DD or YYYY-MM (meaning the month's first day)."""
    text = str(node.value).strip()
    date = parse_date_text(text)
    if date is not None:
        return date
    if match := (_DAY.match(text) or _MONTH.match(text)):
        if not year_in_range(int(match[1])):
            raise _out_of_range(text)
        raise Invalid(f"date {text} does not exist", "check the month and day")
    if node.tag == _TIMESTAMP:  # a date with a time of day
        try:
            stamp = scalar_value(node)
        except Untaggable:
            stamp = None
        if isinstance(stamp, dt.datetime):
            stamp = stamp.date()
        if isinstance(stamp, dt.date):
            if not date_in_range(stamp):
                raise _out_of_range(text)
            return stamp
    raise not_a(node, spec)


def _out_of_range(text: str) -> Invalid:
    return Invalid(f"date {text} is out of range", f"write a date from year {MIN_YEAR} to {MAX_YEAR}")


def _size(node: yaml.ScalarNode, spec: Field) -> Any:
    """A size in bytes: '5 MB', '500 kB', '2 MiB', or a number of bytes."""
    size = parse_size_text(str(node.value))
    if size is None or size < 1:
        raise not_a(node, spec)
    return size


def _count(node: yaml.ScalarNode, spec: Field) -> Any:
    """A whole number of at least 1."""
    value = _value(node)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise not_a(node, spec)
    return value


@dataclass(frozen=True)
class FieldType:
    """One type of field: its converter, its words in messages, and its JSON Schema."""

    name: str
    expected_text: str  # "a number"; "{choices}" is replaced by the field's choices
    hint_text: str
    convert: Callable[[yaml.ScalarNode, Field], Any] | None  # None: a container, read by ``fields``
    json: dict[str, Any]

    def expected(self, spec: Field) -> str:
        return self.expected_text.replace("{choices}", ", ".join(spec.choices))

    def hint(self, spec: Field) -> str:
        return self.hint_text.replace("{choices}", ", ".join(spec.choices))


_ID_HINT = "use letters, digits, '-', '_' and '.', starting with a letter or digit"
TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("text", "text", "write plain text", _text, {"type": ["string", "number"]}),
    FieldType("id", "an id", _ID_HINT, _id_converter(_ID), {"type": ["string", "number"], "pattern": ID_PATTERN}),
    FieldType("path_id", "an id", "use letters, digits, '-', '_' and '.', with '/' between parts, each "
              "starting with a letter or digit", _id_converter(_PATH_ID),
              {"type": ["string", "number"], "pattern": PATH_ID_PATTERN}),
    FieldType("number", "a number", "write a number, e.g. 20", _number,
              {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT}),
    FieldType("fraction", "a number from 0 to 1", "write a number such as 0.7", _fraction,
              {"type": "number", "minimum": 0, "maximum": 1}),
    FieldType("positive", "a number above 0", "write a number such as 1", _positive,
              {"type": "number", "exclusiveMinimum": 0, "maximum": NUMBER_LIMIT}),
    FieldType("days", "a whole number of days", "write a number of days such as 14", _days,
              {"type": "integer", "minimum": 1, "maximum": MAX_DAYS}),
    FieldType("url", "an http or https URL", "write the whole address, e.g. https://github.com/acme/okrs", _url,
              {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}),
    FieldType("bool", "true or false", "write true or false", _bool, {"type": "boolean"}),
    FieldType("date", "a date", "write YYYY-MM-DD, e.g. 2026-10-07", _date,
              {"type": "string", "pattern": DATE_PATTERN}),
    FieldType("size", "a size", "write a size such as 5 MB or 500 kB", _size,
              {"type": ["string", "integer"], "pattern": SIZE_PATTERN, "minimum": 1}),
    FieldType("count", "a whole number of at least 1", "write a number such as 20", _count,
              {"type": "integer", "minimum": 1}),
    FieldType("choice", "one of {choices}", "write one of {choices}", _choice, {}),  # enum: per field
    FieldType("record", "a mapping of fields", "write 'key: value' pairs", None, {}),
    FieldType("records", "a list", "start each item with '- '", None, {}),
    FieldType("named", "a mapping of names", "write 'name: ...' lines", None, {}),  # name → fields[""]
    FieldType("series", "a CSV file name, a mapping or a list", "write 'series: name.csv' or one "
              "'YYYY-MM: value' line per point", None, {}),
)}
