"""okr-pages diff: the figures that changed between two api/ outputs, as a Markdown table."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import run_in_process as run

OKRS = {
    "as_of": "2026-11-22",
    "objectives": [
        {"id": "2026-Q4/sales/win", "title": "Win the enterprise segment", "score": 0.5812,
         "grade": "yellow", "pace": "on_track"},
        {"id": "2026-Q4/cs/retain", "title": "Keep customers | renew", "score": 0.3, "grade": "red",
         "pace": "off_track"},
        {"id": "2026-Q4/product/ship", "title": "Ship the add-on", "score": 0.7, "grade": "green",
         "pace": "on_track"},
        {"id": "2026-Q4/company/old", "title": "Dropped objective", "score": 0.1, "grade": "red",
         "pace": "off_track"},
    ],
}
KPIS = {
    "as_of": "2026-11-22",
    "kpis": [
        {"id": "mrr", "title": "MRR", "unit": "k USD", "latest": {"date": "2026-10-01", "value": 994},
         "health": "watch", "trend": "improving"},
        {"id": "churn", "title": "Churn rate", "unit": "%", "latest": {"date": "2026-10-01", "value": 2.3},
         "health": "watch", "trend": "improving"},
        {"id": "nps", "title": "NPS", "unit": None, "latest": None, "health": "no_data", "trend": "unknown"},
    ],
    "signals": [],
}


def write_api(folder: Path, okrs: dict, kpis: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "okrs.json").write_text(json.dumps(okrs), encoding="utf-8")
    (folder / "kpis.json").write_text(json.dumps(kpis), encoding="utf-8")
    return folder


def test_changed_added_and_removed_figures(tmp_path):
    okrs, kpis = copy.deepcopy(OKRS), copy.deepcopy(KPIS)
    okrs["objectives"][0].update(score=0.6249, pace="at_risk")  # 0.58 → 0.62
    okrs["objectives"][1].update(score=0.3049)  # still 0.30: not listed
    okrs["objectives"][2].update(title="Ship the analytics add-on")  # only the title: not listed
    del okrs["objectives"][3]
    okrs["objectives"].append({"id": "2026-Q4/sales/new", "title": "Open Germany", "score": 0.0,
                               "grade": "red", "pace": "off_track"})
    kpis["kpis"][0].update(latest={"date": "2026-11-01", "value": 1031}, health="healthy")
    kpis["kpis"][2].update(latest={"date": "2026-11-01", "value": 41.5}, health="healthy", trend="unknown")
    old = write_api(tmp_path / "old", OKRS, KPIS)
    new = write_api(tmp_path / "new", okrs, kpis)
    code, out, err = run("diff", old, new)
    assert (code, err) == (0, "")
    assert out == """\
### Objectives

| Objective | Score | Grade | Pace |
| --- | --- | --- | --- |
| Dropped objective (`2026-Q4/company/old`) *removed* | 0.10 | red | off track |
| Open Germany (`2026-Q4/sales/new`) *added* | 0.00 | red | off track |
| Win the enterprise segment (`2026-Q4/sales/win`) | 0.58 → **0.62** | yellow | on track → **at risk** |

### KPIs

| KPI | Latest | Health | Trend |
| --- | --- | --- | --- |
| MRR (`mrr`) | 994 k USD (2026-10-01) → **1,031 k USD (2026-11-01)** | watch → **healthy** | improving |
| NPS (`nps`) | — → **41.5 (2026-11-01)** | no data → **healthy** | unknown |

Before → **after**; figures as of 2026-11-22.
"""


def test_titles_with_pipes_are_escaped(tmp_path):
    okrs = copy.deepcopy(OKRS)
    okrs["objectives"][1].update(score=0.5, grade="yellow")
    code, out, _ = run("diff", write_api(tmp_path / "old", OKRS, KPIS), write_api(tmp_path / "new", okrs, KPIS))
    assert code == 0
    assert "| Keep customers \\| renew (`2026-Q4/cs/retain`) | 0.30 → **0.50** | red → **yellow** | off track |" in out


def test_no_figures_changed(tmp_path):
    old = write_api(tmp_path / "old", OKRS, KPIS)
    new = write_api(tmp_path / "new", OKRS, KPIS)
    assert run("diff", old, new) == (0, "No figures changed.\n", "")


def test_a_built_site_folder_is_accepted_for_its_api_folder(tmp_path):
    old = write_api(tmp_path / "old" / "api", OKRS, KPIS).parent
    new = write_api(tmp_path / "new" / "api", OKRS, KPIS).parent
    assert run("diff", old, new) == (0, "No figures changed.\n", "")


def test_a_folder_without_the_json_is_an_error(tmp_path):
    old = write_api(tmp_path / "old", OKRS, KPIS)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run("diff", old, empty)
    assert (code, out) == (2, "")
    assert err == (f"okr-pages: error: {empty / 'okrs.json'} not found: give the api/ folder of a built site "
                   "(run okr-pages build, then pass _site/api)\n")


MALFORMED = [  # okrs.json's text, and what the error says after the file's path
    ("[]", ": expected an object with 'objectives', got a list"),
    ('{"objectives": [{"title": "No id", "score": 0.5}]}', ": objectives[0]: missing 'id'"),
    ('{"objectives": [', " cannot be read as JSON (Expecting value: line 1 column 17 (char 16)); rebuild the site"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED, ids=["a list", "no id", "not JSON"])
def test_malformed_json_is_an_error_naming_the_file(tmp_path, cli, text, message):
    """In a subprocess, so the exact stderr also shows there is no traceback."""
    old = write_api(tmp_path / "old", OKRS, KPIS)
    (old / "okrs.json").write_text(text, encoding="utf-8")
    new = write_api(tmp_path / "new", OKRS, KPIS)
    done = cli("diff", old, new)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"okr-pages: error: {old / 'okrs.json'}{message}\n"


def test_a_latest_point_without_a_value_is_an_error(tmp_path):
    old = write_api(tmp_path / "old", OKRS, KPIS)
    new = write_api(tmp_path / "new", OKRS, {"kpis": [{"id": "mrr", "latest": {"date": "2026-10-01"}}]})
    code, out, err = run("diff", old, new)
    assert (code, out) == (2, "")
    assert err == (f"okr-pages: error: {new / 'kpis.json'}: kpis[0].latest: expected an object with 'date' and "
                   "a number 'value', got an object\n")


def test_diff_of_two_real_builds(tmp_path, site, cli):
    """Built from a fixture site before and after one check-in: the objective's row changes."""
    files = {"content/okrs/2026-Q4/sales/win.md": """\
        ---
        title: Win the enterprise segment
        cycle: 2026-Q4
        team: sales
        owner: Dana Reyes
        key_results:
          - title: Sign 8 customers
            baseline: 0
            target: 8
            checkins:
              - {date: 2026-10-28, value: 2}
          - title: Ship the portal
            done: false
        ---
        """}
    root = site(files)
    assert cli("build", root, "--out", tmp_path / "old", "--as-of", "2026-11-15").returncode == 0
    assert cli("checkin", "2026-Q4/sales/win#sign-8-customers", "4", "--date", "2026-11-10",
               "--site-dir", root).returncode == 0
    assert cli("build", root, "--out", tmp_path / "new", "--as-of", "2026-11-15").returncode == 0
    done = cli("diff", tmp_path / "old" / "api", tmp_path / "new" / "api")
    assert done.returncode == 0
    assert done.stdout.splitlines()[4] == ("| Win the enterprise segment (`2026-Q4/sales/win`) | 0.12 → **0.25** "
                                           "| red | off track → **at risk** |")
