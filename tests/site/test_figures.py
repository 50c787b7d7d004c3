"""Honest figures for every reader (issue #9): months read as months, a KPI's ``period``, units on
KPI-linked key results, one date form for prose and one for tables, scores labelled for what they
are (a team with its sub-teams), grade colours on key results, accessible Markdown."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from conftest import CONFIG, write_site

from generator.cli import main
from generator.model.content import Point
from generator.pipeline import check_site
from generator.reading.load import load_site
from generator.reading.markdown import compile_body
from generator.site import formatting

AS_OF = "2026-11-15"

MRR = """\
---
title: MRR
team: sales
unit: k USD
direction: up
target: 1200
thresholds: {green: 1100, yellow: 950}
period: end
series:
  2026-09: 968
  2026-10: 994
  2026-11: 1031
---
The point dated 2026-11 is the MRR at the close of October.
"""

LEADS = """\
---
title: Leads
team: cs
direction: up
target: 100
series:
  - {date: 2026-10-05, value: 80}
  - {date: 2026-11, value: 95}
---
"""

GROW = """\
---
title: Grow revenue
cycle: 2026-Q4
team: sales
owner: Dana Reyes
key_results:
  - title: Grow MRR to 1.1M
    kpi: mrr
    target: 1100
  - title: Sign customers
    baseline: 0
    target: 10
    unit: customers
    checkins:
      - {date: 2026-10-07, value: 1, confidence: 0.6}
---
"""

COMPANY = """\
---
title: Be great
cycle: 2026-Q4
team: company
key_results:
  - {title: Ship it, done: true}
  - {title: Launch it, done: false}
---
"""


def example(root: Path) -> Path:
    return write_site(root, {"okr-pages.yaml": CONFIG, "content/kpis/mrr.md": MRR,
                             "content/kpis/leads.md": LEADS,
                             "content/kpis/visits.csv": "month,visits\n2026-10,5\n2026-11-02,6\n",
                             "content/kpis/visits.md": "---\ntitle: Visits\nseries: visits.csv\n---\n",
                             "content/okrs/2026-Q4/sales/grow.md": GROW,
                             "content/okrs/2026-Q4/company/great.md": COMPANY})


def build(root: Path) -> dict[str, str]:
    """The example built as of AS_OF: its HTML and JSON files by path."""
    example(root / "site")
    out = root / "out"
    assert main(["build", str(root / "site"), "--out", str(out), "--as-of", AS_OF]) == 0
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*")
            if p.suffix in (".html", ".json")}


# -- reading ------------------------------------------------------------------------------------

def test_points_remember_whether_they_were_written_as_months(tmp_path: Path) -> None:
    loaded = load_site(example(tmp_path / "site"))
    assert loaded.problems == []
    kpis = loaded.site.kpis
    assert [p.month for p in kpis["mrr"].series] == [True, True, True]  # inline mapping
    assert [p.month for p in kpis["leads"].series] == [False, True]  # inline list
    assert [p.month for p in kpis["visits"].series] == [True, False]  # CSV
    assert kpis["mrr"].period == "end" and kpis["leads"].period == "start"
    # scoring reads only the date: a month is its first day, whatever the flag
    assert kpis["mrr"].series[-1] == Point(dt.date(2026, 11, 1), 1031)


def test_a_period_other_than_start_or_end_is_an_error(tmp_path: Path, capsys) -> None:
    site = write_site(tmp_path / "site", {"okr-pages.yaml": CONFIG, "content/kpis/mrr.md": MRR.replace(
        "period: end", "period: close")})
    assert main(["check", str(site), "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert "content/kpis/mrr.md:8:9: error: period: expected one of start, end, got 'close'" in out


# -- scoring ------------------------------------------------------------------------------------

def test_a_teams_score_with_its_sub_teams_and_a_krs_grade_and_unit(tmp_path: Path) -> None:
    scored = check_site(example(tmp_path / "site"), dt.date.fromisoformat(AS_OF)).scored
    grow, great = scored.objectives["2026-Q4/sales/grow"], scored.objectives["2026-Q4/company/great"]
    company, sales = scored.teams["company"], scored.teams["sales"]
    assert company.score == great.score == 0.5
    # the company and all its sub-teams, at any depth: its own objective and sales'
    assert company.with_subteams == (great.score + grow.score) / 2 and company.with_subteams_count == 2
    assert company.with_subteams_grade == ("red" if company.with_subteams < 0.4 else "yellow")
    assert sales.with_subteams == sales.score == grow.score  # no sub-teams: the same figure
    assert scored.teams["cs"].with_subteams is None  # nothing this cycle
    mrr_kr, customers = grow.key_results
    assert mrr_kr.unit == "k USD" and customers.unit == "customers"  # the KPI's unit, or its own
    assert customers.grade == "red" and great.key_results[0].grade == "green"


def test_the_api_holds_the_new_figures(tmp_path: Path) -> None:
    files = build(tmp_path)
    okrs, kpis = json.loads(files["api/okrs.json"]), json.loads(files["api/kpis.json"])
    teams = {t["id"]: t for t in okrs["teams"]}
    assert teams["company"]["score_with_subteams"] > 0 and teams["sales"]["score_with_subteams"] == teams["sales"]["score"]
    grow = next(o for o in okrs["objectives"] if o["id"] == "2026-Q4/sales/grow")
    assert grow["key_results"][0]["unit"] == "k USD"
    assert {k["id"]: k["period"] for k in kpis["kpis"]} == {"leads": "start", "mrr": "end", "visits": "start"}
    assert kpis["kpis"][1]["series"][-1]["date"] == "2026-11-01"  # the JSON keeps the date as written


# -- pages --------------------------------------------------------------------------------------

def _text(html: str) -> str:
    """The page's words, one space between each, scripts left out."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_month_points_read_as_months_and_period_end_as_the_month_closed(tmp_path: Path) -> None:
    files = build(tmp_path)
    mrr = _text(files["kpis/mrr/index.html"])
    assert "Latest ( Oct 2026 )" in mrr
    assert "Oct 2026 1,031 Sep 2026 994 Aug 2026 968" in mrr  # the table, newest first
    assert "1 Nov 2026" not in mrr and "2026-11-01" not in mrr.split("History", 1)[1].split("Key results")[0]
    leads = _text(files["kpis/leads/index.html"])
    assert "Nov 2026 95 2026-10-05 80" in leads  # a month as a month, a day as a table date
    dashboard = _text(files["kpis/index.html"])
    assert "1,031 k USD Oct 2026" in dashboard
    # a key result that reads mrr: its progress by the KPI's points, as months, the closes of Sep and Oct
    progress = _text(files["okrs/2026-Q4/sales/grow/index.html"]).split("Progress by check-in")[-1]
    assert "Grow MRR to 1.1M Sep 2026 0% Grow MRR to 1.1M Oct 2026 35%" in progress
    assert "Sign customers 2026-10-01 0% Sign customers 2026-10-07 10%" in progress


def test_kpi_linked_krs_show_the_kpis_unit_and_units_never_follow_a_lone_number(tmp_path: Path) -> None:
    files = build(tmp_path)
    page = files["okrs/2026-Q4/sales/grow/index.html"]
    text = _text(page)
    assert "994 → 1,031 → 1,100 k USD" in text  # baseline (the point of the cycle start) → current → target
    assert "0 → 1 → 10 customers" in text
    assert "1 customers" not in text  # the check-in table names the unit in its header
    assert '<th scope="col">Value (customers)</th>' in page
    assert re.search(r'<td class="number">1</td>', page)


def test_dates_one_way_in_prose_and_one_way_in_tables(tmp_path: Path) -> None:
    files = build(tmp_path)
    page = files["okrs/2026-Q4/sales/grow/index.html"]
    assert '<time datetime="2026-10-01">1 Oct 2026</time> – <time datetime="2026-12-31">31 Dec 2026</time>' in page
    assert '<td class="date">2026-10-07</td>' in page  # a table's date cell never breaks (CSS)
    archive = files["cycles/index.html"]
    assert '<td class="date">2026-10-01 – 2026-12-31</td>' in archive


def test_scores_are_labelled_for_what_they_are(tmp_path: Path) -> None:
    files = build(tmp_path)
    home = _text(files["index.html"])
    assert "Cycle score 0." in home and "Mean of all 2 objectives in this cycle, across all teams" in home
    assert re.search(r"Company Own objectives 0\.50 Yellow With sub-teams 0\.\d\d", home)
    assert "With sub-teams" not in home.split("Sales Own objectives")[1]  # sales has no sub-teams
    team = _text(files["teams/company/index.html"])
    assert "Own objectives this cycle 0.50" in team and "Mean of 2 objectives of the team and its sub-teams" in team


def test_kr_bars_take_the_grade_colour_and_finished_objectives_hide_confidence(tmp_path: Path) -> None:
    files = build(tmp_path)
    page = files["okrs/2026-Q4/sales/grow/index.html"]
    assert '<span class="bar grade-red" aria-hidden="true">' in page  # the customers KR, 0.1
    assert "The tick on each bar marks the progress expected by today" in page
    out = tmp_path / "later"
    assert main(["build", str(tmp_path / "site"), "--out", str(out), "--as-of", "2027-01-20"]) == 0
    later = (out / "okrs/2026-Q4/sales/grow/index.html").read_text(encoding="utf-8")
    assert "Confidence" not in _text(later.split("Check-ins")[0])  # the history table keeps its column
    assert "expected by today" not in later
    home = (out / "cycles/2026-Q4/index.html").read_text(encoding="utf-8")
    assert '<span class="badge pace-final grade-yellow">Final</span>' in home  # not a green badge


def test_the_dashboard_loads_no_vega_runtime(tmp_path: Path) -> None:
    files = build(tmp_path)
    dashboard = files["kpis/index.html"]
    assert "vega.js" not in dashboard and "vega-spec" not in dashboard
    assert dashboard.count('<svg class="spark"') == 3
    assert "1 signal needs an OKR." in _text(dashboard) and "signal(s)" not in dashboard  # leads is unhealthy
    assert "vega.js" in files["kpis/mrr/index.html"]  # the big interactive charts keep it


# -- Markdown -----------------------------------------------------------------------------------

def test_markdown_code_blocks_are_focusable_and_tables_scroll_in_a_named_box() -> None:
    body = compile_body("```\nokr-pages build\n```\n\n|   | OKR | KPI |\n| - | --- | --- |\n| a | b | c |\n",
                        "guide/x.md", 1, False)
    assert '<pre tabindex="0"><code>' in body.html
    assert "<th></th>" not in body.html and "<td></td>" in body.html  # no empty header cell
    assert '<div class="table-scroll" role="region" aria-label="OKR, KPI" tabindex="0"><table>' in body.html


# -- formatting ---------------------------------------------------------------------------------

def test_formatting_dates_months_and_units() -> None:
    day = dt.date(2026, 10, 7)
    assert formatting.long_date(day) == "7 Oct 2026" and formatting.table_date(day) == "2026-10-07"
    assert formatting.month(day) == "Oct 2026"
    january = Point(dt.date(2027, 1, 1), 5, month=True)
    assert formatting.point_date(january) == "Jan 2027"
    assert formatting.point_date(january, "end") == "Dec 2026"  # the close of December
    assert formatting.shown_date(january, "end") == dt.date(2026, 12, 1)
    written_as_day = Point(dt.date(2027, 1, 1), 5)
    assert formatting.point_date(written_as_day, "end") == "1 Jan 2027"  # period only moves months
    assert formatting.point_date(written_as_day, table=True) == "2027-01-01"
    assert formatting.number_in_range(4, "customers") == "4" and formatting.number_in_range(4, "%") == "4%"
    assert formatting.with_unit("Value", "k USD") == "Value (k USD)" and formatting.with_unit("Value", None) == "Value"
    assert formatting.ngettext("%(num)s signal", "%(num)s signals", 1) == "%(num)s signal"


# -- a running cycle gets no final verdict; a reviewed score is the score everywhere (issue #24) ------

def test_a_running_cycles_review_shows_pace_and_no_verdict(tmp_path: Path) -> None:
    from conftest import copy_example

    site = copy_example(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--as-of", AS_OF]) == 0
    running = (out / "cycles/2026-Q4/review/index.html").read_text(encoding="utf-8")
    for verdict in ("verdict-met", "verdict-missed", "verdict-below", "verdict-sweet_spot", "verdict-above",
                    "Where it landed", " met · ", "Not ambitious enough?"):
        assert verdict not in running, verdict
    assert "Committed objectives: their pace so far" in running and 'class="badge pace-on_track"' in running
    ended = (out / "cycles/2026-Q3/review/index.html").read_text(encoding="utf-8")
    assert "Committed objectives: met and missed" in ended and "verdict-" in ended


def test_a_person_page_shows_the_reviewed_score_of_an_ended_objective(tmp_path: Path) -> None:
    from conftest import copy_example

    site = copy_example(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--as-of", AS_OF]) == 0
    page = (out / "people/dana-reyes/index.html").read_text(encoding="utf-8")
    row = page[page.index('okrs/2026-Q3/sales/mid-market/">'):]
    row = row[:row.index("</tr>")]
    assert '<span class="score">0.60</span>' in row and "reviewed 0.60, computed 0.69" in row
    objective = (out / "okrs/2026-Q3/sales/mid-market/index.html").read_text(encoding="utf-8")
    assert 'content="Score 0.60 (Yellow), final.' in objective  # the link preview too
