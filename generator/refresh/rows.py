"""A query's or a fetched CSV's rows → dated points, refusing anything a series may not hold."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model.content import Number, Point
from ..reading.fieldtypes import NUMBER_LIMIT, parse_date_text, parse_number_text


@dataclass(frozen=True)
class Result:
    """What a source returned: column names and at most ``max_rows + 1`` rows."""

    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    estimate: bool = False  # the source said its number is approximate (Jira Cloud's count)


class RowsError(Exception):
    """Why a result cannot become a series: a message and the fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def to_points(result: Result, date_column: str, value_column: str, today: dt.date, max_rows: int,
              source: str) -> list[Point]:
    """The result's rows as points sorted by date; RowsError at the first problem."""
    if len(result.rows) > max_rows:
        raise RowsError(f"returned more than {max_rows} rows",
                        f"return one row per date, or raise max_rows: of source '{source}' in okr-pages.yaml")
    if not result.rows:
        raise RowsError("returned no rows", "check the query's filters and the data it reads")
    date_index = _index(result.columns, date_column, "date")
    value_index = _index(result.columns, value_column, "value")
    seen: dict[dt.date, int] = {}
    points = []
    for number, row in enumerate(result.rows, start=1):
        date = _date(row[date_index], number, date_column)
        value = _number(row[value_index], number, value_column)
        if date in seen:
            raise RowsError(f"date {date} appears twice (rows {seen[date]} and {number})",
                            "return one row per date: group by the date")
        if date > today:
            raise RowsError(f"row {number}: date {date} is in the future (today is {today})",
                            "leave future dates out, e.g. where date <= current_date")
        seen[date] = number
        points.append(Point(date, value))
    return sorted(points, key=lambda point: point.date)


def _index(columns: tuple[str, ...], name: str, role: str) -> int:
    if name in columns:
        return columns.index(name)
    folded = [column.lower() for column in columns]
    if name.lower() in folded:  # databases fold unquoted names: Snowflake to upper case, PostgreSQL to lower
        return folded.index(name.lower())
    named = ", ".join(columns) or "none"
    hint = (f"name the {role} column '{name}' in the query (... as {name})" if name == role
            else f"name the {role} column '{name}' in the query, as columns: says")
    raise RowsError(f"no column '{name}' in the result (its columns: {named})", hint)


def _missing(value: Any, number: int, column: str) -> None:
    if value is None:
        raise RowsError(f"row {number}: column '{column}' is NULL",
                        f"leave such rows out (where {column} is not null), or coalesce them")
    if isinstance(value, str) and not value.strip():
        raise RowsError(f"row {number}: column '{column}' is empty", "give every row a date and a value")


def _date(value: Any, number: int, column: str) -> dt.date:
    _missing(value, number, column)
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise RowsError(f"row {number}: column '{column}' has a time of day ({value})",
                            "return a date, e.g. cast(... as date)")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (parsed := parse_date_text(value.strip())) is not None:
        return parsed
    raise RowsError(f"row {number}: column '{column}' is not a date: {_show(value)}",
                    "return a DATE, or text written YYYY-MM-DD or YYYY-MM")


def _number(value: Any, number: int, column: str) -> Number:
    _missing(value, number, column)
    parsed: Number | None = None
    if isinstance(value, bool):
        parsed = None  # a yes/no is not a measurement, though Python counts it as an int
    elif isinstance(value, int):
        parsed = value
    elif isinstance(value, float):
        parsed = value if math.isfinite(value) else None
    elif isinstance(value, decimal.Decimal):
        parsed = (int(value) if value == value.to_integral_value() else float(value)) if value.is_finite() else None
    elif isinstance(value, str):
        parsed = parse_number_text(value)
    if parsed is None:
        hint = ("write plain numbers: no thousands separators, units or % signs" if isinstance(value, str)
                else "return a number, e.g. cast(... as double)")
        raise RowsError(f"row {number}: column '{column}' is not a number: {_show(value)}", hint)
    if abs(parsed) > NUMBER_LIMIT:
        raise RowsError(f"row {number}: column '{column}' is too large: {_show(value)}", "return a number below 10^15")
    return parsed


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
