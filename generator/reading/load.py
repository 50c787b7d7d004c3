"""A site folder → the validated, cross-referenced model, with every problem as a diagnostic.

Reading goes file by file (``items``), then across files (``references``). A file whose bytes
(and the CSV it reads) are unchanged since the last build is not read again: its validated item
and problems come from the build record (``previous``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..model.content import KPI, Config, Limits, Objective, Page, Site
from ..parallel import fork_map, split, workers
from . import references
from .config import load_config
from .datasources import check_feeds
from .documents import KIND_FOLDERS, load_document
from .files import FileEntry, Refused, Stamp, read_regular, too_large, walk
from .hostlimits import host_limit_warnings
from .items import ItemResult, default_id, read_item

PARALLEL_READ = 300  # below this many files to parse, forking costs more than it saves


def digest(data: bytes) -> str:
    """A file's fingerprint: 128 bits of BLAKE2b."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class ReadFile:
    """One content Markdown file as read: its stamp and digest, what it gave, and the other files
    (a KPI's CSV) it read, each with the digest it had; reused while all of them are unchanged."""

    stamp: Stamp
    digest: str
    result: ItemResult
    reads: tuple[tuple[str, str], ...] = ()  # (site-relative path, digest)

    @property
    def fingerprint(self) -> str:
        """The digest of everything the item was made from."""
        if not self.reads:
            return self.digest
        return digest("|".join([self.digest, *(d for _, d in self.reads)]).encode())


@dataclass
class Loaded:
    """The result of reading a site: the model, every diagnostic, and what each file gave."""

    site: Site
    problems: list[Diagnostic]
    files: dict[str, ReadFile] = field(default_factory=dict)  # site-relative path of each .md file
    assets: dict[str, tuple[Stamp, str]] = field(default_factory=dict)  # other files: stamp, digest
    content_dir: str = "content"
    markdown_html: bool = False  # how bodies were compiled
    limits: Limits = field(default_factory=Limits)  # what files were read under


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    A build allocates a few objects per YAML value and keeps most of them, free of cycles; the
    collector's repeated full passes over them cost as much as parsing (1,000 objectives:
    0.7 s with it paused, 1.4 s without). Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Digests:
    """Digests of the site's files, computed at most once each, from bytes read at most once.

    A Markdown or CSV file larger than its limit is never read: its digest is made from its stamp."""

    def __init__(self, entries: dict[str, FileEntry], previous: dict[str, tuple[Stamp, str]],
                 site_dir: Path, limits: Limits) -> None:
        self.entries = entries
        self.previous = previous
        self.site_dir = site_dir
        self.limits = limits
        self.known: dict[str, str] = {}
        self.last: tuple[str, bytes] | None = None

    def limit(self, rel: str) -> tuple[int, str, str]:
        """The largest size a file may have, what it is called in messages, and its setting."""
        if rel.endswith(".md"):
            return self.limits.markdown, "Markdown file", "markdown"
        if rel.lower().endswith(".csv"):
            return self.limits.csv, "CSV file", "csv"
        return sys.maxsize, "file", ""

    def of(self, rel: str) -> str | None:
        """A file's digest, trusted from the last build while its stamp is the same."""
        if rel in self.known:
            return self.known[rel]
        entry = self.entries.get(rel)
        if entry is None:
            return None
        last = self.previous.get(rel)
        if last is not None and last[0] == entry.stamp:
            self.known[rel] = last[1]
            return last[1]
        try:
            self.read(rel)
        except Refused:
            pass
        return self.known.get(rel)

    def read(self, rel: str) -> bytes:
        """A file's bytes; its digest becomes known. Raises Refused when it cannot be read."""
        if self.last is not None and self.last[0] == rel:
            return self.last[1]  # read a moment ago to compare its digest
        entry = self.entries[rel]  # every caller reads only files the walk found
        limit, what, key = self.limit(rel)
        if entry.size > limit:  # from the walk's stat: the file is not opened at all
            self.known[rel] = f"over-limit:{entry.stamp}"
            raise too_large(entry.size, limit, what, key)
        try:
            data = read_regular(entry.path, self.site_dir, limit, what, key)
        except Refused:
            self.known[rel] = f"unreadable:{entry.stamp}"
            raise
        self.known[rel] = digest(data)
        self.last = (rel, data)
        return data


def load_site(site_dir: Path, overrides: Mapping[str, str] | None = None,
              previous: Loaded | None = None, jobs: int | None = None) -> Loaded:
    """Read config and content, validate every field and every reference.

    ``previous`` is the last build's result for the same site (from the build record): files
    whose stamp or digest is unchanged are not parsed again. ``jobs`` caps the processes that
    parse in parallel (default: one per CPU)."""
    with gc_paused():
        return _load_site(site_dir, overrides, previous, jobs)


def _load_site(site_dir: Path, overrides: Mapping[str, str] | None, previous: Loaded | None,
               jobs: int | None) -> Loaded:
    config, problems = load_config(site_dir, overrides)
    content_dir = site_dir / config.content_dir
    content_rel = os.path.normpath(config.content_dir).replace(os.sep, "/")
    if not content_dir.is_dir():
        problems.append(Diagnostic(config.content_dir, 1, 1, "error", "content_dir",
                                   f"content folder '{config.content_dir}' not found in {site_dir}",
                                   "create content/okrs/ and content/kpis/, or run okr-pages in the site's folder"))
        return Loaded(_empty_site(config), problems, content_dir=content_rel)
    if previous is not None and (previous.content_dir, previous.markdown_html, previous.limits) != (
            content_rel, config.markdown_html, config.limits):
        previous = None  # every path below the content folder changed, or every file reads differently
    entries, walk_problems = walk(content_dir, site_dir)
    problems.extend(walk_problems)
    by_rel = {f"{content_rel}/{entry.rel}": entry for entry in entries}
    old_files = previous.files if previous else {}
    stamps: dict[str, tuple[Stamp, str]] = dict(previous.assets) if previous else {}
    stamps.update({rel: (read.stamp, read.digest) for rel, read in old_files.items()})
    digests = _Digests(by_rel, stamps, site_dir, config.limits)

    reused: dict[str, ReadFile | None] = {}  # in the walk's order; None: to be read
    assets: dict[str, tuple[Stamp, str]] = {}
    other_files: list[str] = []
    for rel, entry in by_rel.items():
        if not rel.endswith(".md"):
            other_files.append(entry.rel)
            continue
        reused[rel] = _reuse(old_files.get(rel), rel, entry, digests)
    todo = [rel for rel, read in reused.items() if read is None]
    # Parse what changed: split over forked workers when there is enough of it (a cold read).
    parts = workers(jobs) if len(todo) >= PARALLEL_READ else 1
    fresh: dict[str, ReadFile] = {}
    for done, learnt in fork_map(lambda chunk: _read_files(chunk, digests, content_rel, config),
                                split(todo, parts)):
        fresh.update(done)
        digests.known.update(learnt)
    kept = {rel: read or fresh[rel] for rel, read in reused.items()}
    objectives: list[Objective] = []
    kpis: list[KPI] = []
    pages: list[Page] = []
    for read in kept.values():
        problems.extend(read.result.problems)
        item = read.result.item
        if isinstance(item, Objective):
            objectives.append(item)
        elif isinstance(item, KPI):
            kpis.append(item)
        elif isinstance(item, Page):
            pages.append(item)
    for rel in other_files:
        full = f"{content_rel}/{rel}"
        known = digests.of(full)
        if known is not None:
            assets[full] = (by_rel[full].stamp, known)
    # Files published as they are (images, downloads) past the host's limit on one file; one too large
    # to be read at all (a CSV past limits.csv) is an error already.
    published = {full: by_rel[full].size for full in (f"{content_rel}/{rel}" for rel in other_files)}
    problems.extend(host_limit_warnings({full: size for full, size in published.items()
                                         if size <= digests.limit(full)[0]}, config.limits, "", everything=False))
    site = _cross_check(config, objectives, kpis, pages, other_files, problems, _unreadable(kept, content_rel))
    return Loaded(site, problems, kept, assets, content_rel, config.markdown_html, config.limits)


def _read_files(rels: list[str], digests: _Digests, content_rel: str,
                config: Config) -> tuple[dict[str, ReadFile], dict[str, str]]:
    """Parse and validate some Markdown files; with the digests learnt on the way (of CSVs read)."""
    def read_other(rel: str) -> tuple[bytes | None, Diagnostic | None]:
        if rel not in digests.entries:
            return None, None
        try:
            return digests.read(rel), None
        except Refused as refused:
            return None, Diagnostic(rel, 1, 1, "error", "", refused.message, refused.hint)

    done: dict[str, ReadFile] = {}
    for rel in rels:
        entry = digests.entries[rel]
        try:
            data = digests.read(rel)
        except Refused as refused:
            result = ItemResult(None, [Diagnostic(rel, 1, 1, "error", "", refused.message, refused.hint)])
        else:
            document, problem = load_document(data, rel, unicodedata.normalize("NFC", rel[len(content_rel) + 1:]))
            if document is None:
                result = ItemResult(None, [problem] if problem else [])
            else:
                result = read_item(document, content_rel, read_other, config.markdown_html, config.limits)
        reads = tuple((other, digests.known.get(other) or "") for other in result.reads)
        done[rel] = ReadFile(entry.stamp, digests.known[rel], result, reads)
    return done, dict(digests.known)


def _reuse(old: ReadFile | None, rel: str, entry: FileEntry, digests: _Digests) -> ReadFile | None:
    """The last build's reading of a file, if the file and everything it read are unchanged."""
    if old is None:
        return None
    if old.stamp != entry.stamp:  # touched: still the same if its bytes are
        if digests.of(rel) != old.digest:
            return None
        old = ReadFile(entry.stamp, old.digest, old.result, old.reads)
    for other, other_digest in old.reads:
        if (digests.of(other) or "") != other_digest:
            return None
    return old


def _unreadable(files: dict[str, ReadFile], content_rel: str) -> set[str]:
    """The ids that objective and KPI files which could not be read would have had (from their
    paths): a reference to one of them is not reported again as unknown in every file that makes it."""
    ids = set()
    for rel, read in files.items():
        if read.result.item is None:
            below = unicodedata.normalize("NFC", rel[len(content_rel) + 1:])
            kind = KIND_FOLDERS.get(below.split("/", 1)[0])
            if kind is not None:
                ids.add(f"{kind}:{default_id(below, kind)}")
    return ids


def _cross_check(config: Config, objectives: list[Objective], kpis: list[KPI], pages: list[Page],
                 other_files: list[str], problems: list[Diagnostic],
                 unreadable: set[str] | frozenset[str] = frozenset()) -> Site:
    problems.extend(check_feeds(config.sources, kpis))
    objective_table: dict[str, Objective] = references.unique(objectives, "objective", problems)  # type: ignore[assignment]
    kpi_table: dict[str, KPI] = references.unique(kpis, "KPI", problems)  # type: ignore[assignment]
    page_table: dict[str, Page] = references.unique(pages, "page", problems)  # type: ignore[assignment]
    cycles = references.resolve_cycles(config, objective_table, problems)
    teams = references.resolve_teams(config, [*objective_table.values(), *kpi_table.values()], problems)
    references.check_objectives(objective_table, kpi_table, cycles, problems, unreadable)
    site = Site(
        config=config,
        cycles=cycles,
        teams=teams,
        objectives={oid: objective_table[oid] for oid in sorted(objective_table)},
        kpis={kid: kpi_table[kid] for kid in sorted(kpi_table)},
        pages=tuple(sorted(page_table.values(), key=lambda p: (p.order is None, p.order or 0, p.title, p.id))),
        files=tuple(other_files),
    )
    problems.extend(references.page_url_clashes(site))
    problems.extend(references.broken_links(site, references.content_paths(site)))
    return site


def _empty_site(config: Config) -> Site:
    return Site(config, {}, {}, {}, {}, ())
