"""KPI series: inline mapping, inline list of {date, value}, or a CSV file beside the KPI."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from ..diagnostics import Diagnostic, did_you_mean, more_problems
from ..model.content import Point
from .documents import decode_text
from .fields import INVALID, Source, mapping_items, read_date, read_record, read_scalar
from .fieldtypes import TYPES, describe, is_month_text, parse_date_text, parse_number_text
from .schema import CHECKIN, Field

_VALUE = Field(TYPES["number"], "value")
_POINT = {"date": CHECKIN["date"], "value": Field(TYPES["number"], "The value.", required=True)}


def read_inline(src: Source, node: Any, path: str) -> list[tuple[Point, Any]]:
    """Points from a YAML mapping ``2026-01: 8.1`` or a list of ``{date, value}``."""
    points: list[tuple[Point, Any]] = []
    if isinstance(node, yaml.MappingNode):
        for key, key_node, value_node in mapping_items(src, node, path):
            date = read_date(src, key_node, f"{path}[{key}]")
            if date is INVALID:
                continue
            value = read_scalar(src, value_node, _VALUE, f"{path}[{key}]")
            if value is not INVALID:
                points.append((Point(date, value, is_month_text(str(key))), key_node))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            record = read_record(src, item, _POINT, f"{path}[{index}]")
            if record and "date" in record and "value" in record:
                date_node = record.node_of("date")
                month = isinstance(date_node, yaml.ScalarNode) and is_month_text(date_node.value)
                points.append((Point(record.get("date"), record.get("value"), month), item))
    else:
        src.error(node, path, f"expected a CSV file name, a mapping or a list, got {describe(node)}",
                  "write 'series: name.csv' or one 'YYYY-MM: value' line per point")
    return points


def check_dates(src: Source, points: list[tuple[Point, Any]], path: str) -> tuple[Point, ...]:
    """Sort points by date; a date given twice is an error at its second place."""
    seen: dict[Any, Any] = {}
    for point, node in points:
        if point.date in seen:
            first = src.position(seen[point.date])[0]
            src.error(node, path, f"date {point.date} appears twice (first on line {first})",
                      "keep one value per date")
        else:
            seen[point.date] = node
    unique = {point.date: point for point, _ in reversed(points)}
    return tuple(sorted(unique.values(), key=lambda p: p.date))


DATE_COLUMNS = ("date", "day", "week", "month")  # header names of a date column, in any case
VALUE_COLUMN = "value"


class ColumnProblem(Exception):
    """The CSV's columns do not say which holds the dates and which the values."""

    def __init__(self, role: str, message: str, hint: str, named: bool = False) -> None:
        super().__init__(message)
        self.role, self.message, self.hint, self.named = role, message, hint, named


@dataclass(frozen=True)
class CsvLayout:
    """Where a CSV keeps its dates and values, and whether its first row is a header."""

    date: int
    value: int
    header: bool


def csv_layout(first_row: list[str], names: dict[str, str] | None) -> CsvLayout:
    """The columns of a CSV whose first row is ``first_row``.

    ``names`` (the KPI's ``columns:``) picks columns by header name. Without it (SPEC §2.3) the
    dates and values are the columns named for them when the header has both (a date column is
    called date, day, week or month, the value column value, in any case), otherwise the first and
    the second column: ``month,mrr,notes`` is read so, as the first release read it. In a
    two-column file a column left unnamed is the other one; where a named column stands in the
    other's place (``mrr,month,notes``) the file is refused, as every release refused it. A file
    whose first row is already a date and a number has no header and is read by position."""
    cells = [cell.strip() for cell in first_row]
    if names:
        indexes = []
        for role in ("date", "value"):
            name = names.get(role)
            if name is None:
                indexes.append(0 if role == "date" else 1)
            elif name in cells:
                indexes.append(cells.index(name))
            else:
                raise ColumnProblem(role, f"column '{name}' not in", did_you_mean(name, cells)
                                    or f"columns are: {', '.join(cells)}", named=True)
        if max(indexes) >= len(cells):
            raise ColumnProblem("value", "CSV needs a date and a value column", "write a header row such as 'date,value'")
        return CsvLayout(indexes[0], indexes[1], True)
    if len(cells) >= 2 and parse_date_text(cells[0]) is not None and parse_number_text(cells[1]) is not None:
        return CsvLayout(0, 1, False)
    lowered = [cell.lower() for cell in cells]
    date = next((i for i, cell in enumerate(lowered) if cell in DATE_COLUMNS), None)
    value = lowered.index(VALUE_COLUMN) if VALUE_COLUMN in lowered else None
    if len(cells) < 2:
        raise ColumnProblem("value", "CSV needs a date and a value column", "write a header row such as 'date,value'")
    if date is None and value is None:
        return CsvLayout(0, 1, True)
    if date is not None and value is not None:
        return CsvLayout(date, value, True)
    if len(cells) == 2:  # one column is named: the other one is the other role
        return CsvLayout(date, 1 - date, True) if date is not None else CsvLayout(1 - value, value, True)  # type: ignore[operator, arg-type]
    if date == 0 or value == 1:  # the named column is where the first two columns put it
        return CsvLayout(0, 1, True)
    role, wanted = ("value", "'value'") if value is None else ("date", "'date', 'day', 'week' or 'month'")
    raise ColumnProblem(role, f"CSV has no {role} column (a column named {wanted})",
                        f"name it {wanted.split(',')[0]}, or set columns: {{{role}: NAME}} in the KPI; "
                        f"columns are: {', '.join(cells)}")


def read_csv(data: bytes, rel: str, columns: dict[str, str] | None,
             problems: list[Diagnostic], ref: Source, ref_node: Any, path: str,
             column_nodes: dict[str, Any] | None = None, max_problems: int | None = None) -> tuple[Point, ...]:
    """Points from a CSV's bytes (``rel``: its path in messages), its columns found by
    ``csv_layout``. At most ``max_problems`` problems are kept; the rest are counted in one line."""
    text, problem = decode_text(data, rel)
    if text is None:
        if problem:
            problems.append(problem)
        return ()
    rows = csv.reader(io.StringIO(text))
    try:
        first = next(rows, None)
    except csv.Error as exc:
        problems.append(Diagnostic(rel, 1, 1, "error", "", f"bad CSV: {_one_line(exc)}", "check the quotes"))
        return ()
    if first is None:
        problems.append(Diagnostic(rel, 1, 1, "error", "", "CSV file is empty",
                                   "add a header row such as 'date,value' and one row per point"))
        return ()
    try:
        layout = csv_layout(first, columns)
    except ColumnProblem as bad:
        if bad.named:
            ref.error((column_nodes or {}).get(bad.role, ref_node), f"columns.{bad.role}",
                      f"{bad.message} {rel}", bad.hint)
        else:
            problems.append(Diagnostic(rel, 1, 1, "error", "", bad.message, bad.hint))
        return ()
    date_index, value_index = layout.date, layout.value
    found = Capped(problems, rel, max_problems)
    points: list[Point] = []
    seen: dict[Any, int] = {}
    lines = text.split("\n")
    try:
        for row in itertools.chain(() if layout.header else [first], rows):
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are allowed
            if len(row) <= max(date_index, value_index):
                found.add(line, 1, f"row has {len(row)} column(s), expected at least "
                          f"{max(date_index, value_index) + 1}", "give every row a date and a value")
                continue
            date_text, value_text = row[date_index].strip(), row[value_index].strip()
            date = parse_date_text(date_text)
            if date is None:
                found.add(line, _column_of(lines, line, date_index),
                          f"bad date '{date_text}'", "write YYYY-MM or YYYY-MM-DD")
                continue
            value = parse_number_text(value_text)
            if value is None:
                found.add(line, _column_of(lines, line, value_index),
                          f"expected a number, got '{value_text}'", "write a plain number such as 6.4")
                continue
            if date in seen:
                found.add(line, 1, f"date {date} appears twice (first on line {seen[date]})", "keep one row per date")
                continue
            seen[date] = line
            points.append(Point(date, value, is_month_text(date_text)))
    except csv.Error as exc:
        found.add(rows.line_num or 1, 1, f"bad CSV: {_one_line(exc)}", "check the quotes on this line")
    found.close()
    return tuple(sorted(points, key=lambda p: p.date))


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


class Capped:
    """A file's problems, at most ``limit`` of them kept; the rest counted into one 'and K more' line
    (so a CSV of millions of bad rows costs a counter, not millions of messages)."""

    def __init__(self, problems: list[Diagnostic], rel: str, limit: int | None) -> None:
        self.problems, self.rel, self.limit = problems, rel, limit
        self.kept = 0
        self.more = 0
        self.first_more: tuple[int, int] = (1, 1)

    def add(self, line: int, column: int | Callable[[], int], message: str, hint: str) -> None:
        if self.limit is not None and self.kept >= self.limit:
            if not self.more:
                self.first_more = (line, column() if callable(column) else column)
            self.more += 1
            return
        self.kept += 1
        self.problems.append(Diagnostic(self.rel, line, column() if callable(column) else column, "error", "",
                                        message, hint))

    def close(self) -> None:
        if self.more:
            self.problems.append(more_problems(self.rel, *self.first_more, "error", self.more))


def _column_of(lines: list[str], line: int, index: int) -> Callable[[], int]:
    """The column of cell ``index`` on a line, worked out only if the message is kept."""
    return lambda: _column(lines[line - 1] if line <= len(lines) else "", index)


def _column(raw: str, index: int) -> int:
    """1-based column where cell ``index`` starts in its raw line; commas inside quotes skipped."""
    cell, quoted = 0, False
    for position, char in enumerate(raw):
        if cell == index:
            return position + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            cell += 1
    return 1
