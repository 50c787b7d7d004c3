"""Incremental builds give the same bytes as cold builds, whatever was edited (issue #12).

A hypothesis property test applies random sequences of edits to a copy of the bundled example
(edit, add, delete and rename objectives, KPIs, CSVs and guide pages; change the config; change a
theme template; move --as-of) and after each one compares the incremental output tree with a cold
build of the same input, byte for byte, through the build record on disk and through the
in-memory state that ``serve`` keeps.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_example, tree
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator.buildrecord import CACHE_DIR
from generator.pipeline import BuildOptions, BuildState, FirstPages, build_site

START = dt.date(2026, 11, 15)
pytestmark = pytest.mark.slow


def files(site: Path, pattern: str) -> list[Path]:
    return sorted(site.glob(pattern))


def pick(items: list[Path], index: int) -> Path | None:
    return items[index % len(items)] if items else None


def replace_once(path: Path, pattern: str, replacement: Callable[[re.Match[str]], str] | str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE), encoding="utf-8")


# Each edit takes the site, a number to choose with, and a number to write; returns a new --as-of or None.
def edit_checkin(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/**/*.md"), n)
    if path:
        replace_once(path, r"value: [0-9.]+", f"value: {value}")


def add_checkin(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/2026-Q4/**/*.md"), n)
    if path:
        replace_once(path, r"^(\s+)checkins:\n", lambda m: f"{m[0]}{m[1]}  - {{date: 2026-11-{1 + value % 28:02d}, "
                                                            f"value: {value}, note: step {n}}}\n")


def retitle(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/**/*.md"), n)
    if path:
        replace_once(path, r"^title: (.*)$", lambda m: f"title: {m[1]} {value}")


def edit_body(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/**/*.md"), n)
    if path:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nAn added paragraph {value}, linking to [the guide](../../guide/how-we-run-okrs.md).\n")


def add_objective(site: Path, n: int, value: int) -> None:
    source = pick(files(site, "content/okrs/**/*.md"), n)
    if source:
        target = source.with_name(f"copy-{value}.md")
        target.write_text(source.read_text(encoding="utf-8").replace("title: ", f"title: Copy {value} of ", 1),
                          encoding="utf-8")


def delete_file(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/**/*.md") + files(site, "content/guide/*.md"), n)
    if path:
        path.unlink()


def rename_file(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/**/*.md") + files(site, "content/guide/*.md"), n)
    if path:
        path.rename(path.with_name(f"renamed-{value}.md"))


def edit_csv(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/kpis/*.csv"), n)
    if path:
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = lines[-1].split(",")
        cells[-1] = str(value)
        lines[-1] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_inline_series(site: Path, n: int, value: int) -> None:
    path = pick([p for p in files(site, "content/kpis/*.md") if "series:\n" in p.read_text(encoding="utf-8")], n)
    if path:
        replace_once(path, r"^(  \d{4}-\d{2}): [0-9.]+$", lambda m: f"{m[1]}: {value}")


def add_guide(site: Path, n: int, value: int) -> None:
    (site / "content" / "guide" / f"new-{value}.md").write_text(
        f"---\ntitle: A new page {value}\norder: {n % 9}\n---\nSee [writing objectives](writing-objectives.md).\n",
        encoding="utf-8")


def edit_config(site: Path, n: int, value: int) -> None:
    config = site / "okr-pages.yaml"
    if n % 3 == 0:
        replace_once(config, r"^title: .*$", f"title: Northwind {value}")
    elif n % 3 == 1:
        replace_once(config, r"bands: \{yellow: [0-9.]+, green: [0-9.]+\}", f"bands: {{yellow: 0.{value % 5 + 1}, green: 0.7}}")
    else:
        replace_once(config, r"name: Sales,", f"name: Sales {value},")


def edit_theme(site: Path, n: int, value: int) -> None:
    from generator.site.themes import builtin_theme_dir

    name = ["objective.html", "macros.html", "base.html", "kpi.html", "team.html", "person.html", "changes.html",
            "people.html"][n % 8]
    target = site / "themes" / name
    target.parent.mkdir(exist_ok=True)
    text = (target if target.exists() else builtin_theme_dir() / name).read_text(encoding="utf-8")
    target.write_text(text.replace("</h1>", f"</h1><!-- theme edit {value} -->", 1) if "</h1>" in text
                      else text + f"\n{{# theme edit {value} #}}\n", encoding="utf-8")


def add_content_file(site: Path, n: int, value: int) -> None:
    (site / "content" / "guide" / f"figure-{n % 3}.svg").write_text(
        f"<svg xmlns='http://www.w3.org/2000/svg'><title>{value}</title></svg>", encoding="utf-8")


def edit_limits(site: Path, n: int, value: int) -> None:
    """limits: in the config (issue #10): a title limit that some titles break, or none."""
    config = site / "okr-pages.yaml"
    text = re.sub(r"^limits: .*\n", "", config.read_text(encoding="utf-8"), flags=re.MULTILINE)
    if n % 2:
        text += f"limits: {{title: {20 + value}, messages: {1 + n % 5}}}\n"
    config.write_text(text, encoding="utf-8")


def add_odd_name(site: Path, n: int, value: int) -> None:
    """A page whose file name needs encoding in every link to it (issue #10)."""
    (site / "content" / "guide" / f"100% sure? #{n % 3} {value}.md").write_text(
        f"# Odd name {value}\n\nSee [writing objectives](writing-objectives.md).\n", encoding="utf-8")


def _front_matter_line(path: Path, key: str, line: str) -> None:
    """Set ``key:`` in a file's front matter to ``line``: replaced where it is, else added before key_results."""
    text = path.read_text(encoding="utf-8")
    if re.search(rf"^{key}:.*$", text, flags=re.MULTILINE):
        replace_once(path, rf"^{key}:.*$", line.replace("\\", "\\\\"))
    else:
        path.write_text(text.replace("\nkey_results:", f"\n{line}\nkey_results:", 1), encoding="utf-8")


def set_final_score(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/2026-Q3/**/*.md") + files(site, "content/okrs/2026-Q4/**/*.md"), n)
    if path:
        _front_matter_line(path, "final_score", f"final_score: {value % 11 / 10}")


def edit_retrospective(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/**/*.md"), n)
    if path:
        text = path.read_text(encoding="utf-8")
        if "retrospective: |\n" in text:
            path.write_text(text.replace("retrospective: |\n", f"retrospective: |\n  Edited {value}.\n\n", 1),
                            encoding="utf-8")
        else:
            _front_matter_line(path, "retrospective", f"retrospective: Added {value}; see "
                               "[the guide](../../../guide/how-we-run-okrs.md).")


def set_next(site: Path, n: int, value: int) -> None:
    path = pick(files(site, "content/okrs/2026-Q3/**/*.md"), n)
    follow_up = pick(files(site, "content/okrs/2026-Q4/**/*.md"), value)
    if path and follow_up:
        target = follow_up.relative_to(site / "content/okrs").with_suffix("").as_posix()
        _front_matter_line(path, "next", f"next: {target}")


NAMES = ["Dana Reyes", "Dana Reys", "dana  reyes", "Ines Álvarez", "Marcus Lee", "Priya Nair"]


def edit_owner(site: Path, n: int, value: int) -> None:
    """An objective's, a key result's or a KPI's owner: person pages, rows, near-duplicate warnings."""
    name = NAMES[value % len(NAMES)]
    if n % 3 == 0:
        path = pick(files(site, "content/okrs/**/*.md"), n)
        if path:
            replace_once(path, r"^owner: .*$", f"owner: {name}")
    elif n % 3 == 1:
        path = pick(files(site, "content/okrs/2026-Q4/**/*.md"), n)
        if path:
            replace_once(path, r"^(  - title: .*\n)(?!    owner:)", lambda m: f"{m[1]}    owner: {name}\n")
    else:
        path = pick(files(site, "content/kpis/*.md"), n)
        if path:
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"^owner: .*$", f"owner: {name}", text, count=1, flags=re.MULTILINE)
                            if "\nowner: " in text else text.replace("\ntitle: ", f"\nowner: {name}\ntitle: ", 1),
                            encoding="utf-8")


def edit_rhythm(site: Path, n: int, value: int) -> None:
    """checkin_every, site-wide or per objective; the changes window."""
    config = site / "okr-pages.yaml"
    if n % 3 == 0:
        replace_once(config, r"^checkin_every: \d+$", f"checkin_every: {value % 30 + 1}")
    elif n % 3 == 1:
        replace_once(config, r"^changes_window: \d+$", f"changes_window: {value % 20 + 1}")
    else:
        path = pick(files(site, "content/okrs/2026-Q4/**/*.md"), n)
        if path:
            replace_once(path, r"^(commitment: .*\n)", lambda m: f"{m[1]}checkin_every: {value % 25 + 1}\n")


def edit_repository(site: Path, n: int, value: int) -> None:
    """repo_url, edit_uri and history_uri: the edit and history links."""
    config = site / "okr-pages.yaml"
    if n % 3 == 0:
        replace_once(config, r"^repo_url: .*$", f"repo_url: https://git.example.com/team-{value}/okrs")
    elif n % 3 == 1:
        replace_once(config, r"^edit_uri: .*$", f"edit_uri: -/edit/release-{value}/")
    else:
        text = config.read_text(encoding="utf-8")
        config.write_text(text + f"people:\n  - {{name: {NAMES[value % len(NAMES)]}}}\n" if "\npeople:" not in text
                          else text.replace("\npeople:\n", "\npeople:\n  - {name: Dana Reys}\n", 1), encoding="utf-8")


def edit_lead(site: Path, n: int, value: int) -> None:
    replace_once(site / "okr-pages.yaml", r"lead: [^}]*\}", f"lead: {NAMES[value % len(NAMES)]}}}")


def toggle_period(site: Path, n: int, value: int) -> None:
    """A KPI's points read as the month they close (period: end), or back."""
    path = pick(files(site, "content/kpis/*.md"), n)
    if path:
        text = path.read_text(encoding="utf-8")
        if re.search(r"^period: end", text, flags=re.MULTILINE):
            replace_once(path, r"^period: end.*$", "period: start")
        else:
            replace_once(path, r"^(title: .*)$", lambda m: f"{m[1]}\nperiod: end")


def edit_kpi_unit(site: Path, n: int, value: int) -> None:
    """A KPI's unit, which the key results reading it show too."""
    path = pick(files(site, "content/kpis/*.md"), n)
    if path:
        if re.search(r"^unit: ", path.read_text(encoding="utf-8"), flags=re.MULTILINE):
            replace_once(path, r"^unit: .*$", f"unit: u{value}")
        else:
            replace_once(path, r"^(title: .*)$", lambda m: f"{m[1]}\nunit: u{value}")


def move_team(site: Path, n: int, value: int) -> None:
    """A team under another parent: the scores with sub-teams of both parents change."""
    parents = ["company", "product", "engineering", "customer-success"]
    replace_once(site / "okr-pages.yaml", r"(id: platform, name: Platform, parent: )[a-z-]+",
                 lambda m: f"{m[1]}{parents[n % len(parents)]}")


LANGUAGES = ["de", "fr", "es", "id", "en", "de-CH"]


def switch_language(site: Path, n: int, value: int) -> None:
    """language: every page's words, numbers and dates (issue #9); the api stays as it was."""
    config = site / "okr-pages.yaml"
    text = re.sub(r"^language: .*\n", "", config.read_text(encoding="utf-8"), flags=re.MULTILINE)
    config.write_text(text + f"language: {LANGUAGES[n % len(LANGUAGES)]}\n", encoding="utf-8")


def edit_site_catalog(site: Path, n: int, value: int) -> None:
    """The site's own translation of one UI string, over the theme's catalog (or gone again)."""
    folder = site / "themes" / "locale"
    if n % 3 == 2:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for language in ("de", "en"):
        target = folder / language / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                          f'msgid "{["Current cycle", "KPIs"][n % 2]}"\nmsgstr "Own words {value}"\n', encoding="utf-8")


EDITS = [edit_checkin, add_checkin, retitle, edit_body, add_objective, delete_file, rename_file, edit_csv,
         edit_inline_series, add_guide, edit_config, edit_theme, add_content_file, edit_limits, add_odd_name,
         set_final_score, edit_retrospective, set_next, edit_owner, edit_rhythm, edit_repository, edit_lead,
         toggle_period, edit_kpi_unit, move_team, switch_language, edit_site_catalog, None]  # None: move --as-of

edit = st.tuples(st.sampled_from(range(len(EDITS))), st.integers(0, 40), st.integers(1, 99))


# The edits of issue #9 (a KPI's period and unit, a team under another parent), each at least once.
@example(steps=[(EDITS.index(toggle_period), 3, 1), (EDITS.index(edit_kpi_unit), 3, 5),
                (EDITS.index(move_team), 0, 1), (EDITS.index(toggle_period), 1, 1)], in_memory=False)
# The site's language (issue #9): switched, its catalog overridden, a check-in added in German.
@example(steps=[(EDITS.index(switch_language), 0, 1), (EDITS.index(edit_site_catalog), 0, 7),
                (EDITS.index(add_checkin), 2, 12), (EDITS.index(switch_language), 5, 1),
                (EDITS.index(edit_site_catalog), 2, 1)], in_memory=True)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(steps=st.lists(edit, min_size=1, max_size=6), in_memory=st.booleans())
def test_incremental_builds_equal_cold_builds(steps: list[tuple[int, int, int]], in_memory: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="okr-incremental-") as tmp:
        root = Path(tmp)
        site = copy_example(root)
        state = BuildState() if in_memory else None
        as_of = START
        first = build_site(site, BuildOptions(root / "inc", as_of), state=state)
        assert first.written is not None
        for kind, n, value in steps:
            change = EDITS[kind]
            if change is None:
                as_of = START + dt.timedelta(days=(n - 20) * 3)
            else:
                change(site, n, value)
            # in memory as serve builds: the pages a browser has open first, then the rest
            opened = FirstPages({"index.html", "kpis/index.html"}, lambda paths: None) if in_memory else None
            incremental = build_site(site, BuildOptions(root / "inc", as_of), state=state, first=opened)
            shutil.rmtree(root / "cold", ignore_errors=True)
            cold = build_site(site, BuildOptions(root / "cold", as_of, clean=True))
            assert (incremental.written is None) == (cold.written is None), (change, incremental.checked.diagnostics)
            if cold.written is not None:
                assert incremental.incremental
                inc_tree, cold_tree = tree(root / "inc"), tree(root / "cold")
                differing = sorted(p for p in inc_tree.keys() | cold_tree.keys() if inc_tree.get(p) != cold_tree.get(p))
                assert differing == [], f"after {change.__name__ if change else 'as_of'}({n}, {value})"


def test_an_unchanged_rebuild_renders_nothing_and_a_clean_one_everything(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    built = build_site(site, BuildOptions(tmp_path / "out", START))
    assert not built.incremental and len(built.rendered) == built.total
    again = build_site(site, BuildOptions(tmp_path / "out", START))
    assert again.incremental and again.rendered == [] and again.written == 0
    clean = build_site(site, BuildOptions(tmp_path / "out", START, clean=True))
    assert not clean.incremental and len(clean.rendered) == clean.total


def test_one_edited_objective_rerenders_only_what_shows_it(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    path = site / "content/okrs/2026-Q3/sales/mid-market.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    again = build_site(site, BuildOptions(tmp_path / "out", START))
    # Its page and the search index's parts that hold its words change; the JSON, the feed and the
    # review are made again from the changed file but come out the same; no list of objectives is
    # rendered again.
    search = [path for path in again.rendered if path.startswith("assets/search/")]
    assert sorted(set(again.rendered) - set(search)) == [
        "api/cycles/2026-Q3.json", "api/okrs.json", "cycles/2026-Q3/review/index.html",
        "cycles/2026-Q3/review/sales/index.html", "feed.xml", "okrs/2026-Q3/sales/mid-market/index.html"]
    assert search and "assets/search/index.js" not in search  # its fragment and word lists; the entry is the same
    assert again.written == 1 + len(search)


def test_a_new_checkin_rerenders_the_lists_that_show_the_score(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    path = site / "content/okrs/2026-Q4/sales/enterprise.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("checkins:\n", "checkins:\n      - {date: 2026-11-14, value: 13}\n", 1),
                    encoding="utf-8")
    again = build_site(site, BuildOptions(tmp_path / "out", START))
    assert {"index.html", "cycles/2026-Q4/index.html", "teams/sales/index.html", "alignment/index.html",
            "okrs/2026-Q4/sales/enterprise/index.html"} <= set(again.rendered)
    assert "okrs/2026-Q3/sales/mid-market/index.html" not in again.rendered


def test_a_corrupt_or_foreign_record_means_a_cold_build(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    record = next((site / CACHE_DIR).glob("build-*.record"))
    data = bytearray(record.read_bytes())
    data[-10] ^= 0xFF
    record.write_bytes(bytes(data))
    built = build_site(site, BuildOptions(tmp_path / "out", START))
    assert not built.incremental
    # a record with a good signature, but made for another output folder, is not used either
    shutil.copy(next((site / CACHE_DIR).glob("build-*.record")), tmp_path / "saved.record")
    shutil.rmtree(tmp_path / "out")
    assert not build_site(site, BuildOptions(tmp_path / "out", START)).incremental


def test_a_deleted_output_folder_means_a_cold_build(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    shutil.rmtree(tmp_path / "out")
    built = build_site(site, BuildOptions(tmp_path / "out", START))
    assert not built.incremental and (tmp_path / "out" / "index.html").is_file()


def test_the_record_folder_ignores_itself_in_git(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    assert (site / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_key_result_owner_moves_between_person_pages(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    path = site / "content/okrs/2026-Q4/sales/enterprise.md"
    path.write_text(path.read_text(encoding="utf-8").replace("    owner: Marcus Lee\n", "    owner: Priya Nair\n"),
                    encoding="utf-8")
    again = build_site(site, BuildOptions(tmp_path / "out", START))
    assert {"people/index.html", "people/priya-nair/index.html", "okrs/2026-Q4/sales/enterprise/index.html",
            "api/okrs.json"} <= set(again.rendered)
    # he owned nothing else: his page and his search entry go
    assert again.removed == 2 and not (tmp_path / "out/people/marcus-lee").exists()
    # Other people, and what does not show key result owners, are not rendered again.
    assert "people/maya-lindqvist/index.html" not in again.rendered
    assert "changes/index.html" in again.rendered  # it shows who checked in
    assert "cycles/2026-Q4/index.html" not in again.rendered


def test_a_later_day_rerenders_what_changed_and_freshness(tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    build_site(site, BuildOptions(tmp_path / "out", START))
    again = build_site(site, BuildOptions(tmp_path / "out", START + dt.timedelta(days=1)))
    assert {"changes/index.html", "api/changes.json", "index.html", "people/dana-reyes/index.html"} <= set(again.rendered)
