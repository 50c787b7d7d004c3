"""okr-pages init (SPEC §12): a company's own repository, which checks with 0 errors and 0 warnings,
builds, and whose workflows pass actionlint; never over a file, never into a site."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import actionlint, run_in_process, tree

from generator import ACTION_REPOSITORY, __version__
from generator.authoring import init
from generator.authoring.init import InitError, init_site

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 7)


def check_strict(site: Path, as_of: dt.date = TODAY) -> None:
    code, out, err = run_in_process("check", site, "--strict", "--as-of", as_of.isoformat())
    assert (code, out) == (0, ""), out + err
    assert "0 error(s), 0 warning(s)" in err


def test_init_writes_a_whole_site_that_checks_clean_and_builds(tmp_path):
    site = tmp_path / "acme-okrs"
    done = init_site(site, teams="sales,product,engineering,customer-success,legal", today=TODAY, owner="Dana Reyes")
    assert sorted(done.written) == sorted(tree(site))
    assert done.kept == []
    assert sorted(done.written) == sorted([
        "okr-pages.yaml",
        "content/okrs/2026-Q4/company/become-the-product-our-customers-recommend.md",
        "content/okrs/2026-Q4/sales/win-customers-who-stay.md",
        "content/okrs/2026-Q4/product/make-the-first-week-with-the-product-a-success.md",
        "content/okrs/2026-Q4/engineering/ship-changes-customers-can-rely-on.md",
        "content/okrs/2026-Q4/customer-success/answer-every-customer-quickly-and-well.md",
        "content/okrs/2026-Q4/legal/make-legal-measurably-better-for-the-people-it-serves.md",
        "content/kpis/active-customers.md", "content/kpis/active-customers.csv",
        *(f"content/guide/{page.name}" for page in (REPO / "content" / "guide").glob("*.md")),
        ".github/workflows/check.yml", ".github/workflows/checkin.yml", ".github/workflows/digest.yml",
        ".github/workflows/pages.yml", ".github/workflows/refresh.yml",
        ".github/ISSUE_TEMPLATE/checkin.yml", ".github/CODEOWNERS", ".gitignore", "README.md"])
    config = yaml.safe_load((site / "okr-pages.yaml").read_text(encoding="utf-8"))
    assert config == {"title": "Acme OKRs", "teams": [
        {"id": "company", "name": "Acme"}, *({"id": i, "name": n, "parent": "company"} for i, n in (
            ("sales", "Sales"), ("product", "Product"), ("engineering", "Engineering"),
            ("customer-success", "Customer Success"), ("legal", "Legal")))]}
    check_strict(site)
    code, _, err = run_in_process("build", site, "--as-of", TODAY.isoformat())
    assert code == 0, err
    okrs = json.loads((site / "_site" / "api" / "okrs.json").read_text(encoding="utf-8"))
    company = "2026-Q4/company/become-the-product-our-customers-recommend"
    assert {o["aligns_to"] for o in okrs["objectives"] if o["team"] != "company"} == {company}
    assert {o["owner"] for o in okrs["objectives"]} == {"Dana Reyes"}
    (kr,) = [kr for o in okrs["objectives"] for kr in o["key_results"] if kr["kpi"]]
    assert (kr["kpi"], kr["baseline"], kr["current"]) == ("active-customers", 446, 470)  # Oct's point, Dec's
    kpis = json.loads((site / "_site" / "api" / "kpis.json").read_text(encoding="utf-8"))
    assert [(k["id"], k["health"], k["stale"]) for k in kpis["kpis"]] == [("active-customers", "watch", False)]
    assert len(list((site / "_site" / "guide").glob("*/index.html"))) == len(list((REPO / "content/guide").glob("*.md")))


@pytest.mark.parametrize("today", [dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2028, 2, 29),
                                   dt.date(2026, 10, 15), dt.date(2027, 7, 1)])
def test_what_init_writes_checks_clean_on_any_day(tmp_path, today):
    site = tmp_path / "site"
    init_site(site, teams="sales,ops", today=today, owner="Ana Lima")
    assert (site / f"content/okrs/{today.year}-Q{(today.month - 1) // 3 + 1}/ops").is_dir()
    check_strict(site, today)


def test_the_guide_pages_are_this_repositorys_own(tmp_path):
    init_site(tmp_path / "site", today=TODAY, owner="Ana Lima")
    for page in (REPO / "content" / "guide").glob("*.md"):
        assert (tmp_path / "site" / "content" / "guide" / page.name).read_bytes() == page.read_bytes()


def test_the_workflows_use_the_action_of_the_release_that_wrote_them(tmp_path):
    site = tmp_path / "site"
    init_site(site, today=TODAY, owner="Ana Lima")
    for flow in (site / ".github" / "workflows").glob("*.yml"):
        text = flow.read_text(encoding="utf-8")
        assert "OKR_PAGES_ACTION" not in text
        used = [step["uses"] for job in yaml.safe_load(text)["jobs"].values() for step in job["steps"]
                if "okr-pages" in step.get("uses", "")]
        assert used == [f"{ACTION_REPOSITORY}@v{__version__}"], flow.name
    assert (site / ".github/ISSUE_TEMPLATE/checkin.yml").read_bytes() == (
        REPO / ".github/ISSUE_TEMPLATE/checkin.yml").read_bytes()
    readme = (site / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Site OKRs\n") and f"pip install okr-pages=={__version__}" in readme
    assert "@" + "TITLE@" not in readme


def test_its_workflows_pass_actionlint(tmp_path):
    site = tmp_path / "site"
    init_site(site, teams="sales,product", today=TODAY, owner="Ana Lima")
    ok, output = actionlint(site / ".github" / "workflows")
    assert ok, output


def test_codeowners_has_one_line_per_team_folder(tmp_path):
    site = tmp_path / "site"
    init_site(site, teams="sales,hr", today=TODAY, owner="Ana Lima")
    lines = [line for line in (site / ".github/CODEOWNERS").read_text().splitlines() if not line.startswith("#")]
    assert lines == ["/content/okrs/**/company/ @your-org/company", "/content/okrs/**/sales/ @your-org/sales",
                     "/content/okrs/**/hr/ @your-org/hr"]
    assert yaml.safe_load((site / "okr-pages.yaml").read_text())["teams"][2] == {"id": "hr", "name": "HR",
                                                                                 "parent": "company"}


def test_a_clone_of_a_github_repository_gets_its_links(tmp_path):
    site = tmp_path / "okrs"
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "remote", "add", "origin", "git@github.com:acme/okrs.git"], check=True)
    done = init_site(site, teams="sales", today=TODAY, owner="Ana Lima")
    assert done.repo_url == "https://github.com/acme/okrs"
    assert yaml.safe_load((site / "okr-pages.yaml").read_text())["repo_url"] == "https://github.com/acme/okrs"
    assert "/content/okrs/**/sales/ @acme/sales" in (site / ".github/CODEOWNERS").read_text()
    check_strict(site)
    assert run_in_process("build", site, "--as-of", TODAY.isoformat())[0] == 0
    page = (site / "_site/okrs/2026-Q4/sales/win-customers-who-stay/index.html").read_text(encoding="utf-8")
    assert ('href="https://github.com/acme/okrs/issues/new?template=checkin.yml&amp;title=Check-in%3A%20Sign%2012'
            '%20new%20customers%20on%20annual%20plans&amp;target=2026-Q4%2Fsales%2Fwin-customers-who-stay%23sign-12'
            '-new-customers-on-annual-plans"') in page
    assert "Create the label 'check-in' in https://github.com/acme/okrs" in done.text()


def test_empty_writes_the_team_folders_without_objectives(tmp_path):
    site = tmp_path / "site"
    done = init_site(site, teams="sales", empty=True, today=TODAY, owner="Ana Lima")
    assert not list((site / "content" / "okrs").rglob("*.md"))
    assert (site / "content/okrs/2026-Q4/sales/.gitkeep").is_file()
    assert (site / "content/kpis/active-customers.md").is_file()
    check_strict(site)
    assert "okr-pages new objective --title TITLE --team TEAM" in done.text()


def test_a_folder_with_other_files_keeps_them_as_they_were(tmp_path):
    site = tmp_path / "clone"
    site.mkdir()
    (site / "README.md").write_text("# Our repository\n", encoding="utf-8")
    (site / ".gitignore").write_text("secrets/\n", encoding="utf-8")
    done = init_site(site, today=TODAY, owner="Ana Lima")
    assert done.kept == [".gitignore", "README.md"]
    assert (site / "README.md").read_text() == "# Our repository\n"
    assert (site / ".gitignore").read_text() == "secrets/\n"
    report = done.text()
    assert "kept 2 file(s) that were already there, as they were:\n  .gitignore\n  README.md\n" in report
    assert "(add _site/, .okr-pages-cache/ and .okr-pages-base/ to your .gitignore)" in report


@pytest.mark.parametrize("existing", ["okr-pages.yaml", "content"])
def test_a_folder_that_holds_a_site_is_refused_and_left_alone(tmp_path, existing):
    site = tmp_path / "site"
    (site / "content" if existing == "content" else site).mkdir(parents=True)
    if existing == "okr-pages.yaml":
        (site / "okr-pages.yaml").write_text("title: Ours\n", encoding="utf-8")
    before = tree(site)
    code, out, err = run_in_process("init", site)
    assert (code, out) == (1, "")
    assert err == (f"okr-pages: error: '{site}' already holds an OKR Pages site ({existing} is there); init writes a "
                   "new site only into an empty or new folder, so nothing was written (in an existing site, add an "
                   "objective with: okr-pages new objective --title TITLE)\n")
    assert tree(site) == before


@pytest.mark.parametrize(("args", "message"), [
    (("--teams", "Sales Team,,sales,sales"),
     ("--teams: 'Sales Team' is not a team id (use lower-case letters, digits and hyphens, e.g. 'sales-team'); an "
      "empty team id (write ids between the commas, e.g. --teams sales,product); 'sales' is listed twice")),
    (("--teams", "../x"), "--teams: '../x' is not a team id (use lower-case letters, digits and hyphens, e.g. 'x')"),
    (("--title", "  "), "--title: give the site's title, e.g. --title 'Acme OKRs'"),
    (("--title", "A\x1b[2Jb"), "--title: expected a short line of text (at most 200 printable characters)"),
])
def test_bad_teams_and_titles_are_refused_before_anything_is_written(tmp_path, args, message):
    code, out, err = run_in_process("init", tmp_path / "new", *args)
    assert (code, out, err) == (1, "", f"okr-pages: error: {message}\n")
    assert not (tmp_path / "new").exists()


def test_a_file_is_refused_as_the_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InitError, match="is a file, not a folder"):
        init_site(tmp_path / "file")


def test_a_failed_write_removes_what_it_wrote(tmp_path, monkeypatch):
    """A file that appears between the plan and its write (another process) is never overwritten:
    the run stops and takes back the files and folders it made."""
    site = tmp_path / "new"
    real = init._write

    def racing(folder, files):
        (site / "content" / "kpis").mkdir(parents=True)
        (site / "content" / "kpis" / "active-customers.csv").write_text("theirs\n")
        real(folder, files)

    monkeypatch.setattr(init, "_write", racing)
    with pytest.raises(InitError, match="active-customers.csv: it was created meanwhile; nothing was written$"):
        init_site(site, today=TODAY, owner="Ana Lima")
    assert tree(site) == {"content/kpis/active-customers.csv": b"theirs\n"}


def test_the_command_prints_what_it_wrote_and_what_to_do_next(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_in_process("init", "acme", "--title", "Acme Corp OKRs", "--teams", "sales")
    assert code == 0, err
    lines = out.splitlines()
    guide = len(list((REPO / "content" / "guide").glob("*.md")))
    assert lines[0] == f"okr-pages init: wrote {14 + guide} files to acme (okr-pages {__version__})"
    assert lines[1:3] == ["  okr-pages.yaml", "  content/okrs/" + lines[2].split("content/okrs/")[1]]
    assert "Next steps:" in lines
    assert "  1. cd acme && okr-pages serve   # the site at http://127.0.0.1:8000/, rebuilt on save" in lines
    assert yaml.safe_load((tmp_path / "acme/okr-pages.yaml").read_text())["teams"][0]["name"] == "Acme Corp"
    shutil.rmtree(tmp_path / "acme")
