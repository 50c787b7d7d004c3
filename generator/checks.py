"""OKR-quality warnings that teach the method (SPEC §4), read off the model and its scores."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .model import Site
from .scoring import Scores

MIN_KRS, MAX_KRS = 2, 5


def quality_warnings(site: Site, scores: Scores) -> list[Diagnostic]:
    """Warnings about how the OKRs are written, and about KPIs gone stale."""
    found: list[Diagnostic] = []

    def warn(source: str, mark: tuple[int, int], field: str, message: str, hint: str) -> None:
        found.append(Diagnostic(source, mark[0], mark[1], "warning", field, message, hint))

    for objective in site.objectives.values():
        # Count key results as written: one dropped for an error is already reported as that error.
        count = max(len(objective.key_results), objective.declared_key_results)
        mark = objective.marks.get("key_results", (1, 1))
        if count < MIN_KRS:
            warn(objective.source, mark, "key_results", f"only {count} key result(s)",
                 "2 to 5 key results show that the objective was reached")
        elif count > MAX_KRS:
            warn(objective.source, mark, "key_results", f"{count} key results",
                 "keep to 2 to 5: more dilutes focus; move some to KPIs or another objective")
        if objective.owner is None or objective.team is None:
            missing = " and ".join(name for name, value in (("owner", objective.owner), ("team", objective.team))
                                   if value is None)
            warn(objective.source, objective.marks.get("title", (1, 1)), "",
                 f"objective has no {missing}", f"add '{missing.split(' ')[0]}:' so someone is accountable")
        score = scores.objectives.get(objective.id)
        complete = len(objective.key_results) == objective.declared_key_results  # none dropped for errors
        if score and complete and objective.commitment == "aspirational" and score.score >= 1.0:
            warn(objective.source, objective.marks.get("commitment", objective.marks.get("title", (1, 1))),
                 "commitment", "aspirational objective scores 1.0 (not ambitious enough?)",
                 "aim higher next cycle, or mark it 'commitment: committed'")
    for kpi in site.kpis.values():
        status = scores.kpis.get(kpi.id)
        if status and status.stale and status.latest:
            warn(kpi.source, kpi.marks.get("series", (1, 1)), "series",
                 f"stale: latest point is {status.latest.date}, more than two {kpi.cadence} periods "
                 f"before {scores.as_of}", "add the recent values, or set the right 'cadence:'")
    return found
