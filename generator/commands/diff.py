"""``okr-pages diff``: the figures that changed between two ``api/`` outputs, as a Markdown table.

It reads only the JSON contract of SPEC §7, so any two builds can be compared,
such as a pull request's and its base branch's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import OkrPagesError
from ..site.formatting import number

API_FILES = {"okrs.json": "objectives", "kpis.json": "kpis"}  # file: the key of its list
NONE = "—"


class DiffError(OkrPagesError):
    """A folder that holds no readable api/ output."""

    exit_code = 2


@dataclass(frozen=True)
class Row:
    """One changed objective or KPI: its label, a status and the shown figures (before, after)."""

    label: str
    status: str  # changed | added | removed
    cells: tuple[tuple[str | None, str | None], ...]


def load_api(folder: Path) -> dict[str, Any]:
    """okrs.json and kpis.json from an api/ folder (or from a built site holding api/)."""
    if not (folder / "okrs.json").exists() and (folder / "api" / "okrs.json").exists():
        folder = folder / "api"
    data: dict[str, Any] = {}
    for name, key in API_FILES.items():
        path = folder / name
        if not path.is_file():
            raise DiffError(f"{path} not found: give the api/ folder of a built site "
                            "(run okr-pages build, then pass _site/api)")
        try:
            data[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DiffError(f"{path} cannot be read as JSON ({exc}); rebuild the site") from exc
        problem = _shape_problem(data[name], key)
        if problem:
            raise DiffError(f"{path}: {problem}")
    return data


def _shape_problem(data: Any, key: str) -> str | None:
    """What keeps ``data`` from being read as an api/ file listing ``key``; None when nothing does."""
    if not isinstance(data, dict):
        return f"expected an object with '{key}', got {_kind(data)}"
    if key not in data:
        return f"expected an object with '{key}', got one without it"
    if not isinstance(data[key], list):
        return f"'{key}': expected a list, got {_kind(data[key])}"
    for index, item in enumerate(data[key]):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            return f"{where}: expected an object, got {_kind(item)}"
        if "id" not in item:
            return f"{where}: missing 'id'"
        if not isinstance(item["id"], str):
            return f"{where}.id: expected text, got {_kind(item['id'])}"
        if not _is_number(item.get("score"), none=True):
            return f"{where}.score: expected a number or null, got {_kind(item['score'])}"
        latest = item.get("latest")
        if latest and not (isinstance(latest, dict) and "date" in latest and _is_number(latest.get("value"))):
            return f"{where}.latest: expected an object with 'date' and a number 'value', got {_kind(latest)}"
    return None


def _is_number(value: Any, none: bool = False) -> bool:
    return (value is None and none) or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _kind(value: Any) -> str:
    """How a JSON value looks in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    kinds = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


def _score(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _word(value: Any) -> str | None:
    return None if value is None else str(value).replace("_", " ")


def _latest(kpi: dict[str, Any]) -> str | None:
    latest = kpi.get("latest")
    if not latest:
        return None
    return f"{number(latest['value'], kpi.get('unit'))} ({latest['date']})"


def _objective_cells(objective: dict[str, Any] | None) -> tuple[str | None, ...]:
    if objective is None:
        return (None, None, None)
    return (_score(objective.get("score")), _word(objective.get("grade")), _word(objective.get("pace")))


def _kpi_cells(kpi: dict[str, Any] | None) -> tuple[str | None, ...]:
    if kpi is None:
        return (None, None, None)
    return (_latest(kpi), _word(kpi.get("health")), _word(kpi.get("trend")))


def _rows(old: list[dict[str, Any]], new: list[dict[str, Any]], cells: Any) -> list[Row]:
    before = {item["id"]: item for item in old}
    after = {item["id"]: item for item in new}
    rows = []
    for item_id in sorted(before.keys() | after.keys()):
        was, now = before.get(item_id), after.get(item_id)
        old_cells, new_cells = cells(was), cells(now)
        if old_cells == new_cells:
            continue
        status = "added" if was is None else "removed" if now is None else "changed"
        title = (now or was or {}).get("title") or item_id
        rows.append(Row(f"{_escape(title)} (`{item_id}`)", status, tuple(zip(old_cells, new_cells))))
    return rows


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _cell(before: str | None, after: str | None, status: str) -> str:
    if status == "added":
        return after or NONE
    if status == "removed":
        return before or NONE
    if before == after:
        return before or NONE
    return f"{before or NONE} → **{after or NONE}**"


def _table(heading: str, columns: tuple[str, ...], rows: list[Row]) -> list[str]:
    lines = [f"### {heading}", "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for row in rows:
        label = row.label if row.status == "changed" else f"{row.label} *{row.status}*"
        lines.append("| " + " | ".join([label, *(_cell(b, a, row.status) for b, a in row.cells)]) + " |")
    return lines


def diff_api(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The Markdown report: one table for objectives and one for KPIs, listing only what changed."""
    objectives = _rows(old["okrs.json"]["objectives"], new["okrs.json"]["objectives"], _objective_cells)
    kpis = _rows(old["kpis.json"]["kpis"], new["kpis.json"]["kpis"], _kpi_cells)
    if not objectives and not kpis:
        return "No figures changed."
    lines: list[str] = []
    if objectives:
        lines += _table("Objectives", ("Objective", "Score", "Grade", "Pace"), objectives)
    if kpis:
        lines += [""] if lines else []
        lines += _table("KPIs", ("KPI", "Latest", "Health", "Trend"), kpis)
    old_as_of, new_as_of = old["okrs.json"].get("as_of"), new["okrs.json"].get("as_of")
    note = f"as of {new_as_of}" if old_as_of == new_as_of else f"as of {old_as_of} → {new_as_of}"
    return "\n".join([*lines, "", f"Before → **after**; figures {note}."])


def diff_folders(old_dir: Path, new_dir: Path) -> str:
    """Compare two api/ folders; raises DiffError when one lacks the JSON."""
    return diff_api(load_api(old_dir), load_api(new_dir))
