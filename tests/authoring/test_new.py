"""okr-pages new: a valid, commented file in the right folder, never an overwrite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_in_process as run

from generator.authoring.new import new_file

AS_OF = "2026-11-22"
CONFIG = """\
title: Test OKRs
teams:
  - {id: company, name: Company, lead: Maya Lindqvist}
  - {id: sales, name: Sales, parent: company, lead: Dana Reyes}
"""


def assert_clean(root: Path) -> None:
    """``okr-pages check`` finds no error and no warning."""
    code, out, err = run("check", root, "--as-of", AS_OF)
    assert (code, out) == (0, ""), (out, err)


@pytest.fixture
def root(site) -> Path:
    return site({"content/guide/index.md": "# Guide\n"}, config=CONFIG)


def test_new_objective_checks_clean(root):
    code, out, err = run("new", "objective", "--title", "Win the enterprise segment", "--cycle", "2026-Q4",
                         "--team", "sales", "--owner", "Dana Reyes", "--site-dir", root)
    assert (code, err) == (0, "")
    path = root / "content/okrs/2026-Q4/sales/win-the-enterprise-segment.md"
    assert out == ("created content/okrs/2026-Q4/sales/win-the-enterprise-segment.md (objective "
                   "'2026-Q4/sales/win-the-enterprise-segment'): replace the examples in it, then run okr-pages check\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n# An objective")
    assert "title: Win the enterprise segment\n" in text
    assert "owner: Dana Reyes" in text
    assert text.count("  - title: ") == 2  # two example key results: no "fewer than 2" warning
    assert_clean(root)


def test_new_kpi_checks_clean_and_takes_a_first_checkin(root):
    code, _, err = run("new", "kpi", "--title", "Net revenue retention", "--team", "sales", "--owner", "Priya Nair",
                       "--site-dir", root)
    assert (code, err) == (0, "")
    path = root / "content/kpis/net-revenue-retention.md"
    assert "series: {}\n" in path.read_text(encoding="utf-8")
    assert_clean(root)
    code, _, err = run("checkin", "net-revenue-retention", "106.4", "--date", "2026-11", "--site-dir", root)
    assert (code, err) == (0, "")
    text = path.read_text(encoding="utf-8")
    assert "series:\n  2026-11: 106.4\n---\n" in text
    assert_clean(root)


def test_titles_that_need_quotes_are_quoted(root):
    created = new_file("objective", root, "Ship v2: the #1 request", cycle="2026-Q4", team="sales",
                       owner="Dana Reyes")
    assert created.rel == "content/okrs/2026-Q4/sales/ship-v2-the-1-request.md"
    assert 'title: "Ship v2: the #1 request"\n' in created.path.read_text(encoding="utf-8")
    assert_clean(root)


def test_defaults_come_from_the_config_and_the_date(root, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")  # no git user.name: the team lead owns it
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    created = new_file("objective", root, "Grow", today=dt.date(2026, 11, 22))
    assert created.id == "2026-Q4/company/grow"
    text = created.path.read_text(encoding="utf-8")
    assert "team: company" in text and "owner: Maya Lindqvist" in text


def test_id_and_path_choose_the_file(root):
    by_id = new_file("kpi", root, "Uptime", item_id="platform/uptime", owner="Tomás")
    assert by_id.rel == "content/kpis/platform/uptime.md"
    by_path = new_file("objective", root, "Plan", cycle="2026-Q4", owner="Dana", team="sales",
                       path="content/plans/plan.md")
    assert by_path.rel == "content/plans/plan.md"
    assert "kind: objective" in by_path.path.read_text(encoding="utf-8")  # outside okrs/: says what it is
    assert_clean(root)


def test_refuses_to_overwrite(root):
    args = ("new", "objective", "--title", "Grow", "--cycle", "2026-Q4", "--owner", "Maya", "--site-dir", root)
    assert run(*args)[0] == 0
    path = root / "content/okrs/2026-Q4/company/grow.md"
    path.write_text(path.read_text(encoding="utf-8") + "Edited by hand.\n", encoding="utf-8")
    before = path.read_bytes()
    code, out, err = run(*args)
    assert (code, out) == (1, "")
    assert err == ("okr-pages: error: objective id '2026-Q4/company/grow' is already used by "
                   "content/okrs/2026-Q4/company/grow.md (choose another --title or --id)\n")
    assert path.read_bytes() == before


def test_refuses_an_existing_file_that_is_not_yet_valid(root):
    path = root / "content/kpis/draft.md"
    path.parent.mkdir(parents=True)
    path.write_text("not front matter yet\n", encoding="utf-8")
    code, _, err = run("new", "kpi", "--title", "Draft", "--owner", "Me", "--site-dir", root)
    assert code == 1
    assert err == ("okr-pages: error: content/kpis/draft.md already exists; nothing was written "
                   "(choose another --title, --id or --path)\n")
    assert path.read_text(encoding="utf-8") == "not front matter yet\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--team", "sals"], "--team: unknown team 'sals' (did you mean 'sales'?)"),
    (["--cycle", "2026-Q5"], ("--cycle: unknown cycle '2026-Q5' (use an id like 2026-Q4, or list the cycle under "
                             "cycles: in okr-pages.yaml)")),
    (["--id", "../escape"], "--id: expected a path-like id such as 2026-Q4/sales/win-enterprise, got '../escape'"),
])
def test_bad_options_are_refused(root, args, message):
    code, out, err = run("new", "objective", "--title", "Grow", "--owner", "Maya", *args, "--site-dir", root)
    assert (code, out, err) == (1, "", f"okr-pages: error: {message}\n")
    assert not (root / "content/okrs").exists()
