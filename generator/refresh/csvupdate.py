"""Merge refreshed points into a series CSV, changing only the rows whose values moved.

Every other byte stays as it was: the header, the column order and any extra columns, each row's
quoting and spacing, the line endings (CRLF is kept), a BOM, and whether the file ends with a
newline. A revised value is spliced into its cell; a new date gets a new row in the file's own
layout, placed in the file's date order. Dates the query no longer returns keep their rows (the
report counts them): a refresh never deletes history silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from ..diagnostics import Diagnostic
from ..model.content import Number, Point
from ..output import OutputError, write_file
from ..reading.fields import Source
from ..reading.fieldtypes import is_month_text, parse_date_text, parse_number_text
from ..reading.series import ColumnProblem, csv_layout, read_csv

BOM = "\ufeff"
_LINE_END = re.compile(r"(\r\n|\n|\r)")
RELATIVE_TOLERANCE = 1e-9  # float noise from a SUM in the database does not count as a revision


class LayoutError(Exception):
    """The existing CSV cannot be merged into (it is not the series the KPI reads)."""


@dataclass
class Merge:
    """The merged file and what changed."""

    data: bytes
    added: list[Point] = field(default_factory=list)
    revised: list[tuple[dt.date, Number, Number]] = field(default_factory=list)  # date, old, new
    kept: list[dt.date] = field(default_factory=list)  # rows whose dates the result no longer has
    points: tuple[Point, ...] = ()  # the whole series after the merge, by date
    created: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.revised or self.created)


@dataclass
class _Record:
    """One CSV record as it is in the file: its text (several lines if a quoted cell holds line breaks)
    and the line ending after it ('' for a last line with no newline)."""

    raw: str
    end: str


def format_value(value: Number) -> str:
    """A number as the CSV loader reads it back, without an exponent: 742, 6.4, 0.00012."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def same_value(old: Number, new: Number) -> bool:
    """Whether a refreshed value equals the file's, up to float noise."""
    return old == new or math.isclose(old, new, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.0)


def merge(original: bytes | None, points: list[Point], columns: dict[str, str], month_style: bool) -> Merge:
    """Merge ``points`` into the CSV's bytes (None: the file does not exist yet).

    ``columns`` is the KPI's ``columns:``; ``month_style`` says whether a new file writes dates as
    YYYY-MM (when every date is a month's first day).
    """
    if original is None:
        return _create(points, columns, month_style)
    bom = original.startswith(BOM.encode())
    try:
        text = original.decode("utf-8")[1 if bom else 0:]
    except UnicodeDecodeError as exc:
        raise LayoutError("the CSV is not UTF-8 text") from exc
    records = _records(text)
    newline = next((record.end for record in records if record.end), "\n")
    header_at = next((i for i, record in enumerate(records) if record.raw.strip()), None)
    if header_at is None:
        return _create(points, columns, month_style, bom=bom)
    header = [name.strip() for name in _cells(records[header_at].raw)]
    try:
        layout = csv_layout(header, columns or None)
    except ColumnProblem as bad:
        raise LayoutError(f"{bad.message} the CSV's header" if bad.named else bad.message) from None
    date_index, value_index = layout.date, layout.value
    if not layout.header:
        header_at -= 1  # the first record is a point: rows that go first go before it
    rows: dict[dt.date, int] = {}  # date -> record index
    values: dict[dt.date, Number] = {}
    for index in range(header_at + 1, len(records)):
        cells = _cells(records[index].raw) if records[index].raw.strip() else []
        if len(cells) <= max(date_index, value_index):
            continue
        date = parse_date_text(cells[date_index].strip())
        value = parse_number_text(cells[value_index].strip())
        if date is not None and value is not None:
            rows[date], values[date] = index, value
    result = Merge(b"")
    wanted = {point.date: point.value for point in points}
    for date, value in sorted(wanted.items()):
        if date in rows and not same_value(values[date], value):
            records[rows[date]].raw = _splice(records[rows[date]].raw, value_index, format_value(value))
            result.revised.append((date, values[date], value))
        elif date not in rows:
            result.added.append(Point(date, value))
    result.kept = sorted(date for date in rows if date not in wanted)
    if result.added:
        records = _insert(records, header_at, rows, result.added, header, date_index, value_index, newline,
                          month_style)
    merged = {**values, **{date: value for date, value in wanted.items()}}
    result.points = tuple(Point(date, merged[date]) for date in sorted(merged))
    result.data = ((BOM if bom else "") + "".join(r.raw + r.end for r in records)).encode("utf-8")
    if not result.changed:
        result.data = original  # byte for byte, whatever the decoding did
    return result


def _create(points: list[Point], columns: dict[str, str], month_style: bool, bom: bool = False) -> Merge:
    header = [columns.get("date", "date"), columns.get("value", "value")]
    monthly = month_style and all(point.date.day == 1 for point in points)
    lines = [_row_text(header, False)]
    lines += [_row_text([_date_text(p.date, monthly), format_value(p.value)], False) for p in points]
    data = ((BOM if bom else "") + "".join(line + "\n" for line in lines)).encode("utf-8")
    return Merge(data, added=list(points), points=tuple(points), created=True)


def _records(text: str) -> list[_Record]:
    """Split text into CSV records, each with its own line ending; a record goes on while a quote is open."""
    parts = _LINE_END.split(text)
    records: list[_Record] = []
    pending = ""
    for index in range(0, len(parts), 2):
        line, end = parts[index], parts[index + 1] if index + 1 < len(parts) else ""
        pending += line
        if pending.count('"') % 2 and end:  # inside a quoted cell: the line break belongs to it
            pending += end
            continue
        records.append(_Record(pending, end))
        pending = ""
    if records and records[-1].raw == "" and records[-1].end == "":
        records.pop()  # the empty string after the final newline is no record
    return records


def _cells(raw: str) -> list[str]:
    return next(csv.reader([raw]), [])


def _spans(raw: str) -> list[tuple[int, int, bool]]:
    """(start, end, quoted) of each cell of one record; commas inside quotes do not split."""
    spans = []
    position, length = 0, len(raw)
    while True:
        start, quoted = position, position < length and raw[position] == '"'
        if quoted:
            position += 1
            while position < length:
                if raw[position] == '"':
                    if position + 1 < length and raw[position + 1] == '"':
                        position += 2
                        continue
                    break
                position += 1
        comma = raw.find(",", position)
        end = length if comma < 0 else comma
        spans.append((start, end, quoted))
        if comma < 0:
            return spans
        position = comma + 1


def _splice(raw: str, index: int, value: str) -> str:
    """The record with cell ``index`` replaced by ``value``, keeping the cell's quotes and spacing."""
    start, end, quoted = _spans(raw)[index]
    cell = raw[start:end]
    if quoted:
        return f'{raw[:start]}"{value}"{raw[end:]}'
    inner_start = start + len(cell) - len(cell.lstrip())
    inner_end = end - (len(cell) - len(cell.rstrip()))
    if inner_end < inner_start:  # an empty or blank cell: fill it
        inner_start = inner_end = start
    return raw[:inner_start] + value + raw[inner_end:]


def _date_text(date: dt.date, monthly: bool) -> str:
    return f"{date:%Y-%m}" if monthly and date.day == 1 else date.isoformat()


def _row_text(cells: list[str], quote_all: bool) -> str:
    if quote_all:
        return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
    out: list[str] = []
    writer = csv.writer(_Collect(out), lineterminator="")
    writer.writerow(cells)
    return out[0]


class _Collect:
    """A file-like sink for csv.writer that keeps what is written."""

    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> int:
        self.out.append(text)
        return len(text)


def _insert(records: list[_Record], header_at: int, rows: dict[dt.date, int], added: list[Point],
            header: list[str], date_index: int, value_index: int, newline: str, month_style: bool) -> list[_Record]:
    """The records with a new row for each added point, in the file's date order and layout."""
    data = [records[index] for index in sorted(rows.values())]
    quote_all = all(quoted for record in (data or [records[header_at]]) for _, _, quoted in _spans(record.raw))
    last_date = max(rows, key=lambda d: rows[d]) if rows else None
    last_text = _cells(records[rows[last_date]].raw)[date_index].strip() if last_date else ""
    monthly = is_month_text(last_text) if last_date else month_style
    in_file_order = sorted(rows, key=lambda d: rows[d])
    ascending = all(a < b for a, b in itertools.pairwise(in_file_order))
    descending = not ascending and all(a > b for a, b in itertools.pairwise(in_file_order))
    after: dict[int, list[_Record]] = {}  # record index -> new records to place after it
    for point in sorted(added, key=lambda p: p.date, reverse=descending):
        cells = [""] * len(header)  # as wide as the first record (the header, or the first point)
        cells[date_index], cells[value_index] = _date_text(point.date, monthly), format_value(point.value)
        if ascending:
            earlier = [rows[d] for d in rows if d < point.date]
        elif descending:
            earlier = [rows[d] for d in rows if d > point.date]
        else:  # no order to keep: new rows go at the end, oldest first
            earlier = list(rows.values())
        anchor = max(earlier, default=header_at)
        after.setdefault(anchor, []).append(_Record(_row_text(cells, quote_all), newline))
    merged: list[_Record] = list(after.get(-1, []))  # before the first record of a file with no header
    for index, record in enumerate(records):
        merged.append(record)
        merged.extend(after.get(index, []))
    final_end = records[-1].end  # whether the file ends with a newline stays as it was
    for record in merged:
        record.end = record.end or newline  # a former last line without one now has rows after it
    merged[-1].end = final_end
    return merged


def _mark_node(name: str) -> yaml.ScalarNode:
    mark = yaml.Mark(name, 0, 0, 0, "", 0)
    return yaml.ScalarNode("tag:yaml.org,2002:str", name, mark, mark)


def verify(data: bytes, path: Path, columns: dict[str, str], expected: tuple[Point, ...],
           rel: str) -> list[Diagnostic]:
    """Read ``data`` as the loader reads a series CSV; problems when it does not give ``expected``."""
    problems: list[Diagnostic] = []
    ref = Source(rel)
    points = read_csv(data, rel, columns or None, problems, ref, _mark_node("series"), "series")
    problems += ref.problems
    if not problems and points != expected:
        problems.append(Diagnostic(rel, 1, 1, "error", "", "the merged CSV does not read back as the refreshed series",
                                   "report this as a bug; the file was left as it was"))
    return [Diagnostic(rel, d.line, d.column, d.severity, d.field, d.message, d.hint) for d in problems]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace (or create) the file in one step, keeping its permissions; OSError when it cannot."""
    try:
        write_file(path, data)
    except OutputError as exc:
        raise OSError(str(exc)) from exc