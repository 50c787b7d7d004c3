"""``okr-pages rollover FROM TO``: the next cycle's files for objectives not completed (SPEC §10)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from conftest import copy_example

from generator.authoring.rollover import carry_id

AS_OF = "2026-11-22"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.md"))}


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a unified diff adds (+) and removes (-)."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_by_default_only_committed_objectives_below_one_roll_over(example: Path, cli) -> None:
    before = snapshot(example)
    run = cli("rollover", "2026-Q3", "2026-Q4", "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    # The example's missed committed objective already has its follow-up; the rest are not carried.
    assert run.lines == [
        "rollover 2026-Q3 → 2026-Q4 (figures as of 2026-11-22):",
        "  - 2026-Q3/company/keep-customers: already followed up by 2026-Q4/company/grow-arr",
        "  - 2026-Q3/company/self-serve-growth: already followed up by 2026-Q4/product/onboarding",
        "  - 2026-Q3/customer-success/reduce-churn: already followed up by 2026-Q4/customer-success/retention",
        "  - 2026-Q3/engineering/ship-daily: completed (1.00)",
        "  - 2026-Q3/sales/mid-market: aspirational, ended at 0.60 reviewed (carry it with --below SCORE or --all)",
        "  - 2026-Q3/support/faster-first-response: already followed up by 2026-Q4/support/help-center",
        "wrote 0 new objective files for 2026-Q4 and added next: to 0 files of 2026-Q3; 6 objectives not carried",
    ]
    assert snapshot(example) == before


def test_rollover_of_the_example_writes_new_files_and_one_line_in_each_old_one(example: Path, cli) -> None:
    before = snapshot(example)
    run = cli("rollover", "2026-Q3", "2026-Q4", "--all", "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert "  + content/okrs/2026-Q4/sales/mid-market.md (2026-Q4/sales/mid-market: 2 key results; left out, " \
           "already reached: Launch a mid-market price plan)" in run.lines
    assert "  - 2026-Q3/engineering/ship-daily: every key result was reached: nothing left to carry" in run.lines
    after = snapshot(example)
    old = "content/okrs/2026-Q3/sales/mid-market.md"
    assert changed_lines(before[old], after[old]) == ["+next: 2026-Q4/sales/mid-market"]
    assert {rel for rel in after if before.get(rel) != after[rel]} == {old, "content/okrs/2026-Q4/sales/mid-market.md"}
    new = after["content/okrs/2026-Q4/sales/mid-market.md"]
    assert new.startswith(
        "---\n"
        "title: Break into the mid-market\n"
        "cycle: 2026-Q4\n"
        "team: sales\n"
        "owner: Dana Reyes\n"
        "commitment: aspirational\n"
        "previous: 2026-Q3/sales/mid-market  # carried over by okr-pages rollover\n"
        "key_results:\n"
        "  - title: Sign 15 new mid-market customers\n"
        "    baseline: 9  # where it ended in 2026-Q3\n"
        "    target: 15\n"
        "    unit: customers\n"
        "    weight: 2\n"
        "  - title: Shorten the mid-market sales cycle from 75 to 50 days\n"
        "    baseline: 61  # where it ended in 2026-Q3\n"
        "    target: 50\n"
        "    unit: days\n"
        "---\n"
        "Distributors with 50–250 employees are the largest group")
    assert "checkins" not in new and "retrospective" not in new and "final_score" not in new
    check = cli("check", example, "--as-of", AS_OF, "--strict")
    assert check.returncode == 0 and check.lines == [], check.stdout
    # run again: it is followed up now, and nothing is written twice
    again = cli("rollover", "2026-Q3", "2026-Q4", "--all", "--site-dir", example, "--as-of", AS_OF)
    assert "  - 2026-Q3/sales/mid-market: already followed up by 2026-Q4/sales/mid-market" in again.lines
    assert snapshot(example) == after


def test_rollover_of_a_whole_cycle_re_points_alignment(example: Path, cli) -> None:
    before = snapshot(example)
    run = cli("rollover", "2026-Q4", "2027-Q1", "--all", "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert run.lines[1] == ("  note: 2026-Q4 has not ended (it runs until 2026-12-31): key results start from "
                            "their values as of 2026-11-22")
    after = snapshot(example)
    old_files = [rel for rel in before if rel.startswith("content/okrs/2026-Q4/")]
    assert len(old_files) == 10
    for rel in old_files:  # exactly one line added to each old file, nothing else changed
        new_id = rel.removeprefix("content/okrs/").removesuffix(".md").replace("2026-Q4", "2027-Q1")
        assert changed_lines(before[rel], after[rel]) == [f"+next: {new_id}"], rel
    new = {rel: text for rel, text in after.items() if rel.startswith("content/okrs/2027-Q1/")}
    assert len(new) == 10
    retention = new["content/okrs/2027-Q1/customer-success/retention.md"]
    assert "aligns_to: 2027-Q1/company/grow-arr\n" in retention  # its parent rolled over too
    assert "previous: 2026-Q4/customer-success/retention" in retention
    assert "aligns_to: 2027-Q1/engineering/peak-ready\n" in new["content/okrs/2027-Q1/platform/postgres-migration.md"]
    help_center = new["content/okrs/2027-Q1/support/help-center.md"]
    assert ("    milestones:  # those not done yet\n"
            "      - {title: In-app search widget, done: false}\n"
            "      - {title: Article feedback flowing to Product, done: false}\n") in help_center
    assert "Searchable articles" not in help_center  # done milestones stay behind
    check = cli("check", example, "--as-of", AS_OF)
    assert check.returncode == 0
    # the one problem left for people: a key result was reached, so one objective keeps a single one
    assert check.lines == [("content/okrs/2027-Q1/company/trusted-platform.md:9:3: warning: key_results: only 1 key "
                           "result(s) (2 to 5 key results show that the objective was reached)")]


def test_a_parent_left_behind_becomes_a_comment(example: Path, cli) -> None:
    run = cli("rollover", "2026-Q4", "2027-Q1", "--team", "sales", "--below", "0.9", "--site-dir", example,
              "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert ("    aligns_to: left as a comment: its parent 2026-Q4/company/grow-arr is not carried into 2027-Q1; "
            "align it by hand") in run.lines
    text = (example / "content/okrs/2027-Q1/sales/enterprise.md").read_text(encoding="utf-8")
    assert "# aligns_to: 2026-Q4/company/grow-arr  # re-point to a 2027-Q1 objective\n" in text


def test_rollover_refuses_to_overwrite_and_writes_nothing(example: Path, cli) -> None:
    taken = example / "content/okrs/2026-Q4/sales/mid-market.md"
    shutil.copy(example / "content/okrs/2026-Q4/sales/enterprise.md", taken)
    taken.write_text(taken.read_text(encoding="utf-8").replace("title: Win the enterprise segment",
                                                               "title: Something else"), encoding="utf-8")
    before = snapshot(example)
    run = cli("rollover", "2026-Q3", "2026-Q4", "--all", "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "okr-pages: error: objective '2026-Q4/sales/mid-market' already exists "
        "(content/okrs/2026-Q4/sales/mid-market.md) (nothing was written: rename or remove what is in the way, "
        "or leave those objectives out with --team)")
    assert snapshot(example) == before


def test_dry_run_writes_nothing(example: Path, cli) -> None:
    before = snapshot(example)
    run = cli("rollover", "2026-Q3", "2026-Q4", "--all", "--dry-run", "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 0
    assert run.lines[-1] == ("would write 1 new objective file for 2026-Q4 and add next: to 1 file of 2026-Q3; "
                             "5 objectives not carried (nothing was written)")
    assert snapshot(example) == before


def test_files_are_read_back_with_the_sites_own_limits(example: Path, cli) -> None:
    # A site that raised limits.title: a 600-character title is fine for check, and so for rollover's
    # read-back of the new file and of the old one with its next: line.
    with (example / "okr-pages.yaml").open("a", encoding="utf-8") as config:
        config.write("limits: {title: 800}\n")
    old = example / "content/okrs/2026-Q3/sales/mid-market.md"
    old.write_text(old.read_text(encoding="utf-8").replace("title: Break into the mid-market",
                                                           "title: " + "Break into the mid-market " * 24, 1),
                   encoding="utf-8")
    assert cli("check", example, "--as-of", AS_OF).returncode == 0
    run = cli("rollover", "2026-Q3", "2026-Q4", "--all", "--dry-run", "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert run.lines[-1] == ("would write 1 new objective file for 2026-Q4 and add next: to 1 file of 2026-Q3; "
                             "5 objectives not carried (nothing was written)")


@pytest.mark.parametrize(("args", "message"), [
    (["2026-Q5", "2027-Q1"], "FROM: unknown cycle '2026-Q5' (did you mean '2026-Q4'?)"),
    (["2026-Q4", "2026-Q3"], "TO (2026-Q3, from 2026-07-01) must start after FROM (2026-Q4, from 2026-10-01)"),
    (["2026-Q4", "2026-Q4"], "FROM and TO are both 2026-Q4: name the cycle to carry the objectives into"),
    (["2026-Q4", "next"], ("TO: unknown cycle 'next' (use an id like 2026-Q4, or list the cycle under cycles: "
                          "in okr-pages.yaml)")),
    (["2026-Q4", "2027-Q1", "--team", "sale"], "--team: unknown team 'sale' (did you mean 'sales'?)"),
])
def test_bad_arguments_are_refused_with_the_fix(example: Path, cli, args: list[str], message: str) -> None:
    run = cli("rollover", *args, "--site-dir", example, "--as-of", AS_OF)
    assert run.returncode == 1
    assert run.stderr.strip() == f"okr-pages: error: {message}"


@pytest.mark.parametrize(("old", "new"), [
    ("2026-Q3/sales/x", "2026-Q4/sales/x"),  # the usual layout: the cycle is the first folder
    ("sales/2026-Q3/x", "sales/2026-Q4/x"),
    ("2026-Q3-sales-x", "2026-Q4-sales-x"),
    ("sales/x-2026-Q3", "sales/x-2026-Q4"),
    ("sales/x", "sales/x-2026-Q4"),  # no cycle in it: the new cycle is added
    ("sales/2026-Q31", "sales/2026-Q31-2026-Q4"),  # not the cycle, only alike
])
def test_new_ids(old: str, new: str) -> None:
    assert carry_id(old, "2026-Q3", "2026-Q4") == new


def test_ids_without_the_cycle_in_them_and_an_empty_next(site, cli) -> None:
    okr = """\
        ---
        id: sales/deals
        title: Close more deals
        cycle: 2026-Q3
        team: sales
        owner: Ann
        commitment: committed
        next:
        key_results:
          - {title: Deals, baseline: 0, target: 10, current: 4}
          - {title: Demo day, done: false}
        retrospective: Slow summer.
        ---
        See [the plan](plan.md).
        """
    root = site({"content/okrs/deals.md": okr, "content/okrs/plan.md": "---\nkind: page\ntitle: Plan\n---\nPlan.\n"})
    run = cli("rollover", "2026-Q3", "2026-Q4", "--site-dir", root, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    assert "  + content/okrs/deals-2026-Q4.md (sales/deals-2026-Q4: 2 key results)" in run.lines
    old = (root / "content/okrs/deals.md").read_text(encoding="utf-8")
    assert "\nnext: sales/deals-2026-Q4\nkey_results:" in old  # the empty next: is filled in its place
    new = (root / "content/okrs/deals-2026-Q4.md").read_text(encoding="utf-8")
    assert new.startswith("---\nid: sales/deals-2026-Q4\ntitle: Close more deals\ncycle: 2026-Q4\n")
    assert "    baseline: 4  # where it ended in 2026-Q3\n    target: 10\n" in new
    assert "  - title: Demo day\n    done: false\n" in new
    assert new.endswith("---\nSee [the plan](plan.md).\n")
    assert cli("check", root, "--as-of", AS_OF, "--strict").returncode == 0


def test_links_in_the_body_still_reach_their_files_from_the_new_folder(site, cli) -> None:
    okr = """\
        ---
        title: Ship faster
        cycle: 2026-Q3
        team: sales
        owner: Ann
        commitment: committed
        key_results:
          - {title: Deploys, baseline: 2, target: 10, current: 5}
          - {title: Lead time, baseline: 10, target: 2, current: 6}
        retrospective: Half way.
        ---
        Builds on [the pilot](pilot.md) and [the guide](../../../guide/how.md).
        """
    pilot = okr.replace("title: Ship faster", "title: The pilot").replace("current: 5", "current: 10").replace(
        "current: 6", "current: 2").replace("Builds on [the pilot](pilot.md) and ", "See ")
    root = site({"content/okrs/2026-Q3/sales/faster.md": okr, "content/okrs/2026-Q3/sales/pilot.md": pilot,
                 "content/guide/how.md": "# How\n"})
    run = cli("rollover", "2026-Q3", "2026-Q4", "--site-dir", root, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    new = (root / "content/okrs/2026-Q4/sales/faster.md").read_text(encoding="utf-8")
    assert new.endswith("Builds on [the pilot](../../2026-Q3/sales/pilot.md) and [the guide](../../../guide/how.md).\n")
    assert cli("check", root, "--as-of", AS_OF, "--strict").returncode == 0


def test_two_objectives_that_would_become_one_are_refused(site, cli) -> None:
    def okr(path_id: str) -> str:
        return (f"---\nid: {path_id}\ntitle: T\ncycle: 2026-Q3\nteam: sales\nowner: Ann\ncommitment: committed\n"
                "key_results:\n  - {title: A, baseline: 0, target: 2, current: 1}\n"
                "  - {title: B, baseline: 0, target: 2, current: 1}\nretrospective: Done.\n---\n")
    # one file names the cycle at its end, the other has no cycle in its id: both become deals-2026-Q4
    root = site({"content/okrs/a.md": okr("deals-2026-Q3"), "content/okrs/b.md": okr("deals")})
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "content/okrs").glob("*.md")}
    run = cli("rollover", "2026-Q3", "2026-Q4", "--site-dir", root, "--as-of", AS_OF)
    assert run.returncode == 1
    assert run.stderr.startswith("okr-pages: error: deals-2026-Q3 and deals would both become deals-2026-Q4 "
                                 "(content/okrs/a-2026-Q4.md) (nothing was written"), run.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in (root / "content/okrs").glob("*.md")} == before
