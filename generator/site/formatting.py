"""How figures read on the site, in charts and in reports: numbers, units, percentages, scores, dates.

The one home for formatting: templates use these as filters, charts and ``diff`` call them, and the
browser's chart tooltips get their date formats from here. The UI's words go through ``gettext`` /
``ngettext`` below (Python) and Jinja2's i18n extension (templates): both are English-only now,
and the one place where translations and locale-aware formats would be put in.

Dates read one way in prose ("7 Oct 2026") and one way in tables ("2026-10-07", which lines up
and sorts); a point written as a month reads as a month ("Nov 2026") in both.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..model.content import Point

NONE = "—"
SIGNIFICANT = 6  # digits kept of a measured value: 3.14159, 1,031.5, 0.00125
STUCK_UNITS = ("%", "pp")  # written against the number: 5%, not 5 %
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# d3-format and d3-time-format strings for what the browser writes (chart axes and tooltips): the
# same forms as the functions below write.
D3_DAY = "%-d %b %Y"  # 7 Oct 2026
D3_SHORT_DAY = "%-d %b"  # 7 Oct: axis ticks inside one cycle
D3_MONTH = "%b %Y"  # Nov 2026
D3_NUMBER = ",.6~r"  # 1,031.5: grouped, six significant digits, trailing zeros trimmed
D3_PERCENT = ".0%"  # 63%


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; it is translated where it is shown."""
    return message


def gettext(message: str) -> str:
    """A UI string in the reader's language (English for now; the seam for translations)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a UI string for ``count`` (English rules for now)."""
    return singular if count == 1 else plural


def number(value: Any, unit: str | None = None) -> str:
    """A measured value: thousands grouped, at most six significant digits, trailing zeros trimmed,
    and the unit after it ('%' stuck to the number); '—' for nothing.

    A unit is the author's text, shown as written: it is never made singular or plural."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        value = int(value)
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        whole = len(str(int(abs(value)))) if abs(value) >= 1 else 0
        digits = max(0, SIGNIFICANT - whole)
        text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    if not unit:
        return text
    return f"{text}{unit}" if unit in STUCK_UNITS else f"{text} {unit}"


def number_in_range(value: Any, unit: str | None = None) -> str:
    """A value beside others in the same unit ('4 → 11 → 20 customers'): a unit written against the
    number ('%') is kept on each one, a word is left to the last number."""
    return number(value, unit if unit in STUCK_UNITS else None)


def with_unit(label: str, unit: str | None) -> str:
    """A column or axis title with the unit its numbers are in: 'Value (k USD)'."""
    return f"{label} ({unit})" if unit else label


def percent(value: float | None) -> str:
    """A share as a whole percentage, halves rounded up as d3 rounds them: 0.625 → '63%'."""
    return NONE if value is None else f"{math.floor(value * 100 + 0.5)}%"


def score(value: float | None) -> str:
    """A score to two decimals, as SPEC §3 shows scores: 0.4375 → '0.44'."""
    return NONE if value is None else f"{value:.2f}"


def long_date(value: dt.date | None) -> str:
    """A date in prose: '7 Oct 2026'."""
    return NONE if value is None else f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def table_date(value: dt.date | None) -> str:
    """A date in a table column: '2026-10-07'."""
    return NONE if value is None else value.isoformat()


def month(value: dt.date | None) -> str:
    """A month: 'Nov 2026'."""
    return NONE if value is None else f"{_MONTHS[value.month - 1]} {value.year}"


def shown_date(point: Point, period: str = "start") -> dt.date:
    """The day a KPI point stands for, for showing it (never for scoring): its date; for a point
    written as a month in a KPI whose dates mark the end of the period (``period: end``), the first
    day of the month before (2026-11 is the close of October)."""
    if point.month and period == "end":
        return (point.date.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return point.date


def point_date(point: Point, period: str = "start", table: bool = False) -> str:
    """A KPI point's date as a reader should see it: a month-dated point as its month ('Nov 2026',
    'Oct 2026' for 2026-11 with ``period: end``); a day as in prose, or as in tables."""
    day = shown_date(point, period)
    if point.month:
        return month(day)
    return table_date(day) if table else long_date(day)


def days_ago(value: dt.date | None, as_of: dt.date) -> str:
    """How long before ``as_of`` a day was: 'today', 'yesterday', '12 days ago'."""
    if value is None:
        return NONE
    days = (as_of - value).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago" if days > 1 else f"in {-days} days"


def words(code: str) -> str:
    """A status code as words: 'no_data' → 'no data'."""
    return code.replace("_", " ")
