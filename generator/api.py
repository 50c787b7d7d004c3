"""api/okrs.json and api/kpis.json: the scored model as a stable JSON contract (SPEC §7)."""

from __future__ import annotations

import json
from typing import Any

from .model import KPI, CheckIn, KeyResult, Objective, Point, Site
from .scoring import KRScore, ObjectiveScore, Scores


def _checkin(checkin: CheckIn) -> dict[str, Any]:
    return {"date": checkin.date.isoformat(), "value": checkin.value,
            "confidence": checkin.confidence, "note": checkin.note}


def _point(point: Point) -> dict[str, Any]:
    return {"date": point.date.isoformat(), "value": point.value}


def key_result_json(kr: KeyResult, score: KRScore) -> dict[str, Any]:
    return {
        "id": kr.id,
        "title": kr.title,
        "type": kr.type,
        "baseline": score.baseline,
        "target": kr.target,
        "current": score.current,
        "unit": kr.unit,
        "weight": kr.weight,
        "score": score.score,
        "confidence": score.confidence,
        "kpi": kr.kpi,
        "no_data": score.no_data,
        "done": kr.done,
        "milestones": [{"title": m.title, "done": m.done, "weight": m.weight} for m in kr.milestones],
        "checkins": [_checkin(c) for c in score.checkins],
    }


def objective_json(objective: Objective, score: ObjectiveScore) -> dict[str, Any]:
    return {
        "id": objective.id,
        "title": objective.title,
        "cycle": objective.cycle,
        "team": objective.team,
        "owner": objective.owner,
        "aligns_to": objective.aligns_to,
        "commitment": objective.commitment,
        "score": score.score,
        "grade": score.grade,
        "expected": score.expected,
        "pace": score.pace,
        "confidence": score.confidence,
        "url": objective.url,
        "key_results": [key_result_json(kr, s) for kr, s in zip(objective.key_results, score.key_results)],
    }


def okrs_json(site: Site, scores: Scores) -> dict[str, Any]:
    return {
        "as_of": scores.as_of.isoformat(),
        "current_cycle": scores.current_cycle,
        "cycles": [{"id": c.id, "start": c.start.isoformat(), "end": c.end.isoformat(),
                    "score": scores.cycles[c.id]} for c in site.cycles.values()],
        "teams": [{"id": t.id, "name": t.name, "parent": t.parent, "lead": t.lead,
                   "score": scores.teams[t.id]} for t in site.teams.values()],
        "objectives": [objective_json(o, scores.objectives[o.id]) for o in site.objectives.values()],
    }


def kpi_json(kpi: KPI, scores: Scores) -> dict[str, Any]:
    status = scores.kpis[kpi.id]
    thresholds = {"green": kpi.thresholds.green, "yellow": kpi.thresholds.yellow} if kpi.thresholds else None
    return {
        "id": kpi.id,
        "title": kpi.title,
        "team": kpi.team,
        "owner": kpi.owner,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "cadence": kpi.cadence,
        "target": kpi.target,
        "thresholds": thresholds,
        "latest": _point(status.latest) if status.latest else None,
        "health": status.health,
        "trend": status.trend,
        "stale": status.stale,
        "signal": status.signal,
        "signal_reason": status.signal_reason,
        "read_by": list(status.read_by),
        "url": kpi.url,
        "series": [_point(p) for p in status.series],
    }


def kpis_json(site: Site, scores: Scores) -> dict[str, Any]:
    return {
        "as_of": scores.as_of.isoformat(),
        "kpis": [kpi_json(k, scores) for k in site.kpis.values()],
        "signals": list(scores.signals),
    }


def dumps(data: Any) -> str:
    """Deterministic JSON text: fixed key order, UTF-8, a trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
