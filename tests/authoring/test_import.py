"""``okr-pages import FILE``: sheets of OKRs (CSV and XLSX, generic, Viva Goals, a map file) into
objective files, minimal updates on a second import, and every bad sheet's messages (SPEC §17)."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path

import openpyxl
import pytest
from conftest import CONFIG, run_in_process, tree

AS_OF = "2026-11-15"
HEADER = "cycle,team,owner,objective,key_result,baseline,target,unit,date,value,confidence,note\n"
SHEET = HEADER + (
    "2026-Q4,sales,Dana Reyes,Win the enterprise segment,Sign 20 new enterprise customers,4,20,customers,"
    "2026-10-07,6,0.7,Two pilots converted\n"
    ",,,,,,,,2026-11-04,11,,\n"
    ",,,,Cut the sales cycle from 90 to 60 days,90,60,days,,75,,\n"
    "\n"
    "2026-Q4,cs,Ana Ruiz,Keep every customer we have,Raise NPS from 30 to 45,30,45,,2026-10-20,34,70%,\n"
    ",,,,Cut churn from 8% to 5%,8,5,%,,,,\n"
)
ENTERPRISE = """\
---
# An objective: where we want to be by the end of the cycle, in words. Guide: guide/writing-objectives
title: Win the enterprise segment
cycle: 2026-Q4                    # the quarter it belongs to
team: sales                       # owning team id, from okr-pages.yaml
owner: Dana Reyes                 # the one person accountable
# aligns_to: 2026-Q4/company/some-objective   # the parent objective this one supports, if any
commitment: aspirational          # aspirational (0.7 is a good score) or committed (1.0 expected)
key_results:
  - title: Sign 20 new enterprise customers
    baseline: 4
    target: 20
    unit: customers
    checkins:
      - {date: 2026-10-07, value: 6, confidence: 0.7, note: "Two pilots converted"}
      - {date: 2026-11-04, value: 11}
  - title: Cut the sales cycle from 90 to 60 days
    baseline: 90
    target: 60
    unit: days
    current: 75
---
Why this objective matters now, what success looks like, and links to the context.
"""
ENTERPRISE_FILE = "content/okrs/2026-Q4/sales/win-the-enterprise-segment.md"
CS_FILE = "content/okrs/2026-Q4/cs/keep-every-customer-we-have.md"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site folder (config with teams company, sales, cs) and the working folder the sheets sit in."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "okr-pages.yaml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str | Path) -> tuple[int, str, str]:
    return run_in_process("import", *args, "--site-dir", "site", "--as-of", AS_OF)


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def workbook(path: Path, rows: list[list[object]], title: str = "OKRs") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return book


# -- a sheet becomes a site ----------------------------------------------------------------------------

def test_a_csv_becomes_objective_files_shaped_as_new_writes_them_and_then_a_site(work: Path, cli) -> None:
    (work / "okrs.csv").write_text(SHEET, encoding="utf-8")
    code, out, err = run("okrs.csv")
    assert code == 0, err
    assert out.splitlines() == [
        "import okrs.csv (sheet 'okrs.csv', map generic): 2 objectives, 4 key results, 3 check-ins",
        f"  + {ENTERPRISE_FILE} (2026-Q4/sales/win-the-enterprise-segment: 2 key results, 2 check-ins)",
        f"  + {CS_FILE} (2026-Q4/cs/keep-every-customer-we-have: 2 key results, 1 check-in)",
        "wrote 2 new files and edited 0 files",
    ]
    assert err == "okr-pages check: 2 objectives, 0 KPIs, 0 pages; 0 error(s), 0 warning(s)\n"
    assert (work / "site" / ENTERPRISE_FILE).read_text(encoding="utf-8") == ENTERPRISE
    cs = (work / "site" / CS_FILE).read_text(encoding="utf-8")
    assert "    checkins:\n      - {date: 2026-10-20, value: 34, confidence: 0.7}\n" in cs
    assert "  - title: Cut churn from 8% to 5%\n    baseline: 8\n    target: 5\n    unit: \"%\"\n---\n" in cs
    built = cli("build", work / "site", "--as-of", AS_OF)  # the second of the two commands
    assert built.returncode == 0, built.stderr
    assert (work / "site" / "_site" / "okrs" / "2026-Q4" / "sales" / "win-the-enterprise-segment" / "index.html").is_file()


def test_importing_the_same_sheet_again_changes_nothing(work: Path) -> None:
    (work / "okrs.csv").write_text(SHEET, encoding="utf-8")
    assert run("okrs.csv")[0] == 0
    before = tree(work / "site" / "content")
    stamps = {p: os.stat(work / "site" / "content" / p).st_mtime_ns for p in before}
    code, out, _ = run("okrs.csv")
    assert code == 0
    assert out.splitlines()[1:] == [
        f"  = {ENTERPRISE_FILE} (2026-Q4/sales/win-the-enterprise-segment): unchanged",
        f"  = {CS_FILE} (2026-Q4/cs/keep-every-customer-we-have): unchanged",
        "nothing to change: the files already say what the sheet says",
    ]
    assert tree(work / "site" / "content") == before  # byte for byte
    assert {p: os.stat(work / "site" / "content" / p).st_mtime_ns for p in before} == stamps  # not even rewritten


def test_a_second_import_appends_and_edits_in_place_and_touches_nothing_else(work: Path) -> None:
    (work / "okrs.csv").write_text(SHEET, encoding="utf-8")
    assert run("okrs.csv")[0] == 0
    path = work / "site" / ENTERPRISE_FILE
    # The owner edits the file by hand: a comment, a changed body, an extra key result.
    edited = ENTERPRISE.replace("    target: 20\n", "    target: 20           # agreed with the board\n").replace(
        "Why this objective matters now", "We lead in the mid-market; enterprise is next.\n\nWhy it matters now")
    edited = edited.replace("    current: 75\n---", "    current: 75\n  - title: Hire two account executives\n"
                            "    baseline: 0\n    target: 2\n---")
    path.write_text(edited, encoding="utf-8")
    sheet = SHEET.replace(",,,,,,,,2026-11-04,11,,", ",,,,,,,,2026-11-04,12,0.6,Acme signed")
    sheet = sheet.replace("Sign 20 new enterprise customers,4,20,", "Sign 20 new enterprise customers,4,25,")
    sheet += ("2026-Q4,sales,,Win the enterprise segment,Sign 20 new enterprise customers,,,,2026-11-11,14,,\n"
              ",,,,Launch the partner portal,0,3,partners,,,,\n")
    (work / "okrs.csv").write_text(sheet, encoding="utf-8")
    code, out, err = run("okrs.csv", "--dry-run")
    assert code == 0, err
    assert out.splitlines() == [
        "import okrs.csv (sheet 'okrs.csv', map generic): 2 objectives, 5 key results, 4 check-ins",
        f"  ~ {ENTERPRISE_FILE} (2026-Q4/sales/win-the-enterprise-segment):",
        "      ~ sign-20-new-enterprise-customers: target: 20 → 25",
        "      ~ check-in sign-20-new-enterprise-customers 2026-11-04: value: 11 → 12",
        "      ~ check-in sign-20-new-enterprise-customers 2026-11-04: confidence: (none) → 0.6",
        "      ~ check-in sign-20-new-enterprise-customers 2026-11-04: note: (none) → \"Acme signed\"",
        "      + check-in sign-20-new-enterprise-customers 2026-11-11: 14",
        "      + key result launch-the-partner-portal",
        f"  = {CS_FILE} (2026-Q4/cs/keep-every-customer-we-have): unchanged",
        "would write 0 new files and edit 1 file (dry run: nothing was written)",
    ]
    assert path.read_text(encoding="utf-8") == edited  # a dry run writes nothing
    assert run("okrs.csv")[0] == 0
    after = path.read_text(encoding="utf-8")
    assert changed_lines(edited, after) == [
        "-    target: 20           # agreed with the board",
        "+    target: 25           # agreed with the board",
        "-      - {date: 2026-11-04, value: 11}",
        "+      - {date: 2026-11-04, value: 12, confidence: 0.6, note: \"Acme signed\"}",
        "+      - {date: 2026-11-11, value: 14}",
        "+  - title: Launch the partner portal",
        "+    baseline: 0",
        "+    target: 3",
        "+    unit: partners",
    ]
    assert after.endswith("We lead in the mid-market; enterprise is next.\n\nWhy it matters now, what success looks "
                          "like, and links to the context.\n")
    assert run("okrs.csv")[1].splitlines()[-1] == "nothing to change: the files already say what the sheet says"


def test_an_objective_moved_by_hand_is_updated_where_it_is(work: Path) -> None:
    (work / "okrs.csv").write_text(SHEET, encoding="utf-8")
    assert run("okrs.csv")[0] == 0
    old = work / "site" / ENTERPRISE_FILE
    moved = work / "site" / "content" / "okrs" / "2026-Q4" / "sales" / "enterprise.md"
    old.rename(moved)
    (work / "okrs.csv").write_text(SHEET.replace("2026-11-04,11", "2026-11-04,13"), encoding="utf-8")
    code, out, _ = run("okrs.csv")
    assert code == 0
    assert out.splitlines()[1] == "  ~ content/okrs/2026-Q4/sales/enterprise.md (2026-Q4/sales/win-the-enterprise-segment):"
    assert not old.exists()
    assert "      - {date: 2026-11-04, value: 13}\n" in moved.read_text(encoding="utf-8")


# -- XLSX ------------------------------------------------------------------------------------------------

def test_an_xlsx_with_excel_dates_text_numbers_merged_cells_and_blank_rows_reads_as_the_csv(work: Path) -> None:
    rows: list[list[object]] = [
        [None],  # a title row left empty, then the header
        ["Cycle", "Team", "Owner", "Objective", "Key Result", "Baseline", "Target", "Unit", "Date", "Value",
         "Confidence", "Note"],
        ["2026-Q4", "sales", "Dana Reyes", "Win the enterprise segment", "Sign 20 new enterprise customers", 4, "20",
         "customers", dt.datetime(2026, 10, 7), 6, 0.7, "Two pilots converted"],
        [None, None, None, None, None, None, None, None, "2026-11-04", "11", None, None],
        [],
        [None, None, None, None, "Cut the sales cycle from 90 to 60 days", 90.0, 60, "days", None, 75, None, None],
        ["2026-Q4", "cs", "Ana Ruiz", "Keep every customer we have", "Raise NPS from 30 to 45", "30", 45, None,
         dt.date(2026, 10, 20), 34, "70%", None],
        [None, None, None, None, "Cut churn from 8% to 5%", 8, 5, "%", None, None, None, None],
    ]
    book = workbook(work / "okrs.xlsx", rows)
    sheet = book.active
    sheet.merge_cells("A3:A6")  # the objective's cells merged down its rows, as people lay sheets out
    sheet.merge_cells("D3:D6")
    sheet["I3"].number_format = "yyyy-mm-dd"
    book.save(work / "okrs.xlsx")
    code, out, err = run("okrs.xlsx")
    assert code == 0, err
    assert out.splitlines()[0] == "import okrs.xlsx (sheet 'OKRs', map generic): 2 objectives, 4 key results, 3 check-ins"
    from_xlsx = tree(work / "site" / "content")
    (work / "site2").mkdir()
    (work / "site2" / "okr-pages.yaml").write_text(CONFIG, encoding="utf-8")
    (work / "okrs.csv").write_text(SHEET, encoding="utf-8")
    assert run_in_process("import", "okrs.csv", "--site-dir", "site2", "--as-of", AS_OF)[0] == 0
    assert tree(work / "site2" / "content") == from_xlsx


def test_the_sheet_a_map_names_is_read(work: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    okrs = book.create_sheet("Q4")
    okrs.append(["Quarter", "Squad", "Lead", "Goal", "Measure", "From", "To"])
    okrs.append(["Q4 2026", "Sales", "Dana Reyes", "Win big", "Sign 8 logos", 0, 8])
    book.save(work / "okrs.xlsx")
    (work / "map.yaml").write_text("sheet: Q4\ncolumns:\n  cycle: Quarter\n  team: Squad\n  owner: Lead\n"
                                   "  objective: Goal\n  key_result: Measure\n  baseline: From\n  target: To\n")
    code, out, err = run("okrs.xlsx", "--map", "map.yaml")
    assert code == 0, err
    assert out.splitlines()[:2] == [
        "import okrs.xlsx (sheet 'Q4', map map.yaml): 1 objective, 1 key result, 0 check-ins",
        "  + content/okrs/2026-Q4/sales/win-big.md (2026-Q4/sales/win-big: 1 key result)",
    ]


# -- Viva Goals ------------------------------------------------------------------------------------------

VIVA_HEADER = ["ID", "Title", "Type", "Owner", "Teams", "Time Period", "Start Date", "End Date", "Parent IDs",
               "Target Type", "Start", "Target", "Current Value", "Metric Unit", "Progress", "Status",
               "Last Check-in"]


def test_a_viva_goals_export_becomes_objectives_and_key_results(work: Path) -> None:
    rows: list[list[object]] = [
        VIVA_HEADER,
        [101, "Win the enterprise segment", "Objective", "Dana Reyes (dana@acme.example)", "Sales", "Q4 2026",
         dt.datetime(2026, 10, 1), dt.datetime(2026, 12, 31), None, None, None, None, None, None, 0.45, "On Track",
         None],
        [102, "Sign 20 new enterprise customers", "Key Result", "Dana Reyes", "Sales", "Q4 2026", None, None, "101",
         "Increase From", 4, 20, 11, "customers", 0.44, "On Track", dt.datetime(2026, 11, 4)],
        [103, "Launch the partner portal", "Key Result", "Lee Chan", "Sales", "Q4 2026", None, None, "101",
         None, None, None, None, None, 60, "Behind", "2026-11-02T09:30:00Z"],
        [104, "Keep churn below 5%", "Key Result", "Lee Chan", "Sales", "Q4 2026", None, None, "101",
         "Stay Below", None, 5, 4.2, "%", 1, "On Track", None],
        [105, "Roll out the new CRM", "Project", "Lee Chan", "Sales", "Q4 2026", None, None, "101",
         None, None, None, None, None, 0.2, "Behind", None],
        [201, "Be the easiest tool to start with", "Objective", "Ana Ruiz", None, "Q4 2026", None, None, None,
         None, None, None, None, None, None, None, None],
        [202, "Reach 500 self-serve sign-ups", "Key Result", "Ana Ruiz", None, "Q4 2026", None, None, "201",
         "Reach", None, 500, 120, "sign-ups", 0.24, "Behind", dt.datetime(2026, 11, 1)],
    ]
    workbook(work / "export.xlsx", rows, title="Explorer")
    code, out, err = run("export.xlsx", "--map", "viva")
    assert code == 0, err
    assert out.splitlines() == [
        "import export.xlsx (sheet 'Explorer', map viva): 2 objectives, 3 key results, 3 check-ins",
        ("  + content/okrs/2026-Q4/sales/win-the-enterprise-segment.md (2026-Q4/sales/win-the-enterprise-segment: "
        "2 key results, 2 check-ins)"),
        ("  + content/okrs/2026-Q4/company/be-the-easiest-tool-to-start-with.md "
        "(2026-Q4/company/be-the-easiest-tool-to-start-with: 1 key result, 1 check-in)"),
        ("  - row 5: key result 'Keep churn below 5%' left out: 'Stay Below' is a control key result, a threshold "
        "to hold rather than a distance to cover (make it a KPI with thresholds)"),
        "  - row 6: Project 'Roll out the new CRM' left out (projects and initiatives are work, not key results)",
        "wrote 2 new files and edited 0 files",
    ]
    text = (work / "site" / "content/okrs/2026-Q4/sales/win-the-enterprise-segment.md").read_text(encoding="utf-8")
    assert "owner: Dana Reyes                 # the one person accountable\n" in text
    assert text.split("key_results:\n")[1].split("---")[0] == (
        "  - title: Sign 20 new enterprise customers\n"
        "    baseline: 4\n    target: 20\n    unit: customers\n"
        "    checkins:\n      - {date: 2026-11-04, value: 11}\n"
        "  - title: Launch the partner portal\n"
        "    baseline: 0\n    target: 100\n    unit: \"%\"\n"
        "    checkins:\n      - {date: 2026-11-02, value: 60}\n")
    company = (work / "site" / "content/okrs/2026-Q4/company/be-the-easiest-tool-to-start-with.md").read_text()
    assert "    baseline: 0\n    target: 500\n    unit: sign-ups\n" in company
    assert run("export.xlsx", "--map", "viva")[1].splitlines()[-1] == (
        "nothing to change: the files already say what the sheet says")


def test_a_viva_time_period_unknown_to_the_site_says_what_to_add(work: Path) -> None:
    rows: list[list[object]] = [
        VIVA_HEADER,
        [1, "Win", "Objective", "Dana Reyes", "Sales", "FY27 Q1", dt.datetime(2026, 8, 1), dt.datetime(2026, 10, 31),
         None, None, None, None, None, None, None, None, None],
        [2, "Sign 8", "Key Result", "Dana Reyes", "Sales", "FY27 Q1", None, None, 1, "Increase From", 0, 8, None,
         None, None, None, None],
    ]
    workbook(work / "export.xlsx", rows)
    code, _, err = run("export.xlsx", "--map", "viva")
    assert code == 1
    assert err.splitlines() == [
        ("export.xlsx:2:F: error: cycle: unknown cycle 'FY27 Q1' (add it to okr-pages.yaml under cycles: - {id: "
        "fy27-q1, name: FY27 Q1, start: 2026-08-01, end: 2026-10-31}, or write a calendar quarter such as 2026-Q4)"),
        "okr-pages: error: 1 problem in the sheet; nothing was written (fix them and import again)",
    ]
    assert not (work / "site" / "content").exists()


# -- bad sheets: every problem, at its cell, and nothing written -----------------------------------------

def test_every_problem_of_a_bad_csv_is_reported_at_its_cell_and_nothing_is_written(work: Path) -> None:
    (work / "okrs.csv").write_text(HEADER + (
        "2026-Q4,sales,Dana Reyes,Win the enterprise segment,Sign 20 new enterprise customers,4,tbd,,,,,\n"  # 2
        ",,,,,,,,07/10/2026,6,,\n"  # 3
        ",,,,,,,,2026-10-14,,,\n"  # 4
        ",,,,Cut the cycle,90,90,days,,,,\n"  # 5
        "2026-Q4,marketing,Lee Chan,Be known,Get 10 talks,0,10,,,,1.5,\n"  # 6
        "2026-Q5,sales,Lee Chan,Another,Do 1,0,1,,2026-10-01,\"1,000\",,\n"  # 7
        "2026-Q4,marketing,Lee Chan,Be known,Get 10 talks,0,12,,,,,Keynote\n"  # 8
        "2026-Q4,sales,Ana Ruiz,Win the enterprise segment,Sign 3 partners,0,3,,,,,\n"  # 9
    ), encoding="utf-8")
    (work / "site" / "content" / "okrs").mkdir(parents=True)
    before = tree(work / "site")  # the site's files (the check-in lock beside them in its cache folder aside)
    code, out, err = run("okrs.csv")
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "okrs.csv:2:G: error: target: expected a number, got 'tbd' (write a plain number such as 20)",
        ("okrs.csv:3:I: error: date: expected a date, got '07/10/2026' (write the date as YYYY-MM-DD, or format the "
        "cell as a date)"),
        ("okrs.csv:4:J: error: value: missing: a check-in needs the measured value (write the number measured on "
        "that day)"),
        ("okrs.csv:5:G: error: target: target equals baseline (90): nothing to measure (set a target different from "
        "the baseline)"),
        ("okrs.csv:6:B: error: team: unknown team 'marketing' (also on row 8) (add it to okr-pages.yaml under teams: "
        "- {id: marketing, name: marketing, parent: company})"),
        ("okrs.csv:6:I: error: date: missing: a confidence belongs to a check-in, which needs its date (write the day "
        "of the check-in, YYYY-MM-DD)"),
        ("okrs.csv:6:K: error: confidence: expected a number from 0 to 1, got '1.5' (write it as a fraction (0.7) or a "
        "percentage (70%))"),
        ("okrs.csv:7:A: error: cycle: unknown cycle '2026-Q5' (add it to okr-pages.yaml under cycles: - {id: 2026-q5, "
        "name: 2026-Q5, start: YYYY-MM-DD, end: YYYY-MM-DD}, or write a calendar quarter such as 2026-Q4)"),
        ("okrs.csv:7:J: error: value: expected a number, got '1,000' (write the number without thousands separators, "
        "units or a % sign)"),
        ("okrs.csv:8:I: error: date: missing: a note belongs to a check-in, which needs its date (write the day of the "
        "check-in, YYYY-MM-DD)"),
        ("okrs.csv:9:C: error: owner: objective 'Win the enterprise segment' already has owner 'Dana Reyes' (row 2) "
        "(an objective has one owner: write the same name, or leave the cell empty)"),
        "okr-pages: error: 11 problems in the sheet; nothing was written (fix them and import again)",
    ]
    assert {path: data for path, data in tree(work / "site").items() if not path.startswith(".okr-pages-cache/")} \
        == before


def test_every_problem_of_a_bad_xlsx_names_its_row_and_column_letter(work: Path) -> None:
    workbook(work / "okrs.xlsx", [
        ["objective", "key_result", "cycle", "team", "owner", "baseline", "target", "date", "value", "confidence"],
        ["Win", "Sign 20", "2026-Q4", "sales", "Dana Reyes", 4, "tbd", 46302, 6, 0.7],
        [None, None, None, None, None, None, None, dt.datetime(2026, 10, 9), True, 7],
        ["Grow", "Sign 5", "2026-Q4", "sales", "Dana Reyes", 10, None, None, None, None],
    ])
    code, _, err = run("okrs.xlsx")
    assert code == 1
    assert err.splitlines() == [
        "okrs.xlsx:2:G: error: target: expected a number, got 'tbd' (write a plain number such as 20)",
        ("okrs.xlsx:2:H: error: date: expected a date, got 46302 (the cell holds a number: format the column as a "
        "date)"),
        "okrs.xlsx:3:I: error: value: expected a number, got True (write a plain number such as 20)",
        ("okrs.xlsx:3:J: error: confidence: expected a number from 0 to 1, got 7 (write it as a fraction (0.7) or a "
        "percentage (70%))"),
        ("okrs.xlsx:4:F: error: target: key result 'Sign 5' has a baseline but no target (write the value that means "
        "reached in the target column)"),
        "okr-pages: error: 5 problems in the sheet; nothing was written (fix them and import again)",
    ]


def test_a_sheet_without_the_required_columns_says_which_are_missing(work: Path) -> None:
    (work / "okrs.csv").write_text("Cycle;Team;Objective;Key result\n2026-Q4;sales;Win;Sign 8\n", encoding="utf-8")
    code, _, err = run("okrs.csv")
    assert code == 1
    assert err.splitlines()[0] == (
        "okrs.csv:1:A: error: no column owner, baseline, target in the header row (its columns: Cycle, Team, "
        "Objective, Key result) (name the columns as the guide's 'Moving in' page lists them, or pass --map with a "
        "map that names yours)")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("okrs.xlsx", b"not a zip", ("okr-pages: error: cannot read okrs.xlsx as an XLSX workbook (File is not a zip "
     "file): save it again from the spreadsheet as .xlsx, or export a CSV")),
    ("okrs.xls", b"\xd0\xcf\x11\xe0", ("okr-pages: error: okrs.xls is an Excel 97-2003 workbook: save it as .xlsx "
     "(or export a CSV) and import that")),
    ("okrs.csv", "cycle,team\n2026-Q4,Vertrieb\u00e4\n".encode("cp1252"), ("okr-pages: error: okrs.csv is not UTF-8 "
     "text (in Excel, save it as 'CSV UTF-8 (Comma delimited)')")),
    ("okrs.csv", b"\n\n", ("okr-pages: error: okrs.csv is empty: write a header row (cycle, team, owner, objective, "
     "key_result, baseline, target, ...) and a row per key result")),
    ("okrs.json", b"[]", "okr-pages: error: okrs.json: expected a .csv or .xlsx file, got '.json'"),
])
def test_files_that_are_no_sheet_are_refused_with_the_fix(work: Path, name: str, data: bytes, message: str) -> None:
    (work / name).write_bytes(data)
    code, _, err = run(name)
    assert (code, err.strip()) == (1, message)


def test_a_map_file_is_validated_at_its_lines(work: Path) -> None:
    (work / "okrs.csv").write_text(SHEET, encoding="utf-8")
    (work / "map.yaml").write_text("colums:\n  cycle: Quarter\nsheet: [a]\n")
    code, _, err = run("okrs.csv", "--map", "map.yaml")
    assert code == 1
    assert err.splitlines() == [
        "map.yaml:1:1: error: missing required field 'columns' (add 'columns:' naming the header of each field)",
        "map.yaml:1:1: warning: unknown key 'colums' (did you mean 'columns'?)",
        "map.yaml:3:8: error: sheet: expected text, got a list (write plain text)",
        "okr-pages: error: 2 problems in the sheet; nothing was written (fix them and import again)",
    ]
    code, _, err = run("okrs.csv", "--map", "vivo")
    assert err == "okr-pages: error: --map: unknown map 'vivo' (did you mean 'viva'?)\n"


def test_check_and_build_never_import_openpyxl(tmp_path: Path, cli) -> None:
    blocker = tmp_path / "blocker" / "openpyxl"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named openpyxl')\n")
    repo = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": f"{blocker.parent}:{repo}"}
    assert cli("check", repo, "--as-of", "2026-11-22", env=env).returncode == 0
    assert cli("build", repo, "--out", tmp_path / "out", "--as-of", "2026-11-22", env=env).returncode == 0
