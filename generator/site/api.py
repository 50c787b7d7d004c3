"""api/okrs.json and api/kpis.json: the scored model as a stable JSON contract (SPEC §7)."""

from __future__ import annotations

from typing import Any

import orjson

from ..model.content import CheckIn, Point
from ..model.scoring import ScoredKPI, ScoredKR, ScoredObjective, ScoredSite


def _checkin(checkin: CheckIn) -> dict[str, Any]:
    return {"date": checkin.date.isoformat(), "value": checkin.value,
            "confidence": checkin.confidence, "note": checkin.note}


def _point(point: Point) -> dict[str, Any]:
    return {"date": point.date.isoformat(), "value": point.value}


def key_result_json(score: ScoredKR) -> dict[str, Any]:
    kr = score.kr
    return {
        "id": kr.id,
        "title": kr.title,
        "type": kr.type,
        "baseline": score.baseline,
        "target": kr.target,
        "current": score.current,
        "unit": score.unit,  # a KR reading a KPI with no unit of its own measures in the KPI's
        "weight": kr.weight,
        "score": score.score,
        "confidence": score.confidence,
        "kpi": kr.kpi,
        "no_data": score.no_data,
        "done": kr.done,
        "milestones": [{"title": m.title, "done": m.done, "weight": m.weight} for m in kr.milestones],
        "checkins": [_checkin(c) for c in score.checkins],
    }


def objective_json(score: ScoredObjective) -> dict[str, Any]:
    objective = score.objective
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
        "key_results": [key_result_json(kr) for kr in score.key_results],
    }


def okrs_json(scored: ScoredSite) -> dict[str, Any]:
    return {
        "as_of": scored.as_of.isoformat(),
        "current_cycle": scored.current_cycle,
        "cycles": [{"id": c.cycle.id, "start": c.cycle.start.isoformat(), "end": c.cycle.end.isoformat(),
                    "score": c.score} for c in scored.cycles.values()],
        "teams": [{"id": t.team.id, "name": t.team.name, "parent": t.team.parent, "lead": t.team.lead,
                   "score": t.score, "score_with_subteams": t.with_subteams} for t in _config_order(scored)],
        "objectives": [objective_json(o) for o in scored.objectives.values()],
    }


def _config_order(scored: ScoredSite) -> list:
    """Teams as listed in the config (then as first named in content), as the JSON always listed them."""
    return [scored.teams[tid] for tid in scored.site.teams]


def kpi_json(status: ScoredKPI) -> dict[str, Any]:
    kpi = status.kpi
    thresholds = {"green": kpi.thresholds.green, "yellow": kpi.thresholds.yellow} if kpi.thresholds else None
    return {
        "id": kpi.id,
        "title": kpi.title,
        "team": kpi.team,
        "owner": kpi.owner,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "cadence": kpi.cadence,
        "period": kpi.period,
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


def kpis_json(scored: ScoredSite) -> dict[str, Any]:
    return {
        "as_of": scored.as_of.isoformat(),
        "kpis": [kpi_json(k) for k in scored.kpis.values()],
        "signals": [k.kpi.id for k in scored.signals],
    }


def dumps(data: Any) -> bytes:
    """Deterministic JSON: fixed key order, UTF-8, two-space indent, a trailing newline."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
