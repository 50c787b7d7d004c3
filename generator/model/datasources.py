"""What okr-pages.yaml says about data sources, and what a KPI says about where its values come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SourceKind = Literal["duckdb", "sql", "csv_url", "github", "jira", "linear"]
TRACKERS: tuple[SourceKind, ...] = ("github", "jira", "linear")  # work trackers, asked over their HTTP APIs
TRACKER_REQUESTS: dict[str, tuple[str, ...]] = {"github": ("milestone", "issues"), "jira": ("jql",),
                                               "linear": ("project",)}  # the fetch: keys each kind answers
DEFAULT_API_URLS = {"github": "https://api.github.com", "linear": "https://api.linear.app/graphql"}
DEFAULT_RETRIES = 3  # tracker requests answered 429 or 5xx are tried this many times more
DEFAULT_SOURCE = "local"  # the embedded DuckDB, in memory unless okr-pages.yaml gives it a file
DEFAULT_TIMEOUT = 60.0  # seconds
DEFAULT_MAX_ROWS = 100_000


@dataclass(frozen=True)
class DataSource:
    """One named source under ``sources:``.

    ``location`` is as written, with any ``${VAR}`` left unexpanded: the DuckDB file (None for
    in memory), the SQLAlchemy URL, or the CSV's URL.
    """

    name: str
    kind: SourceKind
    location: str | None = None
    attach: dict[str, str] = field(default_factory=dict)  # DuckDB: alias -> SQLite or DuckDB file
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    mark: tuple[int, int] = (1, 1)  # line and column of the source in okr-pages.yaml
    location_mark: tuple[int, int] = (1, 1)  # of its duckdb:, url: or csv_url: value
    configured: bool = True  # False for the implicit default source
    valid: bool = True  # False when okr-pages.yaml has an error in it (reported there)
    token: str | None = None  # trackers: the API token as written, always ${VAR}
    user: str | None = None  # jira: the account's e-mail for Jira Cloud's basic auth (None: a bearer token)
    retries: int = DEFAULT_RETRIES
    token_mark: tuple[int, int] = (1, 1)

    @property
    def tracker(self) -> bool:
        return self.kind in TRACKERS

    @property
    def field(self) -> str:
        """The field path used in messages about this source."""
        return f"sources.{self.name}"


def default_source() -> DataSource:
    """The source a KPI without ``source:`` uses when okr-pages.yaml does not define ``local``."""
    return DataSource(DEFAULT_SOURCE, "duckdb", configured=False)


@dataclass(frozen=True)
class Feed:
    """Where a KPI's values come from: a query on a source, or a fetched CSV's columns."""

    source: str
    query: str | None = None
    fetch_columns: dict[str, str] = field(default_factory=dict)  # columns of the fetched CSV
    columns: dict[str, str] = field(default_factory=dict)  # the KPI's columns: (result and CSV names)
    fetch: bool = False  # the KPI has fetch:
    request: dict[str, str] = field(default_factory=dict)  # a tracker's fetch: milestone, issues, jql or project
    mark: tuple[int, int] = (1, 1)  # line and column of query: (else fetch:, else source:)
    source_mark: tuple[int, int] = (1, 1)

    @property
    def field(self) -> str:
        """The field path of the query or fetch, used in messages."""
        return "fetch" if self.query is None and self.fetch else "query"

    def result_column(self, role: str) -> str:
        """The name of the query result's date or value column: as for a CSV's ``columns:``."""
        return self.columns.get(role, role)
