"""okr-pages refresh against a real PostgreSQL server, started on 127.0.0.1 in a temporary folder.

.ci/run installs Debian's postgresql; without its server binaries these tests fail in CI and are
skipped elsewhere with the install command.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LEFT, kpi, missing_tool, table
from conftest import REFRESH_AS_OF as AS_OF

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PASSWORD = "s3cret-Pw"  # must never show in refresh's output
INSTALL = "apt-get install postgresql"


def _server_binaries() -> Path:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    message = f"PostgreSQL's server binaries (pg_ctl) not found: install them with '{INSTALL}'"
    missing_tool(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A running server's URL (user okr, password PASSWORD, database okr); stopped and deleted afterwards."""
    binaries = _server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="okr-pages-pg-"))
    # initdb refuses root: as root, the server runs as Debian's postgres user in a folder it owns.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if prefix:
        shutil.chown(folder, "postgres")
    data, log, password_file = folder / "data", folder / "server.log", folder / "password"
    password_file.write_text(PASSWORD + "\n")
    if prefix:
        shutil.chown(password_file, "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(str(binaries / "initdb"), "-D", str(data), "-U", "okr", f"--pwfile={password_file}", "--auth=scram-sha-256",
        "-E", "UTF8", "--no-locale")
    try:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -k {folder}", "start")
        url = f"postgresql+psycopg://okr:{PASSWORD}@127.0.0.1:{port}/postgres"
        _seed(url)
        yield url
    finally:
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _seed(url: str) -> None:
    import psycopg

    for _ in range(50):  # the server accepts connections a moment after pg_ctl returns
        try:
            connection = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)
            break
        except psycopg.OperationalError:
            time.sleep(0.1)
    with connection:
        connection.execute("create schema billing")
        connection.execute("create table billing.subscriptions (day date, account text, amount numeric(12, 2))")
        connection.execute("insert into billing.subscriptions values ('2026-09-03', 'a', 500000.00), "
                           "('2026-09-20', 'b', 242000.50), ('2026-10-02', 'a', 510000), ('2026-10-09', 'b', 250999.5)")


def _site(site, query: str, timeout: str = "") -> Path:
    return site({"content/kpis/mrr.md": kpi(query, source="warehouse", series="mrr.csv"),
                 "content/kpis/mrr.csv": "date,value\n2026-09,700\n"},
                config=f'title: T\nsources:\n  warehouse: {{url: "${{WAREHOUSE_URL}}"{timeout}}}\n')


MRR = ("select date_trunc('month', day)::date as date, sum(amount) / 1000 as value\n"
       "from billing.subscriptions group by 1 order by 1")


def test_refresh_from_postgres_through_warehouse_url(postgres, site, cli):
    root = _site(site, MRR)
    done = cli("refresh", root, "--as-of", AS_OF, env={"WAREHOUSE_URL": postgres})
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/mrr.csv").read_text() == "date,value\n2026-09,742.0005\n2026-10,760.9995\n"
    assert table(done)["mrr"][:5] == ["warehouse", "changed", "1", "1", "0"]
    assert PASSWORD not in done.stdout + done.stderr


def test_postgres_errors_name_the_query_line_and_never_the_password(postgres, site, cli):
    root = _site(site, "select day as date, amount as value from billing.nowhere")
    done = cli("refresh", root, "--as-of", AS_OF, env={"WAREHOUSE_URL": postgres})
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        'content/kpis/mrr.md:5:8: error: query: relation "billing.nowhere" does not exist LINE 1: select day as '
        "date, amount as value from billing.nowhere (fix the SQL and run refresh again" + LEFT)
    assert (root / "content/kpis/mrr.csv").read_text() == "date,value\n2026-09,700\n"


def test_postgres_timeout_cancels_the_query(postgres, site, cli):
    root = _site(site, "select date '2026-01-01' as date, 1 as value from pg_sleep(30)", timeout=", timeout: 1")
    started = time.monotonic()
    done = cli("refresh", root, "--as-of", AS_OF, env={"WAREHOUSE_URL": postgres})
    assert time.monotonic() - started < 15
    assert done.stderr.splitlines()[0] == (
        "content/kpis/mrr.md:5:8: error: query: timed out after 1 s (make the query faster, or raise timeout: of "
        "source 'warehouse' in okr-pages.yaml" + LEFT)


def test_wrong_password_and_unreachable_server_are_one_message_per_source(postgres, site, cli):
    root = site({"content/kpis/a.md": kpi(MRR, source="warehouse", series="a.csv"),
                 "content/kpis/b.md": kpi(MRR, source="warehouse", series="b.csv"),
                 "content/kpis/c.md": kpi(MRR, source="down", series="c.csv")},
                config='title: T\nsources:\n  warehouse: {url: "${WAREHOUSE_URL}"}\n  down: {url: "${DOWN_URL}"}\n')
    wrong = postgres.replace(PASSWORD, "not-the-Pw1")
    down = postgres.rsplit(":", 1)[0] + f":{_free_port()}/postgres"
    done = cli("refresh", root, "--as-of", AS_OF, env={"WAREHOUSE_URL": wrong, "DOWN_URL": down})
    assert done.returncode == 1
    warehouse, down_problem = done.stderr.splitlines()[:2]
    assert warehouse.startswith("okr-pages.yaml:3:14: error: sources.warehouse: cannot connect: ")
    assert 'password authentication failed for user "okr"' in warehouse
    assert down_problem.startswith("okr-pages.yaml:4:9: error: sources.down: cannot connect: ")
    assert "Connection refused" in down_problem
    assert down_problem.endswith("(check DOWN_URL and that the database is reachable; its KPIs were not refreshed)")
    assert done.stderr.count("error:") == 2
    assert {kpi_id: row[1] for kpi_id, row in table(done).items()} == {"a": "skipped", "b": "skipped",
                                                                        "c": "skipped"}
    assert PASSWORD not in done.stdout + done.stderr and "not-the-Pw1" not in done.stdout + done.stderr
