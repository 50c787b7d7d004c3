"""Make the example organisation's source data in data/: what okr-pages refresh queries.

    python bench/make_example_data.py [SITE_DIR]

The files stand for real systems: a Parquet export of the billing ledger, the help desk's SQLite
database, a finance spreadsheet saved as CSV, and a JSON export from the uptime monitor. They are
made from fixed seeds so that the example's queries give back exactly the values committed in
content/kpis/*.csv (``okr-pages refresh`` on the example changes nothing). Needs duckdb, for
writing Parquet: pip install 'okr-pages[sql]'.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import sqlite3
import sys
from pathlib import Path

import duckdb

# The committed KPI values the data must give back.
MRR_K_USD = [742, 761, 779, 801, 826, 848, 869, 893, 915, 941, 968, 994, 1031]
ACCOUNTS = [512, 520, 531, 547, 560, 574, 589, 603, 618, 640, 671, 702, 731]
NRR_PCT = [101.5, 102.0, 102.8, 103.1, 103.0, 104.2, 104.9, 105.3, 105.8, 106.1, 106.0, 106.4, 107.2]
UPTIME_PCT = [99.91, 99.87, 99.95, 99.93, 99.78, 99.96, 99.94, 99.97, 99.92, 99.95, 99.96, 99.93, 99.97]
FIRST_RESPONSE_HOURS = [7.6, 7.9, 8.2, 7.7, 7.8, 7.4, 7.1, 6.8, 6.9, 6.2, 5.9, 5.6, 5.4, 5.1, 4.9, 4.8, 4.4, 4.5,
                        4.7, 5.0, 5.3, 5.9, 6.6, 7.4, 8.3]
FIRST_MONTH = dt.date(2025, 11, 1)
FIRST_WEEK = dt.date(2026, 6, 1)  # a Monday
PLANS = ("starter", "team", "business", "enterprise")


def months(count: int) -> list[dt.date]:
    return [dt.date(FIRST_MONTH.year + (FIRST_MONTH.month - 1 + i) // 12, (FIRST_MONTH.month - 1 + i) % 12 + 1, 1)
            for i in range(count)]


def billing_ledger(folder: Path) -> None:
    """One row per account and month: its MRR in whole dollars, summing to the month's MRR."""
    rng = random.Random(7)
    rows = []
    for month, total_k, accounts in zip(months(len(MRR_K_USD)), MRR_K_USD, ACCOUNTS):
        total = total_k * 1000
        amounts = [rng.randint(400, 2400) for _ in range(accounts)]
        scale = total / sum(amounts)
        amounts = [max(1, round(amount * scale)) for amount in amounts]
        amounts[-1] += total - sum(amounts)  # the last account absorbs the rounding
        for number, amount in enumerate(amounts, start=1):
            rows.append((month, f"ACC-{number:04d}", PLANS[number % len(PLANS)], amount))
    connection = duckdb.connect()
    connection.execute("CREATE TABLE ledger (invoice_month DATE, account_id VARCHAR, plan VARCHAR, mrr_usd INTEGER)")
    columns = [list(column) for column in zip(*rows)]
    connection.execute("INSERT INTO ledger SELECT unnest($1::DATE[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), "
                       "unnest($4::INTEGER[])", columns)
    target = folder / "billing-ledger.parquet"
    # write_parquet rather than COPY ... TO ?: DuckDB before 1.3 takes no parameter for COPY's file
    connection.sql("SELECT * FROM ledger ORDER BY invoice_month, account_id").write_parquet(str(target))


def support_database(folder: Path) -> None:
    """Seven tickets a week whose median first response is the week's committed value."""
    rng = random.Random(11)
    target = folder / "support.sqlite"
    target.unlink(missing_ok=True)
    connection = sqlite3.connect(target)
    connection.execute("CREATE TABLE tickets (id INTEGER PRIMARY KEY, opened_at TEXT NOT NULL, channel TEXT NOT NULL, "
                       "first_response_hours REAL NOT NULL)")
    number = 0
    for week, median in enumerate(FIRST_RESPONSE_HOURS):
        below = sorted({round(median - rng.uniform(0.2, 3.0), 1) for _ in range(3)})
        above = sorted({round(median + rng.uniform(0.2, 9.0), 1) for _ in range(3)})
        while len(below) < 3:
            below.insert(0, round(below[0] - 0.1, 1))
        while len(above) < 3:
            above.append(round(above[-1] + 0.1, 1))
        hours = [*below, median, *above]
        rng.shuffle(hours)
        monday = FIRST_WEEK + dt.timedelta(weeks=week)
        for value in hours:
            number += 1
            opened = dt.datetime.combine(monday + dt.timedelta(days=rng.randrange(5)), dt.time(rng.randrange(8, 18),
                                                                                               rng.randrange(60)))
            connection.execute("INSERT INTO tickets VALUES (?, ?, ?, ?)",
                               (number, opened.isoformat(sep=" "), rng.choice(("email", "chat", "phone")), value))
    connection.commit()
    connection.execute("VACUUM")
    connection.close()


def finance_sheet(folder: Path) -> None:
    """The finance team's retention sheet: the cohort's MRR twelve months before and now."""
    rng = random.Random(3)
    lines = ["month,cohort,cohort_mrr_then,cohort_mrr_now"]
    for month, nrr in zip(months(len(NRR_PCT)), NRR_PCT):
        then = rng.randrange(420, 640) * 1000
        now = then * round(nrr * 10) // 1000  # then is whole thousands, so this is exact
        lines.append(f"{month:%Y-%m},{month.year - 1}-{month.month:02d},{then},{now}")
    (folder / "finance-sheet.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def uptime_export(folder: Path) -> None:
    """The monitor's monthly export: minutes in the month and minutes the health check failed."""
    probes = []
    for month, uptime in zip(months(len(UPTIME_PCT)), UPTIME_PCT):
        minutes = calendar.monthrange(month.year, month.month)[1] * 24 * 60
        down = next(d for d in range(minutes) if round(100 * (1 - d / minutes), 2) == uptime and
                    round(100 * (1 - (d + 1) / minutes), 2) <= uptime)
        probes.append({"month": f"{month:%Y-%m}", "minutes": minutes, "down_minutes": down, "probes": 3})
    text = json.dumps(probes, indent=2) + "\n"
    (folder / "uptime-probes.json").write_text(text, encoding="utf-8")


def main(site_dir: Path) -> None:
    folder = site_dir / "data"
    folder.mkdir(exist_ok=True)
    billing_ledger(folder)
    support_database(folder)
    finance_sheet(folder)
    uptime_export(folder)
    print(f"wrote {folder}/billing-ledger.parquet, support.sqlite, finance-sheet.csv, uptime-probes.json")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
