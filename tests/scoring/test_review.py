"""Closing a cycle (SPEC §10): reviewed final scores, retrospectives, follow-ups, and the review's
figures (scoring/review.py), against a small site whose every number is worked out by hand below."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from generator.reading.load import load_site
from generator.scoring.quality import quality_warnings
from generator.scoring.review import review_counts, review_cycle, verdict
from generator.scoring.scores import score_site
from generator.site import api

AS_OF = dt.date(2026, 11, 15)  # 2026-Q2 and 2026-Q3 have ended, 2026-Q4 runs


def okr(cycle: str, team: str, commitment: str, krs: list[str], extra: str = "", title: str = "") -> str:
    lines = ["---", f"title: {title or 'Objective'}", f"cycle: {cycle}", f"team: {team}", "owner: Ann",
             f"commitment: {commitment}", *extra.splitlines(), "key_results:", *(f"  - {kr}" for kr in krs), "---", ""]
    return "\n".join(lines)


def numeric(current: float, target: float = 10, baseline: float = 0, title: str = "") -> str:
    return f"{{title: {title or f'Reach {target} from {baseline}'}, baseline: {baseline}, target: {target}, current: {current}}}"


RETRO = "retrospective: What happened, and what we learned."
FILES = {
    # A: committed, 1.0 → met, green.
    "content/okrs/2026-Q3/sales/a.md": okr("2026-Q3", "sales", "committed",
                                          [numeric(10), "{title: Ship it, done: true}"], RETRO, "A"),
    # B: committed, computed (0.5 + 0.5) / 2 = 0.5, reviewed 1.0 → met, green.
    "content/okrs/2026-Q3/sales/b.md": okr("2026-Q3", "sales", "committed", [
        numeric(5), "{title: Roll out, milestones: [{title: One, done: true}, {title: Two, done: false}]}"],
        f"final_score: 1.0\n{RETRO}", "B"),
    # C: committed, KPI mrr (baseline 75 on 1 Jul, 90 on 1 Sep: 15 / 75 = 0.2) and 2 / 10 = 0.2 → 0.2,
    # missed, red; no retrospective.
    "content/okrs/2026-Q3/cs/c.md": okr("2026-Q3", "cs", "committed", [
        "{title: Grow MRR to 150, kpi: mrr, target: 150}", numeric(2)], "", "C"),
    # D: aspirational, 0.3 → below the sweet spot, red.
    "content/okrs/2026-Q3/cs/d.md": okr("2026-Q3", "cs", "aspirational",
                                       [numeric(30, 100), numeric(30, 100, title="Other")], RETRO, "D"),
    # E: aspirational, 0.65 → in the sweet spot, yellow; followed up by H.
    "content/okrs/2026-Q3/sales/e.md": okr("2026-Q3", "sales", "aspirational",
                                          [numeric(65, 100), numeric(65, 100, title="Other")],
                                          f"next: 2026-Q4/sales/h\n{RETRO}", "E"),
    # F: aspirational, computed 0.8 (above), reviewed 0.7 → in the sweet spot (its top end), green.
    "content/okrs/2026-Q3/company/f.md": okr("2026-Q3", "company", "aspirational",
                                            [numeric(80, 100), numeric(80, 100, title="Other")],
                                            f"final_score: 0.7\n{RETRO}", "F"),
    # G: aspirational at 1.0 → above, and "not ambitious enough?".
    "content/okrs/2026-Q3/company/g.md": okr("2026-Q3", "company", "aspirational",
                                            [numeric(10), numeric(10, title="Other")], RETRO, "G"),
    # H: the running cycle: its final_score waits (a warning); it follows E up (derived from E's next:).
    "content/okrs/2026-Q4/sales/h.md": okr("2026-Q4", "sales", "aspirational",
                                          [numeric(5), numeric(5, title="Other")], "final_score: 0.9", "H"),
    # I: an older ended cycle: no retrospective, and no warning about it.
    "content/okrs/2026-Q2/cs/i.md": okr("2026-Q2", "cs", "aspirational",
                                       [numeric(5), numeric(5, title="Other")], "", "I"),
    # churn: unhealthy on 1 Jul (8.5), healthy on 1 Sep (5.5): a signal already at the start, cleared.
    "content/kpis/churn.md": """\
        ---
        title: Churn
        direction: down
        thresholds: {green: 6, yellow: 8}
        series: {2026-06: 9, 2026-07: 8.5, 2026-08: 7, 2026-09: 5.5, 2026-10: 5}
        ---
        """,
    # nps: healthy throughout, but three steps down by 1 Sep: a signal raised then, still one at the end.
    "content/kpis/nps.md": """\
        ---
        title: NPS
        direction: up
        target: 40
        series: {2026-06: 45, 2026-07: 44, 2026-08: 43, 2026-09: 42, 2026-10: 43}
        ---
        """,
    # mrr: unhealthy at the start, but C reads it in 2026-Q3: never a signal of that cycle.
    "content/kpis/mrr.md": """\
        ---
        title: MRR
        direction: up
        thresholds: {green: 100, yellow: 80}
        series: {2026-06: 70, 2026-07: 75, 2026-08: 85, 2026-09: 90}
        ---
        """,
}
CONFIG = """\
title: Review test
teams:
  - {id: company, name: Company}
  - {id: sales, name: Sales, parent: company}
  - {id: cs, name: Customer Success, parent: company}
"""


@pytest.fixture
def scored(site):
    loaded = load_site(site(FILES, config=CONFIG))
    assert [p.text() for p in loaded.problems] == []
    return score_site(loaded.site, AS_OF)


def by_id(scored, short: str):
    return next(o for o in scored.objectives.values() if o.id.endswith("/" + short))


def test_reviewed_score_decides_grade_and_pace_while_score_stays_computed(scored) -> None:
    b, f, c = by_id(scored, "b"), by_id(scored, "f"), by_id(scored, "c")
    assert (b.score, b.final_score, b.reviewed, b.graded, b.grade, b.pace) == (0.5, 1.0, True, 1.0, "green", "final")
    assert (f.score, f.graded, f.grade) == (pytest.approx(0.8), 0.7, "green")
    assert (c.score, c.reviewed, c.grade, c.pace) == (pytest.approx(0.2), False, "red", "missed")
    h = by_id(scored, "h")  # running: the written final_score does not count yet
    assert (h.objective.final_score, h.final_score, h.reviewed, h.graded) == (0.9, None, False, 0.5)


def test_cycle_and_team_roll_ups_use_reviewed_scores_and_say_so(scored) -> None:
    q3 = scored.cycles["2026-Q3"]
    assert q3.score == pytest.approx((1 + 1 + 0.2 + 0.3 + 0.65 + 0.7 + 1) / 7)
    assert q3.reviewed and not scored.cycles["2026-Q2"].reviewed
    history = {tid: {entry.cycle.id: (entry.score, entry.reviewed) for entry in team.history}
               for tid, team in scored.teams.items()}
    assert history["sales"]["2026-Q3"] == (pytest.approx((1 + 1 + 0.65) / 3), True)
    assert history["cs"] == {"2026-Q2": (0.5, False), "2026-Q3": (pytest.approx(0.25), False)}
    assert history["company"]["2026-Q3"] == (pytest.approx(0.85), True)
    assert [entry.cycle.id for entry in scored.teams["sales"].history] == ["2026-Q3", "2026-Q4"]


def test_review_counts_by_hand(scored) -> None:
    counts = review_counts(scored.cycles["2026-Q3"])
    assert counts.objectives == 7 and counts.reviewed == 2
    assert counts.grades == {"green": 4, "yellow": 1, "red": 2}
    assert counts.grades_by_commitment == {"aspirational": {"green": 2, "yellow": 1, "red": 1},
                                           "committed": {"green": 2, "yellow": 0, "red": 1}}
    assert (counts.committed_met, counts.committed_missed) == (2, 1)
    assert (counts.aspirational_below, counts.aspirational_sweet_spot, counts.aspirational_above) == (1, 2, 1)
    assert counts.not_ambitious == 1


def test_review_sorts_objectives_by_where_they_ended(scored) -> None:
    review = review_cycle(scored, "2026-Q3")
    verdicts = {row.objective.objective.title: (row.verdict, row.not_ambitious) for row in review.objectives}
    assert verdicts == {"A": ("met", False), "B": ("met", False), "C": ("missed", False), "D": ("below", False),
                        "E": ("sweet_spot", False), "F": ("sweet_spot", False), "G": ("above", True)}
    assert [row.objective.objective.title for row in review.not_ambitious] == ["G"]
    # teams in tree order, each with its objectives and its score in this cycle
    assert [(t.team.id, [r.objective.objective.title for r in t.objectives]) for t in review.teams] == [
        ("company", ["F", "G"]), ("sales", ["A", "B", "E"]), ("cs", ["C", "D"])]
    assert [t.score for t in review.teams] == [pytest.approx(0.85), pytest.approx(2.65 / 3), pytest.approx(0.25)]
    e = next(row for row in review.objectives if row.objective.objective.title == "E")
    assert e.next is not None and e.next.id == "2026-Q4/sales/h"
    assert review.final and review.end == dt.date(2026, 9, 30)


def test_sweet_spot_bounds_are_inclusive(scored) -> None:
    f = by_id(scored, "f")
    for value, expected in ((0.6, "sweet_spot"), (0.7, "sweet_spot"), (0.5999, "below"), (0.7001, "above"),
                            (1.0, "above")):
        reviewed = type(f)(**{**f.__dict__, "final_score": value})
        assert verdict(reviewed) == (expected, value == 1.0)


def test_kpi_movement_start_to_end(scored) -> None:
    moves = {m.kpi.id: m for m in review_cycle(scored, "2026-Q3").kpis}
    churn = moves["churn"]
    assert (churn.start.date, churn.start.value, churn.start_health) == (dt.date(2026, 7, 1), 8.5, "unhealthy")
    assert (churn.end.date, churn.end.value, churn.end_health) == (dt.date(2026, 9, 1), 5.5, "healthy")
    assert (churn.change, churn.movement) == (-3.0, "improved")
    nps = moves["nps"]
    assert (nps.start.value, nps.end.value, nps.change, nps.movement, nps.trend) == (44, 42, -2, "worsened",
                                                                                       "worsening")
    assert (moves["mrr"].start_health, moves["mrr"].end_health, moves["mrr"].movement) == ("unhealthy", "watch",
                                                                                           "improved")


def test_signals_raised_during_the_cycle(scored) -> None:
    signals = {s.kpi.id: (s.raised, s.reason, s.open_at_end) for s in review_cycle(scored, "2026-Q3").signals}
    # mrr is read by a key result of 2026-Q3 (C): someone is on it, so it is no signal of that cycle
    assert signals == {"churn": (None, "unhealthy", False), "nps": (dt.date(2026, 9, 1), "worsening", True)}


def test_check_warns_for_missing_retrospectives_of_the_last_ended_cycle_only(scored) -> None:
    warnings = [d.text() for d in quality_warnings(scored)]
    retro = [w for w in warnings if "retrospective" in w]
    assert retro == [("content/okrs/2026-Q3/cs/c.md:2:8: warning: retrospective: no retrospective for 2026-Q3, "
                     "which ended on 2026-09-30 (add 'retrospective: |' with what happened and what we learned "
                     "(guide: closing a cycle))")]
    final = [w for w in warnings if "final_score" in w]
    assert final == [("content/okrs/2026-Q4/sales/h.md:7:14: warning: final_score: final_score is for a cycle "
                     "that has ended; 2026-Q4 runs until 2026-12-31, so the computed score counts until then "
                     "(keep it for the review after the cycle ends, or remove it)")]
    # the reviewed score counts for "not ambitious enough?": G warns; F (computed 0.8, reviewed 0.7) does not
    assert [w.split(":")[0] for w in warnings if "not ambitious" in w] == ["content/okrs/2026-Q3/company/g.md"]


def test_api_json_fields(scored) -> None:
    data = json.loads(api.dumps(api.okrs_json(scored)))
    objectives = {o["title"]: o for o in data["objectives"]}
    b, e, h = objectives["B"], objectives["E"], objectives["H"]
    assert (b["score"], b["final_score"], b["reviewed"], b["grade"]) == (0.5, 1.0, True, "green")
    assert b["retrospective"] == "What happened, and what we learned."
    assert (e["next"], e["previous"], h["previous"], h["next"]) == ("2026-Q4/sales/h", None, "2026-Q3/sales/e", None)
    assert (h["final_score"], h["reviewed"]) == (None, False)  # written, but the cycle has not ended
    assert objectives["C"]["retrospective"] is None
    q3 = next(c for c in data["cycles"] if c["id"] == "2026-Q3")
    assert (q3["reviewed"], q3["state"], q3["grade"]) == (True, "ended", "yellow")
    assert q3["review"] == {"objectives": 7, "reviewed": 2, "grades": {"green": 4, "yellow": 1, "red": 2},
                            "committed": {"met": 2, "missed": 1},
                            "aspirational": {"below": 1, "sweet_spot": 2, "above": 1, "not_ambitious": 1}}
    teams = {t["id"]: t for t in data["teams"]}
    assert teams["sales"]["reviewed"] is False  # its current-cycle score (2026-Q4) has no reviewed score


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


def test_next_and_previous_are_checked_across_files(site, cli) -> None:
    root = site({
        "content/okrs/2026-Q3/a.md": okr("2026-Q3", "sales", "aspirational", [numeric(5), numeric(5, title="B")],
                                         f"next: 2026-Q4/bb\n{RETRO}"),
        "content/okrs/2026-Q3/self.md": okr("2026-Q3", "sales", "aspirational", [numeric(5), numeric(5, title="B")],
                                            f"next: 2026-Q3/self\n{RETRO}"),
        "content/okrs/2026-Q3/c.md": okr("2026-Q3", "sales", "aspirational", [numeric(5), numeric(5, title="B")],
                                         f"next: 2026-Q4/d\n{RETRO}"),
        "content/okrs/2026-Q4/d.md": okr("2026-Q4", "sales", "aspirational", [numeric(5), numeric(5, title="B")],
                                         "previous: 2026-Q3/a"),
        "content/okrs/2026-Q4/b.md": okr("2026-Q4", "sales", "aspirational", [numeric(5), numeric(5, title="B")]),
    }, config=CONFIG)
    run = cli("check", root, "--as-of", AS_OF.isoformat())
    assert run.lines == [
        "content/okrs/2026-Q3/a.md:7:7: error: next: unknown objective '2026-Q4/bb' (did you mean '2026-Q4/b'?)",
        ("content/okrs/2026-Q3/c.md:7:7: warning: next: '2026-Q4/d' names '2026-Q3/a' as its previous objective, "
        "not this one (make next: here and previous: in content/okrs/2026-Q4/d.md agree, or remove one of them)"),
        ("content/okrs/2026-Q3/self.md:7:7: error: next: an objective cannot be its own next objective "
        "(give the id of the objective after it)"),
        # d says it follows a, but a names another next: both sides are told
        ("content/okrs/2026-Q4/d.md:7:11: warning: previous: '2026-Q3/a' names '2026-Q4/bb' as its next objective, "
        "not this one (make previous: here and next: in content/okrs/2026-Q3/a.md agree, or remove one of them)"),
    ]
    assert run.returncode == 1


def test_retrospective_is_markdown_compiled_once_with_checked_links(site, cli, tmp_path) -> None:
    root = site({
        "content/okrs/2026-Q3/a.md": okr("2026-Q3", "sales", "committed", [numeric(10), numeric(10, title="B")],
                                         "retrospective: |\n  **Done.** See [the guide](../../guide/x.md) and\n"
                                         "  [a missing page](../../guide/none.md); <b>raw</b> stays text."),
        "content/guide/x.md": "# X\n",
    }, config=CONFIG)
    run = cli("check", root, "--as-of", AS_OF.isoformat())
    # the broken link is reported inside the retrospective, at its own line (9), as in bodies
    assert run.lines == [("content/okrs/2026-Q3/a.md:9:1: warning: broken link to '../../guide/none.md' "
                         "(link to an existing file below content/, relative to this one)")]
    assert cli("build", root, "--out", tmp_path / "out", "--as-of", AS_OF.isoformat()).returncode == 0
    page = (tmp_path / "out/okrs/2026-Q3/a/index.html").read_text(encoding="utf-8")
    assert '<h2 id="retrospective-heading">Retrospective</h2>' in page
    assert '<strong>Done.</strong> See <a href="../../../guide/x/">the guide</a>' in page
    assert "&lt;b&gt;raw&lt;/b&gt;" in page and "<b>raw</b>" not in page
    review = (tmp_path / "out/cycles/2026-Q3/review/sales/index.html").read_text(encoding="utf-8")
    assert '<a href="../../../../guide/x/">the guide</a>' in review


def test_charts_as_static_svg_on_the_archive_team_and_review_pages(site, cli, tmp_path) -> None:
    root = site(FILES, config=CONFIG + "charts: svg\n")
    out = tmp_path / "out"
    assert cli("build", root, "--out", out, "--as-of", AS_OF.isoformat()).returncode == 0

    def svgs(rel: str) -> list[str]:
        page = (out / rel / "index.html").read_text(encoding="utf-8")
        assert "vega-spec" not in page and "vega.js" not in page
        return re.findall(r'<svg[^>]* role="img" aria-label="([^"]*)"', page)

    # each chart is drawn twice, for a wide column and for a phone (the stylesheet shows one)
    assert [label.split(":")[0] for label in svgs("cycles")] == 2 * [
        ("Line chart of cycle scores over 3 cycles, 2026-Q2 to 2026-Q4, for Company, Sales, Customer Success, "
        "All objectives. Latest")]
    assert len(svgs("teams/sales")) == 2
    assert [label.split(" of ")[0] for label in svgs("cycles/2026-Q3/review")] == 2 * ["Stacked bar chart"] + 2 * [
        "Bar chart"]
