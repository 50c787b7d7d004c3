"""``okr-pages checkin``: add one dated value to a key result or a KPI, editing the file's text minimally.

The file is never re-serialised. The YAML nodes (with their line and column)
say where the list or mapping ends; one line in the style of its neighbours is
inserted there (or a row appended to the CSV), so comments, quoting and layout
survive and the git diff is a line or two. Everything is validated before
anything is written, and the edited text is read back before it replaces the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import did_you_mean
from .documents import parse_front
from .fields import Source, is_null, parse_date_text, parse_number_text, read_value, scalar_value
from .load import load_site, slugify
from .model import KPI, KeyResult, Number, Objective, Site
from .schema import KEY_RESULT
from .series import check_dates, read_csv, read_inline

_MONTH_TEXT = re.compile(r"^\d{4}-\d{2}$")
_NULL = "tag:yaml.org,2002:null"


class CheckinError(Exception):
    """A refused check-in; the message says why and how to fix it."""


@dataclass(frozen=True)
class Added:
    """What was written: the file, the first inserted line (1-based) and the lines' text."""

    rel: str
    line: int
    text: str
    target: str


@dataclass(frozen=True)
class _Request:
    value: Number
    value_text: str
    date: dt.date | None  # None: today
    month: bool | None  # True when --date was a month, False a day, None when not given
    confidence: Number | None
    note: str | None


@dataclass
class _File:
    """A text file split into lines, keeping its BOM and line endings so unchanged bytes stay unchanged."""

    path: Path
    bom: str
    newline: str
    lines: list[str]

    @classmethod
    def read(cls, path: Path) -> _File:
        text = path.read_bytes().decode("utf-8")
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        text = text[len(bom):]
        newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
        return cls(path, bom, newline, text.split(newline))

    def text(self, lines: list[str] | None = None) -> str:
        return self.bom + self.newline.join(self.lines if lines is None else lines)

    def normalised(self, lines: list[str]) -> str:
        """The text as the loader sees it: no BOM, LF line ends."""
        return "\n".join(lines)


def checkin(site_dir: Path, target: str, value: str, date: str | None = None, confidence: str | None = None,
            note: str | None = None, today: dt.date | None = None) -> Added:
    """Add a check-in to ``objective-id#kr-id`` or a point to a KPI; raises CheckinError when refused."""
    request = _parse_request(value, date, confidence, note)
    today = today or dt.date.today()
    site = load_site(site_dir).site
    if "#" in target:
        objective_id, _, kr_id = target.partition("#")
        objective, kr = _find_key_result(site, objective_id, kr_id)
        return _add_to_key_result(site_dir, site, objective, kr, request, today)
    kpi = _find_kpi(site, target)
    if request.confidence is not None or request.note is not None:
        option = "--confidence" if request.confidence is not None else "--note"
        raise CheckinError(f"{option} applies to key results only, not to KPI '{target}' "
                           "(leave it out, or name a key result as objective-id#kr-id)")
    return _add_to_kpi(site_dir, kpi, request, today)


# -- validating the request ---------------------------------------------------------------------

def _parse_request(value: str, date: str | None, confidence: str | None, note: str | None) -> _Request:
    number = parse_number_text(value)
    if number is None:
        raise CheckinError(f"VALUE: expected a number, got '{value}' (write a plain number such as 6.4)")
    when, month = None, None
    if date is not None:
        when = parse_date_text(date.strip())
        if when is None:
            raise CheckinError(f"--date: expected a date YYYY-MM-DD (or a month YYYY-MM), got '{date}'")
        month = bool(_MONTH_TEXT.match(date.strip()))
    level = None
    if confidence is not None:
        level = parse_number_text(confidence)
        if level is None or not 0 <= level <= 1:
            raise CheckinError(f"--confidence: expected a number from 0 to 1, got '{confidence}' "
                               "(write it as a fraction: 0.7 means 70%)")
    if note is not None and not note.strip():
        note = None
    return _Request(number, format_number(number), when, month, level, note)


def format_number(value: Number) -> str:
    """A number as YAML 1.1 reads it back as a number: no exponent (PyYAML reads '1e-05' as text)."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." not in text:
            text += ".0"
    return text


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
    target = f"{objective.id}#{kr.id}"
    if kr.type != "numeric":
        how = "its milestones' done:" if kr.type == "milestone" else "its done: true/false"
        raise CheckinError(f"key result '{target}' is not measured by a number; edit {how} "
                           f"in {objective.source} instead")
    if kr.kpi is not None:
        raise CheckinError(f"key result '{target}' reads its value from KPI '{kr.kpi}'; add the value there "
                           f"(okr-pages checkin {kr.kpi} {request.value_text})")
    if request.month:
        raise CheckinError(f"--date: a check-in needs a day, got the month '{request.date:%Y-%m}' "
                           "(write YYYY-MM-DD)")
    date = request.date or today
    cycle = site.cycles.get(objective.cycle)
    if cycle is not None and not cycle.start <= date <= cycle.end:
        raise CheckinError(f"check-in date {date} is outside cycle {cycle.id} ({cycle.start} to {cycle.end}) "
                           "(pass --date with a day inside the cycle)")
    file = _File.read(site_dir / objective.source)
    front, offset = _front(file, objective.source)
    kr_node = _kr_node(front, kr.id)
    checkins = _value_of(kr_node, "checkins")
    existing = _checkin_dates(checkins)
    if date in existing:
        raise CheckinError(f"key result '{target}' already has a check-in dated {date} "
                           f"({objective.source}:{existing[date] + offset + 1}) (edit that line, or pass "
                           "another --date)")
    item = {"date": date.isoformat(), "value": request.value_text}
    if request.confidence is not None:
        item["confidence"] = format_number(request.confidence)
    if request.note is not None:
        item["note"] = quote(request.note)
    if checkins is None or is_null(checkins):
        lines, first = _add_key(file.lines, kr_node, checkins, offset, "checkins", item)
    else:
        if not isinstance(checkins, yaml.SequenceNode):
            raise CheckinError(f"{objective.source}:{checkins.start_mark.line + offset + 1}: checkins is not "
                               "a list (fix it, then run okr-pages check)")
        lines, first = _append_item(file.lines, checkins, offset, item, _key_node(kr_node, "checkins"))
    _verify_key_result(file, lines, objective.source, kr.id, date, request.value)
    return _write(file, lines, objective.source, first, target)


def _checkin_dates(checkins: Any) -> dict[dt.date, int]:
    found: dict[dt.date, int] = {}
    if isinstance(checkins, yaml.SequenceNode):
        for item in checkins.value:
            date_node = _value_of(item, "date") if isinstance(item, yaml.MappingNode) else None
            if isinstance(date_node, yaml.ScalarNode):
                date = parse_date_text(str(date_node.value).strip())
                if date is not None:
                    found.setdefault(date, date_node.start_mark.line)
    return found


def _kr_node(front: yaml.MappingNode, kr_id: str) -> yaml.MappingNode:
    krs = _value_of(front, "key_results")
    for item in krs.value if isinstance(krs, yaml.SequenceNode) else []:
        if not isinstance(item, yaml.MappingNode):
            continue
        id_node, title_node = _value_of(item, "id"), _value_of(item, "title")
        item_id = str(id_node.value) if isinstance(id_node, yaml.ScalarNode) and not is_null(id_node) else None
        if item_id is None and isinstance(title_node, yaml.ScalarNode):
            item_id = slugify(str(title_node.value)) or "key-result"
        if item_id == kr_id:
            return item
    raise CheckinError(f"key result '{kr_id}' not found in the file's front matter (run okr-pages check)")


def _verify_key_result(file: _File, lines: list[str], rel: str, kr_id: str, date: dt.date,
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
    checkins = _value_of(_kr_node(node, kr_id), "checkins")
    if checkins is None or is_null(checkins):
        return []
    src = Source(rel, offset)
    records = read_value(src, checkins, KEY_RESULT["checkins"], "checkins")
    if src.problems:
        return None
    return [(r.get("date"), r.get("value")) for r in records]


# -- KPIs ---------------------------------------------------------------------------------------

def _add_to_kpi(site_dir: Path, kpi: KPI, request: _Request, today: dt.date) -> Added:
    file = _File.read(site_dir / kpi.source)
    front, offset = _front(file, kpi.source)
    series = _value_of(front, "series")
    if series is None:
        raise CheckinError(f"KPI '{kpi.id}' has no series: in {kpi.source} (add one, then run okr-pages check)")
    if kpi.series_file is not None:
        return _add_to_csv(site_dir, kpi, front, series, request, today)
    month_style = request.month if request.month is not None else _month_style(series)
    date = request.date or (today.replace(day=1) if month_style else today)
    _refuse_taken(kpi, date, month_style, kpi.source)
    date_text = f"{date:%Y-%m}" if month_style else date.isoformat()
    if isinstance(series, yaml.MappingNode):
        lines, first = _append_entry(file.lines, series, offset, date_text, request.value_text,
                                     _key_node(front, "series"))
    elif isinstance(series, yaml.SequenceNode):
        lines, first = _append_item(file.lines, series, offset, {"date": date_text, "value": request.value_text},
                                    _key_node(front, "series"))
    else:
        raise CheckinError(f"{kpi.source}: series is not a mapping, a list or a CSV file name "
                           "(fix it, then run okr-pages check)")
    before, after = _read_series(file.normalised(file.lines), kpi.source), _read_series(
        file.normalised(lines), kpi.source)
    if before is None or after is None or sorted(after) != sorted([*before, (date, request.value)]):
        raise _cannot_edit(kpi.source)
    return _write(file, lines, kpi.source, first, kpi.id)


def _refuse_taken(kpi: KPI, date: dt.date, month_style: bool, where: str) -> None:
    if any(point.date == date for point in kpi.series):
        shown = f"{date:%Y-%m}" if month_style else date.isoformat()
        raise CheckinError(f"KPI '{kpi.id}' already has a point dated {shown} in {where} "
                           "(edit that value, or pass another --date)")


def _month_style(series: Any) -> bool:
    """Whether the series' newest entry writes its date as a month (YYYY-MM)."""
    if isinstance(series, yaml.MappingNode) and series.value:
        key = series.value[-1][0]
        return isinstance(key, yaml.ScalarNode) and bool(_MONTH_TEXT.match(str(key.value).strip()))
    if isinstance(series, yaml.SequenceNode) and series.value:
        item = series.value[-1]
        date = _value_of(item, "date") if isinstance(item, yaml.MappingNode) else None
        return isinstance(date, yaml.ScalarNode) and bool(_MONTH_TEXT.match(str(date.value).strip()))
    return False


def _read_series(text: str, rel: str) -> list[tuple[dt.date, Any]] | None:
    node, offset, problem = parse_front(text, rel)
    if problem or node is None:
        return None
    src = Source(rel, offset)
    points = check_dates(src, read_inline(src, _value_of(node, "series"), "series"), "series")
    return None if src.problems else [(p.date, p.value) for p in points]


def _add_to_csv(site_dir: Path, kpi: KPI, front: yaml.MappingNode, series: Any, request: _Request,
                today: dt.date) -> Added:
    rel = kpi.series_file or ""
    path = site_dir / rel
    try:
        file = _File.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckinError(f"cannot read {rel}: {exc} (run okr-pages check)") from exc
    rows = list(csv.reader(io.StringIO("\n".join(file.lines))))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CheckinError(f"{rel} has no header row (write one such as 'date,value')")
    header = [name.strip() for name in rows[0]]
    columns = _value_of(front, "columns")
    names = {}
    if isinstance(columns, yaml.MappingNode):
        names = {str(k.value): str(scalar_value(v)) for k, v in columns.value if isinstance(v, yaml.ScalarNode)}
    try:
        date_index = header.index(names["date"]) if "date" in names else 0
        value_index = header.index(names["value"]) if "value" in names else 1
    except ValueError as exc:
        raise CheckinError(f"{rel}: the columns named in {kpi.source} are not in its header "
                           "(run okr-pages check)") from exc
    if max(date_index, value_index) >= len(header):
        raise CheckinError(f"{rel} needs a date and a value column (run okr-pages check)")
    last = rows[-1][date_index].strip() if len(rows) > 1 and len(rows[-1]) > date_index else ""
    month_style = request.month if request.month is not None else bool(_MONTH_TEXT.match(last))
    date = request.date or (today.replace(day=1) if month_style else today)
    _refuse_taken(kpi, date, month_style, rel)
    cells = [""] * len(header)
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


def _verify_csv(file: _File, lines: list[str], path: Path, names: dict[str, str], series: Any,
                date: dt.date, value: Number, rel: str) -> None:
    def points(text: str) -> list[tuple[dt.date, Any]] | None:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / path.name
            copy.write_text(text, encoding="utf-8")
            problems: list[Any] = []
            src = Source(rel)
            read = read_csv(copy, Path(folder), names or None, problems, src, series, "series")
            return None if problems or src.problems else [(p.date, p.value) for p in read]

    before, after = points(file.text()), points(file.text(lines))
    if before is None or after is None or sorted(after) != sorted([*before, (date, value)]):
        raise _cannot_edit(rel)


# -- text edits at node marks -------------------------------------------------------------------

def _front(file: _File, rel: str) -> tuple[yaml.MappingNode, int]:
    node, offset, problem = parse_front(file.normalised(file.lines), rel)
    if problem is not None or node is None:
        raise CheckinError(f"{rel}: front matter cannot be read (run okr-pages check and fix it first)")
    return node, offset


def _value_of(mapping: Any, key: str) -> Any:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _content_end(node: Any) -> tuple[int, int]:
    """(line, column) just after the node's last character; block collections end at their last child."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1][1] if not _is_empty_null(node.value[-1][1]) else node.value[-1][0])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    mark = node.end_mark
    return mark.line, mark.column


def _is_empty_null(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL and node.value == ""


def _end_line(lines: list[str], node: Any, offset: int) -> int:
    """Index (in ``lines``) of the last line holding the node's text."""
    line, column = _content_end(node)
    index = line + offset
    if column == 0 and index > 0:  # a block scalar ends at the start of the next line
        index -= 1
    while index > 0 and not lines[index].strip():
        index -= 1
    return index


def _flow_item(item: dict[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in item.items()) + "}"


def _block_item(item: dict[str, str], dash_column: int, key_column: int) -> list[str]:
    entries = list(item.items())
    first = " " * dash_column + "-" + " " * (key_column - dash_column - 1) + f"{entries[0][0]}: {entries[0][1]}"
    return [first, *(" " * key_column + f"{key}: {value}" for key, value in entries[1:])]


def _insert_inline(lines: list[str], line: int, column: int, text: str) -> tuple[list[str], int]:
    """Insert ``text`` into one line at a column (a flow collection gaining an entry)."""
    edited = list(lines)
    edited[line] = edited[line][:column] + text + edited[line][column:]
    return edited, line + 1


def _append_entry(lines: list[str], mapping: yaml.MappingNode, offset: int, key: str, value: str,
                  parent_key: Any = None) -> tuple[list[str], int]:
    """A ``key: value`` entry after the mapping's last one, in its style."""
    if mapping.flow_style:
        if not mapping.value:
            return _fill_empty_flow(lines, mapping, offset, f"{key}: {value}", parent_key)
        line, column = _content_end(mapping.value[-1][1])
        return _insert_inline(lines, line + offset, column, f", {key}: {value}")
    last_key = mapping.value[-1][0]
    index = _end_line(lines, mapping, offset)
    edited = list(lines)
    edited.insert(index + 1, " " * last_key.start_mark.column + f"{key}: {value}")
    return edited, index + 2


def _append_item(lines: list[str], sequence: yaml.SequenceNode, offset: int, item: dict[str, str],
                 parent_key: Any = None) -> tuple[list[str], int]:
    """A list item after the sequence's last one, in the last item's style (flow ``{…}`` or block)."""
    if sequence.flow_style:
        if not sequence.value:
            return _fill_empty_flow(lines, sequence, offset, _flow_item(item), parent_key, item_dash=True)
        line, column = _content_end(sequence.value[-1])
        return _insert_inline(lines, line + offset, column, ", " + _flow_item(item))
    last = sequence.value[-1]
    dash_column = _dash_column(lines, last, offset)
    index = _end_line(lines, sequence, offset)
    if isinstance(last, yaml.MappingNode) and not last.flow_style:
        new = _block_item(item, dash_column, last.start_mark.column)
    else:
        new = [" " * dash_column + "- " + _flow_item(item)]
    edited = list(lines)
    edited[index + 1:index + 1] = new
    return edited, index + 2


def _dash_column(lines: list[str], item: Any, offset: int) -> int:
    line = lines[item.start_mark.line + offset]
    dash = line.rfind("-", 0, item.start_mark.column)
    return dash if dash >= 0 else max(item.start_mark.column - 2, 0)


def _fill_empty_flow(lines: list[str], node: Any, offset: int, entry: str, parent_key: Any,
                     item_dash: bool = False) -> tuple[list[str], int]:
    """An empty ``{}`` or ``[]`` under a block key becomes a block with one entry; elsewhere it is filled."""
    start, end = node.start_mark, node.end_mark
    line = start.line + offset
    text = lines[line]
    if parent_key is None or start.line != end.line or parent_key.start_mark.line != start.line:
        return _insert_inline(lines, line, start.column + 1, entry)
    before, after = text[:start.column].rstrip(), text[end.column:]
    edited = list(lines)
    edited[line] = before + (after if after.strip() else "")
    indent = " " * (parent_key.start_mark.column + 2)
    edited.insert(line + 1, indent + ("- " if item_dash else "") + entry)
    return edited, line + 2


def _key_node(mapping: Any, key: str) -> Any:
    """The key node of ``key`` in a block mapping (None in a flow mapping, where edits stay inline)."""
    if isinstance(mapping, yaml.MappingNode) and not mapping.flow_style:
        for key_node, _ in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node
    return None


def _add_key(lines: list[str], mapping: yaml.MappingNode, existing: Any, offset: int, key: str,
             item: dict[str, str]) -> tuple[list[str], int]:
    """A new ``key:`` holding a one-item list; or the item under an existing empty ``key:``."""
    if mapping.flow_style:
        if existing is not None:
            raise CheckinError(f"an empty '{key}:' inside a {{…}} key result cannot be edited safely "
                               "(write the check-in by hand)")
        line, column = _content_end(mapping.value[-1][1])
        return _insert_inline(lines, line + offset, column, f", {key}: [{_flow_item(item)}]")
    edited = list(lines)
    if existing is not None:
        key_node = _key_node(mapping, key)
        index = key_node.start_mark.line + offset
        if existing.value:  # a written null ('~', 'null'): the list takes its place
            line, start, end = existing.start_mark.line + offset, existing.start_mark.column, existing.end_mark.column
            edited[line] = edited[line][:start].rstrip() + edited[line][end:]
        edited.insert(index + 1, " " * (key_node.start_mark.column + 2) + "- " + _flow_item(item))
        return edited, index + 2
    column = mapping.value[-1][0].start_mark.column
    index = _end_line(lines, mapping, offset)
    edited[index + 1:index + 1] = [" " * column + f"{key}:", " " * (column + 2) + "- " + _flow_item(item)]
    return edited, index + 2


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's), with unprintable characters escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in quoted)


# -- writing ------------------------------------------------------------------------------------

def _cannot_edit(rel: str) -> CheckinError:
    return CheckinError(f"cannot add the value to {rel} without disturbing its layout "
                        "(add the line by hand; nothing was written)")


def _write(file: _File, lines: list[str], rel: str, first: int, target: str) -> Added:
    """Replace the file atomically, keeping its permissions."""
    data = file.text(lines).encode("utf-8")
    folder = file.path.parent
    handle, temp = tempfile.mkstemp(prefix=f".{file.path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, file.path.stat().st_mode & 0o7777)
        os.replace(temp, file.path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise CheckinError(f"cannot write {rel}: {exc.strerror or exc}") from exc
    added = len(lines) - len(file.lines)
    inserted = lines[first - 1:first - 1 + max(added, 1)]
    return Added(rel, first, "\n".join(inserted), target)
