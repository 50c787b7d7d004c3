"""Validation of ``sources:`` in okr-pages.yaml and of a KPI's ``source:``, ``query:`` and ``fetch:``.

Everything here runs in ``check`` and ``build``: it reads the declarations and never connects.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Iterable
from typing import Any

import yaml

from ..diagnostics import Diagnostic, did_you_mean
from ..model.datasources import (
    DEFAULT_MAX_ROWS,
    DEFAULT_RETRIES,
    DEFAULT_SOURCE,
    DEFAULT_TIMEOUT,
    TRACKER_REQUESTS,
    TRACKERS,
    DataSource,
    Feed,
    SourceKind,
    default_source,
)
from .fields import Record, Source
from .secrets import literal_secret, malformed_reference, references

_KIND_KEYS: tuple[tuple[str, SourceKind], ...] = (("duckdb", "duckdb"), ("url", "sql"), ("csv_url", "csv_url"),
                                                  ("github", "github"), ("jira", "jira"), ("linear", "linear"))
_MILESTONE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#.+$")
MAX_RETRIES = 10
ENV_HINT = "put it in an environment variable and write url: ${WAREHOUSE_URL}"


def read_sources(src: Source, record: Record | None) -> tuple[DataSource, ...]:
    """The sources under ``sources:``, every problem reported through ``src``.

    A source's kind is the key it has: ``url`` (SQLAlchemy), ``csv_url``, else DuckDB (``duckdb:``
    names its file; without it the database is in memory).
    """
    if record is None:
        return ()
    found = []
    for name in record.nodes:
        item = record.values.get(name)
        source = _read_source(src, name, item) if item is not None else None
        # Kept, marked invalid, so KPIs naming it are not also told the source is unknown.
        found.append(source or DataSource(name, "duckdb", valid=False, mark=src.position(record.nodes[name])))
    return tuple(found)


def _read_source(src: Source, name: str, item: Record) -> DataSource | None:
    keys = [(key, kind) for key, kind in _KIND_KEYS if key in item.nodes]
    if len(keys) > 1:
        second = keys[1][0]
        src.error(item.node_of(second), item.field_path(second),
                  f"a source is of one kind: {keys[0][0]}: or {second}:, not both",
                  "make them two sources with their own names")
        return None
    key, kind = keys[0] if keys else ("duckdb", "duckdb")
    location = item.get(key)
    if key in item.invalid:
        return None
    if kind != "duckdb" and "attach" in item.nodes:
        src.error(item.node_of("attach"), item.field_path("attach"), "attach: is for DuckDB sources",
                  f"remove it, or attach the files in a DuckDB source and query them there instead of {key}:")
        return None
    if kind in TRACKERS:
        return _read_tracker(src, name, item, key, kind, location)
    for tracker_key in ("token", "user", "retries"):
        if tracker_key in item.nodes:
            src.error(item.node_of(tracker_key), item.field_path(tracker_key),
                      f"{tracker_key}: is for github, jira and linear sources", "remove it")
            return None
    if kind != "duckdb":
        if location is None or not str(location).strip():
            src.error(item.node_of(key), item.field_path(key), f"{key}: is empty",
                      "write ${VARIABLE} to read it from the environment")
            return None
        if not _valid_location(src, item, key, str(location)):
            return None
    elif location is not None and malformed_reference(str(location)):
        src.error(item.node_of(key), item.field_path(key), "malformed ${...} reference",
                  "write ${NAME} with letters, digits and '_'")
        return None
    max_rows, timeout = item.get("max_rows", DEFAULT_MAX_ROWS), item.get("timeout", DEFAULT_TIMEOUT)
    if max_rows < 1 or (isinstance(max_rows, float) and not max_rows.is_integer()):
        src.error(item.node_of("max_rows"), item.field_path("max_rows"),
                  f"expected a whole number above 0, got {max_rows}", "write a number of rows such as 100000")
        return None
    if timeout <= 0:
        src.error(item.node_of("timeout"), item.field_path("timeout"),
                  f"expected a number of seconds above 0, got {timeout}", "write a timeout such as 120")
        return None
    if "timeout" in item.invalid or "max_rows" in item.invalid or "attach" in item.invalid:
        return None
    attach = item.get("attach")
    return DataSource(
        name=name, kind=kind,
        location=None if location in (None, ":memory:") else str(location),
        attach=dict(attach.values) if attach is not None else {},
        timeout=float(timeout), max_rows=int(max_rows),
        mark=src.position(item.node), location_mark=src.position(item.node_of(key)),
    )


def _read_tracker(src: Source, name: str, item: Record, key: str, kind: SourceKind, location: object) -> DataSource | None:
    """A github, jira or linear source: its API's base URL, its token (only ever ``${VAR}``), its settings."""
    if "attach" in item.nodes:
        src.error(item.node_of("attach"), item.field_path("attach"), "attach: is for DuckDB sources", "remove it")
        return None
    url = str(location).strip() if location is not None else ""
    if not url and kind == "jira":
        src.error(item.node_of(key), item.field_path(key), "jira: is empty",
                  "write the site's address, e.g. jira: https://acme.atlassian.net")
        return None
    if url and not _valid_location(src, item, key, url):
        return None
    token = item.get("token")
    token_node = item.node_of("token")
    if "token" in item.invalid:
        return None
    if token is None and kind != "github":
        src.error(item.node, item.field_path("token"), f"missing required field 'token' for a {kind} source",
                  f"add token: ${{{kind.upper()}_TOKEN}} and set that variable where refresh runs")
        return None
    if token is not None:
        text = str(token).strip()
        if malformed_reference(text):
            src.error(token_node, item.field_path("token"), "malformed ${...} reference",
                      "write ${NAME} with letters, digits and '_'")
            return None
        if not references(text) or references(text) != [text[2:-1]] or not text.startswith("${"):
            src.error(token_node, item.field_path("token"),
                      "a token is written in okr-pages.yaml: secrets must stay out of the repository",
                      f"put it in an environment variable and write token: ${{{kind.upper()}_TOKEN}}")
            return None
    if "user" in item.nodes and kind != "jira":
        src.error(item.node_of("user"), item.field_path("user"), "user: is for jira sources",
                  "remove it: GitHub and Linear read the account from the token")
        return None
    retries = item.get("retries", DEFAULT_RETRIES)
    if "retries" in item.invalid:
        return None
    if isinstance(retries, bool) or not float(retries).is_integer() or not 0 <= retries <= MAX_RETRIES:
        src.error(item.node_of("retries"), item.field_path("retries"),
                  f"expected a whole number from 0 to {MAX_RETRIES}, got {retries}", "write a number such as 3")
        return None
    timeout = item.get("timeout", DEFAULT_TIMEOUT)
    if "timeout" in item.invalid:
        return None
    if timeout <= 0:
        src.error(item.node_of("timeout"), item.field_path("timeout"),
                  f"expected a number of seconds above 0, got {timeout}", "write a timeout such as 30")
        return None
    user = item.get("user")
    return DataSource(
        name=name, kind=kind, location=url or None, timeout=float(timeout),
        mark=src.position(item.node), location_mark=src.position(item.node_of(key)),
        token=str(token).strip() if token is not None else None,
        user=str(user).strip() if user is not None else None, retries=int(retries),
        token_mark=src.position(token_node),
    )


def _valid_location(src: Source, item: Record, key: str, text: str) -> bool:
    """A URL as written: well-formed ${...}, no secret in it, and a scheme that fits its kind."""
    node, path = item.node_of(key), item.field_path(key)
    if malformed_reference(text):
        src.error(node, path, "malformed ${...} reference", "write ${NAME} with letters, digits and '_'")
        return False
    secret = literal_secret(text)
    if secret is not None:
        src.error(node, path, f"{secret} is written in okr-pages.yaml: secrets must stay out of the repository",
                  ENV_HINT if key == "url" else "put the URL in an environment variable: csv_url: ${SHEET_CSV_URL}")
        return False
    if references(text) and text.startswith("${"):
        return True  # the whole scheme comes from the environment: checked when refresh runs
    if key == "url" and "://" not in text:
        src.error(node, path, "not a database URL",
                  "write dialect+driver://user@host/database, e.g. postgresql+psycopg://..., or ${VARIABLE}")
        return False
    if key == "csv_url":
        problem = csv_url_problem(text)
        if problem:
            src.error(node, path, problem, "publish the CSV at an https:// address")
            return False
    if key in TRACKERS:
        problem = csv_url_problem(text)
        if problem:
            src.error(node, path, problem.replace("the CSV could be altered on its way", "the token and the answers could be read or altered on their way"),
                      f"write the API's https:// address, e.g. {_EXAMPLE_URLS[key]}")
            return False
    return True


_EXAMPLE_URLS = {"github": "https://api.github.com", "jira": "https://acme.atlassian.net",
                 "linear": "https://api.linear.app/graphql"}


def csv_url_problem(url: str) -> str | None:
    """Why a CSV URL may not be fetched, or None: https, or plain http to this machine only."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host:
        if host == "localhost" or _loopback(host):
            return None
        return "plain http:// is refused: the CSV could be altered on its way"
    return f"expected an https:// URL, got a '{parts.scheme or 'relative'}' address"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_feed(src: Source, record: Record) -> Feed | None:
    """A KPI's ``source:``, ``query:`` and ``fetch:``, or None when it has none of them."""
    present = [key for key in ("query", "fetch", "source") if key in record.values or key in record.invalid]
    if not present:
        return None
    if "query" in record.values and "fetch" in record.values:
        src.error(record.node_of("fetch"), "fetch", "a KPI takes query: or fetch:, not both",
                  "keep query: for a SQL source, fetch: for a csv_url source")
    query = record.get("query")
    if query is not None and not str(query).strip():
        src.error(record.node_of("query"), "query", "query is empty", "write SQL returning a date and a value column")
    series = record.nodes.get("series")
    if series is not None and not isinstance(series, yaml.ScalarNode):
        src.error(series, "series", "refresh writes the query's values into a CSV, not into the front matter",
                  "name a CSV file beside the KPI, e.g. series: mrr.csv")
    fetch = record.get("fetch")
    fetch_columns = fetch.get("columns") if fetch is not None else None
    request = {key: str(fetch.get(key)).strip() for key in ("milestone", "issues", "jql", "project")
               if fetch is not None and fetch.get(key) is not None}
    columns = record.get("columns")
    where = next(key for key in ("query", "fetch", "source") if key in present)
    return Feed(
        source=record.get("source", DEFAULT_SOURCE),
        query=str(query) if query is not None else None,
        fetch_columns=dict(fetch_columns.values) if fetch_columns is not None else {},
        columns={key: str(value) for key, value in columns.values.items()} if columns is not None else {},
        fetch="fetch" in record.values,
        request=request,
        mark=src.position(record.node_of(where)),
        source_mark=src.position(record.node_of("source")),
    )


def sources_by_name(sources: Iterable[DataSource]) -> dict[str, DataSource]:
    """The configured sources by name, with the default ``local`` DuckDB unless the config defines it."""
    table = {source.name: source for source in sources}
    table.setdefault(DEFAULT_SOURCE, default_source())
    return table


def check_feeds(sources: tuple[DataSource, ...], kpis: Iterable[Any]) -> list[Diagnostic]:
    """Cross-checks of each KPI's feed against the sources: the source exists and takes its kind of request."""
    table = sources_by_name(sources)
    problems = []
    for kpi in kpis:
        feed: Feed | None = kpi.feed
        if feed is not None:
            problems += [Diagnostic(kpi.source, mark[0], mark[1], "error", field, message, hint)
                         for mark, field, message, hint in _feed_problems(feed, table)]
    return problems


def _feed_problems(feed: Feed, table: dict[str, DataSource]) -> list[tuple[tuple[int, int], str, str, str]]:
    source = table.get(feed.source)
    if source is None:
        return [(feed.source_mark, "source", f"unknown source '{feed.source}'",
                 did_you_mean(feed.source, table) or "add it under sources: in okr-pages.yaml")]
    if not source.valid:
        return []  # its problem is reported in okr-pages.yaml
    if source.kind in TRACKERS:
        return _tracker_problems(feed, source)
    if feed.request:
        key = next(iter(feed.request))
        return [(feed.mark, f"fetch.{key}", (f"fetch: {key}: is for a work tracker; source '{source.name}' is "
                 f"{'a published CSV' if source.kind == 'csv_url' else 'a database'}"),
                 "name a github, jira or linear source under source:")]
    if source.kind == "csv_url":
        if feed.query is not None:
            return [(feed.mark, "query", f"source '{source.name}' is a published CSV: it is fetched, not queried",
                     "replace query: with fetch: {columns: {date: ..., value: ...}}")]
    elif feed.fetch and feed.query is None:
        return [(feed.mark, "fetch", f"fetch: is for csv_url sources; source '{source.name}' takes a query:",
                 "replace fetch: with query: and SQL returning a date and a value column")]
    elif feed.query is None:
        return [(feed.mark, "", "missing required field 'query'",
                 "add 'query:' with SQL returning a date and a value column")]
    return []


def _tracker_problems(feed: Feed, source: DataSource) -> list[tuple[tuple[int, int], str, str, str]]:
    """A KPI read from a github, jira or linear source says what to count with one fetch: key of its kind."""
    keys = TRACKER_REQUESTS[source.kind]
    wanted = " or ".join(f"fetch: {{{key}: ...}}" for key in keys)
    if feed.query is not None:
        name = {"github": "GitHub", "jira": "Jira", "linear": "Linear"}[source.kind]
        return [(feed.mark, "query", f"source '{source.name}' is a {name} source: it is asked, not queried",
                 f"replace query: with {wanted}")]
    if not feed.request:
        return [(feed.mark, "fetch", f"say what to read from source '{source.name}' ({source.kind})",
                 f"write {wanted}")]
    if len(feed.request) > 1:
        return [(feed.mark, "fetch", f"fetch: asks one thing, not {' and '.join(feed.request)}",
                 "make them two KPIs")]
    key, value = next(iter(feed.request.items()))
    if key not in keys:
        return [(feed.mark, f"fetch.{key}", f"fetch: {key}: is not something a {source.kind} source answers",
                 f"write {wanted}")]
    if not value:
        return [(feed.mark, f"fetch.{key}", f"fetch: {key}: is empty", f"write {wanted}")]
    if key == "milestone" and not _MILESTONE.match(value):
        return [(feed.mark, "fetch.milestone", f"expected OWNER/REPO#NUMBER, got '{value}'",
                 "write the repository and the milestone's number (or its title after #), e.g. acme/app#12")]
    return []
