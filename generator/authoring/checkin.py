"""``okr-pages checkin``: add one dated value to a key result or a KPI, editing the file's text minimally.

The line goes where ``yamledit`` says the list or mapping ends, in the style of its neighbours
(or a row is appended to the CSV), so the git diff is a line or two. Everything is validated
before anything is written, and the edited text is read back before it replaces the file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..buildrecord import CACHE_DIR, cache_folder
from ..diagnostics import OkrPagesError, did_you_mean
from ..model.content import KPI, KeyResult, Number, Objective, Site, kr_ref, split_kr_ref
from ..reading.documents import parse_front
from ..reading.fields import Source, read_value
from ..reading.fieldtypes import is_month_text, parse_date_text, parse_number_text
from ..reading.load import load_site
from ..reading.markdown import slugify
from ..reading.schema import KEY_RESULT
from ..reading.series import ColumnProblem, check_dates, csv_layout, read_csv, read_inline
from ..reading.yamlnodes import is_null, value_of
from .yamledit import (
    TextFile,
    add_key,
    append_entry,
    append_item,
    front_of,
    key_node_of,
    quote,
    yaml_number,
)


class CheckinError(OkrPagesError):
    """A refused check-in; the message says why and how to fix it (each problem, when there are several)."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Added:
    """What was written: the file, the first inserted line (1-based) and the lines' text."""

    rel: str
    line: int
    text: str
    target: str


@dataclass(frozen=True)
class Names:
    """What the request's fields are called in messages: the command's arguments, or the labels of the
    Check in issue form (``issueform``), so that a refusal says what to change where it was written."""

    value: str = "VALUE"
    date: str = "--date"
    confidence: str = "--confidence"
    note: str = "--note"
    give: str = "pass"  # "pass --date ...", "fill in Date ..."


COMMAND_NAMES = Names()


@dataclass(frozen=True)
class _Request:
    value: Number
    value_text: str
    date: dt.date | None  # None: today
    month: bool | None  # True when --date was a month, False a day, None when not given
    confidence: Number | None
    note: str | None
    names: Names = COMMAND_NAMES


LOCK_TIMEOUT = 30.0  # seconds a check-in waits for another one on the same site


def checkin(site_dir: Path, target: str, value: str, date: str | None = None, confidence: str | None = None,
            note: str | None = None, today: dt.date | None = None, lock_timeout: float = LOCK_TIMEOUT,
            names: Names = COMMAND_NAMES) -> Added:
    """Add a check-in to ``objective-id#kr-id`` or a point to a KPI; raises CheckinError when refused.

    The whole read, check and write happens under the site's check-in lock, so check-ins run at
    the same time land one after the other, each on the file as the one before left it."""
    request = _parse_request(value, date, confidence, note, names)
    today = today or dt.date.today()
    with site_lock(site_dir, lock_timeout):
        return _checkin(site_dir, target, request, today)


@contextlib.contextmanager
def site_lock(site_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the site's check-in lock (an OS file lock: flock on POSIX, msvcrt on Windows), waiting
    at most ``timeout`` seconds for another holder; released when the process ends, however."""
    try:
        path = cache_folder(site_dir) / "checkin.lock"
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise CheckinError(f"cannot lock the site for the check-in: {exc.strerror or exc} "
                           f"(check that {site_dir / CACHE_DIR} can be written)") from exc
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise CheckinError(f"another check-in has been editing this site for {timeout:.0f} s; nothing "
                                   "was written (try again when it has finished)")
            time.sleep(0.05)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _try_lock(handle: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _checkin(site_dir: Path, target: str, request: _Request, today: dt.date) -> Added:
    site = load_site(site_dir).site
    if "#" in target and target not in site.kpis:  # a KPI's file name may hold a '#' too
        objective_id, kr_id = split_kr_ref(target)
        objective, kr = _find_key_result(site, objective_id, kr_id)
        return _add_to_key_result(site_dir, site, objective, kr, request, today)
    kpi = _find_kpi(site, target)
    if request.confidence is not None or request.note is not None:
        option = request.names.confidence if request.confidence is not None else request.names.note
        raise CheckinError(f"{option} applies to key results only, not to KPI '{target}' "
                           "(leave it out, or name a key result as objective-id#kr-id)")
    return _add_to_kpi(site_dir, kpi, request, today)


# -- validating the request ---------------------------------------------------------------------

def _parse_request(value: str, date: str | None, confidence: str | None, note: str | None,
                   names: Names = COMMAND_NAMES) -> _Request:
    """The request's fields read as numbers and dates; every field that cannot be is refused in one error."""
    problems = []
    number = parse_number_text(value)
    if number is None:
        problems.append(f"{names.value}: expected a number, got '{value}' (write a plain number such as 6.4)")
    when, month = None, None
    if date is not None:
        when = parse_date_text(date.strip())
        if when is None:
            problems.append(f"{names.date}: expected a date YYYY-MM-DD (or a month YYYY-MM), got '{date}'")
        month = is_month_text(date)
    level = None
    if confidence is not None:
        level = parse_number_text(confidence)
        if level is None or not 0 <= level <= 1:
            problems.append(f"{names.confidence}: expected a number from 0 to 1, got '{confidence}' "
                            "(write it as a fraction: 0.7 means 70%)")
    if problems or number is None:
        raise CheckinError(*problems)
    if note is not None and not note.strip():
        note = None
    return _Request(number, yaml_number(number), when, month, level, note, names)


# -- resolving the id ---------------------------------------------------------------------------

def _suggest(word: str, choices: list[str], what: str) -> str:
    ends = [c for c in choices if c.endswith("/" + word) or c.endswith(word) and word and c != word]
    if len(ends) == 1:
        return f"did you mean '{ends[0]}'?"
    hint = did_you_mean(word, choices)
    if hint:
        return hint
    if not choices:
        return f"this site has no {what}s"
    shown = ", ".join(choices[:8]) + (", …" if len(choices) > 8 else "")
    return f"known {what}s: {shown}"


def _find_key_result(site: Site, objective_id: str, kr_id: str) -> tuple[Objective, KeyResult]:
    objective = site.objectives.get(objective_id)
    if objective is None:
        hint = _suggest(objective_id, list(site.objectives), "objective")
        raise CheckinError(f"unknown objective '{objective_id}' ({hint})")
    ids = [kr.id for kr in objective.key_results]
    for kr in objective.key_results:
        if kr.id == kr_id:
            return objective, kr
    starts = [i for i in ids if i.startswith(kr_id)] if kr_id else []
    hint = (f"did you mean '{starts[0]}'?" if len(starts) == 1 else did_you_mean(kr_id, ids)) or (
        f"its key results: {', '.join(ids)}")
    raise CheckinError(f"objective '{objective_id}' has no key result '{kr_id}' ({hint})")


def _find_kpi(site: Site, kpi_id: str) -> KPI:
    if kpi_id in site.kpis:
        return site.kpis[kpi_id]
    if kpi_id in site.objectives:
        ids = ", ".join(f"{kpi_id}#{kr.id}" for kr in site.objectives[kpi_id].key_results)
        raise CheckinError(f"'{kpi_id}' is an objective; check in to one of its key results ({ids})")
    raise CheckinError(f"unknown KPI '{kpi_id}' ({_suggest(kpi_id, list(site.kpis), 'KPI')})")


# -- key results --------------------------------------------------------------------------------

def _add_to_key_result(site_dir: Path, site: Site, objective: Objective, kr: KeyResult, request: _Request,
                       today: dt.date) -> Added:
    target = kr_ref(objective.id, kr.id)
    if kr.type != "numeric":
        how = "its milestones' done:" if kr.type == "milestone" else "its done: true/false"
        raise CheckinError(f"key result '{target}' is not measured by a number; edit {how} "
                           f"in {objective.source} instead")
    if kr.kpi is not None:
        raise CheckinError(f"key result '{target}' reads its value from KPI '{kr.kpi}'; add the value there "
                           f"(okr-pages checkin {kr.kpi} {request.value_text})")
    if request.month:
        raise CheckinError(f"{request.names.date}: a check-in needs a day, got the month '{request.date:%Y-%m}' "
                           "(write YYYY-MM-DD)")
    date = request.date or today
    cycle = site.cycles.get(objective.cycle)
    if cycle is not None and not cycle.start <= date <= cycle.end:
        raise CheckinError(f"check-in date {date} is outside cycle {cycle.id} ({cycle.start} to {cycle.end}) "
                           f"({request.names.give} {request.names.date} with a day inside the cycle)")
    file = TextFile.read(site_dir / objective.source)
    front, offset = front_of(file, objective.source)
    kr_node = _kr_node(front, kr.id)
    checkins = value_of(kr_node, "checkins")
    existing = _checkin_dates(checkins)
    if date in existing:
        raise CheckinError(f"key result '{target}' already has a check-in dated {date} "
                           f"({objective.source}:{existing[date] + offset + 1}) (edit that line, or "
                           f"{request.names.give} another {request.names.date})")
    item = {"date": date.isoformat(), "value": request.value_text}
    if request.confidence is not None:
        item["confidence"] = yaml_number(request.confidence)
    if request.note is not None:
        item["note"] = quote(request.note)
    if checkins is None or is_null(checkins):
        lines, first = add_key(file.lines, kr_node, checkins, offset, "checkins", item)
    else:
        if not isinstance(checkins, yaml.SequenceNode):
            raise CheckinError(f"{objective.source}:{checkins.start_mark.line + offset + 1}: checkins is not "
                               "a list (fix it, then run okr-pages check)")
        lines, first = append_item(file.lines, checkins, offset, item, key_node_of(kr_node, "checkins"))
    _verify_key_result(file, lines, objective.source, kr.id, date, request.value)
    return _write(file, lines, objective.source, first, target)


def _checkin_dates(checkins: Any) -> dict[dt.date, int]:
    found: dict[dt.date, int] = {}
    if isinstance(checkins, yaml.SequenceNode):
        for item in checkins.value:
            date_node = value_of(item, "date") if isinstance(item, yaml.MappingNode) else None
            if isinstance(date_node, yaml.ScalarNode):
                date = parse_date_text(str(date_node.value).strip())
                if date is not None:
                    found.setdefault(date, date_node.start_mark.line)
    return found


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
    raise CheckinError(f"key result '{kr_id}' not found in the file's front matter (run okr-pages check)")


def _verify_key_result(file: TextFile, lines: list[str], rel: str, kr_id: str, date: dt.date,
                       value: Number) -> None:
    """Read the edited text back: the new check-in is there, and nothing else in the KR changed."""
    before = _read_checkins(file.normalised(file.lines), rel, kr_id)
    after = _read_checkins(file.normalised(lines), rel, kr_id)
    if after is None or before is None or sorted(after) != sorted([*before, (date, value)]):
        raise _cannot_edit(rel)


def _read_checkins(text: str, rel: str, kr_id: str) -> list[tuple[dt.date, Any]] | None:
    node, offset, problem = parse_front(text, rel)
    if problem or node is None:
        return None
    checkins = value_of(_kr_node(node, kr_id), "checkins")
    if checkins is None or is_null(checkins):
        return []
    src = Source(rel, offset)
    records = read_value(src, checkins, KEY_RESULT["checkins"], "checkins")
    if src.problems:
        return None
    return [(r.get("date"), r.get("value")) for r in records]


# -- KPIs ---------------------------------------------------------------------------------------

def _add_to_kpi(site_dir: Path, kpi: KPI, request: _Request, today: dt.date) -> Added:
    file = TextFile.read(site_dir / kpi.source)
    front, offset = front_of(file, kpi.source)
    series = value_of(front, "series")
    if series is None:
        raise CheckinError(f"KPI '{kpi.id}' has no series: in {kpi.source} (add one, then run okr-pages check)")
    if kpi.series_file is not None:
        return _add_to_csv(site_dir, kpi, front, series, request, today)
    month_style = request.month if request.month is not None else _month_style(series)
    date = request.date or (today.replace(day=1) if month_style else today)
    _refuse_taken(kpi, date, month_style, kpi.source, request.names)
    date_text = f"{date:%Y-%m}" if month_style else date.isoformat()
    if isinstance(series, yaml.MappingNode):
        lines, first = append_entry(file.lines, series, offset, date_text, request.value_text,
                                     key_node_of(front, "series"))
    elif isinstance(series, yaml.SequenceNode):
        lines, first = append_item(file.lines, series, offset, {"date": date_text, "value": request.value_text},
                                    key_node_of(front, "series"))
    else:
        raise CheckinError(f"{kpi.source}: series is not a mapping, a list or a CSV file name "
                           "(fix it, then run okr-pages check)")
    before, after = _read_series(file.normalised(file.lines), kpi.source), _read_series(
        file.normalised(lines), kpi.source)
    if before is None or after is None or sorted(after) != sorted([*before, (date, request.value)]):
        raise _cannot_edit(kpi.source)
    return _write(file, lines, kpi.source, first, kpi.id)


def _refuse_taken(kpi: KPI, date: dt.date, month_style: bool, where: str, names: Names) -> None:
    if any(point.date == date for point in kpi.series):
        shown = f"{date:%Y-%m}" if month_style else date.isoformat()
        raise CheckinError(f"KPI '{kpi.id}' already has a point dated {shown} in {where} "
                           f"(edit that value, or {names.give} another {names.date})")


def _month_style(series: Any) -> bool:
    """Whether the series' newest entry writes its date as a month (YYYY-MM)."""
    if isinstance(series, yaml.MappingNode) and series.value:
        key = series.value[-1][0]
        return isinstance(key, yaml.ScalarNode) and is_month_text(str(key.value))
    if isinstance(series, yaml.SequenceNode) and series.value:
        item = series.value[-1]
        date = value_of(item, "date") if isinstance(item, yaml.MappingNode) else None
        return isinstance(date, yaml.ScalarNode) and is_month_text(str(date.value))
    return False


def _read_series(text: str, rel: str) -> list[tuple[dt.date, Any]] | None:
    node, offset, problem = parse_front(text, rel)
    if problem or node is None:
        return None
    src = Source(rel, offset)
    points = check_dates(src, read_inline(src, value_of(node, "series"), "series"), "series")
    return None if src.problems else [(p.date, p.value) for p in points]


def _add_to_csv(site_dir: Path, kpi: KPI, front: yaml.MappingNode, series: Any, request: _Request,
                today: dt.date) -> Added:
    rel = kpi.series_file or ""
    path = site_dir / rel
    try:
        file = TextFile.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckinError(f"cannot read {rel}: {exc} (run okr-pages check)") from exc
    rows = list(csv.reader(io.StringIO("\n".join(file.lines))))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CheckinError(f"{rel} has no header row (write one such as 'date,value')")
    columns = value_of(front, "columns")
    names = {}
    if isinstance(columns, yaml.MappingNode):
        names = {str(k.value): str(v.value) for k, v in columns.value if isinstance(v, yaml.ScalarNode)}  # text
    try:
        layout = csv_layout(rows[0], names or None)
    except ColumnProblem as bad:
        raise CheckinError(f"{rel}: {bad.message}{' its header' if bad.named else ''} (run okr-pages check)") from None
    date_index, value_index, width = layout.date, layout.value, len(rows[0])
    data_rows = rows[1:] if layout.header else rows
    last = data_rows[-1][date_index].strip() if data_rows and len(data_rows[-1]) > date_index else ""
    month_style = request.month if request.month is not None else is_month_text(last)
    date = request.date or (today.replace(day=1) if month_style else today)
    _refuse_taken(kpi, date, month_style, rel, request.names)
    cells = [""] * width
    cells[date_index] = f"{date:%Y-%m}" if month_style else date.isoformat()
    cells[value_index] = request.value_text
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines = list(file.lines)
    if lines and lines[-1] == "":  # the file ends with a newline: the new row goes before that end
        lines.insert(len(lines) - 1, out.getvalue())
        first = len(lines) - 1
    else:
        lines.append(out.getvalue())
        first = len(lines)
    _verify_csv(file, lines, path, names, series, date, request.value, rel)
    return _write(file, lines, rel, first, kpi.id)


def _verify_csv(file: TextFile, lines: list[str], path: Path, names: dict[str, str], series: Any,
                date: dt.date, value: Number, rel: str) -> None:
    def points(text: str) -> list[tuple[dt.date, Any]] | None:
        problems: list[Any] = []
        src = Source(rel)
        read = read_csv(text.encode("utf-8"), rel, names or None, problems, src, series, "series")
        return None if problems or src.problems else [(p.date, p.value) for p in read]

    before, after = points(file.text()), points(file.text(lines))
    if before is None or after is None or sorted(after) != sorted([*before, (date, value)]):
        raise _cannot_edit(rel)


# -- writing ------------------------------------------------------------------------------------

def _cannot_edit(rel: str) -> CheckinError:
    return CheckinError(f"cannot add the value to {rel} without disturbing its layout "
                        "(add the line by hand; nothing was written)")


def _write(file: TextFile, lines: list[str], rel: str, first: int, target: str) -> Added:
    """Replace the file atomically, keeping its permissions."""
    try:
        file.write(lines)
    except OkrPagesError as exc:
        raise CheckinError(f"cannot write {rel}: {exc}") from exc
    added = len(lines) - len(file.lines)
    inserted = lines[first - 1:first - 1 + max(added, 1)]
    return Added(rel, first, "\n".join(inserted), target)
