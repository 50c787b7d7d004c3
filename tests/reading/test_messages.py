"""SPEC §4: every broken input gives the exact `file:line:col: severity: field: message (hint)` line.

Each test writes a small broken site and asserts the full list of diagnostic lines and the exit
code of `okr-pages check`, run in this process for speed (conftest's ``expect``). Every site checked
that way is recorded, and once the module's tests are done `python -m generator check` runs in a
subprocess on each of them (in parallel), asserting the same lines and exit code and that no
traceback is ever shown.
Line and column numbers were counted by hand from the fixture text; the comments say how.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main

AS_OF = ("--as-of", "2026-11-15")
OKR = "content/okrs/2026-Q4/x.md"
REPO = Path(__file__).resolve().parents[2]


def objective(*, head="title: Win enterprise\ncycle: 2026-Q4\nteam: sales\nowner: Dana\n", krs=None):
    """A valid objective with no warnings as of 2026-11-15; pieces can be swapped out.

    Lines: 1 ---, 2 title, 3 cycle, 4 team, 5 owner, 6 key_results:, 7.. key results.
    """
    krs = krs if krs is not None else (
        "  - title: Sign customers\n    baseline: 4\n    target: 20\n    current: 11\n"
        "  - title: Launch portal\n    done: false\n")
    return f"---\n{head}key_results:\n{krs}---\nBody.\n"


# --- malformed files -------------------------------------------------------------------------

def test_malformed_yaml_points_at_the_problem(site, expect):
    # line 2 "title: Win: big" → the second ':' is column 11
    root = site({OKR: "---\ntitle: Win: big\ncycle: 2026-Q4\n---\n"})
    expect(root, [
        (f"{OKR}:2:11: error: malformed YAML: mapping values are not allowed in this context "
        "(check the indentation, and quote values that contain ': ' or start with a symbol)")])


def test_malformed_yaml_tab_indentation(site, expect):
    # line 3 "\tcycle: 2026-Q4": the tab is column 1
    root = site({OKR: "---\ntitle: Win\n\tcycle: 2026-Q4\n---\n"})
    expect(root, [
        (f"{OKR}:3:1: error: malformed YAML: found a tab character that violates indentation "
        "(check the indentation, and quote values that contain ': ' or start with a symbol)")])


def test_front_matter_not_closed(site, expect):
    root = site({OKR: "---\ntitle: Win\ncycle: 2026-Q4\n\nBody without a closing line.\n"})
    expect(root, [
        (f"{OKR}:1:1: error: front matter is not closed "
        "(end the front matter with a line holding only '---')")])


def test_front_matter_not_a_mapping(site, expect):
    # the list starts on line 2, column 1
    root = site({OKR: "---\n- title: Win\n- cycle: 2026-Q4\n---\n"})
    expect(root, [
        (f"{OKR}:2:1: error: front matter must be a mapping of 'key: value' lines "
        "(write fields such as 'title: ...', one per line)")])


def test_front_matter_a_plain_string(site, expect):
    root = site({OKR: "---\njust some words\n---\n"})
    expect(root, [
        (f"{OKR}:2:1: error: front matter must be a mapping of 'key: value' lines "
        "(write fields such as 'title: ...', one per line)")])


def test_empty_file(site, expect):
    root = site({OKR: ""})
    expect(root, [
        (f"{OKR}:1:1: error: file is empty: an objective needs fields "
        "(start with a line '---', then title, cycle, team and key_results, then '---')")])


def test_file_with_no_front_matter(site, expect):
    root = site({"content/kpis/mrr.md": "# MRR\n\nJust prose.\n"})
    expect(root, [
        ("content/kpis/mrr.md:1:1: error: no front matter: a KPI needs fields "
        "(start with a line '---', then title and series, then '---')")])


def test_empty_front_matter(site, expect):
    root = site({OKR: "---\n---\nBody.\n"})
    expect(root, [
        (f"{OKR}:1:1: error: front matter is empty: an objective needs fields "
        "(start with a line '---', then title, cycle, team and key_results, then '---')")])


def test_non_utf8_file(site, expect):
    # line 2 "title: Caf\xe9": 'title: Caf' is 10 bytes, so the bad byte is column 11
    root = site({OKR: b"---\ntitle: Caf\xe9\ncycle: 2026-Q4\n---\n"})
    expect(root, [f"{OKR}:2:11: error: file is not UTF-8 text (byte 0xe9) (save the file as UTF-8)"])


# Two valid KRs appended after a broken one: a KR with an error is dropped from the model, and
# with two left the objective raises no "only 1 key result(s)" warning beside the error.
TWO_MORE = "  - title: Launch portal\n    done: false\n  - title: Ship beta\n    done: false\n"


# --- wrong types -----------------------------------------------------------------------------

def _kr_target(value):
    # line 7 "  - title: Grow", line 8 "    baseline: 4", line 9 "    target: <value>" → column 13
    return objective(krs=f"  - title: Grow\n    baseline: 4\n    target: {value}\n" + TWO_MORE)


def test_text_where_number_expected(site, expect):
    root = site({OKR: _kr_target("twenty")})
    expect(root, [
        f"{OKR}:9:13: error: key_results[0].target: expected a number, got 'twenty' (write a number, e.g. 20)"])


def test_number_as_quoted_text(site, expect):
    root = site({OKR: _kr_target('"20"')})
    expect(root, [
        (f"{OKR}:9:13: error: key_results[0].target: expected a number, got '20' "
        "(write the number without quotes, commas or a % sign)")])


def test_number_with_percent_sign(site, expect):
    root = site({OKR: _kr_target("20%")})
    expect(root, [
        (f"{OKR}:9:13: error: key_results[0].target: expected a number, got '20%' "
        "(write the number without quotes, commas or a % sign)")])


def test_nan(site, expect):
    root = site({OKR: _kr_target(".nan")})
    expect(root, [
        f"{OKR}:9:13: error: key_results[0].target: expected a finite number, got .nan (write an ordinary number)"])


def test_infinity(site, expect):
    root = site({OKR: _kr_target(".inf")})
    expect(root, [
        f"{OKR}:9:13: error: key_results[0].target: expected a finite number, got .inf (write an ordinary number)"])


def test_bool_where_number_expected(site, expect):
    root = site({OKR: _kr_target("true")})
    expect(root, [
        f"{OKR}:9:13: error: key_results[0].target: expected a number, got 'true' (write a number, e.g. 20)"])


def test_list_where_text_expected(site, expect):
    # line 2 "title: [Win, Grow]" → the list starts at column 8
    root = site({OKR: objective(head="title: [Win, Grow]\ncycle: 2026-Q4\nteam: sales\nowner: Dana\n")})
    expect(root, [
        f"{OKR}:2:8: error: title: expected text, got a list (write plain text)"])


def test_bad_choice_suggests(site, expect):
    # line 6 "commitment: comitted" → column 13
    head = "title: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\ncommitment: comitted\n"
    root = site({OKR: objective(head=head)})
    expect(root, [
        ("content/okrs/2026-Q4/x.md:6:13: error: commitment: expected one of aspirational, committed, "
        "got 'comitted' (did you mean 'committed'?)")])


def test_weight_must_be_positive(site, expect):
    # line 10 "    weight: 0" → column 13
    krs = ("  - title: Grow\n    baseline: 4\n    target: 20\n    weight: 0\n"
           "  - title: Launch portal\n    done: false\n")
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        f"{OKR}:10:13: error: key_results[0].weight: expected a number above 0, got 0 (use 1 for normal weight)"])


def test_confidence_outside_zero_to_one(site, expect):
    # line 11 "      - {date: 2026-10-07, value: 6, confidence: 1.5}":
    # '      - {' 9 + 'date: 2026-10-07, ' 18 + 'value: 6, ' 10 + 'confidence: ' 12 = 49 → column 50
    krs = ("  - title: Grow\n    baseline: 4\n    target: 20\n    checkins:\n"
           "      - {date: 2026-10-07, value: 6, confidence: 1.5}\n"
           "      - {date: 2026-10-14, value: 7, confidence: -0.2}\n"
           "  - title: Launch portal\n    done: false\n")
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:11:50: error: key_results[0].checkins[0].confidence: expected a number from 0 to 1, got 1.5 "
        "(write it as a fraction: 0.7 means 70%)"),
        (f"{OKR}:12:50: error: key_results[0].checkins[1].confidence: expected a number from 0 to 1, got -0.2 "
        "(write it as a fraction: 0.7 means 70%)")])


# --- missing required fields -----------------------------------------------------------------

def test_missing_title(site, expect):
    root = site({OKR: objective(head="cycle: 2026-Q4\nteam: sales\nowner: Dana\n")})
    expect(root, [
        f"{OKR}:2:1: error: missing required field 'title' (add 'title:' — where to go, qualitatively)"])


def test_missing_cycle(site, expect):
    root = site({OKR: objective(head="title: Win\nteam: sales\nowner: Dana\n")})
    expect(root, [
        f"{OKR}:2:1: error: missing required field 'cycle' (add 'cycle:' — cycle id, such as 2026-Q4)"])


def test_missing_key_results(site, expect):
    root = site({OKR: "---\ntitle: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\n---\n"})
    stderr = expect(root, [
        f"{OKR}:2:1: error: missing required field 'key_results' (add 'key_results:' — two to five key results)",
        (f"{OKR}:2:1: warning: key_results: only 0 key result(s) "
        "(2 to 5 key results show that the objective was reached)")])
    assert "1 error(s), 1 warning(s)" in stderr


def test_missing_baseline(site, expect):
    # line 7 "  - title: Grow", line 8 "    target: 20" → column 13 (the KR's target, which has no baseline)
    krs = "  - title: Grow\n    target: 20\n" + TWO_MORE
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:8:13: error: key_results[0]: missing required field 'baseline' "
        "(add 'baseline:' with the value at the start of the cycle)")])


def test_missing_target_with_baseline(site, expect):
    # line 8 "    baseline: 4" → column 15
    krs = "  - title: Grow\n    baseline: 4\n    unit: customers\n" + TWO_MORE
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:8:15: error: key_results[0]: missing required field 'target' "
        "(add 'target:' with the value that means done)")])


def test_missing_target_with_kpi(site, expect):
    # line 8 "    kpi: churn" → column 10
    krs = "  - title: Cut churn\n    kpi: churn\n" + TWO_MORE
    root = site({OKR: objective(krs=krs), "content/kpis/churn.md": CHURN_KPI})
    expect(root, [
        (f"{OKR}:8:10: error: key_results[0]: missing required field 'target' "
        "(add 'target:' with the value that means done)")])


def test_kpi_missing_title_and_series(site, expect):
    root = site({"content/kpis/a.md": "---\nunit: '%'\n---\n", "content/kpis/b.md": "---\ntitle: B\n---\n"})
    expect(root, [
        ("content/kpis/a.md:2:1: error: missing required field 'series' (add 'series:' — a CSV file beside "
        "this one, a mapping 'date: value', or a list of {date, value})"),
        "content/kpis/a.md:2:1: error: missing required field 'title' (add 'title:' — the indicator's name)",
        ("content/kpis/b.md:2:1: error: missing required field 'series' (add 'series:' — a CSV file beside "
        "this one, a mapping 'date: value', or a list of {date, value})")])


# --- unknown keys and ids --------------------------------------------------------------------

def test_unknown_key_is_a_warning_with_did_you_mean(site, expect):
    # line 5 "onwer: Dana" → the key at column 1; line 13 "    wieght: 2" → the key at column 5
    head = "title: Win\ncycle: 2026-Q4\nteam: sales\nonwer: Dana\n"
    krs = ("  - title: Sign customers\n    baseline: 4\n    target: 20\n    current: 11\n"
           "  - title: Launch portal\n    done: false\n    wieght: 2\n")
    root = site({OKR: objective(head=head, krs=krs)})
    expect(root, [
        f"{OKR}:2:8: warning: objective has no owner (add 'owner:' so someone is accountable)",
        f"{OKR}:5:1: warning: unknown key 'onwer' (did you mean 'owner'?)",
        f"{OKR}:13:5: warning: key_results[1]: unknown key 'wieght' (did you mean 'weight'?)"], 0)


def test_unknown_key_far_from_any_lists_known_keys(site, expect):
    head = "title: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\nzzz: 1\n"
    root = site({OKR: objective(head=head)})
    expect(root, [
        (f"{OKR}:6:1: warning: unknown key 'zzz' (known keys: kind, id, title, cycle, team, owner, "
        "aligns_to, commitment, key_results, final_score, retrospective, next, previous, checkin_every)")], 0)


def test_a_cycle_written_with_errors_is_reported_once_in_the_config(site, expect):
    """Content naming a cycle whose config entry is broken is not told the cycle is unknown."""
    config = ("cycles:\n  - {id: sprint-1, start: 2026-10-01}\n"
              "  - {id: sprint-2, start: 2026-10-10, end: 2026-10-01}\n")
    sprint_2 = "content/okrs/sprint-2/y.md"
    root = site({OKR: objective(head="title: Win\ncycle: sprint-1\nteam: sales\nowner: Dana\n"),
                 sprint_2: objective(head="title: Grow\ncycle: sprint-2\nteam: sales\nowner: Dana\n")},
                config=config)
    expect(root, [
        "okr-pages.yaml:2:5: error: cycles[0]: missing required field 'end' (add 'end:' — last day)",
        ("okr-pages.yaml:3:44: error: cycles[1].end: cycle ends (2026-10-01) before it starts (2026-10-10) "
         "(swap or correct the dates)")])


def test_unknown_cycle_with_did_you_mean(site, expect):
    # line 3 "cycle: FY27-Q2" → column 8
    config = "cycles:\n  - {id: FY27-Q1, start: 2026-08-01, end: 2026-10-31}\n"
    root = site({OKR: objective(head="title: Win\ncycle: FY27-Q2\nteam: sales\nowner: Dana\n")}, config=config)
    expect(root, [
        f"{OKR}:3:8: error: cycle: unknown cycle 'FY27-Q2' (did you mean 'FY27-Q1'?)"])


def test_unknown_cycle_suggests_an_implicit_cycle_used_later(site, expect):
    # a.md sorts before x.md, whose 2026-Q4 is an implicit cycle: it must still be suggested
    root = site({"content/okrs/a.md": objective(head="title: A\ncycle: 2026-Q44\nteam: sales\nowner: D\n"),
                 OKR: objective()})
    expect(root, [
        "content/okrs/a.md:3:8: error: cycle: unknown cycle '2026-Q44' (did you mean '2026-Q4'?)"])


def test_unknown_cycle_without_suggestion(site, expect):
    root = site({OKR: objective(head="title: Win\ncycle: someday\nteam: sales\nowner: Dana\n")})
    expect(root, [
        (f"{OKR}:3:8: error: cycle: unknown cycle 'someday' "
        "(use an id like 2026-Q4, or list the cycle under cycles: in okr-pages.yaml)")])


def test_unknown_team_with_did_you_mean(site, expect):
    # line 4 "team: slaes" → column 7
    root = site({OKR: objective(head="title: Win\ncycle: 2026-Q4\nteam: slaes\nowner: Dana\n")})
    expect(root, [f"{OKR}:4:7: error: team: unknown team 'slaes' (did you mean 'sales'?)"])


def test_unknown_team_of_a_kpi(site, expect):
    root = site({"content/kpis/churn.md": CHURN_KPI.replace("team: cs", "team: css")})
    expect(root, ["content/kpis/churn.md:3:7: error: team: unknown team 'css' (did you mean 'cs'?)"])


def test_unknown_kpi_with_did_you_mean(site, expect):
    # line 8 "    kpi: churn-rat" → column 10
    krs = "  - title: Cut churn\n    kpi: churn-rat\n    target: 5\n  - title: Launch portal\n    done: false\n"
    root = site({OKR: objective(krs=krs), "content/kpis/churn-rate.md": CHURN_KPI})
    expect(root, [
        f"{OKR}:8:10: error: key_results[0].kpi: unknown KPI 'churn-rat' (did you mean 'churn-rate'?)"])


def test_unknown_parent_objective_with_did_you_mean(site, expect):
    # line 6 "aligns_to: 2026-Q4/grow-ar" → column 12
    head = "title: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\naligns_to: 2026-Q4/grow-ar\n"
    root = site({OKR: objective(head=head), "content/okrs/2026-Q4/grow-arr.md": objective()})
    expect(root, [
        f"{OKR}:6:12: error: aligns_to: unknown objective '2026-Q4/grow-ar' (did you mean '2026-Q4/grow-arr'?)"])


# --- duplicates and loops --------------------------------------------------------------------

def test_duplicate_objective_id(site, expect):
    # y.md line 2 "id: 2026-Q4/x" → column 5
    head = "id: 2026-Q4/x\ntitle: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\n"
    root = site({OKR: objective(), "content/okrs/2026-Q4/y.md": objective(head=head)})
    expect(root, [
        ("content/okrs/2026-Q4/y.md:2:5: error: id: duplicate objective id '2026-Q4/x' "
        f"(also used by {OKR}) (set a different 'id:' or rename the file)")])


def test_duplicate_key_result_ids(site, expect):
    # line 10 "  - title: Sign  Customers!" (same slug) → column 12; line 14 "    id: sign-customers" → column 9
    krs = ("  - title: Sign customers\n    baseline: 4\n    target: 20\n"
           "  - title: Sign  Customers!\n    baseline: 1\n    target: 2\n"
           "  - title: Other\n    id: sign-customers\n    done: true\n"
           "  - title: Launch portal\n    done: false\n")
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:10:12: error: key_results[1]: duplicate key result id 'sign-customers' "
        "(give one of them a different title or an 'id:')"),
        (f"{OKR}:14:9: error: key_results[2]: duplicate key result id 'sign-customers' "
        "(give one of them a different title or an 'id:')")])


def test_alignment_loop(site, expect):
    # line 6 "aligns_to: 2026-Q4/b" → column 12; reported once, at the loop's first id
    def head(parent):
        return f"title: T\ncycle: 2026-Q4\nteam: sales\nowner: D\naligns_to: 2026-Q4/{parent}\n"
    root = site({"content/okrs/2026-Q4/a.md": objective(head=head("b")),
                 "content/okrs/2026-Q4/b.md": objective(head=head("c")),
                 "content/okrs/2026-Q4/c.md": objective(head=head("a"))})
    expect(root, [
        ("content/okrs/2026-Q4/a.md:6:12: error: aligns_to: alignment loop: "
        "2026-Q4/a → 2026-Q4/b → 2026-Q4/c → 2026-Q4/a (an objective cannot align to its own descendants)")])


def test_objective_aligned_to_itself(site, expect):
    head = "title: T\ncycle: 2026-Q4\nteam: sales\nowner: D\naligns_to: 2026-Q4/x\n"
    root = site({OKR: objective(head=head)})
    expect(root, [
        (f"{OKR}:6:12: error: aligns_to: alignment loop: 2026-Q4/x → 2026-Q4/x "
        "(an objective cannot align to its own descendants)")])


# --- dates -----------------------------------------------------------------------------------

def test_bad_dates(site, expect):
    # line 11 "      - {date: 2026-02-30, value: 6}": '      - {date: ' is 15 characters → column 16
    # line 13 "        date: soon" → column 15
    krs = ("  - title: Grow\n    baseline: 4\n    target: 20\n    checkins:\n"
           "      - {date: 2026-02-30, value: 6}\n"
           "      - value: 7\n        date: soon\n"
           "  - title: Launch portal\n    done: false\n")
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:11:16: error: key_results[0].checkins[0].date: date 2026-02-30 does not exist "
        "(check the month and day)"),
        (f"{OKR}:13:15: error: key_results[0].checkins[1].date: expected a date, got 'soon' "
        "(write YYYY-MM-DD, e.g. 2026-10-07)")])


def test_checkin_outside_cycle_is_a_warning(site, expect):
    krs = ("  - title: Grow\n    baseline: 4\n    target: 20\n    checkins:\n"
           "      - {date: 2026-09-07, value: 6}\n"
           "  - title: Launch portal\n    done: false\n")
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:11:16: warning: key_results[0].checkins[0].date: check-in dated 2026-09-07, outside cycle "
        "2026-Q4 (2026-10-01 to 2026-12-31) (check the date or the objective's cycle)")], 0)


def test_bad_date_in_config(site, expect):
    # okr-pages.yaml line 2: "  - {id: FY27-Q1, start: 2026-08-01, end: 2026-02-30}":
    # '  - {id: FY27-Q1, ' 18 + 'start: 2026-08-01, ' 19 + 'end: ' 5 = 42 → column 43
    config = "cycles:\n  - {id: FY27-Q1, start: 2026-08-01, end: 2026-02-30}\n"
    root = site({}, config=config)
    (root / "content").mkdir()
    expect(root, [
        "okr-pages.yaml:2:43: error: cycles[0].end: date 2026-02-30 does not exist (check the month and day)"])


# --- target == baseline ----------------------------------------------------------------------

CHURN_KPI = """\
---
title: Churn rate
team: cs
direction: down
series:
  2026-08: 8.0
  2026-09: 6.0
  2026-10: 7.0
  2026-11: 6.5
---
"""


def test_target_equals_baseline(site, expect):
    root = site({OKR: _kr_target("4")})
    expect(root, [
        (f"{OKR}:9:13: error: key_results[0].target: target equals baseline (4): nothing to measure "
        "(set a target different from the baseline)")])


def test_target_equals_kpi_derived_baseline(site, expect):
    # the KPI's latest point on or before 2026-10-01 is 2026-10 → 7.0; line 9 "    target: 7" → column 13
    krs = "  - title: Cut churn\n    kpi: churn\n    target: 7\n  - title: Launch portal\n    done: false\n"
    root = site({OKR: objective(krs=krs), "content/kpis/churn.md": CHURN_KPI})
    expect(root, [
        (f"{OKR}:9:13: error: key_results[0].target: target equals the baseline read from KPI 'churn' (7): "
        "nothing to measure (set a different target, or an explicit 'baseline:')")])


def test_kpi_with_no_point_before_cycle_needs_baseline(site, expect):
    kpi = "---\ntitle: Churn rate\nteam: cs\ndirection: down\nseries:\n  2026-11: 6.5\n---\n"
    krs = "  - title: Cut churn\n    kpi: churn\n    target: 5\n  - title: Launch portal\n    done: false\n"
    root = site({OKR: objective(krs=krs), "content/kpis/churn.md": kpi})
    expect(root, [
        (f"{OKR}:8:10: error: key_results[0]: KPI 'churn' has no point on or before the cycle start "
        "(2026-10-01) to use as baseline (add 'baseline:' to the key result)")])


# --- KPI series and thresholds ---------------------------------------------------------------

def test_csv_missing(site, expect):
    # line 3 "series: churn.csv" → column 9
    root = site({"content/kpis/churn.md": "---\ntitle: Churn\nseries: churn.csv\n---\n"})
    expect(root, [
        ("content/kpis/churn.md:3:9: error: series: CSV file 'content/kpis/churn.csv' not found "
        "(put the CSV beside the KPI file and give its name, e.g. series: churn.csv)")])


def test_csv_bad_rows_name_the_csv_line_and_column(site, expect):
    csv = ("date,value\n"  # line 1
           "2026-08,8\n"  # line 2
           "2026-02-30,7\n"  # line 3: bad date in column 1
           "2026-10,seven\n"  # line 4: 'seven' starts at column 9
           '"2026-11","six"\n'  # line 5: quoted; 'six' cell starts at column 11
           "2026-08,8.5\n"  # line 6: date given twice
           "2026-12\n")  # line 7: no value column
    root = site({"content/kpis/churn.md": "---\ntitle: Churn\ncadence: quarterly\nseries: churn.csv\n---\n",
                 "content/kpis/churn.csv": csv})
    expect(root, [
        "content/kpis/churn.csv:3:1: error: bad date '2026-02-30' (write YYYY-MM or YYYY-MM-DD)",
        "content/kpis/churn.csv:4:9: error: expected a number, got 'seven' (write a plain number such as 6.4)",
        "content/kpis/churn.csv:5:11: error: expected a number, got 'six' (write a plain number such as 6.4)",
        "content/kpis/churn.csv:6:1: error: date 2026-08-01 appears twice (first on line 2) (keep one row per date)",
        ("content/kpis/churn.csv:7:1: error: row has 1 column(s), expected at least 2 "
        "(give every row a date and a value)")])


def test_csv_not_utf8_and_empty(site, expect):
    root = site({"content/kpis/a.md": "---\ntitle: A\nseries: a.csv\n---\n",
                 "content/kpis/a.csv": b"date,value\n2026-10,\xff\n",
                 "content/kpis/b.md": "---\ntitle: B\nseries: b.csv\n---\n",
                 "content/kpis/b.csv": ""})
    expect(root, [
        "content/kpis/a.csv:2:9: error: file is not UTF-8 text (byte 0xff) (save the file as UTF-8)",
        ("content/kpis/b.csv:1:1: error: CSV file is empty "
        "(add a header row such as 'date,value' and one row per point)")])


def test_inline_series_bad_value_and_date(site, expect):
    # line 6 "  2026-10: x" → value at column 12; line 7 "  soon: 3" → key at column 3
    kpi = "---\ntitle: Churn\ncadence: quarterly\nseries:\n  2026-09: 6\n  2026-10: x\n  soon: 3\n---\n"
    root = site({"content/kpis/churn.md": kpi})
    expect(root, [
        "content/kpis/churn.md:6:12: error: series[2026-10]: expected a number, got 'x' (write a number, e.g. 20)",
        ("content/kpis/churn.md:7:3: error: series[soon]: expected a date, got 'soon' "
        "(write YYYY-MM-DD, e.g. 2026-10-07)")])


def test_thresholds_in_wrong_order_for_direction(site, expect):
    # down.md line 4 "thresholds: {green: 8, yellow: 6}" → green's value at column 21
    # up.md line 5 "  green: 80" → column 10
    down = "---\ntitle: Churn\ndirection: down\nthresholds: {green: 8, yellow: 6}\nseries: {2026-11: 5}\n---\n"
    up = "---\ntitle: Uptime\ndirection: up\nthresholds:\n  green: 80\n  yellow: 90\nseries: {2026-11: 99}\n---\n"
    root = site({"content/kpis/down.md": down, "content/kpis/up.md": up})
    expect(root, [
        ("content/kpis/down.md:4:21: error: thresholds.green: with direction down, green (8) must be below "
        "yellow (6) (swap green and yellow, or change the direction)"),
        ("content/kpis/up.md:5:10: error: thresholds.green: with direction up, green (80) must be above "
        "yellow (90) (swap green and yellow, or change the direction)")])


def test_csv_column_not_found(site, expect):
    # line 4 "columns: {date: month, value: churn}": 'columns: {' 10 + 'date: month, ' 13 + 'value: ' 7 → 31
    kpi = "---\ntitle: Churn\nseries: c.csv\ncolumns: {date: month, value: churn}\n---\n"
    root = site({"content/kpis/churn.md": kpi, "content/kpis/c.csv": "month,churn_pct\n2026-11,5\n"})
    expect(root, [
        ("content/kpis/churn.md:4:31: error: columns.value: column 'churn' not in content/kpis/c.csv "
        "(did you mean 'churn_pct'?)")])


# --- all problems in one run -----------------------------------------------------------------

def test_all_problems_reported_in_one_run(site, cli):
    root = site({
        "content/okrs/2026-Q4/a.md": _kr_target("twenty"),
        "content/okrs/2026-Q4/b.md": "---\ntitle: Win: big\n---\n",
        "content/okrs/2026-Q4/c.md": objective(head="title: Win\ncycle: 2026-Q4\nteam: slaes\nowner: D\n"),
        "content/kpis/churn.md": "---\ntitle: Churn\nseries: churn.csv\n---\n",
    })
    run = cli("check", root, *AS_OF)
    assert run.returncode == 1
    errors = [line for line in run.lines if ": error: " in line]
    assert [line.split(":")[0] for line in errors] == [
        "content/kpis/churn.md", "content/okrs/2026-Q4/a.md", "content/okrs/2026-Q4/b.md",
        "content/okrs/2026-Q4/c.md"]
    assert "4 error(s)" in run.stderr


def test_build_reports_all_problems_and_writes_nothing(site, cli, tmp_path):
    root = site({"content/okrs/2026-Q4/a.md": _kr_target("twenty"),
                 "content/okrs/2026-Q4/c.md": objective(head="title: W\ncycle: 2026-Q4\nteam: slaes\nowner: D\n")})
    out = tmp_path / "out"
    run = cli("build", root, *AS_OF, "--out", out)
    assert run.returncode == 1
    assert "content/okrs/2026-Q4/a.md:9:13: error:" in run.stderr
    assert "content/okrs/2026-Q4/c.md:4:7: error:" in run.stderr
    assert not out.exists()


# --- quality warnings ------------------------------------------------------------------------

def test_fewer_than_two_key_results(site, expect):
    # the warning points at key_results' value: line 7 "  - title: Launch portal", column 3
    root = site({OKR: objective(krs="  - title: Launch portal\n    done: false\n")})
    expect(root, [
        (f"{OKR}:7:3: warning: key_results: only 1 key result(s) "
        "(2 to 5 key results show that the objective was reached)")], 0)


def test_more_than_five_key_results(site, expect):
    krs = "".join(f"  - title: Step {n}\n    done: false\n" for n in range(6))
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:7:3: warning: key_results: 6 key results "
        "(keep to 2 to 5: more dilutes focus; move some to KPIs or another objective)")], 0)


def test_key_result_with_no_number(site, expect):
    # line 7 "  - title: Run weekly demos" → column 12
    krs = "  - title: Run weekly demos\n  - title: Launch portal\n    done: false\n"
    root = site({OKR: objective(krs=krs)})
    expect(root, [
        (f"{OKR}:7:12: warning: key_results[0]: key result has no number to measure (an activity, not an "
        "outcome) (add baseline and target, milestones, or done: true/false)")], 0)


def test_no_owner_or_team(site, expect):
    # line 2 "title: Win" → column 8
    root = site({OKR: objective(head="title: Win\ncycle: 2026-Q4\n")})
    expect(root, [
        f"{OKR}:2:8: warning: objective has no owner and team (add 'owner:' so someone is accountable)"], 0)


def test_aspirational_objective_scoring_one(site, expect):
    # line 6 "commitment: aspirational" → column 13
    head = "title: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\ncommitment: aspirational\n"
    krs = "  - title: A\n    done: true\n  - title: B\n    baseline: 1\n    target: 2\n    current: 3\n"
    root = site({OKR: objective(head=head, krs=krs)})
    expect(root, [
        (f"{OKR}:6:13: warning: commitment: aspirational objective scores 1.0 (not ambitious enough?) "
        "(aim higher next cycle, or mark it 'commitment: committed')")], 0)


def test_committed_objective_scoring_one_is_fine(site, expect):
    head = "title: Win\ncycle: 2026-Q4\nteam: sales\nowner: Dana\ncommitment: committed\n"
    krs = "  - title: A\n    done: true\n  - title: B\n    done: true\n"
    expect(site({OKR: objective(head=head, krs=krs)}), [], 0)


def test_stale_kpi(site, expect):
    # line 4 "series:" value starts line 5 "  2026-08: 8.0" column 3; 2026-09-01 + 2 months < 2026-11-15
    kpi = "---\ntitle: Churn\ncadence: monthly\nseries:\n  2026-08: 8.0\n  2026-09: 7.5\n---\n"
    root = site({"content/kpis/churn.md": kpi})
    expect(root, [
        ("content/kpis/churn.md:5:3: warning: series: stale: latest point is 2026-09-01, more than two monthly "
        "periods before 2026-11-15 (add the recent values, or set the right 'cadence:')")], 0)


def test_strict_turns_a_warning_into_failure(site, cli):
    root = site({OKR: objective(krs="  - title: Launch portal\n    done: false\n")})
    assert cli("check", root, *AS_OF).returncode == 0
    strict = cli("check", root, *AS_OF, "--strict")
    assert strict.returncode == 1
    assert strict.lines == [(f"{OKR}:7:3: warning: key_results: only 1 key result(s) "
                            "(2 to 5 key results show that the objective was reached)")]


def test_clean_site_exits_zero_with_no_lines(site, expect):
    stderr = expect(site({OKR: objective()}), [], 0, "--strict")
    assert "0 error(s), 0 warning(s)" in stderr


# --- output formats --------------------------------------------------------------------------

def test_format_github(site, cli):
    root = site({OKR: _kr_target("twenty"), "content/okrs/2026-Q4/y.md": objective(
        krs="  - title: Launch portal\n    done: false\n")})
    run = cli("check", root, *AS_OF, "--format", "github")
    assert run.returncode == 1
    assert run.lines == [
        (f"::error file={OKR},line=9,col=13,title=okr-pages error::key_results[0].target: expected a number, "
        "got 'twenty' (write a number, e.g. 20)"),
        ("::warning file=content/okrs/2026-Q4/y.md,line=7,col=3,title=okr-pages warning::key_results: only 1 "
        "key result(s) (2 to 5 key results show that the objective was reached)")]


def test_format_json(site, cli):
    root = site({OKR: _kr_target("twenty")})
    run = cli("check", root, *AS_OF, "--format", "json")
    assert run.returncode == 1
    assert json.loads(run.stdout) == [{
        "file": OKR, "line": 9, "column": 13, "severity": "error", "field": "key_results[0].target",
        "message": "expected a number, got 'twenty'", "hint": "write a number, e.g. 20"}]


def test_format_json_clean_is_empty_list(site, cli):
    run = cli("check", site({OKR: objective()}), *AS_OF, "--format", "json")
    assert (run.returncode, json.loads(run.stdout)) == (0, [])


# --- config ----------------------------------------------------------------------------------

def test_config_problems(site, expect):
    config = ("teams:\n"
              "  - {id: company, name: C}\n"
              "  - {id: sales, name: S, parent: compnay}\n"  # parent value at column 34
              "scoring:\n"
              "  bands: {yellow: 0.8, green: 0.7}\n"  # yellow value at column 19
              "  pace: {at_risk: -0.3, off_track: -0.1}\n")  # off_track value at column 36
    root = site({OKR: objective()}, config=config)
    expect(root, [
        "okr-pages.yaml:3:34: error: teams[1].parent: unknown team 'compnay' (did you mean 'company'?)",
        ("okr-pages.yaml:5:19: error: scoring.bands.yellow: yellow band (0.8) is above green (0.7) "
        "(yellow must be at most green)"),
        ("okr-pages.yaml:6:36: error: scoring.pace.off_track: off_track (-0.1) is above at_risk (-0.3) "
        "(off_track must be at most at_risk, e.g. -0.3 and -0.15)")])


def test_malformed_config(site, expect):
    root = site({OKR: objective()}, config="title: [\n")
    expect(root, [
        ("okr-pages.yaml:2:1: error: malformed YAML: did not find expected node content "
        "(check the indentation, and quote values that contain ': ' or start with a symbol)")])


# --- the same, as a user runs it -------------------------------------------------------------

def test_exponent_hint_and_a_dropped_key_result_does_not_also_warn_about_the_count(tmp_path, capsys):
    """YAML 1.1 reads 1e5 as text: the hint says how to write it; the KR it drops is not counted short."""
    from conftest import CONFIG, write_site

    site = write_site(tmp_path, {"content/okrs/2026-Q4/a.md": """\
        ---
        title: A
        cycle: 2026-Q4
        owner: Ann
        team: sales
        key_results:
          - title: Reach 100k visits
            baseline: 0
            target: 1e5
          - title: Ship it
            done: false
        ---
        """, "okr-pages.yaml": CONFIG})
    main(["check", str(site), "--as-of", "2026-11-15"])
    out = capsys.readouterr().out.splitlines()
    assert out == [("content/okrs/2026-Q4/a.md:9:13: error: key_results[0].target: expected a number, got '1e5' "
                   "(YAML reads 1e5 as text: write it with a point, e.g. 1.0e+5)")]


@pytest.mark.parametrize("series", ["/etc/passwd", "../../outside.csv", "notes.txt"])
def test_series_must_name_a_csv_inside_the_content_folder(tmp_path, capsys, series):
    from conftest import write_site

    site = write_site(tmp_path / "site", {"content/kpis/k.md": f"---\ntitle: K\nseries: {series}\n---\n"})
    (tmp_path / "outside.csv").write_text("date,value\n2026-01,1\n")
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        (f"content/kpis/k.md:3:9: error: series: '{series}' is not a CSV file inside the content folder "
        "(name a .csv file beside the KPI, e.g. series: churn.csv, or write the points inline)")]


@pytest.mark.parametrize("front, where, problem", [
    ("id: ../../../../escaped", "2:5: error: id: '../../../../escaped' is not a valid id",
     "use letters, digits, '-', '_' and '.', with '/' between parts, each starting with a letter or digit"),
    ("id: a b", "2:5: error: id: 'a b' is not a valid id",
     "use letters, digits, '-', '_' and '.', with '/' between parts, each starting with a letter or digit"),
    ("team: ../x", "2:7: error: team: '../x' is not a valid id",
     "use letters, digits, '-', '_' and '.', starting with a letter or digit"),
])
def test_ids_that_would_escape_or_break_urls_are_errors(tmp_path, capsys, front, where, problem):
    from conftest import write_site

    site = write_site(tmp_path, {"content/okrs/o.md": f"""---\n{front}\ntitle: O\ncycle: 2026-Q4\nowner: A
key_results:\n  - {{title: A, baseline: 0, target: 1}}\n  - {{title: B, done: false}}\n---\n"""})
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 1
    assert f"content/okrs/o.md:{where} ({problem})" in capsys.readouterr().out.splitlines()


def test_numbers_too_large_to_score_are_errors(tmp_path, capsys):
    from conftest import write_site

    site = write_site(tmp_path, {"content/okrs/o.md": """---\ntitle: O\ncycle: 2026-Q4\nowner: A\nteam: t
key_results:\n  - {title: A, baseline: 0, target: 1, weight: 1.0e+308}\n  - {title: B, done: false, weight: 1.0e+308}\n---\n"""})
    assert main(["check", str(site), "--as-of", "2026-11-15"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "content/okrs/o.md:7:48: error: key_results[0].weight: number 1.0e+308 is too large (write a number below 10^15)" in out
