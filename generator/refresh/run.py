"""``okr-pages refresh``: run each sourced KPI's query and merge the result into its CSV.

Sources run concurrently, one thread each; the KPIs of one source run one after another over
one connection. A KPI's CSV is written only after its rows passed every check and the merged
file read back as the expected series; a failing KPI leaves its CSV untouched and the others
go on. Nothing is printed from here: the command line shows the returned ``Refreshed``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..diagnostics import Diagnostic, OkrPagesError, did_you_mean
from ..model.content import KPI, Point
from ..model.datasources import DataSource
from ..reading.config import CONFIG_NAME
from ..reading.datasources import sources_by_name
from ..reading.files import Refused, read_regular
from ..reading.load import load_site
from ..scoring.scores import health, points_until
from .csvupdate import LayoutError, Merge, merge, verify, write_atomically
from .kinds import INSTALL, QueryError, Session, SourceError, missing_modules, open_session
from .rows import RowsError, to_points

Status = Literal["changed", "unchanged", "failed", "skipped"]
Progress = Callable[[int, int], None]
MAX_THREADS = 8  # sources at once; each mostly waits on its database


class RefreshError(OkrPagesError):
    """A problem with the command itself (an unknown KPI id, a missing dependency), with its exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = self.exit_code = code


@dataclass
class Outcome:
    """What refresh did to one KPI."""

    kpi: KPI
    source: str
    status: Status
    merge: Merge | None = None
    health_before: str = "no_data"
    health_after: str = "no_data"
    latest: Point | None = None  # after the refresh (or as it was, when it failed)
    problems: list[Diagnostic] = field(default_factory=list)
    estimate: bool = False  # the source called its number an estimate (Jira Cloud's JQL count)


@dataclass
class Refreshed:
    """The whole run: one outcome per KPI, every problem, the files written."""

    as_of: dt.date
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # source-level and KPI-level, sorted
    written: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.problems)


def refresh(site_dir: Path, kpi_ids: list[str], *, as_of: dt.date, dry_run: bool = False,
            environ: Mapping[str, str] | None = None, progress: Progress | None = None) -> Refreshed:
    """Refresh the named KPIs (all sourced KPIs when none is named); RefreshError for command problems."""
    environ = os.environ if environ is None else environ
    site_dir = site_dir.resolve()
    # DuckDB reads relative paths in SQL from the working folder (its file_search_path comes only
    # after it), so the run works in the site folder; every other path here is absolute.
    previous = Path.cwd()
    os.chdir(site_dir)
    try:
        return _refresh(site_dir, kpi_ids, as_of, dry_run, environ, progress)
    finally:
        os.chdir(previous)


def _refresh(site_dir: Path, kpi_ids: list[str], as_of: dt.date, dry_run: bool, environ: Mapping[str, str],
             progress: Progress | None) -> Refreshed:
    loaded = load_site(site_dir)
    run = Refreshed(as_of, dry_run)
    setup = [d for d in loaded.problems if d.file == CONFIG_NAME and d.severity == "error"
             and (d.field == "sources" or d.field.startswith("sources."))]
    if setup:  # a source that cannot be read would be guessed at: fix okr-pages.yaml first
        run.problems = sorted(setup)
        return run
    selected = _select(loaded.site.kpis, kpi_ids)
    sources = sources_by_name(loaded.site.config.sources)
    groups: dict[str, list[KPI]] = {}
    for kpi in selected:
        blocking = _blocking(kpi, loaded.problems, site_dir)
        if blocking:
            run.outcomes.append(_unchanged(kpi, "failed", as_of, blocking))
        else:
            groups.setdefault(kpi.feed.source if kpi.feed else "", []).append(kpi)
    missing = missing_modules({sources[name].kind for name in groups})
    if missing:
        raise RefreshError(f"refresh needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
                           f"not installed: {INSTALL}", 1)
    counter = _Counter(sum(len(kpis) for kpis in groups.values()), progress)
    locks = {kpi.series_file: threading.Lock() for kpis in groups.values() for kpi in kpis}
    with ThreadPoolExecutor(max_workers=max(1, min(MAX_THREADS, len(groups)))) as pool:
        jobs = [pool.submit(_run_source, sources[name], kpis, site_dir, environ, as_of, dry_run, locks, counter)
                for name, kpis in groups.items()]
        for job in jobs:
            outcomes, problems = job.result()
            run.outcomes += outcomes
            run.problems += problems
    run.outcomes.sort(key=lambda outcome: outcome.kpi.id)
    run.problems = sorted(set(run.problems + [d for o in run.outcomes for d in o.problems]))
    run.written = sorted(o.kpi.series_file or "" for o in run.outcomes if o.status == "changed" and not dry_run)
    return run


def _select(kpis: dict[str, KPI], kpi_ids: list[str]) -> list[KPI]:
    sourced = [kpi for kpi in kpis.values() if kpi.feed is not None]
    if not kpi_ids:
        return sourced
    chosen = []
    for kpi_id in dict.fromkeys(kpi_ids):
        if kpi_id not in kpis:
            hint = did_you_mean(kpi_id, kpis) or "run okr-pages check to see every KPI"
            raise RefreshError(f"unknown KPI '{kpi_id}' ({hint})", 2)
        if kpis[kpi_id].feed is None:
            raise RefreshError(f"KPI '{kpi_id}' has no query: or fetch: to refresh "
                               f"(its values are written by hand in {kpis[kpi_id].source})", 2)
        chosen.append(kpis[kpi_id])
    return chosen


def _blocking(kpi: KPI, problems: list[Diagnostic], site_dir: Path) -> list[Diagnostic]:
    """The errors that stop this KPI's refresh: any in its file or its CSV, except that the CSV is
    not there yet (refresh creates it)."""
    files = {kpi.source, kpi.series_file}
    missing_csv = kpi.series_file is not None and not (site_dir / kpi.series_file).exists()
    return [d for d in problems if d.severity == "error" and d.file in files
            and not (missing_csv and d.file == kpi.source and d.field == "series" and d.message.startswith("CSV file"))]


class _Counter:
    """Counts KPIs done across threads and reports progress."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self.done += 1
            if self.progress:
                self.progress(self.done, self.total)


def _latest(series: tuple[Point, ...], as_of: dt.date) -> Point | None:
    points = points_until(series, as_of)
    return points[-1] if points else None


def _unchanged(kpi: KPI, status: Status, as_of: dt.date, problems: list[Diagnostic]) -> Outcome:
    state = health(kpi, _latest(kpi.series, as_of))
    return Outcome(kpi, kpi.feed.source if kpi.feed else "", status, None, state, state,
                   _latest(kpi.series, as_of), problems)


def _source_problem(source: DataSource, error: SourceError) -> Diagnostic:
    mark = source.location_mark if error.field and error.field != source.field else source.mark
    if error.field and error.field.endswith(".token"):
        mark = source.token_mark
    return Diagnostic(CONFIG_NAME, mark[0], mark[1], "error", error.field or source.field, error.message,
                      error.hint + "; its KPIs were not refreshed")


def _run_source(source: DataSource, kpis: list[KPI], site_dir: Path, environ: Mapping[str, str], as_of: dt.date,
                dry_run: bool, locks: dict[str | None, threading.Lock],
                counter: _Counter) -> tuple[list[Outcome], list[Diagnostic]]:
    """One source's KPIs in turn over one session; a source that cannot be opened skips them all."""
    outcomes: list[Outcome] = []
    try:
        session: Session = open_session(source, site_dir, environ, as_of)
    except SourceError as exc:
        for kpi in kpis:
            outcomes.append(_unchanged(kpi, "skipped", as_of, []))
            counter.tick()
        return outcomes, [_source_problem(source, exc)]
    try:
        for index, kpi in enumerate(kpis):
            try:
                outcomes.append(_refresh_kpi(session, source, kpi, site_dir, as_of, dry_run, locks))
            except SourceError as exc:  # the connection was lost: the rest cannot run either
                outcomes += [_unchanged(other, "skipped", as_of, []) for other in kpis[index:]]
                for _ in kpis[index:]:
                    counter.tick()
                return outcomes, [_source_problem(source, exc)]
            counter.tick()
    finally:
        session.close()
    return outcomes, []


def _refresh_kpi(session: Session, source: DataSource, kpi: KPI, site_dir: Path, as_of: dt.date, dry_run: bool,
                 locks: dict[str | None, threading.Lock]) -> Outcome:
    feed = kpi.feed
    assert feed is not None and kpi.series_file is not None  # only sourced KPIs with a CSV are selected

    def failed(message: str, hint: str, where: tuple[str, int, int] | None = None, field: str = "") -> Outcome:
        file, line, column = where or (kpi.source, *feed.mark)
        problem = Diagnostic(file, line, column, "error", field if where else feed.field, message,
                             hint + "; the CSV was left as it was")
        return _unchanged(kpi, "failed", as_of, [problem])

    try:
        result, date_column, value_column = session.run(feed)
        points = to_points(result, date_column, value_column, as_of, source.max_rows, source.name)
    except (QueryError, RowsError) as exc:
        return failed(exc.message, exc.hint)
    path = site_dir / kpi.series_file
    with locks[kpi.series_file]:  # two KPIs may read columns of one CSV
        try:
            # like build: only a regular file inside the site is read (never a link out, never a FIFO)
            original = read_regular(path, site_dir, sys.maxsize, "CSV file") if os.path.lexists(path) else None
            # A tracker's number is dated the day it was asked: a day, whatever the KPI's cadence.
            month_style = kpi.cadence in ("monthly", "quarterly") and not source.tracker
            merged = merge(original, points, feed.columns, month_style)
            if source.tracker:
                merged.kept = []  # one point a run: the earlier rows are the series' history, not rows it dropped
        except Refused as refused:
            return failed(f"cannot merge into the CSV: {refused.message}", refused.hint, (kpi.series_file, 1, 1))
        except (OSError, LayoutError) as exc:
            return failed(f"cannot merge into the CSV: {exc}", "run okr-pages check", (kpi.series_file, 1, 1))
        problems = verify(merged.data, path, feed.columns, merged.points, kpi.series_file)
        if problems:
            return _unchanged(kpi, "failed", as_of, problems)
        if merged.changed and not dry_run:
            try:
                write_atomically(path, merged.data)
            except OSError as exc:
                return failed(f"cannot write the CSV: {exc.strerror or exc}", "check the file's permissions",
                              (kpi.series_file, 1, 1))
    after = dataclasses.replace(kpi, series=merged.points)
    latest = _latest(merged.points, as_of)
    return Outcome(kpi, source.name, "changed" if merged.changed else "unchanged", merged,
                   health(kpi, _latest(kpi.series, as_of)), health(after, latest), latest, estimate=result.estimate)
