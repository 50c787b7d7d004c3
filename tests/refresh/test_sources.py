"""KPI data sources, the parts that never connect: sources: and query: checks, secrets, row
validation, and the minimal-diff CSV merge (SPEC §8)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model.content import Point
from generator.reading.secrets import MissingVariable, expand, literal_secret, redact, secrets_of
from generator.refresh.csvupdate import format_value, merge, verify
from generator.refresh.rows import Result, RowsError, to_points

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 22)
D = dt.date

KPI = """\
---
title: MRR
series: mrr.csv
{extra}
---
"""


# -- check: sources: in okr-pages.yaml and query: in KPIs, validated without connecting ---------

def test_check_reports_every_source_problem_at_its_line(site, cli):
    root = site({"content/kpis/mrr.md": KPI.format(extra="query: select 1"),
                 "content/kpis/mrr.csv": "date,value\n2026-11,1\n"}, config="""\
title: T
sources:
  warehouse: {url: "postgresql+psycopg://reader:hunter2@db.example.com/prod"}
  token: {csv_url: "https://example.com/sheet.csv?token=abc123"}
  plain: {csv_url: "http://example.com/sheet.csv"}
  both: {url: "${A}", csv_url: "${B}"}
  rows: {max_rows: 2.5}
  slow: {duckdb: x.duckdb, timeout: -1}
  typo: {url: "${WAREHOUSE_URL"}
  nourl: {url: "localhost/db"}
  attach: {url: "${A}", attach: {x: a.sqlite}}
  fine: {url: "postgresql+psycopg://reader:${PG_PASSWORD}@db/prod"}
""")
    done = cli("check", root, "--as-of", "2026-11-22")
    assert done.returncode == 1
    assert done.lines == [
        ("okr-pages.yaml:3:20: error: sources.warehouse.url: a password is written in okr-pages.yaml: secrets must "
        "stay out of the repository (put it in an environment variable and write url: ${WAREHOUSE_URL})"),
        ("okr-pages.yaml:4:20: error: sources.token.csv_url: the query parameter 'token' is written in okr-pages.yaml: "
        "secrets must stay out of the repository (put the URL in an environment variable: csv_url: ${SHEET_CSV_URL})"),
        ("okr-pages.yaml:5:20: error: sources.plain.csv_url: plain http:// is refused: the CSV could be altered on its "
        "way (publish the CSV at an https:// address)"),
        ("okr-pages.yaml:6:32: error: sources.both.csv_url: a source is of one kind: url: or csv_url:, not both "
        "(make them two sources with their own names)"),
        ("okr-pages.yaml:7:20: error: sources.rows.max_rows: expected a whole number above 0, got 2.5 (write a number "
        "of rows such as 100000)"),
        ("okr-pages.yaml:8:37: error: sources.slow.timeout: expected a number of seconds above 0, got -1 (write a "
        "timeout such as 120)"),
        ("okr-pages.yaml:9:15: error: sources.typo.url: malformed ${...} reference (write ${NAME} with letters, "
        "digits and '_')"),
        ("okr-pages.yaml:10:16: error: sources.nourl.url: not a database URL (write dialect+driver://user@host/database, "
        "e.g. postgresql+psycopg://..., or ${VARIABLE})"),
        ("okr-pages.yaml:11:33: error: sources.attach.attach: attach: is for DuckDB sources (remove it, or attach the "
        "files in a DuckDB source and query them there instead of url:)"),
    ]
    assert "hunter2" not in done.stdout + done.stderr and "abc123" not in done.stdout + done.stderr


def test_check_reports_kpi_feed_problems(site, cli):
    root = site({
        "content/kpis/a.md": KPI.format(extra="source: wharehouse\nquery: select 1"),
        "content/kpis/b.md": KPI.format(extra="source: sheet\nquery: select 1"),
        "content/kpis/c.md": KPI.format(extra="source: warehouse\nfetch: {columns: {date: Month}}"),
        "content/kpis/d.md": KPI.format(extra="source: warehouse"),
        "content/kpis/e.md": "---\ntitle: E\nseries: {2026-11: 3}\nquery: select 1\n---\n",
        "content/kpis/f.md": KPI.format(extra="query: select 1\nfetch: {}"),
        "content/kpis/new.md": "---\ntitle: New\nseries: new.csv\nquery: select 1\n---\n",
        "content/kpis/mrr.csv": "date,value\n2026-11,1\n",
    }, config='title: T\nsources:\n  warehouse: {url: "${WAREHOUSE_URL}"}\n  sheet: {csv_url: "${SHEET}"}\n')
    done = cli("check", root, "--as-of", "2026-11-22")
    assert done.returncode == 1
    assert done.lines == [
        "content/kpis/a.md:4:9: error: source: unknown source 'wharehouse' (did you mean 'warehouse'?)",
        ("content/kpis/b.md:5:8: error: query: source 'sheet' is a published CSV: it is fetched, not queried "
        "(replace query: with fetch: {columns: {date: ..., value: ...}})"),
        ("content/kpis/c.md:5:8: error: fetch: fetch: is for csv_url sources; source 'warehouse' takes a query: "
        "(replace fetch: with query: and SQL returning a date and a value column)"),
        ("content/kpis/d.md:4:9: error: missing required field 'query' (add 'query:' with SQL returning a date and "
        "a value column)"),
        ("content/kpis/e.md:3:9: error: series: refresh writes the query's values into a CSV, not into the front "
        "matter (name a CSV file beside the KPI, e.g. series: mrr.csv)"),
        ("content/kpis/f.md:5:8: error: fetch: a KPI takes query: or fetch:, not both (keep query: for a SQL "
        "source, fetch: for a csv_url source)"),
        ("content/kpis/new.md:3:9: error: series: CSV file 'content/kpis/new.csv' not found (run 'okr-pages "
        "refresh new' to create it from the query)"),
    ]


def test_check_and_build_never_import_the_sql_extra(tmp_path, cli):
    """Without duckdb and SQLAlchemy (an import of either fails), check and build work on the example."""
    blocker = tmp_path / "blocker"
    for module in ("duckdb", "sqlalchemy"):
        (blocker / module).mkdir(parents=True)
        (blocker / module / "__init__.py").write_text(f"raise ImportError('No module named {module!r}')\n")
    env = {"PYTHONPATH": f"{blocker}:{REPO}"}
    assert cli("check", REPO, "--as-of", "2026-11-22", "--strict", env=env).returncode == 0
    assert cli("build", REPO, "--out", tmp_path / "site", "--as-of", "2026-11-22", env=env).returncode == 0


def test_config_schema_describes_sources():
    from generator.reading.schema import json_schema

    sources = json_schema("config")["properties"]["sources"]
    assert sources["propertyNames"] == {"pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"}
    assert set(sources["additionalProperties"]["properties"]) == {"duckdb", "attach", "url", "csv_url", "timeout",
                                                                  "max_rows", "github", "jira", "linear", "token",
                                                                  "user", "retries"}


# -- secrets ------------------------------------------------------------------------------------

def test_expand_reads_variables_and_refuses_unset_or_empty_ones():
    assert expand("postgresql://u:${PW}@h/${DB}", {"PW": "s3cret", "DB": "prod"}) == "postgresql://u:s3cret@h/prod"
    for environ in ({}, {"PW": ""}):
        with pytest.raises(MissingVariable) as caught:
            expand("x${PW}", environ)
        assert caught.value.name == "PW"


@pytest.mark.parametrize(("url", "secret"), [
    ("postgresql://bob:pw@host/db", "a password"),
    ("postgresql://bob:${PW}@host/db", None),
    ("postgresql://bob@host/db", None),
    ("${WAREHOUSE_URL}", None),
    ("snowflake://bob:p%40ss@acct/db", "a password"),
    ("mssql+pyodbc://host/db?driver=x&Password=pw", "the query parameter 'Password'"),
    ("https://docs.google.com/spreadsheets/d/e/ID/pub?output=csv", None),
    ("https://example.com/x.csv?key=sheet-id", None),
    ("https://example.com/x.csv?access_token=abc", "the query parameter 'access_token'"),
])
def test_literal_secret(url, secret):
    assert literal_secret(url) == secret


def test_redact_masks_passwords_in_any_text():
    url = "postgresql+psycopg://bob:p%40ss w0rd@db:5432/prod?sslpassword=kx99"
    text = f'connection to "{url}" failed: password=p@ss w0rd; dsn: user=bob password=hunter2 host=db token: zz9'
    shown = redact(text, secrets_of(url))
    assert "p%40ss" not in shown and "p@ss" not in shown and "hunter2" not in shown and "kx99" not in shown
    assert "zz9" not in shown
    assert "user=bob" in shown and "db:5432/prod" in shown


# -- rows → points --------------------------------------------------------------------------------

def _points(rows, columns=("date", "value"), max_rows=100):
    return to_points(Result(columns, rows), "date", "value", TODAY, max_rows, "local")


def test_rows_accept_dates_timestamps_text_and_numbers_of_every_kind():
    rows = [(D(2026, 1, 1), 1), (dt.datetime(2026, 2, 1), 2.5), ("2026-03", Decimal("3.10")), ("2026-04-02", "4"),
            (dt.datetime(2026, 5, 1, tzinfo=dt.UTC), Decimal(7))]
    assert _points(rows) == [Point(D(2026, 1, 1), 1), Point(D(2026, 2, 1), 2.5), Point(D(2026, 3, 1), 3.1),
                             Point(D(2026, 4, 2), 4), Point(D(2026, 5, 1), 7)]


def test_rows_find_columns_by_name_ignoring_case_and_order():
    assert _points([(5, D(2026, 1, 1))], columns=("VALUE", "DATE")) == [Point(D(2026, 1, 1), 5)]


@pytest.mark.parametrize(("rows", "columns", "message", "hint"), [
    ([], ("date", "value"), "returned no rows", "check the query's filters and the data it reads"),
    ([(D(2026, 1, 1), 1)] * 3, ("date", "value"), "returned more than 2 rows",
     "return one row per date, or raise max_rows: of source 'local' in okr-pages.yaml"),
    ([(D(2026, 1, 1), 1)], ("day", "value"), "no column 'date' in the result (its columns: day, value)",
     "name the date column 'date' in the query (... as date)"),
    ([(None, 1)], ("date", "value"), "row 1: column 'date' is NULL",
     "leave such rows out (where date is not null), or coalesce them"),
    ([(D(2026, 1, 1), 1), (D(2026, 2, 1), None)], ("date", "value"), "row 2: column 'value' is NULL",
     "leave such rows out (where value is not null), or coalesce them"),
    ([("January", 1)], ("date", "value"), "row 1: column 'date' is not a date: 'January'",
     "return a DATE, or text written YYYY-MM-DD or YYYY-MM"),
    ([(dt.datetime(2026, 1, 1, 9, 30), 1)], ("date", "value"),
     "row 1: column 'date' has a time of day (2026-01-01 09:30:00)", "return a date, e.g. cast(... as date)"),
    ([(D(2026, 1, 1), "1,031")], ("date", "value"), "row 1: column 'value' is not a number: '1,031'",
     "write plain numbers: no thousands separators, units or % signs"),
    ([(D(2026, 1, 1), True)], ("date", "value"), "row 1: column 'value' is not a number: True",
     "return a number, e.g. cast(... as double)"),
    ([(D(2026, 1, 1), float("nan"))], ("date", "value"), "row 1: column 'value' is not a number: nan",
     "return a number, e.g. cast(... as double)"),
    ([(D(2026, 1, 1), 1e16)], ("date", "value"), "row 1: column 'value' is too large: 1e+16",
     "return a number below 10^15"),
    ([(D(2026, 1, 1), 1), ("2026-01", 2)], ("date", "value"), "date 2026-01-01 appears twice (rows 1 and 2)",
     "return one row per date: group by the date"),
    ([(D(2026, 12, 1), 1)], ("date", "value"), "row 1: date 2026-12-01 is in the future (today is 2026-11-22)",
     "leave future dates out, e.g. where date <= current_date"),
])
def test_rows_refuse_what_a_series_may_not_hold(rows, columns, message, hint):
    with pytest.raises(RowsError) as caught:
        _points(rows, columns, max_rows=2)
    assert (caught.value.message, caught.value.hint) == (message, hint)


# -- the minimal-diff merge -------------------------------------------------------------------------

def test_format_value_writes_plain_numbers():
    assert [format_value(v) for v in (742, 742.0, 6.4, 1e-05, 123456789012.5, -3)] == [
        "742", "742", "6.4", "0.00001", "123456789012.5", "-3"]


def test_merge_revises_and_adds_in_the_files_own_layout():
    original = (b'\xef\xbb\xbfmonth,accounts_start,logos_lost,churn_pct\r\n2025-11,512,19,3.4\r\n'
                b'"2025-12",520,21, 3.6 \r\n2026-01,531,"18","3.3"')
    merged = merge(original, [Point(D(2025, 12, 1), 3.7), Point(D(2026, 1, 1), 3.3), Point(D(2026, 2, 1), 3.25)],
                   {"date": "month", "value": "churn_pct"}, month_style=True)
    assert merged.data == (b'\xef\xbb\xbfmonth,accounts_start,logos_lost,churn_pct\r\n2025-11,512,19,3.4\r\n'
                           b'"2025-12",520,21, 3.7 \r\n2026-01,531,"18","3.3"\r\n2026-02,,,3.25')
    assert merged.added == [Point(D(2026, 2, 1), 3.25)]
    assert merged.revised == [(D(2025, 12, 1), 3.6, 3.7)]
    assert merged.kept == [D(2025, 11, 1)]


def test_merge_keeps_descending_order_and_quoting_style():
    merged = merge(b'"date","value"\n"2026-03-01","1"\n"2026-01-01","2"\n',
                   [Point(D(2026, 2, 1), 5), Point(D(2026, 4, 1), 6)], {}, month_style=True)
    assert merged.data == (b'"date","value"\n"2026-04-01","6"\n"2026-03-01","1"\n"2026-02-01","5"\n'
                           b'"2026-01-01","2"\n')


def test_merge_leaves_the_bytes_alone_when_nothing_moved():
    original = b"date,value\r\n2026-01-01,0.30\r\n2026-02-01,1\r\n"
    merged = merge(original, [Point(D(2026, 1, 1), 0.1 + 0.2), Point(D(2026, 2, 1), 1.0)], {}, month_style=False)
    assert merged.data == original and not merged.changed


def test_merge_creates_a_missing_file_with_month_dates_for_monthly_kpis():
    merged = merge(None, [Point(D(2026, 1, 1), 5.0), Point(D(2026, 2, 1), 6.5)], {"value": "mrr"}, month_style=True)
    assert merged.data == b"date,mrr\n2026-01,5\n2026-02,6.5\n" and merged.created
    weekly = merge(None, [Point(D(2026, 1, 5), 1)], {}, month_style=False)
    assert weekly.data == b"date,value\n2026-01-05,1\n"


def test_merge_keeps_a_quoted_cell_with_a_line_break(tmp_path):
    original = b'date,value,note\n2026-01-01,1,"two\nlines, one cell"\n2026-02-01,2,\n'
    merged = merge(original, [Point(D(2026, 1, 1), 1), Point(D(2026, 2, 1), 3)], {}, month_style=False)
    assert merged.data == b'date,value,note\n2026-01-01,1,"two\nlines, one cell"\n2026-02-01,3,\n'
    assert verify(merged.data, tmp_path / "x.csv", {}, merged.points, "x.csv") == []


# Random CSV layouts and random refreshes: every row whose value did not move is byte-identical.
_cell = st.text(alphabet='ab ,"x\u00e9', max_size=5)


@st.composite
def _layouts(draw):
    width = draw(st.integers(2, 4))
    date_index, value_index = draw(st.permutations(range(width)))[:2]
    dates = sorted(draw(st.sets(st.dates(D(2020, 1, 1), D(2026, 11, 1)), min_size=1, max_size=8)),
                   reverse=draw(st.booleans()))
    month = draw(st.booleans())
    if month:
        dates = sorted({d.replace(day=1) for d in dates}, reverse=dates[0] > dates[-1])
    quote_all = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    header = [f"c{i}" for i in range(width)]
    header[date_index], header[value_index] = "day", "amount"
    rows = []
    for date in dates:
        cells = [draw(_cell) for _ in range(width)]
        cells[date_index] = f"{date:%Y-%m}" if month else date.isoformat()
        cells[value_index] = draw(st.sampled_from(["1", "2.50", "-3", "0.1", "1000"]))
        rows.append(cells)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows([header, *rows])
    text = out.getvalue()
    if not draw(st.booleans()):
        text = text[: -len(newline)]
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + text).encode(), dates, rows, date_index, value_index


@settings(max_examples=150, deadline=None)
@given(_layouts(), st.data())
def test_merge_changes_only_rows_whose_values_moved(tmp_path_factory, layout, data):
    original, dates, rows, _date_index, value_index = layout
    changes = {date: data.draw(st.sampled_from([None, 7, 2.5, -1])) for date in dates}
    new_dates = data.draw(st.sets(st.dates(D(2020, 1, 1), D(2026, 11, 22)), max_size=3)) - set(dates)
    points = [Point(d, v if v is not None else float(row[value_index]))
              for (d, v), row in zip(changes.items(), rows)] + [Point(d, 9) for d in new_dates]
    columns = {"date": "day", "value": "amount"}
    merged = merge(original, points, columns, month_style=False)
    folder = tmp_path_factory.mktemp("merge")
    assert verify(merged.data, folder / "s.csv", columns, merged.points, "s.csv") == []
    before = _raw_records(original)
    after = _raw_records(merged.data)
    moved = {d for d, v in changes.items() if v is not None and v != float(rows[dates.index(d)][value_index])}
    for date, row in zip(dates, before[1:]):
        if date not in moved:
            assert row in after, (row, after)
    assert after[0] == before[0]  # the header
    assert len(after) == len(before) + len(new_dates)
    if not moved and not new_dates:
        assert merged.data == original


def _raw_records(data: bytes) -> list[bytes]:
    """The file's records as raw bytes, line ending excluded (the last one may have none)."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    return [line.encode() for line in text.replace("\r\n", "\n").split("\n") if line]

