"""Issue #10: hostile content. Nothing outside the site is read or published, no input crashes,
no check-in is lost.

Each test writes a hostile site, runs ``check`` or ``build`` and asserts the exact located
messages, the exit code and, where the site reaches outside itself, that nothing outside it was
opened (an audit hook records every file the command opens) or written.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import xml.dom.minidom
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, copy_example, run_cli, run_in_process

AS_OF = ("--as-of", "2026-11-15")
OKR = "content/okrs/2026-Q4/x.md"
KPI = "content/kpis/churn.md"
GOOD_OKR = """\
---
title: Win enterprise
cycle: 2026-Q4
team: sales
owner: Dana
key_results:
  - title: Sign customers
    baseline: 4
    target: 20
    current: 11
  - title: Launch portal
    done: false
---
Body.
"""
GOOD_KPI = """\
---
title: Churn
team: cs
direction: down
target: 5
cadence: quarterly
series: churn.csv
---
"""
GOOD_CSV = "date,value\n2026-07,8\n2026-10,7\n"

# -- watching what a command opens ----------------------------------------------------------------

_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_audit)


@contextlib.contextmanager
def opened_files() -> Iterator[list[str]]:
    """Every file opened in this process meanwhile (real paths)."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


def run(*args: str | Path) -> tuple[int, list[str], str]:
    """The command in this process: (exit code, stdout lines, stderr)."""
    code, out, err = run_in_process(*args)
    return code, [line for line in out.splitlines() if line.strip()], err


def problems(stderr: str) -> list[str]:
    """The diagnostic lines a build prints to stderr (not its summary)."""
    return [line for line in stderr.splitlines() if line.startswith(("content/", "themes/", "okr-pages.yaml"))]


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Everything below a folder: file bytes, link targets."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site holding a secret that must never be read or published."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text("# Secret\n\nTOPSECRET-42\n", encoding="utf-8")
    (folder / "secret.csv").write_text("date,value\n2026-01,42\n", encoding="utf-8")
    (folder / "content").mkdir()
    (folder / "content" / "guide.md").write_text("# Guide\n\nTOPSECRET-42\n", encoding="utf-8")
    (folder / "objective.html").write_text("TOPSECRET-42", encoding="utf-8")
    return folder


def base_site(site, extra: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
    files: dict[str, str | bytes] = {OKR: GOOD_OKR, KPI: GOOD_KPI, "content/kpis/churn.csv": GOOD_CSV}
    files.update(extra or {})
    return site(files) if config is None else site(files, config)


def assert_untouched(outside: Path, before: dict[str, bytes | str], opened: list[str]) -> None:
    assert snapshot(outside) == before
    real = os.path.realpath(outside)
    assert not [path for path in opened if path.startswith(real + os.sep)], opened


# -- 1. files outside the site --------------------------------------------------------------------

def test_links_out_of_the_site_and_special_files_are_refused_at_their_path(site, outside: Path) -> None:
    root = base_site(site)
    guide = root / "content/guide"
    guide.mkdir()
    (guide / "passwd.md").symlink_to(outside / "secret.md")
    (guide / "environ.md").symlink_to("/proc/self/environ")
    (guide / "zero.md").symlink_to("/dev/zero")
    (guide / "gone.md").symlink_to(root / "content/missing.md")  # dangling, inside the site
    os.mkfifo(guide / "fifo.md")
    (root / "content/kpis/leak.csv").symlink_to(outside / "secret.csv")
    (root / "content/kpis/leak.md").write_text("---\ntitle: Leak\nseries: leak.csv\n---\n", encoding="utf-8")
    (root / "themes/static").mkdir(parents=True)
    (root / "themes/static/style.css").symlink_to(outside / "secret.md")
    (root / "themes/objective.html").symlink_to(outside / "objective.html")
    before = snapshot(outside)
    with opened_files() as opened:
        code, _, err = run("build", root, *AS_OF)
    link = "(copy the file into the site folder instead of linking to it)"
    assert problems(err) == [
        "content/guide/environ.md:1:1: error: symbolic link points outside the site folder "
        f"(to {os.path.realpath('/proc/self/environ')}) " + link,
        ("content/guide/fifo.md:1:1: error: not a regular file (a pipe, socket or device) "
        "(remove it from the site folder; only ordinary files are read)"),
        "content/guide/gone.md:1:1: error: symbolic link points to nothing (remove the link or restore its target)",
        f"content/guide/passwd.md:1:1: error: symbolic link points outside the site folder (to {outside}/secret.md) "
        + link,
        "content/guide/zero.md:1:1: error: symbolic link points outside the site folder (to /dev/zero) " + link,
        f"content/kpis/leak.csv:1:1: error: symbolic link points outside the site folder (to {outside}/secret.csv) "
        + link,
        ("content/kpis/leak.md:3:9: error: series: CSV file 'content/kpis/leak.csv' not found "
        "(put the CSV beside the KPI file and give its name, e.g. series: churn.csv)"),
        f"themes/objective.html:1:1: error: symbolic link points outside the site folder (to {outside}/objective.html) "
        + link,
        f"themes/static/style.css:1:1: error: symbolic link points outside the site folder (to {outside}/secret.md) "
        + link,
    ]
    assert code == 1
    assert not (root / "_site").exists()
    assert_untouched(outside, before, opened)
    assert not [path for path in opened if path.startswith(("/proc/", "/dev/"))]


def test_a_link_inside_the_site_is_followed(site) -> None:
    root = base_site(site, {"docs/shared.md": "# Shared\n\nShared words.\n"})
    (root / "content/guide").mkdir()
    (root / "content/guide/shared.md").symlink_to(root / "docs/shared.md")
    code, _, err = run("build", root, *AS_OF)
    assert code == 0, err
    assert "Shared words." in (root / "_site/guide/shared/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["config", "link"])
def test_a_content_folder_outside_the_site_is_refused(site, outside: Path, how: str) -> None:
    if how == "config":
        root = site({}, f"content_dir: {outside / 'content'}\n")
        expected = [(f"okr-pages.yaml:1:14: error: content_dir: content folder '{outside / 'content'}' is outside "
                    "the site folder (name a folder inside the site folder, such as content)")]
        expected.append("content:1:1: error: content_dir: content folder 'content' not found in "
                        f"{root} (create content/okrs/ and content/kpis/, or run okr-pages in the site's folder)")
    else:
        root = site({}, None)  # no okr-pages.yaml: the default content folder is a link out
        (root / "content").symlink_to(outside / "content")
        expected = [(f"content:1:1: error: folder links outside the site folder (to {outside}/content) "
                    "(make it a real folder inside the site folder)")]
    before = snapshot(outside)
    with opened_files() as opened:
        code, lines, _ = run("check", root, *AS_OF)
    assert sorted(lines) == sorted(expected)
    assert code == 1
    assert_untouched(outside, before, opened)


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_a_config_file_that_is_a_link_out_or_a_fifo_is_refused(site, outside: Path, kind: str) -> None:
    root = base_site(site, config=None)
    (root / "okr-pages.yaml").unlink()
    if kind == "link":
        (root / "okr-pages.yaml").symlink_to(outside / "secret.md")
        message = (f"symbolic link points outside the site folder (to {outside}/secret.md) "
                   "(copy the file into the site folder instead of linking to it)")
    else:
        os.mkfifo(root / "okr-pages.yaml")  # reading it would wait for ever
        message = "not a regular file (a pipe, socket or device) (remove it from the site folder; only ordinary files are read)"
    before = snapshot(outside)
    with opened_files() as opened:
        code, lines, _ = run("check", root, *AS_OF)
    assert f"okr-pages.yaml:1:1: error: {message}" in lines
    assert code == 1
    assert_untouched(outside, before, opened)


def test_a_series_path_leaving_the_content_folder_is_refused(site, outside: Path) -> None:
    root = base_site(site, {KPI: "---\ntitle: Churn\nseries: ../../../outside/secret.csv\n---\n"})
    before = snapshot(outside)
    with opened_files() as opened:
        code, lines, _ = run("check", root, *AS_OF)
    assert lines == [(f"{KPI}:3:9: error: series: '../../../outside/secret.csv' is not a CSV file inside the content "
                     "folder (name a .csv file beside the KPI, e.g. series: churn.csv, or write the points inline)")]
    assert code == 1
    assert_untouched(outside, before, opened)


# -- 2. tracebacks from content -------------------------------------------------------------------

@pytest.mark.parametrize("cycle", ["9999-Q4", "0000-Q1", "9999-H2", "0000"])
def test_calendar_cycles_out_of_range(site, cycle: str) -> None:
    root = base_site(site, {OKR: GOOD_OKR.replace("cycle: 2026-Q4", f"cycle: {cycle}")})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [(f"{OKR}:3:8: error: cycle: cycle '{cycle}' is out of range "
                     "(calendar cycles run from year 1 to 9998: check the year)")]
    assert code == 1


def test_dates_out_of_range_and_as_of(site) -> None:
    root = base_site(site, {
        OKR: GOOD_OKR.replace("    current: 11\n", "    checkins:\n      - {date: 9999-12-31, value: 5}\n"),
        "content/kpis/churn.csv": "date,value\n2026-07,8\n9999-12,7\n",
        "okr-pages.yaml": "cycles:\n  - {id: long, start: 0001-01-01, end: 9999-12-31}\n"})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [
        "content/kpis/churn.csv:3:1: error: bad date '9999-12' (write YYYY-MM or YYYY-MM-DD)",
        (f"{OKR}:11:16: error: key_results[0].checkins[0].date: date 9999-12-31 is out of range "
        "(write a date from year 1 to 9998)"),
        "okr-pages.yaml:2:40: error: cycles[0].end: date 9999-12-31 is out of range (write a date from year 1 to 9998)",
    ]
    assert code == 1
    done = run_cli("build", root, "--as-of", "9999-12-31")
    assert (done.returncode, done.stderr.strip()) == (
        2, "okr-pages: error: --as-of: date 9999-12-31 is out of range (years 1 to 9998)")


TAGGED_OKR = """\
---
title: !!bool x
cycle: !!int ''
team: !!timestamp x
owner: !!float x
commitment: !!bool x
key_results:
  - title: !!int ''
    baseline: !!timestamp x
    target: !!bool x
    weight: !!int x
    checkins:
      - {date: !!int '', value: !!float x, confidence: !!bool x, note: !!timestamp x}
  - title: B
    done: !!bool x
---
"""
TAGGED_KPI = """\
---
title: !!timestamp 2026-13-45
direction: !!int ''
target: !!float x
thresholds: {green: !!bool x, yellow: !!int ''}
series:
  !!timestamp x: 4
  2026-01: !!binary x
  2026-02: !!int ''
---
"""


def test_yaml_tags_that_cannot_apply_are_located_errors(site) -> None:
    remove = "(remove the tag '!!{}' before the value)"
    root = base_site(site, {OKR: TAGGED_OKR, KPI: TAGGED_KPI,
                            "okr-pages.yaml": "title: !!int x\nbase_url: !!bool x\nlimits: {title: !!int ''}\n"})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [
        f"{KPI}:2:8: error: title: cannot read '2026-13-45' as !!timestamp {remove.format('timestamp')}",
        f"{KPI}:3:12: error: direction: cannot read '' as !!int {remove.format('int')}",
        f"{KPI}:4:9: error: target: cannot read 'x' as !!float {remove.format('float')}",
        f"{KPI}:5:21: error: thresholds.green: cannot read 'x' as !!bool {remove.format('bool')}",
        f"{KPI}:5:39: error: thresholds.yellow: cannot read '' as !!int {remove.format('int')}",
        f"{OKR}:2:8: error: title: cannot read 'x' as !!bool {remove.format('bool')}",
        f"{OKR}:3:8: error: cycle: cannot read '' as !!int {remove.format('int')}",
        f"{OKR}:4:7: error: team: cannot read 'x' as !!timestamp {remove.format('timestamp')}",
        f"{OKR}:5:8: error: owner: cannot read 'x' as !!float {remove.format('float')}",
        f"{OKR}:6:13: error: commitment: cannot read 'x' as !!bool {remove.format('bool')}",
        f"{OKR}:8:12: error: key_results[0].title: cannot read '' as !!int {remove.format('int')}",
        f"{OKR}:9:15: error: key_results[0].baseline: cannot read 'x' as !!timestamp {remove.format('timestamp')}",
        f"{OKR}:10:13: error: key_results[0].target: cannot read 'x' as !!bool {remove.format('bool')}",
        f"{OKR}:11:13: error: key_results[0].weight: cannot read 'x' as !!int {remove.format('int')}",
        (f"{OKR}:13:16: error: key_results[0].checkins[0].date: expected a date, got '' "
        "(write YYYY-MM-DD, e.g. 2026-10-07)"),
        f"{OKR}:13:33: error: key_results[0].checkins[0].value: cannot read 'x' as !!float "
        + remove.format("float"),
        f"{OKR}:13:56: error: key_results[0].checkins[0].confidence: cannot read 'x' as !!bool "
        + remove.format("bool"),
        f"{OKR}:13:72: error: key_results[0].checkins[0].note: cannot read 'x' as !!timestamp "
        + remove.format("timestamp"),
        f"{OKR}:15:11: error: key_results[1].done: cannot read 'x' as !!bool {remove.format('bool')}",
        f"okr-pages.yaml:1:8: error: title: cannot read 'x' as !!int {remove.format('int')}",
        f"okr-pages.yaml:2:11: error: base_url: cannot read 'x' as !!bool {remove.format('bool')}",
        f"okr-pages.yaml:3:17: error: limits.title: cannot read '' as !!int {remove.format('int')}",
    ]
    assert code == 1


def test_yaml_tags_in_series_keys_and_values(site) -> None:
    kpi = "---\ntitle: Churn\nseries:\n  !!timestamp x: 4\n  2026-01: !!binary x\n  2026-02: !!int ''\n---\n"
    root = base_site(site, {KPI: kpi})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [
        f"{KPI}:4:3: error: series[x]: expected a date, got 'x' (write YYYY-MM-DD, e.g. 2026-10-07)",
        f"{KPI}:5:12: error: series[2026-01]: cannot read 'x' as !!binary (remove the tag '!!binary' before the value)",
        f"{KPI}:6:12: error: series[2026-02]: cannot read '' as !!int (remove the tag '!!int' before the value)",
    ]
    assert code == 1


def test_a_nul_in_series_is_one_located_error(site) -> None:
    root = base_site(site, {KPI: '---\ntitle: Churn\nseries: "churn\\0.csv"\n---\n'})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [(f"{KPI}:3:9: error: series: 'churn\\x00.csv' is not a CSV file inside the content folder "
                     "(name a .csv file beside the KPI, e.g. series: churn.csv, or write the points inline)")]
    assert code == 1


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_before_it_can_crash_the_parser(site, opening: str) -> None:
    closing = {"[": "]", "{a: ": "}", "- ": ""}[opening]
    depth = 25_000
    front = f"{opening * depth}x{closing * depth}" if opening == "- " else f"title: {opening * depth}x{closing * depth}"
    root = base_site(site, {OKR: f"---\n{front}\n---\n"})
    done = run_cli("check", root, *AS_OF)  # a subprocess: a crash would be exit 139
    column = {"[": 107, "{a: ": 404, "- ": 201}[opening]
    assert done.lines == [(f"{OKR}:2:{column}: error: malformed YAML: lists and mappings nested more than 100 deep "
                          "(flatten the nesting)")]
    assert done.returncode == 1


def test_ordinary_nesting_is_not_counted_as_deep(site) -> None:
    points = "".join(f"  2020-{month:02d}-{day:02d}: {day}\n" for month in range(1, 13) for day in range(1, 28))
    root = base_site(site, {KPI: f"---\ntitle: Churn\ncadence: daily\nseries:\n{points}---\n"})
    code, lines, _ = run("check", root, "--as-of", "2020-12-28")
    assert code == 0, lines


# -- 3 and 4. file names and URLs -----------------------------------------------------------------

WEIRD = "content/okrs/2026-Q4/a#b%c?d e.md"


def test_names_with_hash_percent_and_question_mark_are_linked_encoded(site) -> None:
    # its last key result reads a KPI: the KPI's readers are referred to as objective-id#kr-id
    weird_okr = GOOD_OKR.replace("---\nBody.", "  - title: Keep churn low\n    kpi: churn\n    target: 5\n---\nBody.")
    root = base_site(site, {WEIRD: weird_okr, "content/guide/100%?.md": "# Full\n\n[back](../okrs/2026-Q4/a%23b%25c%3Fd%20e.md)\n"})
    code, _, err = run("check", root, *AS_OF)
    assert code == 0, err
    code, _, err = run("build", root, *AS_OF)
    assert code == 0, err
    out = root / "_site"
    cycle = (out / "cycles/2026-Q4/index.html").read_text(encoding="utf-8")
    assert 'href="../../okrs/2026-Q4/a%23b%25c%3Fd%20e/"' in cycle
    assert (out / "okrs/2026-Q4/a#b%c?d e/index.html").is_file()
    guide = (out / "guide/100%?/index.html").read_text(encoding="utf-8")
    assert 'href="../../okrs/2026-Q4/a%23b%25c%3Fd%20e/"' in guide
    assert 'href="../../guide/100%25%3F/"' in guide
    api = json.loads((out / "api/okrs.json").read_text(encoding="utf-8"))
    assert "okrs/2026-Q4/a%23b%25c%3Fd%20e/" in [o["url"] for o in api["objectives"]]
    kpi_page = (out / "kpis/churn/index.html").read_text(encoding="utf-8")
    assert 'href="../../okrs/2026-Q4/a%23b%25c%3Fd%20e/#kr-keep-churn-low"' in kpi_page  # the key result reading it
    added = run_cli("checkin", "2026-Q4/a#b%c?d e#sign-customers", "12", "--date", "2026-11-02", "--site-dir", root)
    assert added.returncode == 0, added.stderr
    assert "- {date: 2026-11-02, value: 12}" in (root / WEIRD).read_text(encoding="utf-8")
    code, _, err = run("build", root, "--as-of", "2026-11-05")  # the check-in is within the week shown as changes
    assert code == 0, err
    changes = json.loads((out / "api/changes.json").read_text(encoding="utf-8"))
    assert "okrs/2026-Q4/a%23b%25c%3Fd%20e/" in [m["url"] for m in changes["objectives"]], changes
    assert [c["url"] for c in changes["checkins"]] == ["okrs/2026-Q4/a%23b%25c%3Fd%20e/#kr-sign-customers"], changes


@pytest.mark.parametrize(("name", "shown", "suggested"), [
    ("tab\there.md", "tab\\x09here.md", "tab-here.md"),
    ("line\nbreak.md", "line\\x0abreak.md", "line-break.md"),
    ("evil\u202egpj.md", "evil\\u202egpj.md", "evil-gpj.md"),
])
def test_names_with_unprintable_characters_are_refused_with_a_suggested_name(site, name, shown, suggested) -> None:
    root = base_site(site, {f"content/guide/{name}": "# Page\n"})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [(f"content/guide/{shown}:1:1: error: file name has an unprintable character "
                     f"(rename it to '{suggested}')")]
    assert code == 1


@pytest.mark.parametrize("html", [False, True])
def test_no_page_links_to_a_script_url(site, html: bool) -> None:
    body = ("# Links\n\n[a](javascript:alert(1)) ![b](data:image/png;base64,AAAA) [c](VBScript:msgbox)\n"
            "<javascript:alert(2)> [d](&#106;avascript:alert(3)) [e](file:///etc/passwd)\n"
            "[ok](https://example.org) [mail](mailto:a@example.org) [rel](okrs/2026-Q4/x.md)\n")
    root = base_site(site, {"content/javascript:alert(document.cookie).md": body,
                            "okr-pages.yaml": f"markdown: {{html: {str(html).lower()}}}\n"})
    code, _, err = run("build", root, *AS_OF)
    dropped = "a page links only with http, https, mailto or relative URLs (link to a web page or to a file below content/)"
    page = "content/javascript:alert(document.cookie).md"
    assert problems(err) == [
        f"{page}:3:1: warning: link to 'VBScript:msgbox' dropped: {dropped}",
        f"{page}:3:1: warning: link to 'data:image/png;base64,AAAA' dropped: {dropped}",
        f"{page}:3:1: warning: link to 'javascript:alert(1)' dropped: {dropped}",
        f"{page}:4:1: warning: link to 'file:///etc/passwd' dropped: {dropped}",
        f"{page}:4:1: warning: link to 'javascript:alert(2)' dropped: {dropped}",
        f"{page}:4:1: warning: link to 'javascript:alert(3)' dropped: {dropped}",
    ]
    assert code == 0
    import re

    urls = []
    for path in (root / "_site").rglob("*.html"):
        urls += re.findall(r'(?:href|src|action)="([^"]*)"', path.read_text(encoding="utf-8"))
    schemes = {re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)[1].lower() for url in urls if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url)}
    assert schemes <= {"http", "https", "mailto"}, schemes
    assert 'href="javascript%3Aalert%28document.cookie%29/"' in (root / "_site/index.html").read_text(encoding="utf-8")


# -- 5. concurrent check-ins ----------------------------------------------------------------------

def test_ten_parallel_checkins_all_land(site) -> None:
    root = base_site(site, {KPI: "---\ntitle: Churn\ntarget: 5\nseries:\n  2026-01-01: 8\n---\n"})
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(REPO)
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "checkin", "churn", str(10 + day),
                              "--date", f"2026-02-{day:02d}", "--site-dir", str(root)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for day in range(1, 11)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    for run_ in runs:
        run_.stdout.close()
        run_.stderr.close()
    assert all(code == 0 for code, _ in results), results
    text = (root / KPI).read_text(encoding="utf-8")
    for day in range(1, 11):
        assert f"  2026-02-{day:02d}: {10 + day}\n" in text
    code, lines, _ = run("check", root, "--as-of", "2026-02-15")
    assert code == 0, lines


def test_a_checkin_waiting_too_long_for_the_lock_fails_loudly(site) -> None:
    from generator.authoring.checkin import CheckinError, checkin, site_lock

    root = base_site(site)
    before = (root / KPI).read_bytes()
    with site_lock(root, 1), pytest.raises(CheckinError) as refused:
        checkin(root, "churn", "6", date="2026-11", lock_timeout=0.2)
    assert str(refused.value) == ("another check-in has been editing this site for 0 s; nothing was written "
                                  "(try again when it has finished)")
    assert (root / KPI).read_bytes() == before


# -- 6. unbounded work ----------------------------------------------------------------------------

def test_files_over_the_size_limits_are_refused_without_being_read(site) -> None:
    root = base_site(site, {"content/guide/big.md": b""})
    os.truncate(root / "content/guide/big.md", 6_000_000)  # sparse: large, costs no disk
    os.truncate(root / "content/kpis/churn.csv", 60_000_000)
    with opened_files() as opened:
        code, lines, _ = run("check", root, *AS_OF)
    assert lines == [
        ("content/guide/big.md:1:1: error: Markdown file is 6.0 MB, more than the 5.0 MB allowed "
        "(split it into smaller files, or raise limits.markdown in okr-pages.yaml)"),
        ("content/kpis/churn.csv:1:1: error: CSV file is 60.0 MB, more than the 50.0 MB allowed "
        "(split it into smaller files, or raise limits.csv in okr-pages.yaml)"),
    ]
    assert code == 1
    big = {os.path.realpath(root / "content/guide/big.md"), os.path.realpath(root / "content/kpis/churn.csv")}
    assert not big & set(opened)


def test_limits_are_configurable(site) -> None:
    config = "teams:\n  - {id: sales}\n  - {id: cs}\nlimits: {markdown: 300 B, csv: 20, title: 10, text: 3, messages: 2}\n"
    root = base_site(site, {"okr-pages.yaml": config, "content/guide/long.md": "# A long heading here\n",
                            "content/guide/big.md": "x" * 301})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [
        ("content/guide/big.md:1:1: error: Markdown file is 301 bytes, more than the 300 bytes allowed "
        "(split it into smaller files, or raise limits.markdown in okr-pages.yaml)"),
        ("content/guide/long.md:1:1: error: title is 19 characters long, more than 10 "
        "(shorten the first heading, or raise limits.title in okr-pages.yaml)"),
        ("content/kpis/churn.csv:1:1: error: CSV file is 31 bytes, more than the 20 bytes allowed "
        "(split it into smaller files, or raise limits.csv in okr-pages.yaml)"),
        (f"{OKR}:2:8: error: title: title is 14 characters long, more than 10 "
        "(shorten it, or raise limits.title in okr-pages.yaml)"),
        f"{OKR}:5:8: error: owner: text is 4 characters long, more than 3 (shorten it, or raise limits.text in okr-pages.yaml)",
        f"{OKR}:7:12: error: and 2 more problems in this file (fix the ones above and run okr-pages check again)",
    ]
    assert code == 1


def test_a_csv_of_many_bad_rows_gives_a_bounded_list(site) -> None:
    rows = "".join(f"2026-{month:02d}-{day:02d},oops\n" for month in range(1, 13) for day in range(1, 29))
    root = base_site(site, {"content/kpis/churn.csv": "date,value\n" + rows})
    code, lines, _ = run("check", root, *AS_OF)
    expected = [f"content/kpis/churn.csv:{line}:12: error: expected a number, got 'oops' "
                "(write a plain number such as 6.4)" for line in range(2, 22)]
    expected.append("content/kpis/churn.csv:22:12: error: and 316 more problems in this file "
                    "(fix the ones above and run okr-pages check again)")
    assert lines == expected
    assert code == 1
    code, lines, _ = run("check", root, *AS_OF, "--format", "json")
    shown = json.loads("\n".join(lines))
    assert len(shown) == 21 and shown[-1]["message"] == "and 316 more problems in this file"


# -- 7. messages ----------------------------------------------------------------------------------

def test_a_control_character_is_located_on_its_line_in_one_line(site) -> None:
    root = base_site(site, {OKR: GOOD_OKR.replace("owner: Dana", "owner: Dé\x01na")})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [(f"{OKR}:5:10: error: malformed YAML: unprintable character U+0001 "
                     "(remove it, or write it as an escape such as \\x01 inside double quotes)")]
    assert code == 1


def test_a_line_separator_in_a_string_does_not_shift_later_lines(site) -> None:
    okr = GOOD_OKR.replace("title: Win enterprise", 'title: "Win\u2028enterprise"').replace(
        "    done: false", "    done: maybe")
    root = base_site(site, {OKR: okr})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [(f"{OKR}:12:11: error: key_results[1].done: expected true or false, got 'maybe' "
                     "(write true or false)")]
    assert code == 1


def test_terminal_control_characters_are_escaped_in_messages(site) -> None:
    okr = GOOD_OKR.replace("team: sales", 'team: "sa\\e[31mles\\0\\u202e"')
    root = base_site(site, {OKR: okr})
    done = run_cli("check", root, *AS_OF)
    assert done.lines == [
        f"{OKR}:2:8: warning: objective has no team (add 'team:' so someone is accountable)",
        (f"{OKR}:4:7: error: team: 'sa\\x1b[31mles\\x00\\u202e' is not a valid id "
        "(use letters, digits, '-', '_' and '.', starting with a letter or digit)")]
    assert "\x1b" not in done.stdout + done.stderr and "\u202e" not in done.stdout
    github = run_cli("check", root, *AS_OF, "--format", "github")
    assert "\x1b" not in github.stdout and "\x00" not in github.stdout


def test_escaped_control_characters_leave_the_feed_valid_xml(site) -> None:
    okr = GOOD_OKR.replace("title: Win enterprise", 'title: "Win \\x01 \\x1b big"').replace(
        "    current: 11\n", '    checkins:\n      - {date: 2026-11-01, value: 9, note: "form\\x0cfeed\\x7f"}\n')
    root = base_site(site, {OKR: okr})
    code, _, err = run("build", root, *AS_OF)
    assert code == 0, err
    feed = xml.dom.minidom.parse(str(root / "_site/feed.xml"))
    summaries = [node.firstChild.data for node in feed.getElementsByTagName("summary")]
    assert "Win \ufffd \ufffd big · form\ufffdfeed\x7f" in summaries  # the check-in's entry


def test_an_invalid_direction_causes_no_other_error(site) -> None:
    kpi = GOOD_KPI.replace("direction: down", "direction: dwn").replace("target: 5", "thresholds: {green: 6, yellow: 8}")
    reader = GOOD_OKR.replace("  - title: Launch portal\n    done: false\n",
                              "  - title: Churn\n    kpi: churn\n    target: 5\n")
    root = base_site(site, {KPI: kpi, OKR: reader})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [f"{KPI}:4:12: error: direction: expected one of up, down, got 'dwn' (did you mean 'down'?)"]
    assert code == 1


def test_an_unreadable_file_causes_no_errors_in_the_files_that_name_it(site) -> None:
    reader = GOOD_OKR.replace("  - title: Launch portal\n    done: false\n",
                              "  - title: Churn\n    kpi: churn\n    target: 5\n")
    child = GOOD_OKR.replace("owner: Dana", "owner: Dana\naligns_to: 2026-Q4/parent")
    root = base_site(site, {KPI: "---\ntitle: [Churn\n---\n", OKR: reader, "content/okrs/2026-Q4/child.md": child,
                            "content/okrs/2026-Q4/parent.md": "---\ntitle: Parent: big\n---\n",
                            "okr-pages.yaml": "cycles:\n  - {id: FY27, start: 2026-13-01, end: 2027-01-01}\n"
                                              "teams:\n  - {id: sales, parent: 7}\n  - {id: cs}\n"})
    (root / "content/okrs/2026-Q4/fy.md").write_text(GOOD_OKR.replace("2026-Q4", "FY27"), encoding="utf-8")
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [
        (f"{KPI}:3:1: error: malformed YAML: did not find expected ',' or ']' "
        "(check the indentation, and quote values that contain ': ' or start with a symbol)"),
        ("content/okrs/2026-Q4/parent.md:2:14: error: malformed YAML: mapping values are not allowed in this "
        "context (check the indentation, and quote values that contain ': ' or start with a symbol)"),
        "okr-pages.yaml:2:23: error: cycles[0].start: date 2026-13-01 does not exist (check the month and day)",
        "okr-pages.yaml:4:25: error: teams[0].parent: unknown team '7' (name a team listed under teams:)",
    ]
    assert code == 1


# -- 9. the swap window ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_whole_old_or_new_site(tmp_path: Path) -> None:
    """kill -9 a real build at moments spread over its run: the output folder is there each time,
    and it is a whole tree, the old one or the new one."""
    import random
    import signal
    import time

    root = copy_example(tmp_path)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(REPO)

    def build(as_of: str, clean: bool = True) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "generator", "build", str(root), "--out", str(out),
                                 "--as-of", as_of, *(["--clean"] if clean else [])], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    assert build("2026-11-15").wait(timeout=120) == 0
    trees = {"2026-11-15": snapshot(out)}
    started = time.monotonic()
    assert build("2026-11-16").wait(timeout=120) == 0
    duration = time.monotonic() - started
    trees["2026-11-16"] = snapshot(out)
    chooser = random.Random(10)
    for attempt in range(8):
        as_of = ("2026-11-15", "2026-11-16")[attempt % 2]
        process = build(as_of)
        time.sleep(chooser.uniform(0.3, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert out.is_dir(), f"attempt {attempt}: no output folder"
        assert snapshot(out) in trees.values(), f"attempt {attempt}: a mixed tree"
    # Incremental builds replace files one by one: killed half way, every file is whole, old or new.
    for attempt in range(4):
        as_of = ("2026-11-15", "2026-11-16")[attempt % 2]
        process = build(as_of, clean=False)
        time.sleep(chooser.uniform(0.2, 0.9) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for rel, data in snapshot(out).items():
            assert data in (trees["2026-11-15"].get(rel), trees["2026-11-16"].get(rel)), rel
        assert build(as_of, clean=False).wait(timeout=120) == 0  # and the next build repairs the rest
        assert snapshot(out) == trees[as_of]


# -- 10. CSV columns by header ------------------------------------------------------------------

@pytest.mark.parametrize(("csv_text", "latest"), [
    ("value,date\n3,2026-09\n4,2026-10\n", 4),  # the hostile test's file: columns by name
    ("Week,Hours\n2026-10-05,7.5\n2026-10-12,7.1\n", 7.1),  # any case; 'week' is a date column
    ("2026-09,5\n2026-10,6\n", 6),  # no header: the first row is a point
    ("region,Value,month\nEU,3,2026-09\nEU,2,2026-10\n", 2),
    ("month,mrr\n2026-09,900\n2026-10,950\n", 950),  # one column named: the other one is the other role
    # SPEC §2.3: not both named, so the first and the second column (the first release read these)
    ("month,mrr,notes\n2026-09,900,launch\n2026-10,950,\n", 950),
    ("date,mrr,notes,owner\n2026-09-01,900,a,b\n2026-10-01,951,,\n", 951),
    ("Month,Value,notes\n2026-09,900,x\n2026-10,952,y\n", 952),
    ("when,amount,notes\n2026-09,900,x\n2026-10,953,y\n", 953),
])
def test_csv_columns_are_found_by_header_name(site, csv_text: str, latest: float) -> None:
    root = base_site(site, {"content/kpis/churn.csv": csv_text})
    code, lines, _ = run("check", root, *AS_OF)
    assert code == 0, lines
    code, _, err = run("build", root, *AS_OF)
    assert code == 0, err
    kpis = json.loads((root / "_site/api/kpis.json").read_text(encoding="utf-8"))["kpis"]
    assert kpis[0]["latest"]["value"] == latest


def test_a_csv_whose_value_column_cannot_be_told_is_an_error(site) -> None:
    root = base_site(site, {"content/kpis/churn.csv": "region,month,churn_pct\nEU,2026-09,3\n"})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [("content/kpis/churn.csv:1:1: error: CSV has no value column (a column named 'value') "
                     "(name it 'value', or set columns: {value: NAME} in the KPI; columns are: region, month, churn_pct)")]
    assert code == 1


@pytest.mark.parametrize(("csv_text", "after"), [
    ("value,date\n3,2026-09\n", "value,date\n3,2026-09\n9,2026-10\n"),
    ("2026-09,5\n", "2026-09,5\n2026-10,9\n"),
])
def test_checkin_and_refresh_write_csvs_in_their_column_order(site, csv_text: str, after: str) -> None:
    import datetime as dt

    from generator.model.content import Point
    from generator.refresh.csvupdate import merge

    root = base_site(site, {"content/kpis/churn.csv": csv_text})
    done = run_cli("checkin", "churn", "9", "--date", "2026-10", "--site-dir", root)
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/churn.csv").read_text(encoding="utf-8") == after
    merged = merge(csv_text.encode(), [Point(dt.date(2026, 10, 1), 9)], {}, month_style=True)
    assert merged.data.decode() == after


# -- theme templates are input too ------------------------------------------------------------------

@pytest.mark.parametrize(("template", "expected"), [
    ('{% extends "base.html" %}{% block main %}\n{% if %}{% endblock %}',
     "themes/objective.html:2:1: error: template: Expected an expression, got 'end of statement block'"),
    ('{% extends "base.html" %}{% block main %}\n\n{{ o.nothing.x }}{% endblock %}',
     ("themes/objective.html:3:1: error: template: 'generator.scoring.scores.ScoredObjective object' has no "
     "attribute 'nothing'")),
    ('{% extends "base.html" %}{% block main %}{% include "missing.html" %}{% endblock %}',
     "themes/objective.html:1:1: error: template: template 'missing.html' not found"),
])
def test_a_broken_theme_template_is_located_and_writes_nothing(site, template: str, expected: str) -> None:
    root = base_site(site)
    code, _, err = run("build", root, *AS_OF)
    assert code == 0, err
    before = snapshot(root / "_site")
    (root / "themes").mkdir()
    (root / "themes/objective.html").write_text(template, encoding="utf-8")
    code, _, err = run("build", root, *AS_OF)  # incremental: the objective page renders again
    assert problems(err) == [f"{expected} (fix the theme template, or remove it to use the default theme's)"]
    assert code == 1
    assert snapshot(root / "_site") == before


def test_a_tag_on_the_series_file_name(site) -> None:
    # found by the fuzz test: 'series: !!int ""' was a traceback
    root = base_site(site, {KPI: GOOD_KPI.replace("series: churn.csv", "series: !!int ''")})
    code, lines, _ = run("check", root, *AS_OF)
    assert lines == [f"{KPI}:7:9: error: series: cannot read '' as !!int (remove the tag '!!int' before the value)"]
    assert code == 1


def test_a_reader_that_stops_reading_gets_no_traceback(site) -> None:
    """``okr-pages check | head -1``: the pipe closes while check is still writing its messages."""
    many = {f"content/okrs/2026-Q4/o{n}.md": f"---\ntitle: O{n}\ncycle: 2026-Q4\nkey_results: []\n---\n"
            for n in range(150)}
    root = site(many)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, "-m", "generator", "check", str(root), "--as-of", "2026-11-15"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the first message
        stderr = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr and "BrokenPipeError" not in stderr
    assert proc.returncode == 1


def _check_through_shell(root: Path, redirect: str) -> subprocess.CompletedProcess[str]:
    """``okr-pages check --format json`` (a one-line report) with its stdout redirected by a shell."""
    command = f"{sys.executable} -m generator check {root} --as-of 2026-11-15 --format json {redirect}"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # buffered, as usual
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={**env, "PYTHONPATH": str(REPO)}, check=False)


def test_a_short_report_to_a_reader_that_went_away_ends_quietly(site) -> None:
    """The report is still buffered when the command ends: the pipe breaks as it is flushed."""
    done = _check_through_shell(base_site(site), "| true")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr


def test_a_closed_stdout_is_no_crash_and_a_full_disk_is_said(site) -> None:
    root = base_site(site)
    closed = _check_through_shell(root, ">&-")  # nothing to write to: nothing is written
    assert (closed.returncode, closed.stderr.count("Traceback")) == (0, 0), closed.stderr
    if Path("/dev/full").exists():
        full = _check_through_shell(root, "> /dev/full")
        assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr
        assert "okr-pages: error: cannot write the output: No space left on device" in full.stderr


def test_the_background_record_writer_lets_go_of_the_commands_output(tmp_path: Path) -> None:
    """A cold build's record is written by a detached process after the command has ended: a script
    or CI log that reads the command's output through a pipe sees it end with the command."""
    flag = tmp_path / "written"
    script = ("import sys, time\nfrom pathlib import Path\nfrom generator.buildrecord import _in_child\n"
              "def work():\n    time.sleep(1)\n    print('from the writer', flush=True)\n"
              f"    Path({str(flag)!r}).write_text('done')\n"
              "_in_child(work)\nprint('command done', flush=True)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "command done\n", "")
    deadline = time.monotonic() + 60
    while not flag.exists():  # the writer still does its work, only without the command's streams
        assert time.monotonic() < deadline, "the background writer never finished"
        time.sleep(0.05)
