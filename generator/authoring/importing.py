"""``okr-pages import FILE``: a sheet of OKRs (CSV or XLSX) into objective files (SPEC §17).

One row per key result, or per check-in of a key result; rows are grouped into objectives by
(cycle, team, objective title). An empty cycle, team, objective or key-result cell repeats the one
above it (merged cells read so), so a sheet may name an objective once and list its key results
and check-ins below it.

Each objective becomes the file ``okr-pages new`` would write, in the place it would write it
(``okrs/<cycle>/<team>/<slug>.md``). On a later import the file is updated through ``yamledit``,
the text engine of ``checkin``: new key results and check-ins are appended, values that changed
are written over in place, and nothing else is touched (comments, order, quoting, the body), so
importing the same sheet again changes nothing. The sheet never deletes: what a file holds and
the sheet does not is kept.

Every problem of the sheet is collected (``okrs.xlsx:12:C: error: ...``) before anything is
written; with one, nothing is. Every new and edited file is read back as the build reads it, and
all of them are written, or none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import OkrPagesError, did_you_mean
from ..model.content import Config, Number, Objective, Site
from ..pipeline import Checked, check_site
from ..reading.config import implicit_cycle, load_config
from ..reading.documents import load_document
from ..reading.fieldtypes import ID_PATTERN, NUMBER_LIMIT, parse_date_text, parse_number_text
from ..reading.items import read_item
from ..reading.load import load_site
from ..reading.markdown import slugify
from ..reading.yamlnodes import is_null, value_of
from .checkin import LOCK_TIMEOUT, site_lock
from .new import objective_text, yaml_text
from .sheets import (
    OPTIONAL_FIELDS,
    Cell,
    ColumnMap,
    Sheet,
    SheetError,
    SheetProblem,
    column_letter,
    find_columns,
    load_map,
    read_sheet,
    shown,
)
from .yamledit import (
    EditError,
    TextFile,
    add_key,
    append_item,
    flow_item,
    front_of,
    key_node_of,
    quote,
    replace_scalar,
    set_entry,
    yaml_number,
)

_ID = re.compile(ID_PATTERN)
_QUARTER_WORDS = re.compile(r"^(?:q([1-4])[\s/_-]*(\d{4})|(\d{4})[\s/_-]*q([1-4]))$", re.IGNORECASE)
_ISO_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
_EMAIL = re.compile(r"\s*[<(][^<>()@\s]+@[^<>()\s]+[>)]\s*$")
KR_FIELDS = ("baseline", "target", "unit", "current")


class SheetImportError(OkrPagesError):
    """A refused import: the sheet's problems, or why the files cannot be written; nothing was written."""


# -- what the sheet says -------------------------------------------------------------------------------

@dataclass
class Given:
    """A value read from a sheet, and the cell it came from (for messages)."""

    value: Any
    cell: Cell


@dataclass
class SheetCheckin:
    date: dt.date
    value: Number
    confidence: Number | None
    note: str | None
    row: int


@dataclass
class SheetKR:
    id: str
    title: str
    row: int
    values: dict[str, Given] = field(default_factory=dict)  # baseline, target, unit, current
    checkins: dict[dt.date, SheetCheckin] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # fields with a cell that could not be read (reported)

    def get(self, key: str) -> Any:
        given = self.values.get(key)
        return given.value if given is not None else None


@dataclass
class SheetObjective:
    id: str
    cycle: str
    team: str
    title: str
    row: int
    owner: Given | None = None
    key_results: dict[str, SheetKR] = field(default_factory=dict)


# -- the plan ------------------------------------------------------------------------------------------

@dataclass
class FilePlan:
    """One objective file: created, edited, or left as it was; its new text and what changed, in words."""

    objective: SheetObjective
    rel: str
    action: str  # "create" | "edit" | "same"
    text: str = ""
    changes: list[str] = field(default_factory=list)
    file: TextFile | None = None  # the file as read (edits)
    lines: list[str] = field(default_factory=list)  # its lines after the edits


@dataclass
class Imported:
    """The outcome: the plan (written, or with --dry-run only shown), and the site checked afterwards."""

    source: str
    map: str
    sheet: str
    plans: list[FilePlan]
    dry_run: bool
    skipped: list[str] = field(default_factory=list)
    warnings: list[SheetProblem] = field(default_factory=list)
    checked: Checked | None = None

    def text(self) -> str:
        """The report printed by the command line."""
        objectives = len(self.plans)
        krs = sum(len(p.objective.key_results) for p in self.plans)
        checkins = sum(len(kr.checkins) for p in self.plans for kr in p.objective.key_results.values())
        head = (f"import {self.source} (sheet '{self.sheet}', map {self.map}): {_files(objectives, 'objective')}, "
                f"{_files(krs, 'key result')}, {_files(checkins, 'check-in')}")
        lines = [head]
        for plan in self.plans:
            if plan.action == "create":
                lines.append(f"  + {plan.rel} ({plan.objective.id}: {_count(plan.changes, 'key result')}"
                             f"{_also(plan.changes, 'check-in')})")
            elif plan.action == "edit":
                lines.append(f"  ~ {plan.rel} ({plan.objective.id}):")
            else:
                lines.append(f"  = {plan.rel} ({plan.objective.id}): unchanged")
            if plan.action == "edit":
                lines += [f"      {change}" for change in plan.changes]
        lines += [f"  - {note}" for note in self.skipped]
        created = sum(p.action == "create" for p in self.plans)
        edited = sum(p.action == "edit" for p in self.plans)
        if not created and not edited:
            lines.append("nothing to change: the files already say what the sheet says")
        elif self.dry_run:
            lines.append(f"would write {_files(created, 'new file')} and edit {_files(edited, 'file')} "
                         "(dry run: nothing was written)")
        else:
            lines.append(f"wrote {_files(created, 'new file')} and edited {_files(edited, 'file')}")
        return "\n".join(lines)


def _files(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def _count(changes: list[str], what: str) -> str:
    count = sum(change.startswith(f"+ {what}") for change in changes)
    return f"{count} {what}{'' if count == 1 else 's'}"


def _also(changes: list[str], what: str) -> str:
    count = sum(change.startswith(f"+ {what}") for change in changes)
    return f", {count} {what}{'' if count == 1 else 's'}" if count else ""


# -- the command ---------------------------------------------------------------------------------------

def import_sheet(site_dir: Path, file: Path, map_spec: str | None = None, dry_run: bool = False,
                 as_of: dt.date | None = None, cwd: Path | None = None,
                 lock_timeout: float = LOCK_TIMEOUT) -> Imported:
    """Read the sheet, plan every file, and (unless ``dry_run``) write them all; SheetImportError with every
    problem when the sheet cannot be imported as it is."""
    cwd = cwd or Path.cwd()
    try:  # messages name the sheet as the user wrote it, or relative to where they are
        name = file.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        name = str(file)
    column_map, map_problems = load_map(map_spec, cwd)
    if column_map is None:
        raise SheetProblems(map_problems)
    if not file.is_file():
        raise SheetError(f"{file} not found (give the path of a .csv or .xlsx file)")
    sheet = read_sheet(file, name, column_map.sheet)
    config, config_problems = load_config(site_dir)
    if any(p.severity == "error" for p in config_problems):
        raise SheetImportError(f"{config_problems[0].text()} (fix okr-pages.yaml first)")
    with site_lock(site_dir, lock_timeout):
        site = load_site(site_dir).site
        reader = _Reader(sheet, config, site)
        objectives = reader.read_viva() if column_map.viva else reader.read_generic(column_map)
        problems = reader.problems
        if any(p.severity == "error" for p in problems):
            raise SheetProblems(map_problems + problems)
        plans = [_plan(site_dir, config, site, objective, sheet.name, problems) for objective in objectives]
        if any(p.severity == "error" for p in problems):
            raise SheetProblems(map_problems + problems)
        done = Imported(name, column_map.name, sheet.title, plans, dry_run, reader.skipped,
                        [p for p in map_problems + problems if p.severity == "warning"])
        if dry_run or not any(p.action != "same" for p in plans):
            return done
        _write(site_dir, plans)
    done.checked = check_site(site_dir, as_of or dt.date.today())
    return done


class SheetProblems(SheetImportError):
    """Every problem of a sheet (or a map), each at its cell; the command line prints them one a line."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        errors = sum(p.severity == "error" for p in problems)
        super().__init__(f"{errors} problem{'' if errors == 1 else 's'} in the sheet; nothing was written "
                         "(fix them and import again)")
        self.problems = sorted(problems, key=lambda p: (p.file, p.row, _column_order(p.column), p.field))


def _column_order(column: str) -> tuple[int, str]:
    return (len(column), column)


# -- reading the rows ---------------------------------------------------------------------------------

class _Reader:
    """Turns a sheet's rows into objectives, collecting every problem at its cell."""

    def __init__(self, sheet: Sheet, config: Config, site: Site) -> None:
        self.sheet, self.config, self.site = sheet, config, site
        self.problems: list[SheetProblem] = []
        self.skipped: list[str] = []
        self.objectives: dict[tuple[str, str, str], SheetObjective] = {}
        self._unknown: dict[tuple[str, str], list[Cell]] = {}  # (field, value) → the cells that name it
        self._cycle_dates: dict[str, tuple[dt.date | None, dt.date | None]] = {}

    # problems

    def error(self, cell: Cell | None, field_name: str, message: str, hint: str = "", row: int = 0,
              column: int = 0) -> None:
        self._report("error", cell, field_name, message, hint, row, column)

    def warning(self, cell: Cell | None, field_name: str, message: str, hint: str = "", row: int = 0,
                column: int = 0) -> None:
        self._report("warning", cell, field_name, message, hint, row, column)

    def _report(self, severity: str, cell: Cell | None, field_name: str, message: str, hint: str, row: int,
                column: int) -> None:
        where_row = cell.row if cell is not None else row or self.sheet.header_row
        where_column = column_letter(cell.column if cell is not None else column or 1)
        self.problems.append(SheetProblem(self.sheet.name, where_row, where_column, severity, field_name, message,
                                          hint))

    # the generic layout

    def read_generic(self, column_map: ColumnMap) -> list[SheetObjective]:
        columns, _ = find_columns(self.sheet, column_map.columns)
        missing = [name for name in column_map.columns if name not in columns and name not in OPTIONAL_FIELDS]
        if missing:
            have = ", ".join(self.sheet.header.values())
            named = ", ".join(column_map.columns[name][0] for name in missing)
            self.error(None, "", f"no column {named} in the header row (its columns: {have})",
                       "name the columns as the guide's 'Moving in' page lists them, or pass --map with a map "
                       "that names yours", row=self.sheet.header_row)
            return []
        previous: dict[str, Any] = {}
        for number, cells in self.sheet.rows:
            self._generic_row(number, cells, columns, previous)
        self._report_unknown()
        self._check_numbers()
        return list(self.objectives.values())

    def _generic_row(self, number: int, cells: dict[int, Cell], columns: dict[str, int],
                     previous: dict[str, Any]) -> None:
        def cell(name: str) -> Cell | None:
            index = columns.get(name)
            found = cells.get(index) if index is not None else None
            return found if found is not None and not found.empty else None

        used = {name: cell(name) for name in columns}
        if not any(used.values()):
            return  # a row with values only in columns no field reads
        objective_cell = used["objective"]
        carried = objective_cell is None
        if carried and not previous:
            self.error(None, "objective", "missing: the first row needs the objective's title",
                       "write the objective in this row; rows below may leave it empty to repeat it",
                       row=number, column=columns["objective"])
            return
        cycle = self._cycle(used["cycle"]) if used["cycle"] else previous.get("cycle")
        team = self._team(used["team"]) if used["team"] else previous.get("team")
        if used["cycle"] is None and "cycle" not in previous:
            self.error(None, "cycle", "missing: the first row needs the cycle, e.g. 2026-Q4", row=number,
                       column=columns["cycle"])
            return
        if used["team"] is None and "team" not in previous:
            self.error(None, "team", "missing: the first row needs the owning team's id", row=number,
                       column=columns["team"])
            return
        title = self._text(objective_cell, "objective") if objective_cell else previous["title"]
        if cycle is None or team is None or title is None:  # reported: the rest of the row is still checked
            objective = previous.get("stray") if carried else None
            objective = objective or SheetObjective("", "", "", title or "", number)
        else:
            objective = self._objective(cycle, team, title, number if not carried else previous["row"])
        owner = used["owner"]
        if owner is not None:
            self._set_owner(objective, owner)
        kr_cell = used["key_result"]
        kr: SheetKR | None
        if kr_cell is not None:
            kr_title = self._text(kr_cell, "key_result")
            kr = self._key_result(objective, kr_title, kr_cell) if kr_title else None
        elif carried:
            kr = previous.get("kr")
        else:
            kr = None
        previous.update({"cycle": cycle, "team": team, "title": title, "row": objective.row, "kr": kr,
                         "stray": objective if not objective.id else None})
        measured = [name for name in ("baseline", "target", "unit", "date", "value", "confidence", "note")
                    if used.get(name) is not None]
        if kr is None:
            if measured and kr_cell is None:
                self.error(None, "key_result", f"missing: the {measured[0]} in this row belongs to a key result",
                           "name the key result in this row, or leave the objective empty to continue the one above",
                           row=number, column=columns["key_result"])
            return
        for name in ("baseline", "target", "unit"):
            given = used.get(name)
            if given is not None:
                self._set_value(kr, name, given, self._text(given, name) if name == "unit" else self._number(given, name))
        self._measurement(kr, used.get("date"), used.get("value"), used.get("confidence"), used.get("note"),
                          number, columns)

    def _measurement(self, kr: SheetKR, date_cell: Cell | None, value_cell: Cell | None,
                     confidence_cell: Cell | None, note_cell: Cell | None, number: int,
                     columns: dict[str, int]) -> None:
        date = self._date(date_cell, "date") if date_cell else None
        value = self._number(value_cell, "value") if value_cell else None
        confidence = self._confidence(confidence_cell) if confidence_cell else None
        note = self._text(note_cell, "note") if note_cell else None
        if date_cell is None:
            if confidence_cell is not None or note_cell is not None:
                what = "confidence" if confidence_cell is not None else "note"
                self.error(None, "date", f"missing: a {what} belongs to a check-in, which needs its date",
                           "write the day of the check-in, YYYY-MM-DD", row=number, column=columns.get("date", 0))
            elif value_cell is not None and value is not None:
                self._set_value(kr, "current", value_cell, value)  # a value with no date: where it stands now
            return
        if value_cell is None:
            self.error(None, "value", "missing: a check-in needs the measured value", "write the number measured "
                       "on that day", row=number, column=columns.get("value", date_cell.column))
            return
        if date is None or value is None or (confidence_cell is not None and confidence is None) \
                or (note_cell is not None and note is None):
            return  # reported
        existing = kr.checkins.get(date)
        checkin = SheetCheckin(date, value, confidence, note, number)
        if existing is not None and (existing.value, existing.confidence, existing.note) != (value, confidence, note):
            self.error(date_cell, "date", f"key result '{kr.title}' has another check-in dated {date} on row "
                       f"{existing.row}", "keep one row per check-in date")
            return
        kr.checkins[date] = checkin

    # the Viva Goals layout

    def read_viva(self) -> list[SheetObjective]:
        from .sheets import VIVA_COLUMNS

        columns, _ = find_columns(self.sheet, VIVA_COLUMNS)
        missing = [name for name in ("type", "title", "cycle") if name not in columns]
        if missing:
            have = ", ".join(self.sheet.header.values())
            named = ", ".join(VIVA_COLUMNS[name][0] for name in missing)
            self.error(None, "", f"no column {named} in the header row (its columns: {have})",
                       "export the view from Viva Goals Explorer with these fields, or use --map with a map of "
                       "your own", row=self.sheet.header_row)
            return []
        by_id: dict[str, SheetObjective] = {}
        current: SheetObjective | None = None
        failed = False
        for number, cells in self.sheet.rows:
            def cell(name: str, cells: dict[int, Cell] = cells) -> Cell | None:
                index = columns.get(name)
                found = cells.get(index) if index is not None else None
                return found if found is not None and not found.empty else None

            kind_cell = cell("type")
            kind = str(kind_cell.value).strip().casefold() if kind_cell else ""
            title_cell = cell("title")
            if kind_cell is None:
                self.error(None, "type", "missing: each row of a Viva Goals export is an Objective, a Key Result or "
                           "a Project", row=number, column=columns["type"])
                continue
            if title_cell is None:
                self.error(None, "title", f"missing: the {kind_cell.value}'s title", row=number,
                           column=columns["title"])
                continue
            title = self._text(title_cell, "title")
            if title is None:
                continue
            if kind in ("objective", "big rock", "goal", "outcome", "theme"):
                current = self._viva_objective(number, title, cell)
                failed = current is None  # reported: its key results are not reported again
                if current is not None and cell("id") is not None:
                    by_id[str(cell("id").value).strip()] = current  # type: ignore[union-attr]
            elif kind in ("key result", "key_result", "kr", "metric", "result"):
                parent = current
                parent_cell = cell("parent")
                if parent_cell is not None and "id" in columns:
                    first = re.split(r"[,;\s]+", str(parent_cell.value).strip().strip("[]"))[0]
                    parent = by_id.get(first.removesuffix(".0"), current)
                if parent is None and failed:
                    continue
                if parent is None:
                    self.error(title_cell, "title", f"key result '{title}' has no objective above it",
                               "export the view with 'include key results', so each objective comes before "
                               "its key results")
                    continue
                self._viva_key_result(parent, title, title_cell, cell)
            elif kind in ("project", "initiative", "deliverable", "milestone", "task", "action", "to do"):
                self.skipped.append(f"row {number}: {kind_cell.value} '{title}' left out (projects and initiatives "
                                    "are work, not key results)")
            else:
                self.error(kind_cell, "type", f"unknown type {shown(kind_cell.value)}",
                           "expected Objective, Key Result or Project")
        self._report_unknown()
        self._check_numbers()
        return list(self.objectives.values())

    def _viva_objective(self, number: int, title: str, cell: Callable[[str], Cell | None]) -> SheetObjective | None:
        cycle_cell, team_cell, owner_cell = cell("cycle"), cell("team"), cell("owner")
        if cycle_cell is None:
            self.error(None, "cycle", f"missing: objective '{title}' has no time period", row=number)
            return None
        start, end = cell("start_date"), cell("end_date")
        self._cycle_dates[str(cycle_cell.value).strip()] = (
            self._date(start, "start_date", quiet=True) if start else None,
            self._date(end, "end_date", quiet=True) if end else None)
        cycle = self._cycle(cycle_cell)
        team = self._team(team_cell, first_only=True) if team_cell else self._root_team()
        if cycle is None or team is None:
            return None
        objective = self._objective(cycle, team, title, number)
        if owner_cell is not None:
            self._set_owner(objective, owner_cell, first_only=True)
        return objective

    def _viva_key_result(self, objective: SheetObjective, title: str, title_cell: Cell,
                         cell: Callable[[str], Cell | None]) -> None:
        metric_cell = cell("metric")
        metric = " ".join(str(metric_cell.value).casefold().split()) if metric_cell else ""
        if metric.startswith(("stay", "maintain", "keep")):
            self.skipped.append(f"row {title_cell.row}: key result '{title}' left out: '{metric_cell.value}' "  # type: ignore[union-attr]
                                "is a control key result, a threshold to hold rather than a distance to cover "
                                "(make it a KPI with thresholds)")
            return
        if metric.startswith(("achieved", "complete", "binary", "milestone")):
            self.skipped.append(f"row {title_cell.row}: key result '{title}' left out: '{metric_cell.value}' "  # type: ignore[union-attr]
                                "has no number to import (write it with done: true/false)")
            return
        kr = self._key_result(objective, title, title_cell)
        if kr is None:
            return
        baseline_cell, target_cell, unit_cell = cell("baseline"), cell("target"), cell("unit")
        value_cell, progress_cell = cell("value"), cell("progress")
        percent = metric.startswith("percent") or (target_cell is None and baseline_cell is None)
        if percent:  # progress measured from 0% to 100%
            self._set_value(kr, "baseline", title_cell, 0)
            self._set_value(kr, "target", title_cell, 100)
            self._set_value(kr, "unit", title_cell, "%")
            value_cell = progress_cell
            if value_cell is not None and isinstance(value_cell.value, str) and value_cell.value.endswith("%"):
                value_cell = Cell(value_cell.value[:-1].strip(), value_cell.row, value_cell.column)  # '60%'

        else:
            if baseline_cell is not None:
                self._set_value(kr, "baseline", baseline_cell, self._number(baseline_cell, "baseline"))
            elif metric.startswith("reach") or not metric:
                self._set_value(kr, "baseline", target_cell or title_cell, 0)  # 'Reach' starts from zero
            if target_cell is not None:
                self._set_value(kr, "target", target_cell, self._number(target_cell, "target"))
            if unit_cell is not None:
                self._set_value(kr, "unit", unit_cell, self._text(unit_cell, "unit"))
        if value_cell is None:
            return
        date_cell, note_cell = cell("date"), cell("note")
        columns = {"date": date_cell.column if date_cell else 0, "value": value_cell.column}
        self._measurement(kr, date_cell, value_cell, None, note_cell if date_cell else None, value_cell.row, columns)

    # objectives and key results

    def _objective(self, cycle: str, team: str, title: str, row: int) -> SheetObjective:
        key = (cycle, team, title)
        objective = self.objectives.get(key)
        if objective is None:
            objective = SheetObjective(f"{cycle}/{team}/{slugify(title) or 'objective'}", cycle, team, title, row)
            for other in self.objectives.values():
                if other.id == objective.id:
                    self.error(None, "objective", f"'{title}' and '{other.title}' (row {other.row}) would both be "
                               f"objective {objective.id}", "give them titles that differ in letters or digits",
                               row=row)
            self.objectives[key] = objective
        return objective

    def _set_owner(self, objective: SheetObjective, cell: Cell, first_only: bool = False) -> None:
        owner = self._text(cell, "owner")
        if owner is None:
            return
        if first_only:  # 'Dana Reyes, Lee Chan' or 'Dana Reyes (dana@acme.com)': the first person, by name
            owner = _EMAIL.sub("", re.split(r"[,;]", owner)[0]).strip()
        if objective.owner is not None and objective.owner.value != owner:
            self.error(cell, "owner", f"objective '{objective.title}' already has owner '{objective.owner.value}' "
                       f"(row {objective.owner.cell.row})", "an objective has one owner: write the same name, or "
                       "leave the cell empty")
            return
        objective.owner = objective.owner or Given(owner, cell)

    def _key_result(self, objective: SheetObjective, title: str, cell: Cell) -> SheetKR | None:
        kr_id = slugify(title) or "key-result"
        kr = objective.key_results.get(kr_id)
        if kr is not None and kr.title != title:
            self.error(cell, "key_result", f"'{title}' and '{kr.title}' (row {kr.row}) would both be key result "
                       f"'{kr_id}' of '{objective.title}'", "give them titles that differ in letters or digits")
            return None
        if kr is None:
            kr = objective.key_results[kr_id] = SheetKR(kr_id, title, cell.row)
        return kr

    def _set_value(self, kr: SheetKR, name: str, cell: Cell, value: Any) -> None:
        if value is None:
            kr.invalid.add(name)  # reported
            return
        given = kr.values.get(name)
        if given is not None and given.value != value:
            self.error(cell, name, f"{_show_value(value)} differs from {_show_value(given.value)} on row "
                       f"{given.cell.row}", f"a key result has one {name}: write it once, or the same in each row")
            return
        if given is None:
            kr.values[name] = Given(value, cell)

    def _check_numbers(self) -> None:
        for objective in self.objectives.values():
            for kr in objective.key_results.values():
                baseline, target = kr.values.get("baseline"), kr.values.get("target")
                if kr.invalid & {"baseline", "target"}:
                    continue
                if target is not None and baseline is not None and baseline.value == target.value:
                    self.error(target.cell, "target", f"target equals baseline ({_show_value(target.value)}): "
                               "nothing to measure", "set a target different from the baseline")
                elif target is not None and baseline is None:
                    self.error(target.cell, "baseline", f"key result '{kr.title}' has a target but no baseline",
                               "write where it stood at the start of the cycle in the baseline column")
                elif baseline is not None and target is None:
                    self.error(baseline.cell, "target", f"key result '{kr.title}' has a baseline but no target",
                               "write the value that means reached in the target column")
                elif target is None and (kr.checkins or "current" in kr.values):
                    given = kr.values.get("current")
                    row = given.cell.row if given else min(c.row for c in kr.checkins.values())
                    self.error(None, "target", f"key result '{kr.title}' has values but no baseline and target",
                               "write its baseline and target in the row that names it", row=row)

    # cells → values

    def _text(self, cell: Cell, name: str) -> str | None:
        value = cell.value
        if isinstance(value, bool):
            self.error(cell, name, f"expected text, got {value}", "write plain text")
            return None
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = " ".join(str(value).split())
        limit = self.config.limits.title if name in ("objective", "key_result", "title", "owner") else \
            self.config.limits.text
        if len(text) > limit:
            self.error(cell, name, f"text is {len(text):,} characters long, more than {limit:,}", "shorten it")
            return None
        return text

    def _number(self, cell: Cell, name: str) -> Number | None:
        value = cell.value
        number: Number | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float):
            number = int(value) if value.is_integer() else value
        elif isinstance(value, str):
            number = parse_number_text(value)
            if isinstance(number, float) and number.is_integer() and "." not in value and "e" not in value.lower():
                number = int(number)
        if number is None or abs(number) > NUMBER_LIMIT:
            hint = "write a plain number such as 20"
            if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[\d.,\s]+%?\s*", value):
                hint = "write the number without thousands separators, units or a % sign"
            elif isinstance(value, (dt.date, dt.datetime)):
                hint = "the cell holds a date: format it as a number"
            self.error(cell, name, f"expected a number, got {shown(value)}", hint)
            return None
        return number

    def _date(self, cell: Cell, name: str, quiet: bool = False) -> dt.date | None:
        value = cell.value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            text = value.strip()
            stamp = _ISO_STAMP.match(text)
            parsed = parse_date_text(stamp[1] if stamp else text)
            if parsed is not None:
                return parsed
        if not quiet:
            hint = ("the cell holds a number: format the column as a date" if isinstance(value, (int, float))
                    else "write the date as YYYY-MM-DD, or format the cell as a date")
            self.error(cell, name, f"expected a date, got {shown(value)}", hint)
        return None

    def _confidence(self, cell: Cell) -> Number | None:
        value = cell.value
        number: Number | None
        if isinstance(value, str) and value.strip().endswith("%"):
            percent = parse_number_text(value.strip()[:-1])
            number = None if percent is None else percent / 100
        else:
            number = self._number_quiet(value)
        if number is None or not 0 <= number <= 1:
            self.error(cell, "confidence", f"expected a number from 0 to 1, got {shown(value)}",
                       "write it as a fraction (0.7) or a percentage (70%)")
            return None
        return int(number) if isinstance(number, float) and number.is_integer() else number

    @staticmethod
    def _number_quiet(value: Any) -> Number | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return value
        return parse_number_text(value) if isinstance(value, str) else None

    def _cycle(self, cell: Cell) -> str | None:
        text = self._text(cell, "cycle")
        if text is None:
            return None
        known = {c.id: c for c in self.config.cycles}
        for cycle in self.config.cycles:
            if text in (cycle.id, cycle.name) or text.casefold() in (cycle.id.casefold(), cycle.name.casefold()):
                return cycle.id
        if implicit_cycle(text) is not None:
            return text
        if match := _QUARTER_WORDS.match(text):  # 'Q4 2026', '2026 Q4': the calendar quarter
            quarter, year = (match[1], match[2]) if match[1] else (match[4], match[3])
            cycle_id = f"{year}-Q{quarter}"
            if cycle_id in known or implicit_cycle(cycle_id) is not None:
                return cycle_id
        if text.upper() != text and implicit_cycle(text.upper()) is not None:
            return text.upper()  # 2026-q4
        self._unknown.setdefault(("cycle", text), []).append(cell)
        return None

    def _team(self, cell: Cell, first_only: bool = False) -> str | None:
        text = self._text(cell, "team")
        if text is None:
            return None
        if first_only:
            text = re.split(r"[,;]", text)[0].strip()
        teams = self.config.teams
        for team in teams:
            if text == team.id or text.casefold() in (team.id.casefold(), team.name.casefold()):
                return team.id
        if not teams and (_ID.match(text) or slugify(text)):
            return text if _ID.match(text) else slugify(text)
        self._unknown.setdefault(("team", text), []).append(cell)
        return None

    def _root_team(self) -> str:
        roots = [t.id for t in self.config.teams if t.parent is None]
        return roots[0] if roots else "company"

    def _report_unknown(self) -> None:
        """One message per unknown cycle or team, at its first cell, saying what to add to okr-pages.yaml."""
        for (kind, text), cells in self._unknown.items():
            first = cells[0]
            rows = sorted({c.row for c in cells[1:]} - {first.row})
            also = f" (also on row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows[:10]))}" \
                   f"{', …' if len(rows) > 10 else ''})" if rows else ""
            slug = slugify(text) or kind
            if kind == "team":
                known = [t.id for t in self.config.teams] + [t.name for t in self.config.teams]
                near = did_you_mean(text, known)
                parent = self._root_team()
                hint = (f"{near + ' ' if near else ''}add it to okr-pages.yaml under teams: "
                        f"- {{id: {slug}, name: {yaml_text(text)}, parent: {parent}}}")
            else:
                start, end = self._cycle_dates.get(text, (None, None))
                near = did_you_mean(text, [c.id for c in self.config.cycles])
                hint = (f"{near + ' ' if near else ''}add it to okr-pages.yaml under cycles: "
                        f"- {{id: {slug}, name: {yaml_text(text)}, start: {start or 'YYYY-MM-DD'}, "
                        f"end: {end or 'YYYY-MM-DD'}}}, or write a calendar quarter such as 2026-Q4")
            self.error(first, kind, f"unknown {kind} {shown(text)}{also}", hint)


def _show_value(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


# -- planning the files --------------------------------------------------------------------------------

def _plan(site_dir: Path, config: Config, site: Site, objective: SheetObjective, sheet_name: str,
          problems: list[SheetProblem]) -> FilePlan:
    content = config.content_dir.strip("/")
    existing = site.objectives.get(objective.id) or next(
        (o for o in site.objectives.values()
         if (o.cycle, o.team, o.title) == (objective.cycle, objective.team, objective.title)), None)

    def fail(message: str, hint: str) -> FilePlan:
        problems.append(SheetProblem(sheet_name, objective.row, "A", "error", "objective",
                                     message, hint))
        return FilePlan(objective, "", "same")

    if existing is None:
        rel = f"{content}/okrs/{objective.id}.md"
        if (site_dir / rel).exists():
            return fail(f"{rel} exists but does not read as objective {objective.id}",
                        "run okr-pages check and fix it, or move it away")
        text = objective_text(objective.title, objective.cycle, objective.team,
                              objective.owner.value if objective.owner else None,
                              key_results=_key_result_lines(objective))
        problem = _read_back_problem(text, rel, content, config, objective)
        if problem:
            return fail(f"cannot be written readably: {problem}", "report this as a bug; nothing was written")
        changes = [f"+ key result {kr.id}" for kr in objective.key_results.values()]
        changes += [f"+ check-in {kr.id} {c.date}" for kr in objective.key_results.values() for c in kr.checkins.values()]
        return FilePlan(objective, rel, "create", text, changes)
    try:
        return _edit_plan(site_dir, config, existing, objective)
    except (EditError, OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot update {existing.source}: {exc}", "edit the file by hand, or fix it and import again")


def _key_result_lines(objective: SheetObjective) -> list[str]:
    if not objective.key_results:
        return ["key_results: []                  # add 2 to 5 measurable outcomes"]
    lines = ["key_results:"]
    for kr in objective.key_results.values():
        lines.append(f"  - title: {yaml_text(kr.title)}")
        for name in ("baseline", "target", "unit"):
            value = kr.get(name)
            if value is not None:
                lines.append(f"    {name}: {_scalar(name, value)}")
        if kr.checkins:
            lines.append("    checkins:")
            lines += [f"      - {flow_item(_checkin_item(c))}" for c in sorted(kr.checkins.values(), key=_by_date)]
        elif kr.get("current") is not None:
            lines.append(f"    current: {yaml_number(kr.get('current'))}")
    return lines


def _by_date(checkin: SheetCheckin) -> dt.date:
    return checkin.date


def _scalar(name: str, value: Any) -> str:
    return yaml_text(value) if name == "unit" else yaml_number(value)


def _checkin_item(checkin: SheetCheckin) -> dict[str, str]:
    item = {"date": checkin.date.isoformat(), "value": yaml_number(checkin.value)}
    if checkin.confidence is not None:
        item["confidence"] = yaml_number(checkin.confidence)
    if checkin.note is not None:
        item["note"] = quote(checkin.note)
    return item


def _read_back(text: str, rel: str, content: str, config: Config) -> tuple[Objective | None, str]:
    """The objective a file's text reads as (as a build reads it), or the first error that stops it."""
    document, problem = load_document(text.encode("utf-8"), rel, rel.removeprefix(content + "/"))
    if document is None:
        return None, problem.text() if problem else "unreadable"
    result = read_item(document, content, lambda other: (None, None), config.markdown_html, config.limits)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        return None, errors[0].text()
    return (result.item, "") if isinstance(result.item, Objective) else (None, "it does not read as an objective")


def _read_back_problem(text: str, rel: str, content: str, config: Config, objective: SheetObjective) -> str:
    item, problem = _read_back(text, rel, content, config)
    if item is None:
        return problem
    return "" if _agrees(item, objective) else "it would not read back as the sheet says"


def _agrees(item: Objective, objective: SheetObjective) -> bool:
    """Whether a file's objective says everything the sheet says of it (it may say more)."""
    if (item.id, item.cycle, item.team, item.title) != (objective.id, objective.cycle, objective.team, objective.title) \
            and (item.cycle, item.team, item.title) != (objective.cycle, objective.team, objective.title):
        return False
    if objective.owner is not None and item.owner != objective.owner.value:
        return False
    krs = {kr.id: kr for kr in item.key_results}
    for sheet_kr in objective.key_results.values():
        kr = krs.get(sheet_kr.id)
        if kr is None:
            return False
        for name in KR_FIELDS:
            if sheet_kr.get(name) is not None and getattr(kr, name) != sheet_kr.get(name):
                return False
        written = {c.date: c for c in kr.checkins}
        for checkin in sheet_kr.checkins.values():
            found = written.get(checkin.date)
            if found is None or not _same_checkin(found, checkin):
                return False
    return True


def _same_checkin(found: Any, checkin: SheetCheckin) -> bool:
    """The file's check-in says what the sheet's does (a confidence or note the sheet leaves empty is kept)."""
    return found.value == checkin.value and (checkin.confidence is None or found.confidence == checkin.confidence) \
        and (checkin.note is None or found.note == checkin.note)


# -- editing an existing file ------------------------------------------------------------------------

def _edit_plan(site_dir: Path, config: Config, existing: Objective, objective: SheetObjective) -> FilePlan:
    """The edits that make an existing file say what the sheet says, each made in its text in place."""
    rel = existing.source
    file = TextFile.read(site_dir / rel)
    lines = list(file.lines)
    changes: list[str] = []
    current_krs = {kr.id: kr for kr in existing.key_results}

    def front() -> tuple[yaml.MappingNode, int]:
        return front_of(TextFile(file.path, file.bom, file.newline, lines), rel)

    if objective.owner is not None and existing.owner != objective.owner.value:
        node, offset = front()
        lines = _set(lines, node, offset, "owner", yaml_text(objective.owner.value))
        changes.append(f"~ owner: {existing.owner or '(none)'} → {objective.owner.value}")
    for sheet_kr in objective.key_results.values():
        kr = current_krs.get(sheet_kr.id)
        if kr is None:
            node, offset = front()
            lines = _append_key_result(lines, node, offset, sheet_kr)
            changes.append(f"+ key result {sheet_kr.id}")
            kr_values: dict[str, Any] = {name: sheet_kr.get(name) for name in ("baseline", "target", "unit")}
            written: dict[dt.date, Any] = {}
        else:
            kr_values = {name: getattr(kr, name) for name in KR_FIELDS}
            written = {c.date: c for c in kr.checkins}
            if kr.type != "numeric" and any(sheet_kr.get(name) is not None for name in ("baseline", "target")):
                raise EditError(f"key result '{kr.id}' is measured by {'milestones' if kr.type == 'milestone' else 'done:'}"
                                ", not by a number")
        for name in KR_FIELDS:
            value = sheet_kr.get(name)
            if value is None or kr_values.get(name) == value or (name == "current" and sheet_kr.checkins):
                continue
            node, offset = front()
            lines = _set(lines, _kr_node(node, sheet_kr.id), offset, name, _scalar(name, value))
            changes.append(f"~ {sheet_kr.id}: {name}: {_show_plain(kr_values.get(name))} → {_show_plain(value)}")
        for checkin in sorted(sheet_kr.checkins.values(), key=_by_date):
            found = written.get(checkin.date)
            if found is None:
                node, offset = front()
                lines = _append_checkin(lines, _kr_node(node, sheet_kr.id), offset, checkin)
                changes.append(f"+ check-in {sheet_kr.id} {checkin.date}: {_show_plain(checkin.value)}")
                continue
            for name in ("value", "confidence", "note"):
                value = getattr(checkin, name)
                if value is None or getattr(found, name) == value:
                    continue
                node, offset = front()
                checkin_node = _checkin_node(_kr_node(node, sheet_kr.id), checkin.date)
                text = quote(value) if name == "note" else yaml_number(value)
                lines = _set(lines, checkin_node, offset, name, text)
                changes.append(f"~ check-in {sheet_kr.id} {checkin.date}: {name}: {_show_plain(getattr(found, name))}"
                               f" → {_show_plain(value)}")
    if not changes:
        return FilePlan(objective, rel, "same")
    content = config.content_dir.strip("/")
    text = file.text(lines)
    item, problem = _read_back(text, rel, content, config)
    if item is None:
        raise EditError(f"the edited file would not read ({problem})")
    if not _agrees(item, objective) or not _kept(existing, item):
        raise EditError("the edits would not read back as the sheet says without disturbing the rest")
    return FilePlan(objective, rel, "edit", text, changes, file, lines)


def _show_plain(value: Any) -> str:
    if value is None:
        return "(none)"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _kept(before: Objective, after: Objective) -> bool:
    """Whether the edits left alone what the sheet does not speak of: the body, the other fields, and
    every key result and check-in the file already had (values may only have changed)."""
    if (before.body, before.aligns_to, before.commitment, before.cycle, before.team, before.title) != \
            (after.body, after.aligns_to, after.commitment, after.cycle, after.team, after.title):
        return False
    after_krs = {kr.id: kr for kr in after.key_results}
    for kr in before.key_results:
        new = after_krs.get(kr.id)
        if new is None or (new.title, new.type, new.kpi, new.weight, new.milestones, new.done) != \
                (kr.title, kr.type, kr.kpi, kr.weight, kr.milestones, kr.done):
            return False
        if not {c.date for c in kr.checkins} <= {c.date for c in new.checkins}:
            return False
    return [kr.id for kr in after.key_results[:len(before.key_results)]] == [kr.id for kr in before.key_results]


def _kr_node(front: yaml.MappingNode, kr_id: str) -> yaml.MappingNode:
    krs = value_of(front, "key_results")
    for item in krs.value if isinstance(krs, yaml.SequenceNode) else []:
        if not isinstance(item, yaml.MappingNode):
            continue
        id_node, title_node = value_of(item, "id"), value_of(item, "title")
        item_id = str(id_node.value) if isinstance(id_node, yaml.ScalarNode) and not is_null(id_node) else None
        if item_id is None and isinstance(title_node, yaml.ScalarNode):
            item_id = slugify(str(title_node.value)) or "key-result"
        if item_id == kr_id:
            return item
    raise EditError(f"key result '{kr_id}' is not in the front matter as written")


def _checkin_node(kr: yaml.MappingNode, date: dt.date) -> yaml.MappingNode:
    checkins = value_of(kr, "checkins")
    for item in checkins.value if isinstance(checkins, yaml.SequenceNode) else []:
        node = value_of(item, "date") if isinstance(item, yaml.MappingNode) else None
        if isinstance(node, yaml.ScalarNode) and parse_date_text(str(node.value).strip()) == date:
            return item
    raise EditError(f"the check-in dated {date} is not in the front matter as written")


def _set(lines: list[str], mapping: Any, offset: int, key: str, text: str) -> list[str]:
    """``key: text`` in a mapping: the value written over where the key holds one, else the key added."""
    node = value_of(mapping, key)
    if node is not None and not is_null(node):
        return replace_scalar(lines, node, offset, text)[0]
    return set_entry(lines, mapping, offset, key, text)[0]


def _append_key_result(lines: list[str], front: yaml.MappingNode, offset: int, kr: SheetKR) -> list[str]:
    item = {"title": yaml_text(kr.title)}
    for name in ("baseline", "target", "unit"):
        value = kr.get(name)
        if value is not None:
            item[name] = _scalar(name, value)
    if not kr.checkins and kr.get("current") is not None:
        item["current"] = yaml_number(kr.get("current"))
    krs = value_of(front, "key_results")
    if krs is None or is_null(krs):
        return add_key(lines, front, krs, offset, "key_results", item)[0]
    if not isinstance(krs, yaml.SequenceNode):
        raise EditError("key_results is not a list")
    if krs.flow_style:
        item = {key: (quote(kr.title) if key == "title" else value) for key, value in item.items()}
    return append_item(lines, krs, offset, item, key_node_of(front, "key_results"))[0]


def _append_checkin(lines: list[str], kr: yaml.MappingNode, offset: int, checkin: SheetCheckin) -> list[str]:
    checkins = value_of(kr, "checkins")
    item = _checkin_item(checkin)
    if checkins is None or is_null(checkins):
        return add_key(lines, kr, checkins, offset, "checkins", item)[0]
    if not isinstance(checkins, yaml.SequenceNode):
        raise EditError("checkins is not a list")
    return append_item(lines, checkins, offset, item, key_node_of(kr, "checkins"))[0]


# -- writing -------------------------------------------------------------------------------------------

def _write(site_dir: Path, plans: list[FilePlan]) -> None:
    """Every new file and every edit, or none: a failure part way removes the new files and puts the
    edited ones back as they were."""
    created: list[Path] = []
    restored: list[tuple[TextFile, list[str]]] = []
    try:
        for plan in plans:
            if plan.action == "create":
                path = site_dir / plan.rel
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
                    created.append(path)
                    out.write(plan.text)
        for plan in plans:
            if plan.action == "edit" and plan.file is not None:
                plan.file.write(plan.lines)
                restored.append((plan.file, plan.file.lines))
    except (OSError, OkrPagesError) as exc:
        for path in created:
            path.unlink(missing_ok=True)
        for file, lines in restored:
            try:
                file.write(lines)
            except OkrPagesError:
                pass
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SheetImportError(f"cannot write {getattr(exc, 'filename', None) or 'the files'}: {reason} "
                           "(nothing was kept)") from exc
