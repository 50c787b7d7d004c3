"""okr-pages refresh end to end, as a user runs it: DuckDB over CSV, Parquet, JSON, SQLite and DuckDB files,
SQLAlchemy over SQLite, a CSV over HTTP, every refusal with its message, the minimal diff (SPEC §8)."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import LEFT, kpi, table
from conftest import REFRESH_AS_OF as AS_OF

from generator.refresh.kinds import database_text

REPO = Path(__file__).resolve().parents[2]
def refresh(cli, root: Path, *args: str, env: dict[str, str] | None = None):
    return cli("refresh", root, "--as-of", AS_OF, *args, env=env)


# -- DuckDB over files ------------------------------------------------------------------------------

def test_duckdb_reads_csv_parquet_json_sqlite_and_duckdb_files_relative_to_the_site(site, cli, tmp_path):
    root = site({
        "data/sheet.csv": "month,amount\n2026-09,10\n2026-10,11.5\n",
        "data/events.json": json.dumps([{"day": "2026-10-05", "n": 3}, {"day": "2026-10-12", "n": 4}]),
        "content/kpis/from-csv.md": kpi("select strptime(month, '%Y-%m')::date as date, amount as value\n"
                                        "from read_csv('data/sheet.csv')", series="from-csv.csv"),
        "content/kpis/from-parquet.md": kpi("select d as date, v as value from 'data/ledger.parquet'",
                                            series="from-parquet.csv"),
        "content/kpis/from-json.md": kpi("select cast(day as date) as date, n as value from "
                                         "read_json('data/events.json')", series="from-json.csv"),
        "content/kpis/from-sqlite.md": kpi("select cast(opened as date) as date, count(*) as value\n"
                                           "from help.tickets group by 1", series="from-sqlite.csv"),
        "content/kpis/from-duckdb.md": kpi("select d as date, v as value from totals", source="lake",
                                           series="from-duckdb.csv"),
    }, config="title: T\nsources:\n  local: {attach: {help: data/help.sqlite}}\n"
              "  lake: {duckdb: data/lake.duckdb}\n")
    connection = duckdb.connect()
    # write_parquet rather than COPY ... TO ?: DuckDB before 1.3 takes no parameter for COPY's file
    connection.sql("SELECT DATE '2026-08-01' + INTERVAL (i) MONTH AS d, i * 2 AS v FROM range(3) t(i)").write_parquet(
        str(root / "data/ledger.parquet"))
    with sqlite3.connect(root / "data/help.sqlite") as db:
        db.execute("create table tickets (id integer, opened text)")
        db.executemany("insert into tickets values (?, ?)", [(1, "2026-10-01 09:00"), (2, "2026-10-01 10:00"),
                                                             (3, "2026-10-02 11:00")])
    lake = duckdb.connect(str(root / "data/lake.duckdb"))
    lake.execute("create table totals as select date '2026-07-01' as d, 99.5 as v")
    lake.close()

    done = refresh(cli, root)
    assert done.returncode == 0, done.stderr
    kpis = root / "content/kpis"
    assert (kpis / "from-csv.csv").read_text() == "date,value\n2026-09,10\n2026-10,11.5\n"
    assert (kpis / "from-parquet.csv").read_text() == "date,value\n2026-08,0\n2026-09,2\n2026-10,4\n"
    assert (kpis / "from-json.csv").read_text() == "date,value\n2026-10-05,3\n2026-10-12,4\n"
    assert (kpis / "from-sqlite.csv").read_text() == "date,value\n2026-10-01,2\n2026-10-02,1\n"
    assert (kpis / "from-duckdb.csv").read_text() == "date,value\n2026-07,99.5\n"
    assert {kpi_id: row[:5] for kpi_id, row in table(done).items()} == {
        "from-csv": ["local", "changed", "2", "0", "0"], "from-duckdb": ["lake", "changed", "1", "0", "0"],
        "from-json": ["local", "changed", "2", "0", "0"], "from-parquet": ["local", "changed", "3", "0", "0"],
        "from-sqlite": ["local", "changed", "2", "0", "0"]}
    assert "wrote content/kpis/from-csv.csv, " in done.stderr

    before = {path.name: path.read_bytes() for path in kpis.glob("*.csv")}
    again = refresh(cli, root)
    assert again.returncode == 0 and {row[1] for row in table(again).values()} == {"unchanged"}
    assert {path.name: path.read_bytes() for path in kpis.glob("*.csv")} == before
    assert cli("check", root, "--as-of", AS_OF).returncode == 0


def test_sqlalchemy_reads_a_sqlite_database_relative_to_the_site(site, cli):
    root = site({"content/kpis/signups.md": kpi("select day as date, count(*) as value from signups "
                                                "group by day order by day", source="app",
                                                series="signups.csv")},
                config='title: T\nsources:\n  app: {url: "sqlite:///data/app.db"}\n')
    (root / "data").mkdir()
    with sqlite3.connect(root / "data/app.db") as db:
        db.execute("create table signups (day text, email text)")
        db.executemany("insert into signups values (?, ?)", [("2026-11-02", "a"), ("2026-11-02", "b"),
                                                             ("2026-11-09", "c")])
    done = refresh(cli, root)
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/signups.csv").read_text() == "date,value\n2026-11-02,2\n2026-11-09,1\n"
    assert table(done)["signups"][:3] == ["app", "changed", "2"]


# -- a CSV at a URL, served on this machine ------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.csv":
            time.sleep(3)
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1 (a free port), stopped afterwards."""
    folder = tmp_path / "served"
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             lambda *a: _Handler(*a, directory=str(folder)))
    server.handle_error = lambda *args: None  # type: ignore[method-assign]  # the slow client hangs up: expected
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_csv_url_fetches_a_published_sheet_once_for_its_kpis(site, cli, http_folder):
    folder, base = http_folder
    (folder / "sheet.csv").write_bytes("\ufeffMonth,NRR,Churn\r\n2026-09,104.5,2.1\r\n2026-10,105,1.9\r\n,,\r\n"
                                       .encode())
    fetch_kpi = "---\ntitle: {t}\nseries: {t}.csv\nsource: sheet\n{fetch}---\n"
    root = site({"content/kpis/nrr.md": fetch_kpi.format(t="nrr", fetch=""),
                 "content/kpis/churn.md": fetch_kpi.format(t="churn",
                                                           fetch="fetch: {columns: {date: Month, value: Churn}}\n")},
                config='title: T\nsources:\n  sheet: {csv_url: "${SHEET_URL}"}\n')
    done = refresh(cli, root, env={"SHEET_URL": f"{base}/sheet.csv"})
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/nrr.csv").read_text() == "date,value\n2026-09,104.5\n2026-10,105\n"
    assert (root / "content/kpis/churn.csv").read_text() == "date,value\n2026-09,2.1\n2026-10,1.9\n"


def test_csv_url_failures_are_one_message_for_the_source(site, cli, http_folder):
    folder, base = http_folder
    (folder / "slow.csv").write_text("date,value\n2026-01,1\n")
    root = site({"content/kpis/a.md": "---\ntitle: A\nseries: a.csv\nsource: gone\n---\n",
                 "content/kpis/b.md": "---\ntitle: B\nseries: b.csv\nsource: gone\n---\n",
                 "content/kpis/c.md": "---\ntitle: C\nseries: c.csv\nsource: slow\n---\n"},
                config='title: T\nsources:\n  gone: {csv_url: "${GONE_URL}"}\n'
                       '  slow: {csv_url: "${SLOW_URL}", timeout: 0.5}\n')
    started = time.monotonic()
    done = refresh(cli, root, env={"GONE_URL": f"{base}/missing.csv", "SLOW_URL": f"{base}/slow.csv"})
    assert time.monotonic() - started < 10
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        ("okr-pages.yaml:3:9: error: sources.gone: cannot fetch the CSV: HTTP 404 File not found (check GONE_URL, "
        "and that the sheet is published; its KPIs were not refreshed)"),
        ("okr-pages.yaml:4:9: error: sources.slow: timed out after 0.5 s fetching the CSV (check SLOW_URL, or raise "
        "timeout: of source 'slow' in okr-pages.yaml; its KPIs were not refreshed)"),
    ]
    assert {kpi_id: row[1] for kpi_id, row in table(done).items()} == {"a": "skipped", "b": "skipped",
                                                                        "c": "skipped"}
    assert not list((root / "content/kpis").glob("*.csv"))


# -- every refusal, each with its message; the other KPIs still refreshed ---------------------------

FAILING = {
    "sql-error": ("select * from nowhere", None),
    "no-rows": ("select date '2026-01-01' as date, 1 as value where false", None),
    "not-a-date": ("select 'soon' as date, 1 as value", None),
    "not-a-number": ("select date '2026-01-01' as date, 'lots' as value", None),
    "nulls": ("select date '2026-01-01' as date, 1 as value union all select date '2026-02-01', null", None),
    "duplicates": ("select date '2026-01-01' as date, 1 as value union all select date '2026-01-01', 2", None),
    "future": ("select date '2027-01-01' as date, 1 as value", None),
    "too-many": ("select date '2026-01-01' + i::int as date, 1 as value from range(3) t(i)", "small"),
    "too-slow": ("select date '2026-01-01' as date, count(*) as value from range(100000000000) a", "slow"),
    "no-env": ("select 1", "nowhere"),
}


def test_every_refusal_names_its_file_and_query_line_and_leaves_its_csv_untouched(site, cli):
    files = {f"content/kpis/{name}.md": kpi(query, source, series=f"{name}.csv") for name, (query, source)
             in FAILING.items()}
    files.update({f"content/kpis/{name}.csv": "date,value\n2025-12-01,5\n" for name in FAILING})
    files["content/kpis/good.md"] = kpi("select date '2026-11-01' as date, 42 as value", series="good.csv")
    root = site(files, config='title: T\nsources:\n  small: {max_rows: 2}\n  slow: {timeout: 0.5}\n'
                              '  nowhere: {url: "${NOWHERE_URL}"}\n')
    try:
        duckdb.connect().execute(FAILING["sql-error"][0])
    except duckdb.Error as exc:
        sql_error = database_text(exc, [])
    started = time.monotonic()
    done = refresh(cli, root)
    assert time.monotonic() - started < 20  # the slow query was interrupted, not waited for
    assert done.returncode == 1
    problems = done.stderr.splitlines()[:len(FAILING)]
    assert problems == [
        "content/kpis/duplicates.md:4:8: error: query: date 2026-01-01 appears twice (rows 1 and 2) (return one row "
        "per date: group by the date" + LEFT,
        "content/kpis/future.md:4:8: error: query: row 1: date 2027-01-01 is in the future (today is 2026-11-22) "
        "(leave future dates out, e.g. where date <= current_date" + LEFT,
        "content/kpis/no-rows.md:4:8: error: query: returned no rows (check the query's filters and the data it "
        "reads" + LEFT,
        "content/kpis/not-a-date.md:4:8: error: query: row 1: column 'date' is not a date: 'soon' (return a DATE, "
        "or text written YYYY-MM-DD or YYYY-MM" + LEFT,
        "content/kpis/not-a-number.md:4:8: error: query: row 1: column 'value' is not a number: 'lots' (write plain "
        "numbers: no thousands separators, units or % signs" + LEFT,
        "content/kpis/nulls.md:4:8: error: query: row 2: column 'value' is NULL (leave such rows out (where value "
        "is not null), or coalesce them" + LEFT,
        f"content/kpis/sql-error.md:4:8: error: query: {sql_error} (fix the SQL and run refresh again" + LEFT,
        "content/kpis/too-many.md:5:8: error: query: returned more than 2 rows (return one row per date, or raise "
        "max_rows: of source 'small' in okr-pages.yaml" + LEFT,
        "content/kpis/too-slow.md:5:8: error: query: timed out after 0.5 s (make the query faster, or raise "
        "timeout: of source 'slow' in okr-pages.yaml" + LEFT,
        ("okr-pages.yaml:5:18: error: sources.nowhere.url: environment variable NOWHERE_URL is not set (set it "
        "before running refresh; in the workflow, pass it from a repository secret (NOWHERE_URL: "
        "${{ secrets.NOWHERE_URL }}); its KPIs were not refreshed)"),
    ]
    assert "Catalog Error" in sql_error and "nowhere" in sql_error
    statuses = {kpi_id: row[1] for kpi_id, row in table(done).items()}
    assert statuses == {**{name: "failed" for name in FAILING}, "no-env": "skipped", "good": "changed"}
    for name in FAILING:
        assert (root / f"content/kpis/{name}.csv").read_text() == "date,value\n2025-12-01,5\n"
    assert (root / "content/kpis/good.csv").read_text() == "date,value\n2026-11,42\n"
    assert done.stderr.splitlines()[-1] == ("okr-pages refresh: 11 KPI(s): 1 changed, 9 failed, 1 skipped; "
                                            "wrote content/kpis/good.csv")


def test_a_kpi_with_errors_in_its_file_or_csv_is_not_refreshed(site, cli):
    root = site({"content/kpis/a.md": kpi("select date '2026-01-01' as date, 1 as value", series="a.csv"),
                 "content/kpis/a.csv": "date,value\n2026-01-01,one\n"})
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == ("content/kpis/a.csv:2:12: error: expected a number, got 'one' "
                                           "(write a plain number such as 6.4)")
    assert (root / "content/kpis/a.csv").read_text() == "date,value\n2026-01-01,one\n"


def test_config_errors_in_sources_stop_refresh_before_any_query(site, cli):
    root = site({"content/kpis/a.md": kpi("select date '2026-01-01' as date, 1 as value", series="a.csv")},
                config='title: T\nsources:\n  local: {url: "postgresql://me:pw@db/x"}\n')
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("okr-pages.yaml:3:16: error: sources.local.url: a password is")
    assert not (root / "content/kpis/a.csv").exists() and "pw@" not in done.stderr


# -- the minimal diff -----------------------------------------------------------------------------------

def test_refresh_rewrites_only_moved_rows_keeping_layout_quoting_and_line_endings(site, cli):
    original = (b'\xef\xbb\xbfmonth,note,accounts,churn_pct\r\n'
                b'2026-08,"kept, as is",640,2.8\r\n'
                b'"2026-09","",671,"2.6"\r\n'
                b'2026-10,old,702,2.3\r\n'
                b'2026-07,older,600,3.1')
    query = ("select * from (values (date '2026-08-01', 2.8), (date '2026-09-01', 2.55), (date '2026-10-01', 2.3),"
             " (date '2026-11-01', 2.1)) t(month, churn_pct)")
    root = site({"content/kpis/churn.md": kpi(query, series="churn.csv",
                                              extra="columns: {date: month, value: churn_pct}"),
                 "content/kpis/churn.csv": original})
    dry = refresh(cli, root, "--dry-run")
    assert dry.returncode == 0 and (root / "content/kpis/churn.csv").read_bytes() == original
    assert table(dry)["churn"][:5] == ["local", "changed", "1", "1", "1"]
    assert dry.stderr.splitlines()[-1].endswith("dry run: nothing written")
    done = refresh(cli, root)
    assert done.stdout == dry.stdout
    assert (root / "content/kpis/churn.csv").read_bytes() == (
        b'\xef\xbb\xbfmonth,note,accounts,churn_pct\r\n'
        b'2026-08,"kept, as is",640,2.8\r\n'
        b'"2026-09","",671,"2.55"\r\n'
        b'2026-10,old,702,2.3\r\n'
        b'2026-07,older,600,3.1\r\n'
        b'2026-11,,,2.1')
    assert table(done)["churn"][5:] == ["2.1", "(2026-11-01)", "no_target", "->", "no_target"]


def test_markdown_and_json_reports(site, cli):
    root = site({"content/kpis/mrr.md": kpi("select date '2026-10-01' as date, 996 as value union all "
                                            "select date '2026-11-01', 1031", series="mrr.csv",
                                            extra="unit: k USD\ntarget: 1000\nthresholds: {green: 1000, yellow: 950}"),
                 "content/kpis/mrr.csv": "date,value\n2026-10,994\n"})
    markdown = refresh(cli, root, "--dry-run", "--format", "markdown")
    assert markdown.returncode == 0
    assert markdown.stdout == (
        "## KPI values refreshed (dry run)\n\n"
        "Queried on 2026-11-22. 1 KPI(s): 1 changed; dry run: nothing written.\n\n"
        "| KPI | Source | Status | Added | Revised | Kept | Latest | Health |\n"
        "| --- | --- | --- | ---: | ---: | ---: | --- | --- |\n"
        "| K (`mrr`) | local | changed | 1 | 1 | 0 | 1031 k USD (2026-11-01) | watch → healthy |\n\n"
        "### Values that moved\n\n"
        "- **K** (`content/kpis/mrr.csv`)\n"
        "  - 2026-10-01: 994 → 996\n"
        "  - 2026-11-01: 1031 (new)\n")
    data = json.loads(refresh(cli, root, "--format", "json").stdout)
    assert data["written"] == ["content/kpis/mrr.csv"] and data["problems"] == []
    assert data["kpis"] == [{
        "id": "mrr", "title": "K", "source": "local", "series_file": "content/kpis/mrr.csv", "status": "changed",
        "added": [{"date": "2026-11-01", "value": 1031}], "revised": [{"date": "2026-10-01", "old": 994, "new": 996}],
        "kept": [], "latest": {"date": "2026-11-01", "value": 1031}, "estimate": False,
        "health": {"before": "watch", "after": "healthy"}}]


# -- the command ---------------------------------------------------------------------------------------

def test_usage_errors_exit_2(site, cli):
    root = site({"content/kpis/mrr.md": kpi("select 1", series="mrr.csv"), "content/kpis/mrr.csv": "date,value\n",
                 "content/kpis/nps.md": "---\ntitle: NPS\nseries: {2026-11: 40}\n---\n"})
    unknown = cli("refresh", root, "mrrr")
    assert (unknown.returncode, unknown.stderr) == (2, "okr-pages: error: unknown KPI 'mrrr' (did you mean 'mrr'?)\n")
    manual = cli("refresh", root, "nps")
    assert (manual.returncode, manual.stderr) == (
        2, ("okr-pages: error: KPI 'nps' has no query: or fetch: to refresh (its values are written by hand in "
           "content/kpis/nps.md)\n"))
    assert cli("refresh", root / "nope").returncode == 2


def test_refresh_without_the_sql_extra_says_what_to_install(site, cli, tmp_path):
    root = site({"content/kpis/mrr.md": kpi("select 1", series="mrr.csv")})
    blocker = tmp_path / "blocker" / "duckdb"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError(\"No module named 'duckdb'\")\n")
    done = refresh(cli, root, env={"PYTHONPATH": f"{blocker.parent}:{REPO}"})
    assert (done.returncode, done.stderr, done.stdout) == (
        1, "okr-pages: error: refresh needs duckdb, which is not installed: pip install 'okr-pages[sql]'\n", "")


def test_a_site_with_no_sourced_kpi_has_nothing_to_refresh(site, cli):
    root = site({"content/kpis/nps.md": "---\ntitle: NPS\nseries: {2026-11: 40}\n---\n"})
    done = refresh(cli, root)
    assert (done.returncode, done.stdout) == (0, "KPI  source  status  added  revised  kept  latest  health\n")
    assert done.stderr == "okr-pages refresh: 0 KPI(s): no KPI to refresh; nothing written\n"


# -- the bundled example ---------------------------------------------------------------------------------

@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    for name in ("content", "data"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "okr-pages.yaml", root)
    return root


def test_example_refresh_reproduces_the_committed_csvs(example, cli):
    before = {p: p.read_bytes() for p in (example / "content").rglob("*.csv")}
    done = refresh(cli, example)
    assert done.returncode == 0, done.stderr
    assert {kpi_id: row[1] for kpi_id, row in table(done).items()} == {
        "mrr": "unchanged", "net-revenue-retention": "unchanged", "support-first-response": "unchanged",
        "uptime": "unchanged"}
    assert {p: p.read_bytes() for p in (example / "content").rglob("*.csv")} == before


def test_example_refresh_then_build_shows_the_moved_value(example, cli, tmp_path):
    sheet = example / "data/finance-sheet.csv"
    lines = sheet.read_text().splitlines()
    month, cohort, then, _ = lines[-1].split(",")
    lines[-1] = f"{month},{cohort},{then},{int(then) * 108 // 100}"  # November's NRR is now 108%
    sheet.write_text("\n".join(lines) + "\n")
    csv_before = (example / "content/kpis/net-revenue-retention.csv").read_text().splitlines()
    done = refresh(cli, example)
    assert done.returncode == 0, done.stderr
    assert table(done)["net-revenue-retention"][:7] == ["local", "changed", "0", "1", "0", "108", "(2026-11-01)"]
    after = (example / "content/kpis/net-revenue-retention.csv").read_text().splitlines()
    assert after[:-1] == csv_before[:-1] and after[-1] == "2026-11,108"
    assert cli("build", example, "--out", tmp_path / "site", "--as-of", AS_OF).returncode == 0
    kpis = json.loads((tmp_path / "site/api/kpis.json").read_text())["kpis"]
    nrr = next(k for k in kpis if k["id"] == "net-revenue-retention")
    assert nrr["latest"] == {"date": "2026-11-01", "value": 108} and nrr["health"] == "healthy"


def test_example_data_is_made_by_the_committed_script(tmp_path):
    import runpy

    script = runpy.run_path(str(REPO / "bench/make_example_data.py"))
    script["main"](tmp_path)
    # Our own text files are compared byte for byte; the Parquet and SQLite files by what they hold,
    # since their bytes carry the writing library's version (DuckDB 2.0.1 stamps its own).
    for name in ("finance-sheet.csv", "uptime-probes.json"):
        assert (tmp_path / "data" / name).read_bytes() == (REPO / "data" / name).read_bytes(), name
    assert parquet_rows(tmp_path / "data/billing-ledger.parquet") == parquet_rows(REPO / "data/billing-ledger.parquet")
    assert sqlite_rows(tmp_path / "data/support.sqlite") == sqlite_rows(REPO / "data/support.sqlite")


def parquet_rows(path: Path) -> tuple[list, list]:
    """A Parquet file's columns (names and types) and its rows, in order."""
    with duckdb.connect() as connection:  # held open: DuckDB before 1.2 closes a dropped connection's relations
        relation = connection.sql(f"select * from read_parquet('{path}')")
        return list(zip(relation.columns, map(str, relation.types))), relation.fetchall()


def sqlite_rows(path: Path) -> dict[str, tuple[str, list]]:
    """Each table of a SQLite database: its schema and its rows, in rowid order."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = db.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall()
        return {name: (sql, db.execute(f'select * from "{name}" order by rowid').fetchall()) for name, sql in tables}


def test_today_is_the_default_reference_date(site, cli):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    root = site({"content/kpis/a.md": kpi(f"select date '{tomorrow}' as date, 1 as value", series="a.csv")})
    done = cli("refresh", root, env={"SOURCE_DATE_EPOCH": ""})
    assert done.returncode == 1
    assert f"date {tomorrow} is in the future (today is {dt.date.today()})" in done.stderr
