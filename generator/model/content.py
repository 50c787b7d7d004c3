"""The validated model: what the content says, before any scoring.

Positions of values are kept as plain ``(line, column)`` marks, keyed by field path
(``"cycle"``, ``"key_results[1].kpi"``), so the YAML a file was read from can be dropped as soon
as the file is read, and checks across files can still point at the right place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from .datasources import DataSource, Feed

Number = int | float
Mark = tuple[int, int]  # 1-based line and column
KRType = Literal["numeric", "milestone", "binary"]
Direction = Literal["up", "down"]
Cadence = Literal["daily", "weekly", "monthly", "quarterly"]
Period = Literal["start", "end"]  # what a KPI point's date is: the start of its period, or its close


@dataclass(frozen=True)
class Cycle:
    id: str
    start: dt.date
    end: dt.date
    name: str = ""


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    parent: str | None = None
    lead: str | None = None
    lead_mark: Mark | None = field(default=None, compare=False, repr=False)  # where okr-pages.yaml names the lead

    @property
    def url(self) -> str:
        return f"teams/{self.id}/"


@dataclass(frozen=True)
class CheckIn:
    date: dt.date
    value: Number | None = None
    confidence: Number | None = None
    note: str | None = None
    path: str = field(default="", compare=False)  # where it is written: "key_results[0].checkins[2]"


@dataclass(frozen=True)
class Milestone:
    title: str
    done: bool = False
    weight: Number = 1


@dataclass(frozen=True)
class KeyResult:
    id: str
    title: str
    type: KRType
    weight: Number = 1
    baseline: Number | None = None
    target: Number | None = None
    unit: str | None = None
    current: Number | None = None
    kpi: str | None = None
    checkins: tuple[CheckIn, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    done: bool | None = None
    path: str = field(default="", compare=False)  # where it is written: "key_results[1]"
    owner: str | None = None  # as written; None: the objective's owner (SPEC §9)


@dataclass(frozen=True)
class Link:
    """A relative link or image in a Markdown body, resolved against the other content files."""

    target: str  # path below the content folder, normalised: "okrs/2026-Q4/x.md"
    written: str  # the path as written in the Markdown, for messages
    line: int
    image: bool = False
    href: str = ""  # the whole URL as the HTML would hold it, kept when the target is no page
    fragment: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Body:
    """A Markdown body compiled once, when its file is read: HTML whose relative links are slots
    (``\\x00<n>\\x00``, a character Markdown never lets through) filled per page with the link's
    URL relative to that page; its headings; its links."""

    html: str = ""
    toc: tuple[Heading, ...] = ()
    links: tuple[Link, ...] = ()


class _Written:
    """What every content item has: a compiled body, and its links."""

    compiled: Body

    @property
    def links(self) -> tuple[Link, ...]:
        return self.compiled.links


class _Marked(_Written):
    """An item read from front matter (an objective, a KPI): the places its fields were written."""

    marks: dict[str, Mark]

    def mark(self, path: str, default: str = "title") -> Mark:
        """Where a field was written; the title's place (or the top of the file) when it was not."""
        return self.marks.get(path) or self.marks.get(default) or (1, 1)


@dataclass(frozen=True)
class Objective(_Marked):
    id: str
    title: str
    cycle: str
    team: str | None
    owner: str | None
    aligns_to: str | None
    commitment: Literal["aspirational", "committed"]
    key_results: tuple[KeyResult, ...]
    body: str = ""
    source: str = ""  # file path shown in messages
    declared_key_results: int = 0  # as written, counting those dropped for errors
    body_line: int = 1
    marks: dict[str, Mark] = field(default_factory=dict, compare=False, hash=False)
    compiled: Body = field(default_factory=Body, compare=False)
    # Closing a cycle (SPEC §10): a reviewed final score, what was learnt, and the objectives before
    # and after this one.
    final_score: Number | None = None
    retrospective: str | None = None  # Markdown, as written
    retro: Body = field(default_factory=Body, compare=False)  # the retrospective, compiled once
    next: str | None = None
    previous: str | None = None
    checkin_every: int | None = None  # days between check-ins; None: the config's (SPEC §9)
    front_digest: str = field(default="", compare=False, repr=False)  # of the front matter text alone

    @property
    def links(self) -> tuple[Link, ...]:
        """Relative links of the body and the retrospective, for link checks and fingerprints."""
        return self.compiled.links + self.retro.links if self.retro.links else self.compiled.links

    @property
    def url(self) -> str:
        return f"okrs/{self.id}/"


def kr_ref(objective_id: str, kr_id: str) -> str:
    """A key result's reference, ``objective-id#kr-id``, as ``checkin`` takes it and the API writes it."""
    return f"{objective_id}#{kr_id}"


def split_kr_ref(ref: str) -> tuple[str, str]:
    """``(objective id, key result id)`` of a reference: split at its last '#', since a key result's
    id never holds one and an objective's id (its file name) may."""
    objective_id, _, kr_id = ref.rpartition("#")
    return objective_id, kr_id


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: Number
    # Written as a month (2026-11), not a day: shown as a month. Scoring reads only the date (its first day).
    month: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Thresholds:
    green: Number
    yellow: Number


@dataclass(frozen=True)
class KPI(_Marked):
    id: str
    title: str
    team: str | None
    owner: str | None
    unit: str | None
    direction: Direction
    target: Number | None
    thresholds: Thresholds | None
    cadence: Cadence
    series: tuple[Point, ...]  # sorted by date
    body: str = ""
    source: str = ""
    body_line: int = 1
    period: Period = "start"  # end: a month-dated point is the close of the month before (shown as that month)
    series_file: str | None = None  # the CSV's path, when the series lives in one
    feed: Feed | None = None  # where okr-pages refresh takes the values from (SPEC §8)
    marks: dict[str, Mark] = field(default_factory=dict, compare=False, hash=False)
    compiled: Body = field(default_factory=Body, compare=False)

    @property
    def url(self) -> str:
        return f"kpis/{self.id}/"


@dataclass(frozen=True)
class Page(_Written):
    id: str
    title: str
    order: Number | None
    body: str
    source: str
    body_line: int = 1
    compiled: Body = field(default_factory=Body, compare=False)

    @property
    def url(self) -> str:
        folder = self.id.removesuffix("index").rstrip("/")
        return f"{folder}/" if folder else ""


@dataclass(frozen=True)
class Bands:
    yellow: Number = 0.4
    green: Number = 0.7


@dataclass(frozen=True)
class PaceLimits:
    at_risk: Number = -0.15
    off_track: Number = -0.3


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may ask of a build (``limits:`` in okr-pages.yaml): file sizes are
    checked before a file is read, text lengths when it is read, messages when they are shown."""

    markdown: int = 5_000_000  # bytes of one Markdown file
    csv: int = 50_000_000  # bytes of one CSV file
    title: int = 500  # characters of a title or a name
    text: int = 10_000  # characters of any other text field (owner, note, unit, query)
    messages: int = 20  # problems shown per file; the rest are counted in one "and K more" line
    # The host's limits (SPEC §13): a build past one still works, and warns.
    site_files: int = 20_000  # files in the output
    site_bytes: int = 1_000_000_000  # bytes of the output
    file_bytes: int = 25 * 1024 * 1024  # bytes of one output file


@dataclass(frozen=True)
class Config:
    title: str = "OKRs"
    base_url: str = "/"
    content_dir: str = "content"
    cycles: tuple[Cycle, ...] = ()
    teams: tuple[Team, ...] = ()
    bands: Bands = field(default_factory=Bands)
    pace: PaceLimits = field(default_factory=PaceLimits)
    markdown_html: bool = False
    charts: Literal["js", "svg"] = "js"
    sources: tuple[DataSource, ...] = ()  # as listed under sources:, invalid ones marked
    limits: Limits = field(default_factory=Limits)
    # ids of cycle entries written with errors (reported in okr-pages.yaml): content naming them is
    # not reported again as naming an unknown cycle.
    broken_cycles: frozenset[str] = frozenset()
    # SPEC §9, reader views
    checkin_every: int = 14  # days: a key result of a running cycle not updated for longer is overdue
    changes_window: int = 7  # days: the changes page compares the site with itself this long ago
    repo_url: str | None = None  # https://github.com/acme/okrs: edit and history links
    edit_uri: str | None = None  # below repo_url (or a whole URL): edit/main/ on GitHub
    history_uri: str | None = None  # below repo_url: commits/main/ on GitHub; derived from edit_uri when absent
    people: tuple[str, ...] = ()  # names known to be right: never reported as near-duplicates
    language: str = "en"  # SPEC §11: the UI's words and the locale of numbers and dates (BCP 47: de, de-CH)


@dataclass(frozen=True)
class Site:
    """Everything one build reads, validated and cross-referenced."""

    config: Config
    cycles: dict[str, Cycle]  # ordered by start date
    teams: dict[str, Team]  # in config order, then teams first seen in content
    objectives: dict[str, Objective]  # ordered by id
    kpis: dict[str, KPI]  # ordered by id
    pages: tuple[Page, ...]  # ordered by (order, title)
    files: tuple[str, ...] = ()  # other files below content/ (images, downloads), published as they are


ContentItem = Objective | KPI | Page  # anything with a source file, a body and a URL
