"""api/okrs.json, api/kpis.json and api/changes.json: the scored model as a stable JSON contract
(SPEC §7, §9)."""

from __future__ import annotations

from typing import Any

import orjson

from ..model.content import CheckIn, Point, kr_ref
from ..model.names import Person
from ..scoring.changes import Changes
from ..scoring.people import ScoredPerson
from ..scoring.review import ReviewCounts, review_counts
from ..scoring.scores import ScoredCycle, ScoredKPI, ScoredKR, ScoredObjective, ScoredSite
from .markup import url_path


def _checkin(checkin: CheckIn) -> dict[str, Any]:
    return {"date": checkin.date.isoformat(), "value": checkin.value,
            "confidence": checkin.confidence, "note": checkin.note}


def _point(point: Point) -> dict[str, Any]:
    return {"date": point.date.isoformat(), "value": point.value}


def _name(who: Person | None) -> str | None:
    return who.name if who else None


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
        "owner": _name(score.owner),
        "last_update": score.last_update.isoformat() if score.last_update else None,
        "overdue": score.overdue,
    }


def objective_json(score: ScoredObjective, follow_up: ScoredObjective | None = None,
                   before: ScoredObjective | None = None) -> dict[str, Any]:
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
        "url": url_path(objective.url),
        "final_score": score.final_score,
        "reviewed": score.reviewed,
        "retrospective": objective.retrospective,
        "next": follow_up.id if follow_up else None,
        "previous": before.id if before else None,
        "key_results": [key_result_json(kr) for kr in score.key_results],
        "checkin_every": score.checkin_every,
        "overdue_krs": [kr.kr.id for kr in score.overdue],
    }


def review_json(counts: ReviewCounts) -> dict[str, Any]:
    """A cycle's review in numbers: grades, committed met or missed, aspirational against the sweet spot."""
    return {
        "objectives": counts.objectives,
        "reviewed": counts.reviewed,
        "grades": counts.grades,
        "committed": {"met": counts.committed_met, "missed": counts.committed_missed},
        "aspirational": {"below": counts.aspirational_below, "sweet_spot": counts.aspirational_sweet_spot,
                         "above": counts.aspirational_above, "not_ambitious": counts.not_ambitious},
    }


def okrs_json(scored: ScoredSite) -> dict[str, Any]:
    return {
        "as_of": scored.as_of.isoformat(),
        "current_cycle": scored.current_cycle,
        "cycles": [_cycle(c) for c in scored.cycles.values()],
        "teams": _teams(scored),
        "objectives": [objective_json(o, scored.next_of.get(oid), scored.previous_of.get(oid))
                       for oid, o in scored.objectives.items()],
        "people": [person_json(p) for p in scored.people.values()],
    }


def cycle_json(scored: ScoredSite, cycle_id: str) -> dict[str, Any]:
    """``api/cycles/<id>.json`` (SPEC §13): ``api/okrs.json``'s shape with one cycle and its objectives
    only, for readers that need less than the whole archive."""
    cycle = scored.cycles[cycle_id]
    return {
        "as_of": scored.as_of.isoformat(),
        "current_cycle": scored.current_cycle,
        "cycles": [_cycle(cycle)],
        "teams": _teams(scored),
        "objectives": [objective_json(o, scored.next_of.get(o.id), scored.previous_of.get(o.id))
                       for o in cycle.objectives],
    }


def _cycle(c: ScoredCycle) -> dict[str, Any]:
    return {"id": c.cycle.id, "start": c.cycle.start.isoformat(), "end": c.cycle.end.isoformat(), "score": c.score,
            "state": c.state, "grade": c.grade, "reviewed": c.reviewed, "review": review_json(review_counts(c))}


def _teams(scored: ScoredSite) -> list[dict[str, Any]]:
    return [{"id": t.team.id, "name": t.team.name, "parent": t.team.parent, "lead": t.team.lead, "score": t.score,
             "reviewed": t.reviewed, "score_with_subteams": t.with_subteams} for t in _config_order(scored)]


def person_json(who: ScoredPerson) -> dict[str, Any]:
    """A person and the ids of what they own (SPEC §9): the figures are on the objectives and KPIs."""
    return {
        "slug": who.slug,
        "name": who.name,
        "names": list(who.names),
        "url": who.url,
        "objectives": [o.id for o in who.objectives],
        "key_results": [kr_ref(o.id, kr.kr.id) for o, kr in who.key_results],
        "overdue": [kr_ref(o.id, kr.kr.id) for o, kr in who.overdue],
        "past_objectives": [o.id for o in who.past],
        "kpis": [k.id for k in who.kpis],
        "teams": [t.id for t in who.teams],
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
        "url": url_path(kpi.url),
        "series": [_point(p) for p in status.series],
    }


def kpis_json(scored: ScoredSite) -> dict[str, Any]:
    return {
        "as_of": scored.as_of.isoformat(),
        "kpis": [kpi_json(k) for k in scored.kpis.values()],
        "signals": [k.kpi.id for k in scored.signals],
    }


def _figures(o: ScoredObjective) -> dict[str, Any]:
    return {"score": o.score, "grade": o.grade, "pace": o.pace}


def changes_json(changes: Changes) -> dict[str, Any]:
    """api/changes.json: what changed from ``since`` (exclusive) to ``as_of`` (inclusive)."""
    return {
        "as_of": changes.as_of.isoformat(),
        "since": changes.since.isoformat(),
        "days": changes.days,
        "objectives": [{"id": m.objective.id, "title": m.objective.objective.title, "url": url_path(m.objective.url),
                        "before": _figures(m.before), "after": _figures(m.objective)} for m in changes.moves],
        "checkins": [{"objective": c.objective.id, "key_result": c.key_result.kr.id,
                      "title": c.key_result.kr.title, "url": f"{url_path(c.objective.url)}#kr-{c.key_result.kr.id}",
                      **_checkin(c.checkin)} for c in changes.checkins],
        "kpis": [{"id": k.kpi.id, "title": k.kpi.kpi.title, "url": url_path(k.kpi.url),
                  "points": [_point(p) for p in k.points],
                  "before": {"health": k.before.health, "trend": k.before.trend},
                  "after": {"health": k.kpi.health, "trend": k.kpi.trend}} for k in changes.kpis],
        "signals": {"raised": [k.id for k in changes.raised], "cleared": [k.id for k in changes.cleared]},
        "added": [o.id for o in changes.added],
    }


def dumps(data: Any) -> bytes:
    """Deterministic JSON: fixed key order, UTF-8, two-space indent, a trailing newline."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
