"""KPI series: inline mapping, inline list of {date, value}, or a CSV file beside the KPI."""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml

from ..diagnostics import Diagnostic, did_you_mean
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


def read_csv(data: bytes, rel: str, columns: dict[str, str] | None,
             problems: list[Diagnostic], ref: Source, ref_node: Any, path: str,
             column_nodes: dict[str, Any] | None = None) -> tuple[Point, ...]:
    """Points from a CSV's bytes (``rel``: its path in messages), with a header row; the first two
    columns unless ``columns`` names them."""
    text, problem = decode_text(data, rel)
    if text is None:
        if problem:
            problems.append(problem)
        return ()
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows, None)
    except csv.Error as exc:
        problems.append(Diagnostic(rel, 1, 1, "error", "", f"bad CSV: {exc}", "check the quotes"))
        return ()
    if header is None:
        problems.append(Diagnostic(rel, 1, 1, "error", "", "CSV file is empty",
                                   "add a header row such as 'date,value' and one row per point"))
        return ()
    header = [name.strip() for name in header]
    wanted = columns or {}
    indexes = []
    for role, default in (("date", 0), ("value", 1)):
        name = wanted.get(role)
        if name is None:
            if len(header) <= default:
                problems.append(Diagnostic(rel, 1, 1, "error", "", "CSV needs a date and a value column",
                                           "write a header row such as 'date,value'"))
                return ()
            indexes.append(default)
        elif name in header:
            indexes.append(header.index(name))
        else:
            ref.error((column_nodes or {}).get(role, ref_node), f"columns.{role}",
                      f"column '{name}' not in {rel}",
                      did_you_mean(name, header) or f"columns are: {', '.join(header)}")
            return ()
    date_index, value_index = indexes
    points: list[tuple[Point, Any]] = []
    seen: dict[Any, int] = {}
    lines = text.split("\n")
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are allowed
            raw = lines[line - 1] if line - 1 < len(lines) else ""
            if len(row) <= max(date_index, value_index):
                problems.append(Diagnostic(rel, line, 1, "error", "",
                                           f"row has {len(row)} column(s), expected at least "
                                           f"{max(date_index, value_index) + 1}",
                                           "give every row a date and a value"))
                continue
            date_text, value_text = row[date_index].strip(), row[value_index].strip()
            date = parse_date_text(date_text)
            if date is None:
                problems.append(Diagnostic(rel, line, _column(raw, row, date_index), "error", "",
                                           f"bad date '{date_text}'", "write YYYY-MM or YYYY-MM-DD"))
                continue
            value = parse_number_text(value_text)
            if value is None:
                problems.append(Diagnostic(rel, line, _column(raw, row, value_index), "error", "",
                                           f"expected a number, got '{value_text}'",
                                           "write a plain number such as 6.4"))
                continue
            if date in seen:
                problems.append(Diagnostic(rel, line, 1, "error", "",
                                           f"date {date} appears twice (first on line {seen[date]})",
                                           "keep one row per date"))
                continue
            seen[date] = line
            points.append((Point(date, value, is_month_text(date_text)), None))
    except csv.Error as exc:
        problems.append(Diagnostic(rel, rows.line_num or 1, 1, "error", "", f"bad CSV: {exc}",
                                   "check the quotes on this line"))
    return tuple(sorted((point for point, _ in points), key=lambda p: p.date))


def _column(raw: str, row: list[str], index: int) -> int:
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
