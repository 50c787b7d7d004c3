"""okr-pages checkin: one line added in the style of its neighbours, or nothing written at all."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
from conftest import run_in_process as run

from generator.authoring.checkin import checkin
from generator.buildrecord import CACHE_DIR

AS_OF = "2026-11-22"
KR = "2026-Q4/sales/win"

OBJECTIVE = """\
---
title: Win the enterprise segment
cycle: 2026-Q4
team: sales
owner: Dana Reyes
key_results:
  - title: Sign 8 customers   # the headline number
    baseline: 0
    target: 8
    checkins:
      - {date: 2026-10-07, value: 1, confidence: 0.7}
      - {date: 2026-10-28, value: 3}   # two pilots

  - title: Cut the sales cycle to 80 days
    baseline: 120
    target: 80
    unit: days
  # a comment between key results stays where it is
  - title: Grow the pipeline
    baseline: 10
    target: 30
    checkins:
      - date: 2026-10-05
        value: 12
        note: First week
---
Why it matters.
"""

MRR = """\
---
title: Monthly recurring revenue
team: company
unit: k USD
series:   # from Finance, first working day of the month
  2026-08: 941
  2026-09: 968   # price change
  2026-10: 994
---
The sum of all subscriptions.
"""

RESPONSE = """\
---
title: First-response time
team: cs
direction: down
cadence: weekly
series:
  - {date: 2026-10-26, value: 5.9}
  - {date: 2026-11-02, value: 6.6}
  - {date: 2026-11-09, value: 7.4}
---
Median hours to the first reply.
"""

CHURN = """\
---
title: Churn rate
team: cs
direction: down
series: churn.csv
columns: {date: month, value: churn_pct}
---
Monthly revenue churn.
"""

CHURN_CSV = "month,accounts,churn_pct\n2026-08,640,2.8\n2026-09,671,2.6\n2026-10,702,2.3\n"


@pytest.fixture
def okrs(site) -> Path:
    return site({
        "content/okrs/2026-Q4/sales/win.md": OBJECTIVE,
        "content/kpis/mrr.md": MRR,
        "content/kpis/response.md": RESPONSE,
        "content/kpis/churn.md": CHURN,
        "content/kpis/churn.csv": CHURN_CSV,
    })


def snapshot(root: Path) -> dict[str, bytes]:
    """The site's files, without the tool's own git-ignored cache folder (which holds the check-in lock)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and CACHE_DIR not in p.relative_to(root).parts}


def changes(before: bytes, after: bytes) -> str:
    """The unified diff without context or file headers: hunk headers and +/- lines."""
    lines = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), n=0, lineterm="")
    return "\n".join(list(lines)[2:])


def assert_clean(root: Path) -> None:
    """``okr-pages check`` finds no error and no warning."""
    code, out, err = run("check", root, "--as-of", AS_OF)
    assert (code, out) == (0, ""), (out, err)


def add(root: Path, rel: str, *args: str) -> str:
    before = (root / rel).read_bytes()
    code, _out, err = run("checkin", *args, "--site-dir", root)
    assert code == 0, err
    assert err == ""
    return changes(before, (root / rel).read_bytes())


def test_the_fixture_checks_clean(okrs):
    assert_clean(okrs)


def test_flow_item_appended_to_a_block_list_of_checkins(okrs):
    diff = add(okrs, "content/okrs/2026-Q4/sales/win.md", f"{KR}#sign-8-customers", "5",
               "--date", "2026-11-18", "--confidence", "0.75", "--note", 'Acme "signed"')
    assert diff == ('@@ -12,0 +13 @@\n'
                    '+      - {date: 2026-11-18, value: 5, confidence: 0.75, note: "Acme \\"signed\\""}')
    assert_clean(okrs)


def test_a_key_result_without_checkins_gets_the_list(okrs):
    diff = add(okrs, "content/okrs/2026-Q4/sales/win.md", f"{KR}#cut-the-sales-cycle-to-80-days", "104",
               "--date", "2026-11-02")
    assert diff == ("@@ -17,0 +18,2 @@\n"
                    "+    checkins:\n"
                    "+      - {date: 2026-11-02, value: 104}")
    assert_clean(okrs)


NULLS = {"~": "", "null": "", "Null": "", "NULL": "", "~   # none yet": "   # none yet"}  # null: what stays


@pytest.mark.parametrize("null", list(NULLS))
def test_a_written_null_gives_way_to_the_list(site, null):
    """'checkins: ~' means no check-ins, in every spelling of null that check accepts."""
    text = OBJECTIVE.replace("    unit: days\n", f"    unit: days\n    checkins: {null}\n")
    root = site({"content/okrs/2026-Q4/sales/win.md": text})
    diff = add(root, "content/okrs/2026-Q4/sales/win.md", f"{KR}#cut-the-sales-cycle-to-80-days", "104",
               "--date", "2026-11-02")
    assert diff == (f"@@ -18 +18,2 @@\n-    checkins: {null}\n+    checkins:{NULLS[null]}\n"
                    "+      - {date: 2026-11-02, value: 104}")
    assert_clean(root)


def test_block_mapping_checkins_get_a_block_item(okrs):
    diff = add(okrs, "content/okrs/2026-Q4/sales/win.md", f"{KR}#grow-the-pipeline", "15",
               "--date", "2026-11-09", "--note", "Two referrals")
    assert diff == ("@@ -25,0 +26,3 @@\n"
                    "+      - date: 2026-11-09\n"
                    "+        value: 15\n"
                    '+        note: "Two referrals"')
    assert_clean(okrs)


def test_inline_mapping_series_gets_an_entry_in_its_date_style(okrs):
    diff = add(okrs, "content/kpis/mrr.md", "mrr", "1031", "--date", "2026-11")
    assert diff == "@@ -8,0 +9 @@\n+  2026-11: 1031"
    assert_clean(okrs)


def test_list_series_gets_a_flow_item(okrs):
    diff = add(okrs, "content/kpis/response.md", "response", "8.3", "--date", "2026-11-16")
    assert diff == "@@ -9,0 +10 @@\n+  - {date: 2026-11-16, value: 8.3}"
    assert_clean(okrs)


def test_csv_series_gets_a_row_in_its_column_layout(okrs):
    before_md = (okrs / "content/kpis/churn.md").read_bytes()
    diff = add(okrs, "content/kpis/churn.csv", "churn", "2.1", "--date", "2026-11")
    assert diff == "@@ -4,0 +5 @@\n+2026-11,,2.1"
    assert (okrs / "content/kpis/churn.md").read_bytes() == before_md
    assert_clean(okrs)


def test_default_date_follows_the_series_style(okrs):
    before = (okrs / "content/kpis/mrr.md").read_bytes()
    added = checkin(okrs, "mrr", "1031", today=dt.date(2026, 11, 20))
    assert added.text == "  2026-11: 1031"
    assert changes(before, (okrs / "content/kpis/mrr.md").read_bytes()) == "@@ -8,0 +9 @@\n+  2026-11: 1031"


def test_flow_mapping_series_stays_on_one_line(site):
    root = site({"content/kpis/nps.md": "---\ntitle: NPS\nseries: {2026-09: 39, 2026-10: 38}  # survey\n---\n"})
    diff = add(root, "content/kpis/nps.md", "nps", "41", "--date", "2026-11")
    assert diff == ("@@ -3 +3 @@\n"
                    "-series: {2026-09: 39, 2026-10: 38}  # survey\n"
                    "+series: {2026-09: 39, 2026-10: 38, 2026-11: 41}  # survey")


def test_windows_line_endings_and_a_bom_are_kept(site):
    text = "\ufeff---\r\ntitle: NPS\r\nseries:\r\n  2026-10: 38\r\n---\r\nBody.\r\n"
    root = site({"content/kpis/nps.md": text.encode("utf-8")})
    add(root, "content/kpis/nps.md", "nps", "41", "--date", "2026-11")
    expected = "\ufeff---\r\ntitle: NPS\r\nseries:\r\n  2026-10: 38\r\n  2026-11: 41\r\n---\r\nBody.\r\n"
    assert (root / "content/kpis/nps.md").read_bytes() == expected.encode("utf-8")


def test_the_output_names_the_file_and_line(okrs):
    code, out, err = run("checkin", "mrr", "1031", "--date", "2026-11", "--site-dir", okrs)
    assert (code, err) == (0, "")
    assert out == "content/kpis/mrr.md:9: added to mrr:\n  + 2026-11: 1031\n"


BAD_INPUT = [
    (["mrrr", "5"], "unknown KPI 'mrrr' (did you mean 'mrr'?)"),
    (["mrr", "lots"], "VALUE: expected a number, got 'lots' (write a plain number such as 6.4)"),
    *((["mrr", text], f"VALUE: expected a number, got '{text}' (write a plain number such as 6.4)")
      for text in ("1_000", "\u0663", "nan", "inf", "1e16", "-2000000000000000")),
    ([f"{KR}#sign-8-customers", "5", "--confidence", "1.5"],
     "--confidence: expected a number from 0 to 1, got '1.5' (write it as a fraction: 0.7 means 70%)"),
    (["mrr", "5", "--date", "tomorrowish"],
     "--date: expected a date YYYY-MM-DD (or a month YYYY-MM), got 'tomorrowish'"),
    (["mrr", "900", "--date", "2026-10"],
     "KPI 'mrr' already has a point dated 2026-10 in content/kpis/mrr.md (edit that value, or pass another --date)"),
    (["churn", "2", "--date", "2026-09"],
     ("KPI 'churn' already has a point dated 2026-09 in content/kpis/churn.csv (edit that value, or pass another "
     "--date)")),
    ([f"{KR}#sign-8-customers", "4", "--date", "2026-10-28"],
     (f"key result '{KR}#sign-8-customers' already has a check-in dated 2026-10-28 "
     "(content/okrs/2026-Q4/sales/win.md:12) (edit that line, or pass another --date)")),
    ([f"{KR}#sign-8-customers", "4", "--date", "2027-01-04"],
     ("check-in date 2027-01-04 is outside cycle 2026-Q4 (2026-10-01 to 2026-12-31) "
     "(pass --date with a day inside the cycle)")),
    (["2026-Q4/sales/wim#sign-8-customers", "4"], f"unknown objective '2026-Q4/sales/wim' (did you mean '{KR}'?)"),
    (["win#sign-8-customers", "4"], f"unknown objective 'win' (did you mean '{KR}'?)"),
    ([f"{KR}#sign-8", "4"],
     f"objective '{KR}' has no key result 'sign-8' (did you mean 'sign-8-customers'?)"),
    (["mrr", "5", "--confidence", "0.5"],
     ("--confidence applies to key results only, not to KPI 'mrr' (leave it out, or name a key result as "
     "objective-id#kr-id)")),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[m.split(":")[0][:30] for _, m in BAD_INPUT])
def test_bad_input_is_refused_and_nothing_is_written(okrs, args, message):
    before = snapshot(okrs)
    code, out, err = run("checkin", *args, "--site-dir", okrs)
    assert (code, out) == (1, "")
    assert err == f"okr-pages: error: {message}\n"
    assert snapshot(okrs) == before


def test_no_traceback_from_the_command_line(okrs, cli):
    before = snapshot(okrs)
    done = cli("checkin", "mrr", "1e400", "--site-dir", okrs)
    assert done.returncode == 1
    assert done.stderr == "okr-pages: error: VALUE: expected a number, got '1e400' (write a plain number such as 6.4)\n"
    assert snapshot(okrs) == before


def test_a_key_result_reading_a_kpi_sends_the_value_to_the_kpi(site):
    root = site({
        "content/kpis/mrr.md": MRR,
        "content/okrs/2026-Q4/company/grow.md": """\
            ---
            title: Grow revenue
            cycle: 2026-Q4
            team: company
            owner: Maya
            key_results:
              - {title: Reach 1200k MRR, kpi: mrr, target: 1200}
              - {title: Sign 8 customers, baseline: 0, target: 8}
            ---
            """,
    })
    before = snapshot(root)
    code, _, err = run("checkin", "2026-Q4/company/grow#reach-1200k-mrr", "1031", "--site-dir", root)
    assert code == 1
    assert err == ("okr-pages: error: key result '2026-Q4/company/grow#reach-1200k-mrr' reads its value from "
                   "KPI 'mrr'; add the value there (okr-pages checkin mrr 1031)\n")
    assert snapshot(root) == before
    # A key result written as one {…} line gains its check-ins on that line.
    diff = add(root, "content/okrs/2026-Q4/company/grow.md", "2026-Q4/company/grow#sign-8-customers", "2",
               "--date", "2026-11-02")
    assert diff == ("@@ -8 +8 @@\n"
                    "-  - {title: Sign 8 customers, baseline: 0, target: 8}\n"
                    "+  - {title: Sign 8 customers, baseline: 0, target: 8, checkins: [{date: 2026-11-02, value: 2}]}")
    assert_clean(root)
