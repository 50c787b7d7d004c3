"""Sheets for ``okr-pages import``: a CSV or XLSX file → rows of cells that know their row and column,
and the column maps that say which column holds what.

A place in a sheet is written ``okrs.xlsx:12:C`` (the file, the row as the spreadsheet numbers it,
the column's letter), for CSV files too (``okrs.csv:12:C``: the record's number, counting the
header as 1, and the letter a spreadsheet shows when it opens the file). XLSX files are read with
openpyxl (``read_only=True, data_only=True``: the values formulas last computed, never the
formulas), imported only when an XLSX file is read, so ``check`` and ``build`` never load it.

The built-in maps: ``generic`` (the columns of SPEC §17 by name, in any order, any case) and
``viva`` (a Viva Goals Explorer export); a ``--map FILE.yaml`` names the generic columns a sheet
calls otherwise, validated like every other file of the site.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import OkrPagesError, did_you_mean, printable
from ..reading.fields import Source, read_record
from ..reading.fieldtypes import TYPES
from ..reading.schema import Field
from ..reading.yamlnodes import parse_yaml

GENERIC_FIELDS = ("cycle", "team", "owner", "objective", "key_result", "baseline", "target", "unit", "date",
                  "value", "confidence", "note")
OPTIONAL_FIELDS = ("unit", "date", "value", "confidence", "note")  # the columns a sheet may leave out
MAX_ROWS = 100_000  # a sheet of OKRs has hundreds of rows; more is the wrong file
CSV_DELIMITERS = ",;\t"  # Excel writes ';' where the decimal separator is a comma


class SheetError(OkrPagesError):
    """A sheet or a map that cannot be read at all; the message says why and how to fix it."""


@dataclass(frozen=True, order=True)
class SheetProblem:
    """One problem at one cell: ``file:row:COLUMN`` (the column as a letter; 1 and A for the whole file)."""

    file: str
    row: int
    column: str
    severity: str
    field: str
    message: str
    hint: str = ""

    def text(self) -> str:
        where = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{self.file}:{self.row}:{self.column}: {self.severity}: {where}{self.message}{hint}")


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 1-based column: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """One value of a sheet, where it stands: row as numbered by the spreadsheet, column 1-based."""

    value: Any  # str, int, float, bool, dt.date, dt.datetime, or None for an empty cell
    row: int
    column: int

    @property
    def letter(self) -> str:
        return column_letter(self.column)

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class Sheet:
    """The rows of one sheet: the header row's names by column, then every row below it that is not blank."""

    name: str  # the file as messages name it
    title: str  # the worksheet's name (XLSX), or the file's name (CSV)
    header_row: int
    header: dict[int, str]  # column → name as written
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)  # (row number, column → cell)


def read_sheet(path: Path, name: str, sheet: str | None = None) -> Sheet:
    """Read a CSV or XLSX file; SheetError when it cannot be read at all."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if suffix in (".xlsx", ".xlsm"):
        title, rows = _xlsx_rows(data, name, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise SheetError(f"{name} is a CSV file: it has no sheet '{sheet}' (leave sheet: out of the map)")
        title, rows = path.name, _csv_rows(data, name)
    elif suffix == ".xls":
        raise SheetError(f"{name} is an Excel 97-2003 workbook: save it as .xlsx (or export a CSV) and import that")
    else:
        raise SheetError(f"{name}: expected a .csv or .xlsx file, got '{path.suffix or path.name}'")
    return _table(name, title, rows)


def _table(name: str, title: str, rows: Iterator[tuple[int, list[Any]]]) -> Sheet:
    found: Sheet | None = None
    for number, values in rows:
        cells = {index: Cell(_clean(value), number, index) for index, value in enumerate(values, start=1)}
        cells = {index: cell for index, cell in cells.items() if not cell.empty}
        if not cells:
            continue  # blank rows (and the empty rows merged cells leave) are skipped
        if found is None:
            found = Sheet(name, title, number, {index: str(cell.value).strip() for index, cell in cells.items()})
            continue
        if len(found.rows) >= MAX_ROWS:
            raise SheetError(f"{name} has more than {MAX_ROWS:,} rows: is it a sheet of OKRs?")
        found.rows.append((number, cells))
    if found is None:
        raise SheetError(f"{name} is empty: write a header row (cycle, team, owner, objective, key_result, "
                         "baseline, target, ...) and a row per key result")
    return found


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").strip()  # spreadsheets keep non-breaking spaces people never see
        return value or None
    return value


def _csv_rows(data: bytes, name: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(f"{name} is not UTF-8 text (in Excel, save it as 'CSV UTF-8 (Comma delimited)')") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first.count) if first else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = list(reader)
    except csv.Error as exc:
        raise SheetError(f"{name} cannot be read as CSV: {exc}") from None
    return ((number, list(record)) for number, record in enumerate(records, start=1))


def _xlsx_rows(data: bytes, name: str, sheet: str | None) -> tuple[str, Iterator[tuple[int, list[Any]]]]:
    import openpyxl  # only when a workbook is imported: check and build never load it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  # openpyxl raises zipfile, KeyError, its own errors and more
        detail = printable(str(exc).strip()) or type(exc).__name__
        raise SheetError(f"cannot read {name} as an XLSX workbook ({detail}): save it again from the "
                         "spreadsheet as .xlsx, or export a CSV") from None
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            hint = did_you_mean(sheet, names) or f"its sheets: {', '.join(names)}"
            raise SheetError(f"{name} has no sheet '{sheet}' ({hint})")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [(number, list(values)) for number, values in
                enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1)]
        return worksheet.title, iter(rows)
    finally:
        book.close()


# -- column maps -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnMap:
    """Which header names each generic field is read from (any of them, compared without case)."""

    name: str  # 'generic', 'viva', or the map file as messages name it
    columns: dict[str, tuple[str, ...]]
    sheet: str | None = None
    viva: bool = False


GENERIC = ColumnMap("generic", {name: (name, name.replace("_", " ")) for name in GENERIC_FIELDS})

# A Viva Goals Explorer export (Actions → Export, CSV or XLSX, with "include key results" ticked):
# one row per objective or key result, the field names of Viva's export as headers.
VIVA_COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("Type", "Object Type", "OKR Type"),
    "title": ("Title", "Name"),
    "id": ("ID", "OKR ID"),
    "parent": ("Parent IDs", "Parent ID", "Parent"),
    "owner": ("Owner", "Owners", "Owner Name"),
    "team": ("Teams", "Team", "Team Name"),
    "cycle": ("Time Period", "Time period", "Time Period Name"),
    "start_date": ("Start Date",),
    "end_date": ("End Date", "Due Date"),
    "metric": ("Target Type", "Metric Type", "Outcome Type"),
    "unit": ("Metric Unit", "Unit"),
    "baseline": ("Start", "Start Value", "Starting Value"),
    "target": ("Target", "Target Value"),
    "value": ("Current Value", "Current", "Actual Progress"),
    "progress": ("Progress", "Progress %"),
    "date": ("Last Check-in", "Last Check-in Date", "Check-in Date", "Last Updated"),
    "note": ("Check-in Note", "Last Check-in Note"),
}
VIVA = ColumnMap("viva", VIVA_COLUMNS, viva=True)
BUILT_IN = {"generic": GENERIC, "viva": VIVA}

_TEXT = Field(TYPES["text"], "A column's header, as written in the sheet's first row.")
MAP_FIELDS: dict[str, Field] = {
    "sheet": Field(TYPES["text"], "The XLSX worksheet to read; default the first."),
    "columns": Field(TYPES["record"], "The header of the column holding each field.",
                     fields={name: _TEXT for name in GENERIC_FIELDS}),
}


def load_map(spec: str | None, cwd: Path) -> tuple[ColumnMap | None, list[SheetProblem]]:
    """The built-in map named, or the map file read and validated: the map (None when the file has
    errors) and every problem found in it, located at its line and column."""
    if spec is None or spec in BUILT_IN:
        return BUILT_IN[spec or "generic"], []
    path = Path(spec) if Path(spec).is_absolute() else cwd / spec
    if path.suffix.lower() not in (".yaml", ".yml"):
        hint = did_you_mean(spec, BUILT_IN) or "generic, viva, or a FILE.yaml naming the columns"
        raise SheetError(f"--map: unknown map '{spec}' ({hint})")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SheetError(f"--map: cannot read {spec}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise SheetError(f"--map: {spec} is not UTF-8 text") from None
    node, problem = parse_yaml(text, spec)
    if problem is not None:
        return None, [SheetProblem(problem.file, problem.line, str(problem.column), problem.severity, problem.field,
                                   problem.message, problem.hint)]
    src = Source(spec)
    record = read_record(src, node, MAP_FIELDS, "") if node is not None else None
    if node is None:
        src.error(yaml_node_at_start(), "", "the map is empty", "write 'columns:' with a header for each field")
    elif record is not None and "columns" not in record.values and "columns" not in record.invalid:
        src.error(node, "", "missing required field 'columns'", "add 'columns:' naming the header of each field")
    problems = [SheetProblem(d.file, d.line, str(d.column), d.severity, d.field, d.message, d.hint)
                for d in sorted(src.problems)]
    if any(p.severity == "error" for p in problems) or record is None:
        return None, problems
    assert record is not None
    columns = dict(GENERIC.columns)
    named = record.get("columns")
    for key, value in (named.values.items() if named is not None else []):
        columns[key] = (str(value).strip(),)
    sheet = record.get("sheet")
    return ColumnMap(spec, columns, str(sheet) if sheet is not None else None), problems


def yaml_node_at_start() -> Any:
    import yaml

    mark = yaml.Mark("", 0, 0, 0, "", 0)
    return yaml.ScalarNode("tag:yaml.org,2002:null", "", mark, mark)


def find_columns(sheet: Sheet, columns: dict[str, tuple[str, ...]]) -> tuple[dict[str, int], list[str]]:
    """The column of each field whose header the sheet has (first match wins), and the header names
    the sheet has that no field reads."""
    folded: dict[str, int] = {}
    for index, header in sheet.header.items():
        folded.setdefault(_fold(header), index)
    found: dict[str, int] = {}
    for name, headers in columns.items():
        for header in headers:
            if _fold(header) in folded:
                found[name] = folded[_fold(header)]
                break
    used = set(found.values())
    return found, [header for index, header in sheet.header.items() if index not in used]


def _fold(header: str) -> str:
    return " ".join(header.replace("_", " ").casefold().split())


# -- cell values -------------------------------------------------------------------------------------

class CellProblem(Exception):
    """Why a cell's value cannot be read as its field's type: the message and the fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def shown(value: Any) -> str:
    """A cell's value as a message shows it: 'tbd', 46302, 2026-10-07."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    return str(value)
