"""The pipeline that ``check``, ``build`` and ``serve`` share, from content files to the output tree.

    content files → model (reading) → scores (model) → page jobs (site) → output tree (output)

``check_site`` stops after the scores; ``build_site`` opens the site's render session (theme,
language, templates), plans every output file as a job, renders the jobs whose fingerprint (their
template and the records they are handed) changed since the last build (all of them when there is
no usable build record) and writes only the files whose bytes changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .buildrecord import (
    BuildRecord,
    engine_fingerprint,
    forget_record,
    latest_readings,
    load_record,
    save_record,
)
from .diagnostics import Diagnostic, Diagnostics, OkrPagesError, cap_per_file
from .output import MARKER, OutputTree
from .parallel import balance, fork_map, split, workers
from .reading.fieldtypes import date_in_range
from .reading.files import site_rel
from .reading.hostlimits import host_limit_warnings
from .reading.load import Loaded, gc_paused, load_site
from .reading.references import content_paths
from .scoring.quality import quality_warnings
from .scoring.scores import ScoredSite, score_site

if TYPE_CHECKING:
    from .site.fingerprints import Fingerprints
    from .site.jobs import Job, SiteView
    from .site.session import RenderSession

Progress = Callable[[int, int], None]
PARALLEL_RENDER = 200  # below this many pages to render, forking costs more than it saves...
PARALLEL_WEIGHT = 2000  # ...unless they list this many records in all (home, reviews, the alignment tree)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class UsageError(OkrPagesError):
    """Arguments that cannot be used (a bad --as-of, a missing site folder)."""

    exit_code = 2


@dataclass(frozen=True)
class Checked:
    """A site read, validated and scored, with every problem found."""

    loaded: Loaded
    scored: ScoredSite
    diagnostics: Diagnostics

    @property
    def site(self):
        return self.loaded.site

    def shown(self) -> list[Diagnostic]:
        """The diagnostics as commands print them: sorted, at most ``limits.messages`` per file."""
        return cap_per_file(self.diagnostics.sorted(), self.site.config.limits.messages)

    def with_problems(self, problems: Iterable[Diagnostic]) -> Checked:
        """The same site with more problems (of its theme, its catalogs, its templates)."""
        more = list(problems)
        return dataclasses.replace(self, diagnostics=Diagnostics([*self.diagnostics.items, *more])) if more else self


@dataclass(frozen=True)
class BuildOptions:
    """How one build runs: where it writes, the date, and what it may skip or must refuse."""

    out_dir: Path
    as_of: dt.date
    overrides: Mapping[str, str] | None = None  # config keys given on the command line (--base-url)
    strict: bool = False  # warnings fail too
    clean: bool = False  # ignore the build record: every page is rendered
    jobs: int | None = None  # processes to read and render with (default: one per CPU)
    background_save: bool = False  # a forked child writes a cold build's record while the command ends


@dataclass(frozen=True)
class Built:
    """The outcome of ``build_site``: what was checked, and what was written (None when nothing was)."""

    checked: Checked
    written: int | None = None  # files written (changed or new); None when the build stopped
    changed: list[str] = dataclasses.field(default_factory=list)  # the output paths written (changed or new)
    rendered: list[str] = dataclasses.field(default_factory=list)  # output paths whose jobs were rendered
    total: int = 0  # files in the output
    removed: int = 0
    incremental: bool = False


@dataclass
class BuildState:
    """What ``serve`` keeps between builds, instead of reading the build record from disk."""

    record: BuildRecord | None = None


def parse_day(text: str) -> dt.date:
    """A strict YYYY-MM-DD date (Python alone would also take 20261115 or 2026-W46-7)."""
    if not _ISO_DAY.match(text):
        raise ValueError(f"expected a date YYYY-MM-DD, got '{text}'")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text} does not exist") from None
    if not date_in_range(day):
        raise ValueError(f"date {text} is out of range (years 1 to 9998)")
    return day


def resolve_as_of(text: str | None, environ: dict[str, str] | None = None) -> dt.date:
    """--as-of, else SOURCE_DATE_EPOCH (UTC), else today. Raises UsageError with a message."""
    environ = dict(os.environ) if environ is None else environ
    try:
        if text:
            return parse_day(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH: expected whole seconds since 1970, got '{epoch}'")
        try:
            day = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise UsageError(f"SOURCE_DATE_EPOCH: {epoch} is out of range") from None
        if not date_in_range(day):
            raise UsageError(f"SOURCE_DATE_EPOCH: {epoch} is out of range")
        return day
    return dt.date.today()


def check_site(site_dir: Path, as_of: dt.date, overrides: Mapping[str, str] | None = None,
               previous: Loaded | None = None, jobs: int | None = None, reuse: bool = False) -> Checked:
    """Read, validate and score; every problem, quality warnings and broken links included.

    ``reuse`` starts from the readings of the site's last build (its record), if usable."""
    if reuse and previous is None:
        previous = latest_readings(site_dir, engine_fingerprint())
    loaded = load_site(site_dir, overrides, previous, jobs)
    scored = score_site(loaded.site, as_of)
    diagnostics = Diagnostics(list(loaded.problems))
    diagnostics.extend(quality_warnings(scored))
    return Checked(loaded, scored, diagnostics)


def refuse_errors(checked: Checked, error: type[OkrPagesError], advice: str) -> None:
    """For a command that writes nothing from a broken site: raise ``error`` with how many errors
    the site has, the first of them, and ``advice`` (what to do)."""
    if checked.diagnostics.errors:
        first = next(d for d in checked.diagnostics.sorted() if d.severity == "error")  # not a warning before it
        raise error(f"the site has {len(checked.diagnostics.errors)} error(s), e.g. {first.text()} ({advice})")


def build_site(site_dir: Path, options: BuildOptions, *, state: BuildState | None = None,
               progress: Progress | None = None, first: FirstPages | None = None) -> Built:
    """Check, then render and write what changed. Nothing is written when the check fails.

    ``state`` (``serve``) keeps the build record in memory instead of on disk; ``first`` (``serve``'s
    fast render) writes the pages readers have open before all others."""
    from .site.session import open_session
    from .site.templates import fragments_of

    with gc_paused(), ExitStack() as language_scope:
        record = _usable_record(site_dir, options, state)
        checked = check_site(site_dir, options.as_of, options.overrides, record.loaded if record else None,
                             options.jobs)
        session = open_session(site_dir, checked.site.config)
        checked = checked.with_problems(session.problems)
        if checked.diagnostics.failed(options.strict):
            return Built(checked)
        # Every word, number and date from here on is in the site's language (forked renderers too).
        language_scope.enter_context(session.speaking())
        view = session.view(checked.scored, content_paths(checked.site))
        planned = _plan(site_dir, checked.loaded, session, view)
        checked = checked.with_problems(_template_problems(session, planned.jobs, site_dir))
        if checked.diagnostics.failed(options.strict):
            return Built(checked)
        # A list row is rendered once per build (and page depth), and forgotten with it.
        with fragments_of(planned.records.row):
            return _write(site_dir, options, checked, session, view, planned, record, state, progress, first)


@dataclass
class FirstPages:
    """Files to write first: ``paths`` (output paths such as ``okrs/q4/x/index.html``) and every copied
    file (theme and content assets) are written and committed, then ``written`` is called, then the
    other generated files are. A build that changes none of ``paths`` runs in one go."""

    paths: Collection[str]
    written: Callable[[list[str]], None]  # the output paths the first round changed


def _usable_record(site_dir: Path, options: BuildOptions, state: BuildState | None) -> BuildRecord | None:
    """The last build's record, when it was made by this code for this output folder."""
    if options.clean:
        return None
    engine = engine_fingerprint()
    record = state.record if state is not None else load_record(site_dir, options.out_dir, engine)
    return record if record is not None and record.engine == engine else None


@dataclass(frozen=True)
class Planned:
    """Every output file as a job, and each one's fingerprint."""

    jobs: dict[str, Job]
    fingerprints: dict[str, str]
    records: Fingerprints  # the digests they were made of: fragments are keyed by them too


def _write(site_dir: Path, options: BuildOptions, checked: Checked, session: RenderSession, view: SiteView,
           planned: Planned, record: BuildRecord | None, state: BuildState | None, progress: Progress | None,
           first: FirstPages | None) -> Built:
    """Render the jobs whose fingerprint changed and write the files whose bytes changed; keep the
    record of this build for the next one."""
    from .site.render import draw_svg_charts
    from .site.templates import TemplateFailure

    out_dir = options.out_dir
    incremental = record is not None and (out_dir / MARKER).is_file()
    previous = record.outputs if record is not None and incremental else {}
    costs = dict(record.costs) if record is not None and incremental else {}
    fingerprint = planned.fingerprints
    todo = [job for path, job in planned.jobs.items() if previous.get(path, ("",))[0] != fingerprint[path]]
    removed = [path for path in previous if path not in planned.jobs]
    if view.drawn:
        draw_svg_charts(view, todo)
    if incremental:
        forget_record(site_dir, out_dir)  # killed half way, the next build must be a cold one
    # serve's fast render: the files readers have open (and every copied file) first, then the rest
    later = _later(todo, first) if incremental and first is not None else []
    waiting = {job.path for job in later}
    rounds = [[job for job in todo if job.path not in waiting], later] if later else [todo]
    done: dict[str, tuple[str, bool]] = {}
    sizes: dict[str, int] = {}  # of every output file, for the host's limits
    limits = checked.site.config.limits
    for number, part in enumerate(rounds):
        tree = OutputTree(out_dir, fresh=not incremental)
        try:
            last = number == len(rounds) - 1
            found: list[Diagnostic] = []

            def vet(rendered: dict[str, int], last: bool = last, found: list[Diagnostic] = found) -> bool:
                # Once every file's size is known (a file not rendered again is the one on disk): past
                # the host's limits the build warns, and under --strict stops before anything is used.
                if not last:
                    return True
                sizes.update(rendered)
                for path in planned.jobs.keys() - sizes.keys():
                    sizes[path] = _size_on_disk(out_dir / path)
                found.extend(host_limit_warnings(sizes, limits, _shown_out(out_dir, site_dir)))
                return not (found and options.strict)

            done.update(_render_and_write(part, session, view, tree, previous, costs, options.jobs, progress, vet))
            checked = checked.with_problems(found)
            if found and options.strict:
                tree.abort()
                return Built(checked)
            for path in removed if number == 0 else ():
                tree.remove(path)
            # A job not rendered (yet) kept its fingerprint: its file is the one the last build wrote,
            # and a job that is new and not rendered yet has no entry (the next build renders both).
            outputs = {path: (fingerprint[path], done[path][0]) if path in done else previous[path]
                       for path in sorted(planned.jobs) if path in done or path in previous}
            # The marker names the tree it closes: a folder swapped for another build is noticed.
            token = hashlib.blake2b(repr(outputs).encode(), digest_size=16).hexdigest()
            tree.commit(f"built by okr-pages {token}\n".encode())
        except TemplateFailure as failure:
            tree.abort()
            return Built(checked.with_problems([_in_site(failure.diagnostic, site_dir)]))
        except BaseException:
            tree.abort()
            raise
        new_record = BuildRecord(engine_fingerprint(), str(site_dir.resolve()), str(out_dir.resolve()), token,
                                 checked.loaded, outputs, {path: costs[path] for path in outputs if path in costs})
        if state is not None:
            state.record = new_record
        elif number == len(rounds) - 1:
            save_record(site_dir, new_record, record, background=options.background_save)
        if number == 0 and later and first is not None:
            first.written(_changed(done))
    changed = _changed(done)
    return Built(checked, len(changed), changed, [job.path for job in todo], len(planned.jobs), len(removed),
                 incremental)


def _changed(done: dict[str, tuple[str, bool]]) -> list[str]:
    """The output paths whose bytes a build wrote (changed or new), sorted."""
    return sorted(path for path, (_, changed) in done.items() if changed)


def _later(todo: list[Job], first: FirstPages) -> list[Job]:
    """The generated files of ``todo`` that can wait (copied ones, which are made of no record, never do):
    none when no file of ``first`` is among ``todo``."""
    if not any(job.path in first.paths for job in todo):
        return []
    return [job for job in todo if (job.template or job.given) and job.path not in first.paths]


def _plan(site_dir: Path, loaded: Loaded, session: RenderSession, view: SiteView) -> Planned:
    """Every output file as a job, and each job's fingerprint: a copied file's from its stamp, a
    generated one's from its template and the records it is handed (``site.fingerprints``)."""
    from .site.fingerprints import Fingerprints
    from .site.jobs import Job, page_jobs
    from .site.vega import BUNDLE_FORMAT, javascript_bundle, vl_convert_version

    jobs: dict[str, Job] = {}
    fingerprint: dict[str, str] = {}
    for rel in loaded.site.files:  # images and downloads beside the Markdown; a generated page wins a clash
        full = f"{loaded.content_dir}/{rel}"
        jobs[rel] = Job(rel, data=_reader(site_dir / full))
        fingerprint[rel] = loaded.assets.get(full, ((0, 0, 0, 0), ""))[1]
    for path, entry in session.theme.static.items():
        jobs[path] = Job(path, data=_reader(Path(entry.path)))
        fingerprint[path] = f"static:{entry.path}:{entry.stamp}"
    if loaded.site.config.charts == "js":
        jobs["assets/vega.js"] = Job("assets/vega.js", data=lambda: javascript_bundle().encode("utf-8"))
        fingerprint["assets/vega.js"] = f"vega:{vl_convert_version()}:{BUNDLE_FORMAT}"
    reading = repr((loaded.content_dir, loaded.markdown_html, loaded.limits))
    records = Fingerprints({rel: read.fingerprint for rel, read in loaded.files.items()}, reading, view.paths,
                           loaded.site.objectives.values())
    for job in page_jobs(view):
        jobs[job.path] = job
        template = session.templates[job.template] if job.template else "data"
        fingerprint[job.path] = records.page(template, {"frame": view.frame, **job.given}, job.listed)
    return Planned(jobs, fingerprint, records)


def _template_problems(session: RenderSession, planned: dict[str, Job], site_dir: Path) -> list[Diagnostic]:
    """A located error for each template the jobs use that does not compile (before anything is
    written)."""
    from jinja2 import TemplateError

    from .site.templates import template_failure

    problems = []
    for name in sorted({job.template for job in planned.values() if job.template}):
        try:
            session.env.get_template(name)
        except TemplateError as exc:
            problems.append(_in_site(template_failure(exc, name).diagnostic, site_dir))
    return problems


def _render_and_write(todo: list[Job], session: RenderSession, view: SiteView, tree: OutputTree,
                      previous: dict[str, tuple[str, str]], costs: dict[str, float], jobs: int | None,
                      progress: Progress | None, vet: Callable[[dict[str, int]], bool] | None = None
                      ) -> dict[str, tuple[str, bool]]:
    """Render the jobs, in forked workers when there are many, and write each file whose bytes
    changed; returns each path's digest and whether it was written. ``costs`` holds the seconds
    each page took to render when it last did, and is updated with this build's.

    A fresh tree is written as pages render; an update in place keeps the changed pages until every
    page has rendered, so a template that fails half way leaves the output untouched."""
    if len(todo) >= PARALLEL_RENDER:  # many pages: neighbours are alike in cost, deal them round-robin
        parts = workers(jobs)
        chunks = split(todo, parts)
    elif sum(job.weight for job in todo) >= PARALLEL_WEIGHT:  # a few large pages: by their cost
        parts = workers(jobs)
        chunks = balance(todo, parts, _expected_cost(todo, costs))
    else:
        parts, chunks = 1, [todo]
    if len(chunks) > 1 and any(job.given.get("changes") is view.lazy_changes for job in todo):
        view.changes  # noqa: B018 - scored once here, not again in each worker

    def render(chunk: list[Job]) -> list[tuple[str, str, bool, bytes | None, float, int]]:
        done = []
        for index, job in enumerate(chunk, 1):
            started = time.perf_counter()
            data = session.render(view, job)
            seconds = time.perf_counter() - started
            data_digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            changed = previous.get(job.path, ("", ""))[1] != data_digest
            if changed and tree.fresh:
                tree.write(job.path, data)
            done.append((job.path, data_digest, changed, data if changed and not tree.fresh else None, seconds,
                         len(data)))
            if progress and chunk is chunks[0] and (index % 50 == 0 or index == len(chunk)):
                progress(min(index * parts, len(todo)) if index < len(chunk) else len(todo), len(todo))
        return done

    rendered = [item for done in fork_map(render, chunks) for item in done]
    if vet is not None and not vet({path: size for path, _, _, _, _, size in rendered}):
        return {}  # refused: nothing of an update in place is written (a fresh tree is thrown away)
    for path, _, _, data, seconds, _ in rendered:
        if data is not None:
            tree.write(path, data)
        costs[path] = seconds
    return {path: (data_digest, changed) for path, data_digest, changed, _, _, _ in rendered}


def _expected_cost(todo: list[Job], costs: dict[str, float]) -> Callable[[Job], float]:
    """How long a page will take to render: as long as it took the last time, when every page of
    ``todo`` has rendered before (pages differ by tens of times at the same count of inputs: home
    and a review page list the same objectives); else by the records it lists."""
    if all(job.path in costs for job in todo):
        return lambda job: costs[job.path]
    return lambda job: job.weight


def _in_site(diagnostic: Diagnostic, site_dir: Path) -> Diagnostic:
    """A template's diagnostic with its file shown relative to the site folder, as all others are."""
    if not os.path.isabs(diagnostic.file):
        return diagnostic
    rel = site_rel(diagnostic.file, os.path.abspath(site_dir))
    return dataclasses.replace(diagnostic, file=rel if not rel.startswith("../") else diagnostic.file)


def _shown_out(out_dir: Path, site_dir: Path) -> str:
    """The output folder as messages name it: relative to the site folder when it is inside it."""
    rel = site_rel(str(out_dir), str(site_dir))
    return str(out_dir) if rel.startswith("../") or rel == ".." else rel


def _size_on_disk(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # gone since the last build: it is written again by the next one


def _reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise OkrPagesError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read
