"""The refresh table as text (terminal), Markdown (the pull request's body) or JSON (machines)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..model.content import Number, Point
from .csvupdate import format_value
from .run import Outcome, Refreshed

MAX_LISTED = 20  # values listed per KPI in the Markdown body; the diff has the rest


def _latest(point: Point | None, unit: str | None = None, estimate: bool = False) -> str:
    if point is None:
        return "no data"
    value = format_value(point.value) + (f" {unit}" if unit else "")
    return f"{value} ({point.date}{', estimate' if estimate else ''})"


def _health(outcome: Outcome) -> str:
    return f"{outcome.health_before} -> {outcome.health_after}"


def _counts(outcome: Outcome) -> tuple[str, str, str]:
    if outcome.merge is None:
        return "-", "-", "-"
    return str(len(outcome.merge.added)), str(len(outcome.merge.revised)), str(len(outcome.merge.kept))


def summary(run: Refreshed) -> str:
    """One line: how many KPIs changed, stayed, failed or were skipped, and what was written."""
    counts = {status: sum(o.status == status for o in run.outcomes)
              for status in ("changed", "unchanged", "failed", "skipped")}
    parts = ", ".join(f"{count} {status}" for status, count in counts.items() if count) or "no KPI to refresh"
    if run.dry_run:
        tail = "dry run: nothing written"
    elif run.written:
        tail = "wrote " + ", ".join(run.written)
    else:
        tail = "nothing written"
    return f"okr-pages refresh: {len(run.outcomes)} KPI(s): {parts}; {tail}"


def text(run: Refreshed) -> str:
    """A plain table, one row per KPI."""
    header = ("KPI", "source", "status", "added", "revised", "kept", "latest", "health")
    rows = [header] + [(o.kpi.id, o.source, o.status, *_counts(o), _latest(o.latest, estimate=o.estimate), _health(o))
                       for o in run.outcomes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5}
    lines = ["  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _moved(outcome: Outcome) -> list[str]:
    merged = outcome.merge
    if merged is None:
        return []
    lines = [f"{date}: {format_value(old)} → {format_value(new)}" for date, old, new in merged.revised]
    lines += [f"{point.date}: {format_value(point.value)} (new)" for point in merged.added]
    if len(lines) > MAX_LISTED:
        lines = lines[:MAX_LISTED] + [f"… and {len(lines) - MAX_LISTED} more (see the diff)"]
    return lines


def markdown(run: Refreshed) -> str:
    """The pull request's body: the table, the values that moved, and any problem."""
    title = "KPI values refreshed" + (" (dry run)" if run.dry_run else "")
    out = [f"## {title}", "", f"Queried on {run.as_of}. {summary(run).split(': ', 1)[1]}.", ""]
    if run.outcomes:
        out += ["| KPI | Source | Status | Added | Revised | Kept | Latest | Health |",
                "| --- | --- | --- | ---: | ---: | ---: | --- | --- |"]
        for o in run.outcomes:
            cells = [f"{o.kpi.title} (`{o.kpi.id}`)", o.source, o.status, *_counts(o),
                     _latest(o.latest, o.kpi.unit, o.estimate), f"{o.health_before} → {o.health_after}"]
            out.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        out.append("")
    moved = [(o, _moved(o)) for o in run.outcomes if _moved(o)]
    if moved:
        out += ["### Values that moved", ""]
        for outcome, lines in moved:
            out.append(f"- **{_cell(outcome.kpi.title)}** (`{outcome.kpi.series_file}`)")
            out += [f"  - {line}" for line in lines]
        out.append("")
    kept = [o for o in run.outcomes if o.merge is not None and o.merge.kept]
    if kept:
        out += ["Rows whose dates a query no longer returns are kept as they were: "
                + ", ".join(f"`{o.kpi.id}` {len(o.merge.kept)}" for o in kept if o.merge) + ".", ""]
    if run.problems:
        out += ["### Problems", ""]
        out += [f"- `{d.file}:{d.line}:{d.column}` {_cell(d.text().split(': ', 2)[-1])}" for d in run.problems]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _number(value: Number) -> Number:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _point(point: Point | None) -> dict[str, Any] | None:
    return None if point is None else {"date": point.date.isoformat(), "value": _number(point.value)}


def to_json(run: Refreshed) -> str:
    """Every figure of the run, for scripts."""
    kpis = []
    for o in run.outcomes:
        merged = o.merge
        kpis.append({
            "id": o.kpi.id, "title": o.kpi.title, "source": o.source, "series_file": o.kpi.series_file,
            "status": o.status,
            "added": [_point(p) for p in merged.added] if merged else [],
            "revised": [{"date": d.isoformat(), "old": _number(old), "new": _number(new)}
                        for d, old, new in merged.revised] if merged else [],
            "kept": [d.isoformat() for d in merged.kept] if merged else [],
            "latest": _point(o.latest), "estimate": o.estimate,
            "health": {"before": o.health_before, "after": o.health_after},
        })
    data = {"as_of": run.as_of.isoformat(), "dry_run": run.dry_run, "written": run.written, "kpis": kpis,
            "problems": [asdict(d) for d in run.problems]}
    return json.dumps(data, indent=2, ensure_ascii=False)
