"""How figures read on the site, in charts and in reports: numbers, units, percentages, scores, dates.

The one home for formatting: templates use these as filters, charts and ``diff`` call them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

NONE = "—"
SIGNIFICANT = 6  # digits kept of a measured value: 3.14159, 1,031.5, 0.00125
STUCK_UNITS = ("%", "pp")  # written against the number: 5%, not 5 %


def number(value: Any, unit: str | None = None) -> str:
    """A measured value: thousands grouped, at most six significant digits, trailing zeros trimmed,
    and the unit after it ('%' stuck to the number); '—' for nothing."""
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


def percent(value: float | None) -> str:
    """A share as a whole percentage: 0.625 → '63%'."""
    return NONE if value is None else f"{round(value * 100)}%"


def score(value: float | None) -> str:
    """A score to two decimals, as SPEC §3 shows scores: 0.4375 → '0.44'."""
    return NONE if value is None else f"{value:.2f}"


def long_date(value: dt.date | None) -> str:
    """A date in prose: '7 Oct 2026'."""
    return NONE if value is None else f"{value.day} {value:%b %Y}"


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
