"""`okr-pages build` end to end (SPEC §5, §7): api/*.json shape and figures, determinism, safety."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import run_in_process, tree

AS_OF = "2026-11-15"

CONFIG = """\
title: Acme OKRs
teams:
  - {id: company, name: Acme}
  - {id: sales, name: Sales, parent: company, lead: Dana Reyes}
  - {id: cs, name: Customer Success, parent: company}
"""

FILES = {
    # 0.75 = (1 + 0.5) / 2: one yes/no KR done, one of two milestones done
    "content/okrs/2026-Q4/company/grow-arr.md": """\
        ---
        title: Grow ARR
        cycle: 2026-Q4
        team: company
        owner: Maya
        commitment: committed
        key_results:
          - title: Open the Berlin office
            done: true
          - title: Launch the partner portal
            milestones:
              - {title: Design approved, done: true}
              - {title: Beta with 3 partners, done: false}
        ---
        Why it matters.
        """,
    "content/okrs/2026-Q4/sales/enterprise.md": """\
        ---
        title: Win the enterprise segment
        cycle: 2026-Q4
        team: sales
        owner: Dana Reyes
        aligns_to: 2026-Q4/company/grow-arr
        key_results:
          - title: Sign 20 new enterprise customers
            baseline: 4
            target: 20
            unit: customers
            weight: 2
            checkins:
              - {date: 2026-10-07, value: 6, confidence: 0.7, note: Two pilots converted}
              - {date: 2026-11-04, value: 11}
              - {date: 2026-11-20, value: 19, confidence: 0.9}
          - title: Reduce churn to 5%
            kpi: churn-rate
            target: 5
          - title: Publish the new pricing page
            done: false
        ---
        """,
    "content/okrs/2026-Q3/cs/keep.md": """\
        ---
        title: Keep every customer
        cycle: 2026-Q3
        team: cs
        owner: Priya
        commitment: committed
        key_results:
          - {title: Call every account, done: true}
          - {title: Renewals, baseline: 0, target: 10, current: 10}
        retrospective: Every account called; all ten renewals signed.
        ---
        """,
    "content/kpis/churn-rate.md": """\
        ---
        title: Churn rate
        team: cs
        unit: "%"
        direction: down
        target: 5
        thresholds: {green: 6, yellow: 8}
        cadence: monthly
        series: churn.csv
        ---
        """,
    "content/kpis/churn.csv": "date,value\n2026-08,8.5\n2026-09,8.2\n2026-10,8.0\n2026-11,6.5\n2026-12,5\n",
    "content/kpis/support-response.md": """\
        ---
        title: Support first response
        team: cs
        unit: h
        direction: down
        thresholds: {green: 4, yellow: 8}
        series:
          2026-08: 3
          2026-09: 3.5
          2026-10: 4
          2026-11: 4.5
        ---
        """,
    "content/kpis/nps.md": """\
        ---
        title: NPS
        series:
          - {date: 2026-09-01, value: 40}
          - {date: 2026-10-01, value: 40}
          - {date: 2026-11-01, value: 40}
        ---
        """,
}


@pytest.fixture
def acme(site) -> Path:
    return site(FILES, config=CONFIG)


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


class Done:
    """What one in-process run of the command line printed and returned."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_here(*args) -> Done:
    """The command line in this process: fast once the chart templates are warm."""
    return Done(*run_in_process(*args))


def build(root, out, *extra):
    return run_here("build", root, "--out", out, *extra)


def test_build_writes_api_json_matching_spec_shape_and_figures(acme, tmp_path):
    out = tmp_path / "out"
    run = build(acme, out, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert str(out) in run.stdout
    okrs = json.loads((out / "api/okrs.json").read_text(encoding="utf-8"))
    kpis = json.loads((out / "api/kpis.json").read_text(encoding="utf-8"))

    # SPEC §7 names these keys; more may be present.
    assert {"as_of", "cycles", "teams", "objectives"} <= okrs.keys()
    assert okrs["as_of"] == AS_OF
    for cycle in okrs["cycles"]:
        assert {"id", "start", "end", "score"} <= cycle.keys()
    for team in okrs["teams"]:
        assert {"id", "name", "parent", "score"} <= team.keys()
    objective_keys = {"id", "title", "cycle", "team", "owner", "aligns_to", "commitment", "score", "grade",
                      "expected", "pace", "url", "key_results"}
    kr_keys = {"id", "title", "type", "baseline", "target", "current", "unit", "weight", "score",
               "confidence", "kpi", "checkins"}
    for objective in okrs["objectives"]:
        assert objective_keys <= objective.keys()
        for kr in objective["key_results"]:
            assert kr_keys <= kr.keys()

    cycles = {c["id"]: c for c in okrs["cycles"]}
    assert cycles["2026-Q4"] == {**cycles["2026-Q4"], "start": "2026-10-01", "end": "2026-12-31",
                                 "score": 0.546875}  # (0.75 + 0.34375) / 2
    assert cycles["2026-Q3"]["score"] == 1.0
    teams = {t["id"]: t for t in okrs["teams"]}
    assert (teams["sales"]["name"], teams["sales"]["parent"]) == ("Sales", "company")
    assert teams["sales"]["score"] == 0.34375  # its one Q4 objective
    assert teams["company"]["score"] == 0.75  # own objectives only, not the sales child's
    assert teams["cs"]["score"] is None  # no objective in the current cycle (Q4)

    objectives = {o["id"]: o for o in okrs["objectives"]}
    enterprise = objectives["2026-Q4/sales/enterprise"]
    # KRs: 7/16 = 0.4375 (weight 2), churn (6.5 − 8) / (5 − 8) = 0.5, pricing page 0
    # → (2 × 0.4375 + 0.5 + 0) / 4 = 0.34375; expected 45/91 = 0.4945; gap −0.1508 < −0.15
    assert enterprise == {**enterprise, "title": "Win the enterprise segment", "cycle": "2026-Q4",
                          "team": "sales", "owner": "Dana Reyes", "aligns_to": "2026-Q4/company/grow-arr",
                          "commitment": "aspirational", "score": 0.34375, "grade": "red",
                          "expected": 45 / 91, "pace": "at_risk", "url": "okrs/2026-Q4/sales/enterprise/"}
    sign, churn, pricing = enterprise["key_results"]
    assert sign == {**sign, "id": "sign-20-new-enterprise-customers", "type": "numeric", "baseline": 4,
                    "target": 20, "current": 11, "unit": "customers", "weight": 2, "score": 0.4375,
                    "confidence": 0.7, "kpi": None}
    # the 2026-11-20 check-in is after as_of: not shown, not counted
    assert sign["checkins"] == [
        {"date": "2026-10-07", "value": 6, "confidence": 0.7, "note": "Two pilots converted"},
        {"date": "2026-11-04", "value": 11, "confidence": None, "note": None}]
    # baseline read from the KPI's point on the cycle start (2026-10-01: 8.0); current 2026-11-01: 6.5
    assert churn == {**churn, "id": "reduce-churn-to-5", "kpi": "churn-rate", "baseline": 8.0,
                     "current": 6.5, "target": 5, "score": 0.5, "confidence": None}
    assert (pricing["type"], pricing["score"]) == ("binary", 0.0)
    grow = objectives["2026-Q4/company/grow-arr"]
    assert (grow["score"], grow["grade"], grow["pace"]) == (0.75, "green", "on_track")
    assert [kr["type"] for kr in grow["key_results"]] == ["binary", "milestone"]
    keep = objectives["2026-Q3/cs/keep"]
    assert (keep["score"], keep["pace"], keep["expected"]) == (1.0, "final", 1.0)

    assert {"as_of", "kpis", "signals"} <= kpis.keys()
    assert kpis["as_of"] == AS_OF
    kpi_keys = {"id", "title", "team", "unit", "direction", "target", "thresholds", "latest", "health", "trend",
                "stale", "read_by", "series"}
    for kpi in kpis["kpis"]:
        assert kpi_keys <= kpi.keys()
    by_id = {k["id"]: k for k in kpis["kpis"]}
    churn_kpi = by_id["churn-rate"]
    assert churn_kpi == {**churn_kpi, "title": "Churn rate", "team": "cs", "unit": "%", "direction": "down",
                         "target": 5, "thresholds": {"green": 6, "yellow": 8},
                         "latest": {"date": "2026-11-01", "value": 6.5},
                         "health": "watch",  # 6 < 6.5 ≤ 8
                         "trend": "improving",  # 8.5 → 6.5 falls, and down is better
                         "stale": False, "read_by": ["2026-Q4/sales/enterprise#reduce-churn-to-5"]}
    # the 2026-12 point is after as_of
    assert churn_kpi["series"] == [{"date": "2026-08-01", "value": 8.5}, {"date": "2026-09-01", "value": 8.2},
                                   {"date": "2026-10-01", "value": 8.0}, {"date": "2026-11-01", "value": 6.5}]
    support = by_id["support-response"]
    assert (support["health"], support["trend"], support["read_by"]) == ("watch", "worsening", [])
    assert (by_id["nps"]["direction"], by_id["nps"]["health"], by_id["nps"]["trend"]) == ("up", "no_target", "flat")
    assert kpis["signals"] == ["support-response"]  # three rises in a row, read by no Q4 KR


def test_build_is_deterministic(acme, cli, tmp_path):
    # Two separate processes with different hash seeds: set and dict order must not leak out.
    for name, seed in (("one", "1"), ("two", "2")):
        run = cli("build", acme, "--out", tmp_path / name, "--as-of", AS_OF, env={"PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert "api/okrs.json" in one and "api/kpis.json" in one
    assert one == two


def test_rebuild_into_same_folder_replaces_it(acme, tmp_path):
    out = tmp_path / "out"
    assert build(acme, out, "--as-of", AS_OF).returncode == 0
    first = tree(out)
    assert build(acme, out, "--as-of", "2026-11-20").returncode == 0
    again = json.loads((out / "api/okrs.json").read_text())
    assert again["as_of"] == "2026-11-20"
    assert tree(out).keys() == first.keys()


def test_failed_build_exits_1_and_leaves_output_untouched(acme, tmp_path):
    out = tmp_path / "out"
    assert build(acme, out, "--as-of", AS_OF).returncode == 0
    before = tree(out)
    broken = acme / "content/okrs/2026-Q4/sales/enterprise.md"
    broken.write_text(broken.read_text().replace("target: 20", "target: twenty"))
    run = build(acme, out, "--as-of", AS_OF)
    assert run.returncode == 1
    assert ("content/okrs/2026-Q4/sales/enterprise.md:10:13: error: key_results[0].target: expected a number, "
            "got 'twenty' (write a number, e.g. 20)") in run.stderr
    assert "nothing written" in run.stderr
    assert tree(out) == before


def test_strict_build_fails_on_a_warning_and_writes_nothing(acme, tmp_path):
    (acme / "content/kpis/old.md").write_text("---\ntitle: Old\nseries: {2026-01: 1}\n---\n")
    out = tmp_path / "out"
    run = build(acme, out, "--as-of", AS_OF, "--strict")
    assert run.returncode == 1
    assert "content/kpis/old.md:3:9: warning: series: stale" in run.stderr
    assert not out.exists()
    assert build(acme, out, "--as-of", AS_OF).returncode == 0  # a warning alone does not fail


def _epoch(date: str) -> str:
    return str(calendar.timegm(dt.date.fromisoformat(date).timetuple()) + 3600)  # 01:00 UTC that day


def test_source_date_epoch_sets_as_of(acme, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch("2026-11-15"))
    out = tmp_path / "out"
    run = build(acme, out)
    assert run.returncode == 0, run.stderr
    assert json.loads((out / "api/okrs.json").read_text())["as_of"] == "2026-11-15"
    assert json.loads((out / "api/kpis.json").read_text())["as_of"] == "2026-11-15"


def test_as_of_wins_over_source_date_epoch(acme, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch("2026-11-15"))
    out = tmp_path / "out"
    run = build(acme, out, "--as-of", "2026-10-20")
    assert run.returncode == 0, run.stderr
    assert json.loads((out / "api/okrs.json").read_text())["as_of"] == "2026-10-20"


@pytest.mark.parametrize("value, problem", [
    ("soon", "expected a date YYYY-MM-DD, got 'soon'"),
    ("15/11/2026", "expected a date YYYY-MM-DD, got '15/11/2026'"),
    ("20261115", "expected a date YYYY-MM-DD, got '20261115'"),  # Python alone would take it
    ("2026-W46-7", "expected a date YYYY-MM-DD, got '2026-W46-7'"),
    ("2026-02-30", "date 2026-02-30 does not exist"),
])
def test_bad_as_of_exits_2_with_a_clear_message(acme, cli, tmp_path, value, problem):
    run = cli("build", acme, "--out", tmp_path / "out", "--as-of", value)  # a real process: no traceback
    assert run.returncode == 2
    assert run.stderr.strip() == f"okr-pages: error: --as-of: {problem}"
    assert not (tmp_path / "out").exists()


def test_bad_source_date_epoch_exits_2_without_traceback(acme, cli, tmp_path):
    run = cli("build", acme, "--out", tmp_path / "out", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert run.returncode == 2
    assert run.stderr.strip() == "okr-pages: error: SOURCE_DATE_EPOCH: expected whole seconds since 1970, got 'yesterday'"


def test_out_folder_not_made_by_okr_pages_is_refused(acme, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("do not delete")
    run = build(acme, out, "--as-of", AS_OF)
    assert run.returncode == 1
    assert "refusing to replace" in run.stderr
    assert tree(out) == {"thesis.txt": b"do not delete"}


def test_empty_out_folder_is_used(acme, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert build(acme, out, "--as-of", AS_OF).returncode == 0
    assert (out / "api/okrs.json").is_file()


def test_default_out_is_site_folder_underscore_site(acme):
    run = run_here("build", acme, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert (acme / "_site/api/okrs.json").is_file()
    # the output folder is not read back as content on the next run
    assert run_here("check", acme, "--as-of", AS_OF, "--strict").returncode == 0


def test_missing_site_folder_exits_2(tmp_path):
    run = run_here("check", tmp_path / "nowhere")
    assert run.returncode == 2
    assert run.stderr.strip() == f"okr-pages: error: site folder '{tmp_path / 'nowhere'}' not found"


def test_out_below_a_file_is_a_clear_error(tmp_path, cli, acme):
    (tmp_path / "afile").write_text("x")
    run = cli("build", acme, "--out", tmp_path / "afile" / "site", "--as-of", "2026-11-15")
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("okr-pages: error: cannot write ")
