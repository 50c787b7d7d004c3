"""How figures and words read on the site, in charts and in reports: the UI's words in the reader's
language, numbers, units, percentages, scores and dates in that language's formats.

The one home for formatting: templates use these as filters, charts, previews and the feed call
them, and the browser's charts get their format strings and d3 locale from here. The words go
through ``gettext`` / ``ngettext`` below (Python) and Jinja2's i18n extension (templates), with
the catalogs of the site's ``language:`` (``translations.py`` loads them); numbers and dates are
formatted by Babel from the locale's CLDR data.

The language is the one a build speaks (``speaking``): a build or a report sets it for its own
duration, forked renderers inherit it, and outside of one everything reads as English.

Dates read one way in prose ("7 Oct 2026", "20. Nov. 2026") and one way in tables: ISO
("2026-10-07") in every language, because it lines up, sorts and reads the same everywhere. A
point written as a month reads as a month ("Nov 2026", "Nov. 2026") in both.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as gnu
import math
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model.content import Point

if TYPE_CHECKING:
    from babel import Locale

    from ..scoring.scores import ScoredKR

NONE = "—"
SIGNIFICANT = 6  # digits kept of a measured value: 3.14159, 1,031.5, 0.00125
STUCK_UNITS = ("%", "pp")  # written as the locale writes a percentage: 5% in English, 5 % in German

# d3-format strings for the numbers the browser writes (chart axes and tooltips); ``d3_formats()``
# has these and the dates' d3-time-format strings in the build's language.
D3_NUMBER = ",.6~r"  # 1,031.5: grouped, six significant digits, trailing zeros trimmed
D3_PERCENT = ".0%"  # 63%

# CLDR skeletons of the three date forms: a day in prose, a month, a day without its year (axes).
DAY, MONTH, SHORT_DAY = "yMMMd", "yMMM", "MMMd"
# English without a region writes the day first, as the site always has ("7 Oct 2026": no reader
# misreads it); en-US and en-GB get their own CLDR forms.
_PATTERNS = {"en": {DAY: "d MMM y", SHORT_DAY: "d MMM"}}


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; it is translated where it is shown."""
    return message


# -- the language a build speaks ----------------------------------------------------------------------

class Language:
    """The reader's language: its code (BCP 47, as ``<html lang>`` writes it), its translations,
    and the Babel locale its numbers and dates are formatted in."""

    def __init__(self, code: str = "en", translations: gnu.NullTranslations | None = None, key: str = "") -> None:
        self.code = code
        self.translations = translations or gnu.NullTranslations()
        self.key = key or code  # what output depends on: the code and its catalogs' digests

    @functools.cached_property
    def locale(self) -> Locale:
        from babel import Locale

        return Locale.parse(self.code.replace("-", "_"))

    @functools.cached_property
    def patterns(self) -> dict[str, str]:
        """The CLDR date pattern of each skeleton: yMMMd → 'd. MMM y' in German."""
        from babel.dates import match_skeleton

        skeletons = self.locale.datetime_skeletons
        found = {}
        for skeleton in (DAY, MONTH, SHORT_DAY):
            chosen = skeleton if skeleton in skeletons else match_skeleton(skeleton, skeletons)
            found[skeleton] = skeletons[chosen].pattern if chosen else "y-MM-dd"
        return {**found, **_PATTERNS.get(self.code, {})}

    @functools.cached_property
    def d3_formats(self) -> dict[str, str]:
        """See ``d3_formats()``. In English: '%-d %b %Y' (7 Oct 2026), '%-d %b' (7 Oct: axis ticks
        inside one cycle), '%b %Y' (Nov 2026)."""
        patterns = self.patterns
        return {"day": d3_time_pattern(patterns[DAY]), "short_day": d3_time_pattern(patterns[SHORT_DAY]),
                "month": d3_time_pattern(patterns[MONTH]), "number": D3_NUMBER, "percent": D3_PERCENT}

    @functools.cached_property
    def percent_gap(self) -> str:
        """What the locale writes between a number and '%': '' in English, a no-break space in German."""
        pattern = self.locale.percent_formats[None].pattern.split(";")[0]
        before = pattern.partition("%")[0]
        return before[len(before.rstrip()):] if before.rstrip().endswith("0") else ""


ENGLISH = Language()
_current = ENGLISH
_translate = ENGLISH.translations.gettext  # the language's gettext, bound: called tens of thousands of times
_translate_plural = ENGLISH.translations.ngettext


def current() -> Language:
    """The language of the build running in this process (English outside of one)."""
    return _current


@contextmanager
def speaking(language: Language) -> Iterator[Language]:
    """Words, numbers and dates in ``language`` until the block ends (forked workers keep it)."""
    previous = _current
    _activate(language)
    try:
        yield language
    finally:
        _activate(previous)


def _activate(language: Language) -> None:
    global _current, _translate, _translate_plural
    _current = language
    _translate, _translate_plural = language.translations.gettext, language.translations.ngettext
    for cached in (_decimal, _percent, _score, _date, _days):
        cached.cache_clear()


def gettext(message: str) -> str:
    """A UI string in the reader's language."""
    return _translate(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a UI string for ``count``, by the language's plural rule."""
    return _translate_plural(singular, plural, count)


# Status codes as words. Translated when shown, so these stay the messages. LABELS are badges and
# headings ("On track"); WORDS the same codes inside a sentence ("on track"): a language that
# capitalises nouns cannot get one from the other by lower-casing.
LABELS = {
    "on_track": N_("On track"), "at_risk": N_("At risk"), "off_track": N_("Off track"), "final": N_("Final"),
    "missed": N_("Missed"), "red": N_("Red"), "yellow": N_("Yellow"), "green": N_("Green"),
    "healthy": N_("Healthy"), "watch": N_("Watch"), "unhealthy": N_("Unhealthy"), "no_target": N_("No target"),
    "no_data": N_("No data"), "improving": N_("Improving"), "worsening": N_("Worsening"), "flat": N_("Flat"),
    "unknown": N_("Unknown"), "aspirational": N_("Aspirational"), "committed": N_("Committed"),
    "up": N_("Higher is better"), "down": N_("Lower is better"), "numeric": N_("Numeric"),
    "milestone": N_("Milestones"), "binary": N_("Done / not done"), "upcoming": N_("Upcoming"),
    "running": N_("Running"), "ended": N_("Ended"), "daily": N_("daily"), "weekly": N_("weekly"),
    "monthly": N_("monthly"), "quarterly": N_("quarterly"),
    "met": N_("Met"), "below": N_("Below the sweet spot"), "sweet_spot": N_("In the sweet spot"),
    "above": N_("Above the sweet spot"), "improved": N_("Improved"), "worsened": N_("Worsened"),
    "unchanged": N_("Unchanged"),
}
WORDS = {
    "on_track": N_("on track"), "at_risk": N_("at risk"), "off_track": N_("off track"), "final": N_("final"),
    "missed": N_("missed"), "red": N_("red"), "yellow": N_("yellow"), "green": N_("green"),
    "healthy": N_("healthy"), "watch": N_("watch"), "unhealthy": N_("unhealthy"), "no_target": N_("no target"),
    "no_data": N_("no data"), "improving": N_("improving"), "worsening": N_("worsening"), "flat": N_("flat"),
    "unknown": N_("unknown"), "aspirational": N_("aspirational"), "committed": N_("committed"),
    "upcoming": N_("upcoming"), "running": N_("running"), "ended": N_("ended"),
}


def label(code: str | None) -> str:
    """A status code as the reader's words, for a badge or a heading: 'on_track' → 'On track'."""
    return gettext(LABELS[code]) if code in LABELS else (code or "")


def words(code: str | None) -> str:
    """A status code as words inside a sentence: 'no_data' → 'no data'."""
    if code in WORDS:
        return gettext(WORDS[code])
    return (code or "").replace("_", " ")


# -- numbers ----------------------------------------------------------------------------------------

def number(value: Any, unit: str | None = None) -> str:
    """A measured value: thousands grouped, at most six significant digits, trailing zeros trimmed,
    in the locale's symbols, and the unit after it ('%' as the locale writes a percentage); '—' for
    nothing.

    A unit is the author's text, shown as written: it is never made singular or plural."""
    if value is None:
        return NONE
    text = _decimal(int(value) if isinstance(value, bool) else value)
    if not unit:
        return text
    return f"{text}{_current.percent_gap}{unit}" if unit in STUCK_UNITS else f"{text} {unit}"


@functools.lru_cache(maxsize=1 << 16)
def _decimal(value: Any) -> str:
    from babel.numbers import format_decimal

    if float(value).is_integer():
        plain = str(int(value))
    else:
        whole = len(str(int(abs(value)))) if abs(value) >= 1 else 0
        plain = f"{value:.{max(0, SIGNIFICANT - whole)}f}"
        if "." in plain:
            plain = plain.rstrip("0").rstrip(".")
        if plain == "-0":
            plain = "0"
    return format_decimal(Decimal(plain), locale=_current.locale, decimal_quantization=False)


def number_in_range(value: Any, unit: str | None = None) -> str:
    """A value beside others in the same unit ('4 → 11 → 20 customers'): a unit written against the
    number ('%') is kept on each one, a word is left to the last number."""
    return number(value, unit if unit in STUCK_UNITS else None)


def with_unit(label: str, unit: str | None) -> str:
    """A column or axis title with the unit its numbers are in: 'Value (k USD)'."""
    return f"{label} ({unit})" if unit else label


def percent(value: float | None) -> str:
    """A share as a whole percentage, halves rounded up as d3 rounds them: 0.625 → '63%' ('63 %')."""
    return NONE if value is None else _percent(math.floor(value * 100 + 0.5))


@functools.lru_cache(maxsize=4096)
def _percent(whole: int) -> str:
    from babel.numbers import format_percent

    return format_percent(Decimal(whole) / 100, locale=_current.locale)


def score(value: float | None) -> str:
    """A score to two decimals, as SPEC §3 shows scores: 0.4375 → '0.44' ('0,44')."""
    return NONE if value is None else _score(value)


@functools.lru_cache(maxsize=1 << 14)
def _score(value: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(Decimal(f"{value:.2f}"), format="0.00", locale=_current.locale)


def count(value: int) -> str:
    """A count in a sentence: '1,200 objectives' ('1.200 Ziele')."""
    return _decimal(value)


# -- dates --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 14)
def _date(skeleton: str, value: dt.date) -> str:
    from babel.dates import format_date

    return format_date(value, _current.patterns[skeleton], locale=_current.locale)


def long_date(value: dt.date | None) -> str:
    """A date in prose: '7 Oct 2026', '20. Nov. 2026'."""
    return NONE if value is None else _date(DAY, value)


def table_date(value: dt.date | None) -> str:
    """A date in a table column, in every language: '2026-10-07'."""
    return NONE if value is None else value.isoformat()


def month(value: dt.date | None) -> str:
    """A month: 'Nov 2026', 'Nov. 2026'."""
    return NONE if value is None else _date(MONTH, value)


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


def progress_month(day: dt.date, score: ScoredKR) -> str | None:
    """The month a key result's progress point stands for, when the point is a value of its KPI
    written as a month ('Oct 2026' for 2026-11 with ``period: end``); None for a point of a day."""
    if day in score.month_points and score.kpi is not None:
        return point_date(Point(day, 0, month=True), score.kpi.period)
    return None


def days_ago(value: dt.date | None, as_of: dt.date) -> str:
    """How long before ``as_of`` a day was: 'today', 'yesterday', '12 days ago' ('vor 12 Tagen')."""
    if value is None:
        return NONE
    days = (as_of - value).days
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return _days(days)


@functools.lru_cache(maxsize=4096)
def _days(days: int) -> str:
    from babel.dates import format_timedelta

    # Always in days (never rounded to '2 months'): the rhythm of check-ins is counted in days.
    return format_timedelta(dt.timedelta(days=-days), granularity="day", threshold=1e9, add_direction=True,
                            locale=_current.locale)


# -- the browser's formats (charts) -------------------------------------------------------------------

def d3_formats() -> dict[str, str]:
    """d3 format strings for the build's language: 'day', 'short_day', 'month', 'number', 'percent'.
    Numbers use the d3 locale's symbols (``d3_locale``), so their strings are the same everywhere.
    Worked out once per language; the dict is shared, not to be changed."""
    return _current.d3_formats


def d3_locale() -> dict[str, Any] | None:
    """The language's number and time locale as Vega's ``config.locale`` takes it (d3-format and
    d3-time-format definitions, from Babel's CLDR data); None for English, d3's own default."""
    language = _current
    if language.code == "en":
        return None
    from babel.dates import get_day_names, get_month_names, get_period_names
    from babel.numbers import (
        get_decimal_symbol,
        get_group_symbol,
        get_minus_sign_symbol,
        parse_pattern,
    )

    loc = language.locale
    grouping = parse_pattern(loc.decimal_formats[None]).grouping
    days = get_day_names("wide", "format", loc)
    short_days = get_day_names("abbreviated", "format", loc)
    periods = get_period_names("abbreviated", "format", loc)
    return {
        "number": {"decimal": get_decimal_symbol(loc), "thousands": get_group_symbol(loc),
                   "grouping": [grouping[0]] if grouping[0] == grouping[1] else [grouping[0], grouping[1]],
                   "currency": ["", ""], "percent": f"{language.percent_gap}%", "minus": get_minus_sign_symbol(loc)},
        "time": {
            "dateTime": f"{d3_time_pattern(loc.date_formats['medium'].pattern)} "
                        f"{d3_time_pattern(loc.time_formats['medium'].pattern)}",
            "date": d3_time_pattern(loc.date_formats["short"].pattern),
            "time": d3_time_pattern(loc.time_formats["medium"].pattern),
            "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
            # d3 weeks start on Sunday (Babel's day 6)
            "days": [days[(i + 6) % 7] for i in range(7)],
            "shortDays": [short_days[(i + 6) % 7] for i in range(7)],
            "months": [get_month_names("wide", "format", loc)[i] for i in range(1, 13)],
            "shortMonths": [get_month_names("abbreviated", "format", loc)[i] for i in range(1, 13)],
        },
    }


# CLDR date fields → d3-time-format directives ('-' for no padding).
_D3_FIELDS = {
    "d": "%-d", "dd": "%d", "M": "%-m", "MM": "%m", "MMM": "%b", "MMMM": "%B", "L": "%-m", "LL": "%m",
    "LLL": "%b", "LLLL": "%B", "y": "%Y", "yyyy": "%Y", "yy": "%y", "E": "%a", "EE": "%a", "EEE": "%a",
    "EEEE": "%A", "c": "%a", "ccc": "%a", "cccc": "%A", "H": "%-H", "HH": "%H", "h": "%-I", "hh": "%I",
    "m": "%-M", "mm": "%M", "s": "%-S", "ss": "%S", "a": "%p",
}


def d3_time_pattern(pattern: str) -> str:
    """A CLDR date pattern as a d3-time-format string: 'd. MMM y' → '%-d. %b %Y'. Fields d3 cannot
    write (eras, quarters, time zones) are left out."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "'":  # quoted text; '' is a quote
            end = pattern.find("'", index + 1)
            end = len(pattern) if end < 0 else end
            out.append("'" if end == index + 1 else pattern[index + 1:end].replace("%", "%%"))
            index = end + 1
        elif char.isascii() and char.isalpha():
            run = index
            while run < len(pattern) and pattern[run] == char:
                run += 1
            out.append(_D3_FIELDS.get(pattern[index:run], ""))
            index = run
        else:
            out.append("%%" if char == "%" else char)
            index += 1
    return "".join(out).strip()


def plural_samples(language: Language | None = None) -> dict[str, int]:
    """A number of each CLDR plural category of the language ('one': 1, 'other': 2, ...), so the
    browser (``Intl.PluralRules``) can pick the form gettext gives for that number."""
    loc = (language or _current).locale
    found: dict[str, int] = {}
    for n in (*range(200), 1_000_000):
        found.setdefault(loc.plural_form(n), n)
    return dict(sorted(found.items()))
