"""The kinds of source: embedded DuckDB, any SQL database through SQLAlchemy, a CSV at a URL, and the
work trackers (GitHub, Jira, Linear), whose session lives in ``trackers``.

A session is opened once per source and runs that source's KPIs one after another over one
connection. Opening fails with SourceError (one message for the source, its KPIs skipped);
a query fails with QueryError (one message for that KPI). Every text shown is redacted.
Each query is interrupted when it passes the source's ``timeout:``, and reads at most
``max_rows + 1`` rows, so a runaway result is refused without being loaded.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import importlib
import io
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, Self

from .. import __version__
from ..model.datasources import DataSource, Feed
from ..reading.datasources import csv_url_problem
from ..reading.secrets import MissingVariable, expand, redact, references, secrets_of
from .rows import Result

MAX_DOWNLOAD = 50 * 1024 * 1024  # a published KPI sheet is kilobytes; more is a wrong URL
_NOISE = re.compile(r"^\s*(\^+|\[SQL: .*|\[parameters: .*|\(Background on this error at: .*)\s*$")
INSTALL = "pip install 'okr-pages[sql]'"
MODULES = {"duckdb": "duckdb", "sql": "sqlalchemy"}  # what each kind of source imports


class SourceError(Exception):
    """A source cannot be used at all: its KPIs are skipped."""

    def __init__(self, message: str, hint: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint, self.field = message, hint, field  # field None: the source itself


class QueryError(Exception):
    """One KPI's query failed or timed out."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class Session(Protocol):
    def run(self, feed: Feed) -> tuple[Result, str, str]:
        """The result of the KPI's query or fetch, with the names of its date and value columns."""

    def close(self) -> None:
        """Release the connection."""


def missing_modules(kinds: set[str]) -> list[str]:
    """The optional modules the given kinds of source need and this Python lacks."""
    missing = []
    for kind in sorted(kinds):
        module = MODULES.get(kind)
        if module is None:
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def open_session(source: DataSource, site_dir: Path, environ: Mapping[str, str],
                 today: dt.date | None = None) -> Session:
    """Connect to a source (or fetch its CSV); SourceError with a redacted reason when it cannot. A work
    tracker's session (``trackers``) dates its one number per KPI ``today``."""
    if source.tracker:
        from .trackers import TrackerSession

        return TrackerSession(source, environ, today or dt.date.today())
    if source.kind == "duckdb":
        return DuckDBSession(source, site_dir, environ)
    if source.kind == "sql":
        return SQLSession(source, site_dir, environ)
    return CsvUrlSession(source, environ)


def database_text(error: BaseException, secrets: list[str]) -> str:
    """A database's error message on one line: carets, echoed SQL and links dropped, secrets masked."""
    lines = [line.strip() for line in str(error).splitlines()]
    text = " ".join(line for line in lines if line and not _NOISE.match(line))
    text = redact(text or type(error).__name__, secrets)
    return text if len(text) <= 500 else text[:497] + "..."


def seconds(value: float) -> str:
    """A timeout as written: 60, 0.5."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _expand(source: DataSource, environ: Mapping[str, str]) -> str:
    try:
        return expand(source.location or "", environ)
    except MissingVariable as exc:
        key = {"sql": "url", "csv_url": "csv_url"}.get(source.kind, "duckdb")
        raise SourceError(f"environment variable {exc.name} is not set",
                          f"set it before running refresh; in the workflow, pass it from a repository secret "
                          f"({exc.name}: ${{{{ secrets.{exc.name} }}}})", f"{source.field}.{key}") from None


def setting_name(source: DataSource, key: str) -> str:
    """How a message names the setting to check: the environment variables it reads, else the key."""
    names = references(source.location or "")
    return " and ".join(names) if names else f"{key}: of source '{source.name}'"


def _timeout(source: DataSource) -> QueryError:
    return QueryError(f"timed out after {seconds(source.timeout)} s",
                      f"make the query faster, or raise timeout: of source '{source.name}' in okr-pages.yaml")


class _Deadline:
    """Calls ``interrupt`` once the source's timeout has passed; says afterwards whether it did."""

    def __init__(self, timeout: float, interrupt: Callable[[], Any]) -> None:
        self.fired = False
        self._interrupt = interrupt
        self._timer = threading.Timer(timeout, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        with contextlib.suppress(Exception):  # the connection may already be gone: the query then ends anyway
            self._interrupt()

    def __enter__(self) -> Self:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


# -- DuckDB ---------------------------------------------------------------------------------------

class DuckDBSession:
    """An embedded DuckDB, in memory or on a read-only file; ``attach:`` makes SQLite and DuckDB files
    queryable as ``name.table``. Relative paths in SQL are read from the working folder, which
    refresh sets to the site folder."""

    def __init__(self, source: DataSource, site_dir: Path, environ: Mapping[str, str]) -> None:
        import duckdb

        self.source = source
        self._duckdb = duckdb
        path = None
        if source.location:
            path = _site_path(site_dir, _expand(source, environ))
            if not path.is_file():
                raise SourceError(f"database file '{source.location}' not found",
                                  "check duckdb: in okr-pages.yaml, or leave it out for an in-memory database",
                                  f"{source.field}.duckdb")
        try:
            # Locally installed extensions may load, but none is downloaded: a refresh needs no network
            # beyond its sources.
            self.connection = duckdb.connect(str(path) if path else ":memory:", read_only=path is not None,
                                             config={"autoinstall_known_extensions": False})
            for alias, file in source.attach.items():
                self._attach(alias, file, _site_path(site_dir, file))
        except duckdb.Error as exc:
            raise SourceError(f"cannot open the database: {database_text(exc, [])}",
                              "check duckdb: and attach: in okr-pages.yaml") from None

    def _attach(self, alias: str, file: str, path: Path) -> None:
        where = f"{self.source.field}.attach.{alias}"
        if not path.is_file():
            raise SourceError(f"attached file '{file}' not found", "check the path, relative to the site folder",
                              where)
        with path.open("rb") as handle:
            sqlite = handle.read(16) == b"SQLite format 3\x00"
        if not sqlite:
            self.connection.execute(f"ATTACH ? AS {_quote(alias)} (READ_ONLY)", [str(path)])
            return
        try:
            import_sqlite(self.connection, alias, path)
        except sqlite3.Error as exc:
            raise SourceError(f"cannot read attached file '{file}': {exc}", "check that it is a SQLite database",
                              where) from None

    def run(self, feed: Feed) -> tuple[Result, str, str]:
        with _Deadline(self.source.timeout, self.connection.interrupt) as deadline:
            try:
                cursor = self.connection.execute(feed.query or "")
                if cursor.description is None:
                    raise QueryError("the query returned no result", "write a select statement")
                columns = tuple(str(column[0]) for column in cursor.description)
                rows = cursor.fetchmany(self.source.max_rows + 1)
            except self._duckdb.Error as exc:
                if deadline.fired:
                    raise _timeout(self.source) from None
                raise QueryError(database_text(exc, []), "fix the SQL and run refresh again") from None
        return Result(columns, rows), feed.result_column("date"), feed.result_column("value")

    def close(self) -> None:
        self.connection.close()


def _site_path(site_dir: Path, file: str) -> Path:
    path = Path(file).expanduser()
    return path if path.is_absolute() else site_dir / path


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def import_sqlite(connection: Any, alias: str, path: Path) -> None:
    """Copy every table and view of a SQLite file (opened read-only) into an in-memory DuckDB
    catalog named ``alias``.

    DuckDB's own sqlite extension is downloaded on first use, which an offline or locked-down
    runner cannot do; Python's sqlite3 is always there. Each column becomes BIGINT, DOUBLE,
    VARCHAR or BLOB after the values it holds (SQLite dates are text: cast them in the query).
    """
    connection.execute(f"ATTACH ':memory:' AS {_quote(alias)}")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [row[0] for row in source.execute(
            "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%' "
            "order by name")]
        for table in names:
            cursor = source.execute(f"select * from {_quote(table)}")
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            values = [list(column) for column in zip(*rows)] if rows else [[] for _ in columns]
            types = [_duckdb_type(column) for column in values]
            values = [[str(v) if v is not None else None for v in column] if kind == "VARCHAR" else column
                      for column, kind in zip(values, types)]
            select = ", ".join(f"unnest(${index}::{kind}[]) AS {_quote(name)}"
                               for index, (name, kind) in enumerate(zip(columns, types), start=1))
            connection.execute(f"CREATE TABLE {_quote(alias)}.{_quote(table)} AS SELECT {select}", values)
    finally:
        source.close()


def _duckdb_type(values: list[Any]) -> str:
    kinds = {type(value) for value in values if value is not None}
    if kinds == {int}:
        return "BIGINT"
    if kinds and kinds <= {int, float}:
        return "DOUBLE"
    if kinds == {bytes}:
        return "BLOB"
    return "VARCHAR"


# -- SQLAlchemy -----------------------------------------------------------------------------------

class SQLSession:
    """Any database SQLAlchemy has a dialect for, over one connection that is never committed."""

    def __init__(self, source: DataSource, site_dir: Path, environ: Mapping[str, str]) -> None:
        import sqlalchemy as sa
        from sqlalchemy.pool import NullPool

        self.source = source
        self._sa = sa
        text = _expand(source, environ)
        self.secrets = secrets_of(text)
        variable = setting_name(source, "url")
        hint = f"check {variable} and that the database is reachable"
        try:
            url = sa.engine.make_url(text)
        except (sa.exc.ArgumentError, ValueError):
            raise SourceError("not a database URL", f"check {variable}: dialect+driver://user:password@host/database",
                              f"{source.field}.url") from None
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
                and not url.database.startswith("file:") and not Path(url.database).is_absolute():
            url = url.set(database=str(site_dir / url.database))  # like DuckDB: relative to the site folder
        connect_args: dict[str, Any] = {}
        if url.get_backend_name() in ("postgresql", "mysql", "mariadb"):
            connect_args["connect_timeout"] = max(1, round(source.timeout))
        try:
            engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
        except sa.exc.NoSuchModuleError:
            raise SourceError(f"unknown database dialect '{url.drivername}'",
                              "install the SQLAlchemy dialect for the database, or correct the URL",
                              f"{source.field}.url") from None
        except ImportError as exc:
            raise SourceError(f"the database driver is not installed ({database_text(exc, self.secrets)})",
                              "install it, e.g. pip install 'psycopg[binary]' with a postgresql+psycopg:// URL",
                              f"{source.field}.url") from None
        try:
            self.connection = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise SourceError(f"cannot connect: {database_text(exc.orig or exc, self.secrets)}", hint) from None
        except sa.exc.SQLAlchemyError as exc:
            raise SourceError(f"cannot connect: {database_text(exc, self.secrets)}", hint) from None

    def run(self, feed: Feed) -> tuple[Result, str, str]:
        raw = self.connection.connection.dbapi_connection
        cancel = getattr(raw, "cancel", None) or getattr(raw, "interrupt", None)  # psycopg, sqlite3
        try:
            with _Deadline(self.source.timeout, cancel or (lambda: None)) as deadline:
                try:
                    result = self.connection.exec_driver_sql(feed.query or "")
                    if not result.returns_rows:
                        raise QueryError("the query returned no result", "write a select statement")
                    names = result.keys()  # a Result iterates over rows, not names
                    columns = tuple(str(name) for name in names)
                    rows = [tuple(row) for row in result.fetchmany(self.source.max_rows + 1)]
                except self._sa.exc.DBAPIError as exc:
                    if deadline.fired:
                        raise _timeout(self.source) from None
                    if exc.connection_invalidated:
                        raise SourceError(f"lost the connection: {database_text(exc.orig or exc, self.secrets)}",
                                          "check that the database is reachable") from None
                    raise QueryError(database_text(exc.orig or exc, self.secrets),
                                     "fix the SQL and run refresh again") from None
                except self._sa.exc.SQLAlchemyError as exc:
                    raise QueryError(database_text(exc, self.secrets), "fix the SQL and run refresh again") from None
        finally:
            self._rollback()  # refresh only reads; a failed statement must not poison the next KPI's
        return Result(columns, rows), feed.result_column("date"), feed.result_column("value")

    def _rollback(self) -> None:
        try:
            self.connection.rollback()
        except self._sa.exc.SQLAlchemyError:
            pass

    def close(self) -> None:
        try:
            self.connection.close()
        except self._sa.exc.SQLAlchemyError:
            pass


# -- CSV at a URL ---------------------------------------------------------------------------------

class _CheckedRedirect(urllib.request.HTTPRedirectHandler):
    """Follow redirects (published sheets redirect to a content host) only to addresses a CSV may come from."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if csv_url_problem(newurl):
            raise urllib.error.URLError(f"refused a redirect to a non-https address (HTTP {code})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class CsvUrlSession:
    """A CSV published at an https URL, fetched once for all the source's KPIs."""

    def __init__(self, source: DataSource, environ: Mapping[str, str]) -> None:
        self.source = source
        url = _expand(source, environ)
        self.secrets = secrets_of(url)
        setting = setting_name(source, "csv_url")
        problem = csv_url_problem(url)
        if problem:
            raise SourceError(problem, f"check {setting}", f"{source.field}.csv_url")
        self.header, self.rows = self._parse(self._download(url, setting))

    def _download(self, url: str, where: str) -> bytes:
        opener = urllib.request.build_opener(_CheckedRedirect)
        request = urllib.request.Request(url, headers={"User-Agent": f"okr-pages/{__version__}",
                                                       "Accept": "text/csv, text/plain"})
        started = time.monotonic()
        chunks: list[bytes] = []
        size = 0
        try:
            with opener.open(request, timeout=self.source.timeout) as response:
                while chunk := response.read(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_DOWNLOAD:
                        raise SourceError("the CSV is larger than 50 MB", f"check {where}: is it the published CSV?")
                    if time.monotonic() - started > self.source.timeout:
                        raise TimeoutError
        except urllib.error.HTTPError as exc:
            raise SourceError(f"cannot fetch the CSV: HTTP {exc.code} {redact(str(exc.reason), self.secrets)}",
                              f"check {where}, and that the sheet is published") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise self._timed_out(where) from None
            raise SourceError(f"cannot fetch the CSV: {redact(str(reason), self.secrets)}",
                              f"check {where} and the network") from None
        except TimeoutError:
            raise self._timed_out(where) from None
        except OSError as exc:
            raise SourceError(f"cannot fetch the CSV: {redact(str(exc), self.secrets)}",
                              f"check {where} and the network") from None
        return b"".join(chunks)

    def _timed_out(self, where: str) -> SourceError:
        return SourceError(f"timed out after {seconds(self.source.timeout)} s fetching the CSV",
                           f"check {where}, or raise timeout: of source '{self.source.name}' in okr-pages.yaml")

    def _parse(self, data: bytes) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceError("the fetched CSV is not UTF-8 text", "publish it as CSV (UTF-8)") from None
        try:
            rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
        except csv.Error as exc:
            raise SourceError(f"the fetched CSV cannot be read: {exc}", "check that the URL gives a CSV") from None
        if not rows:
            return (), []
        header = tuple(name.strip() for name in rows[0])
        width = len(header)
        return header, [tuple(row[:width]) + ("",) * (width - len(row)) for row in rows[1:]]

    def run(self, feed: Feed) -> tuple[Result, str, str]:
        first = self.header[0] if self.header else "date"
        second = self.header[1] if len(self.header) > 1 else "value"
        date = feed.fetch_columns.get("date", first)
        value = feed.fetch_columns.get("value", second)
        return Result(self.header, self.rows[: self.source.max_rows + 1]), date, value

    def close(self) -> None:
        """Nothing to release: the CSV was read whole when the session opened."""
