"""``okr-pages diff``: the figures that changed between two ``api/`` outputs, as a Markdown table.

It reads only the JSON contract of SPEC §7, so any two builds can be compared,
such as a pull request's and its base branch's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

API_FILES = ("okrs.json", "kpis.json")
NONE = "—"


class DiffError(Exception):
    """A folder that holds no readable api/ output."""


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
    for name in API_FILES:
        path = folder / name
        if not path.is_file():
            raise DiffError(f"{path} not found: give the api/ folder of a built site "
                            "(run okr-pages build, then pass _site/api)")
        try:
            data[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DiffError(f"{path} cannot be read as JSON ({exc}); rebuild the site") from exc
    return data


def _score(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _word(value: Any) -> str | None:
    return None if value is None else str(value).replace("_", " ")


def _number(value: Any) -> str:
    if isinstance(value, float):
        text = repr(round(value, 6))
        return text.removesuffix(".0")
    return str(value)


def _latest(kpi: dict[str, Any]) -> str | None:
    latest = kpi.get("latest")
    if not latest:
        return None
    unit = kpi.get("unit")
    value = _number(latest["value"]) + (f" {unit}" if unit else "")
    return f"{value} ({latest['date']})"


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
    objectives = _rows(old["okrs.json"].get("objectives", []), new["okrs.json"].get("objectives", []),
                       _objective_cells)
    kpis = _rows(old["kpis.json"].get("kpis", []), new["kpis.json"].get("kpis", []), _kpi_cells)
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
