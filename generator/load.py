"""Documents → the validated, cross-referenced model, with every problem as a diagnostic."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .config import implicit_cycle, load_config
from .diagnostics import Diagnostic, did_you_mean
from .documents import KIND_FOLDERS, KIND_ROOTS, Document, Kind, discover, load_document
from .fields import INVALID, Record, Source, read_record, read_scalar, scalar_value
from .model import (
    KPI,
    CheckIn,
    Config,
    Cycle,
    KeyResult,
    Milestone,
    Objective,
    Page,
    Point,
    Site,
    Team,
    Thresholds,
)
from .schema import KIND, OBJECTIVE, PAGE
from .schema import KPI as KPI_FIELDS
from .series import check_dates, read_csv, read_inline
from .sources.settings import check_feeds, read_feed

_SLUG = re.compile(r"[^a-z0-9]+")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def slugify(text: str) -> str:
    """A URL-safe id from a title: 'Reduce churn to 5%' → 'reduce-churn-to-5'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")


@dataclass
class _Pending:
    """An objective or KPI read from its file, with what cross-checks need to point at."""

    src: Source
    record: Record
    kr_records: list[Record] = field(default_factory=list)


@dataclass
class Loaded:
    """The result of reading a site: the model (None if unreadable) and every diagnostic."""

    site: Site
    problems: list[Diagnostic]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading.

    Reading allocates a few objects per YAML value, all kept alive and free of cycles; the
    collector's repeated full passes over them cost as much as parsing (1,000 objectives:
    0.7 s with it paused, 1.4 s without). Reference counting still frees what is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_site(site_dir: Path) -> Loaded:
    """Read config and content, validate every field and every reference."""
    with _gc_paused():
        return _load_site(site_dir)


def _load_site(site_dir: Path) -> Loaded:
    config, problems = load_config(site_dir)
    content_dir = site_dir / config.content_dir
    if not content_dir.is_dir():
        problems.append(Diagnostic(config.content_dir,
                                   1, 1, "error", "content_dir",
                                   f"content folder '{config.content_dir}' not found in {site_dir}",
                                   "create content/okrs/ and content/kpis/, or run okr-pages in the site's folder"))
        return Loaded(_empty_site(config), problems)
    objectives: dict[str, tuple[Objective, _Pending]] = {}
    kpis: dict[str, tuple[KPI, _Pending]] = {}
    pages: dict[str, Page] = {}
    markdown, other_files = discover(content_dir)
    for path in markdown:
        document, doc_problems = load_document(path, site_dir, content_dir)
        problems.extend(doc_problems)
        if document is None:
            continue
        kind = _kind(document, problems)
        src = Source(document.rel, document.line_offset)
        if kind == "page":
            page = _read_page(src, document)
            if page is not None:
                _add_unique(src, pages, page.id, page, page, document, "page")
        elif document.front is None or not document.front.value:
            what = "an objective" if kind == "objective" else "a KPI"
            example = "title, cycle, team and key_results" if kind == "objective" else "title and series"
            message = "file is empty" if not document.body.strip() and document.front is None else (
                "no front matter" if document.front is None else "front matter is empty")
            problems.append(Diagnostic(document.rel, 1, 1, "error", "", f"{message}: {what} needs fields",
                                       f"start with a line '---', then {example}, then '---'"))
        elif kind == "objective":
            read = _read_objective(src, document, site_dir)
            if read is not None:
                _add_unique(src, objectives, read[0].id, read, read[1].record, document, "objective")
        else:
            read_kpi = _read_kpi(src, document, site_dir, content_dir, problems)
            if read_kpi is not None:
                _add_unique(src, kpis, read_kpi[0].id, read_kpi, read_kpi[1].record, document, "KPI")
        problems.extend(src.problems)
    problems.extend(check_feeds(config.sources, (kpi for kpi, _ in kpis.values())))
    cycles = _resolve_cycles(config, objectives, problems)
    teams = _resolve_teams(config, objectives, kpis, problems)
    resolved = _resolve_objectives(objectives, kpis, cycles, problems)
    site = Site(
        config=config,
        cycles=cycles,
        teams=teams,
        objectives={oid: resolved[oid] for oid in sorted(resolved)},
        kpis={kid: kpis[kid][0] for kid in sorted(kpis)},
        pages=tuple(sorted(pages.values(), key=lambda p: (p.order is None, p.order or 0, p.title, p.id))),
        files=tuple(unicodedata.normalize("NFC", path.relative_to(content_dir).as_posix()) for path in other_files),
    )
    problems.extend(_page_url_clashes(site))
    return Loaded(site, problems)


# Sections the site generates; a documentation page may not take their place.
GENERATED = {"": "the home page", "kpis/": "the KPI dashboard", "teams/": "the team list",
             "alignment/": "the alignment tree", "cycles/": "the cycle archive", "search/": "the search page"}
RESERVED_FOLDERS = ("assets", "api")


def _page_url_clashes(site: Site) -> list[Diagnostic]:
    """A documentation page whose URL is a generated page's, or an objective's or KPI's, would
    silently replace it: report it at the page."""
    taken = dict(GENERATED)
    taken.update({f"teams/{team}/": f"the page of team '{team}'" for team in site.teams})
    taken.update({f"cycles/{cycle}/": f"the page of cycle '{cycle}'" for cycle in site.cycles})
    items: list[Objective | KPI] = [*site.objectives.values(), *site.kpis.values()]
    taken.update({item.url: item.source for item in items})
    clashes = []
    for page in site.pages:
        if page.id == "index":
            continue  # content/index.md is the home page's introduction
        owner = taken.get(page.url)
        if owner is None and page.url.split("/")[0] in RESERVED_FOLDERS:
            owner = "the site's own files"
        if owner is None:
            taken[page.url] = page.source
            continue
        clashes.append(Diagnostic(page.source, 1, 1, "error", "", f"page URL '{page.url}' is already used by {owner}",
                                  "rename the file or set a different 'id:'"))
    return clashes


def _empty_site(config: Config) -> Site:
    return Site(config, {}, {}, {}, {}, ())


def _kind(document: Document, problems: list[Diagnostic]) -> Kind:
    if document.front is not None:
        for key_node, value_node in document.front.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "kind":
                src = Source(document.rel, document.line_offset)
                value = read_scalar(src, value_node, KIND, "kind")
                problems.extend(src.problems)
                if value is not INVALID:
                    return value
    return KIND_FOLDERS.get(document.top_folder, "page")


def _default_id(document: Document, kind: Kind) -> str:
    # NFC: macOS file systems return decomposed accents, Linux composed ones; ids must not differ.
    path = PurePosixPath(unicodedata.normalize("NFC", document.content_rel)).with_suffix("")
    root = KIND_ROOTS[kind]
    if root and path.parts[0] == root and len(path.parts) > 1:
        return PurePosixPath(*path.parts[1:]).as_posix()
    return path.as_posix()


def _add_unique(src: Source, table: dict[str, Any], item_id: str, item: Any, record: Any,
                document: Document, what: str) -> None:
    if item_id in table:
        first = table[item_id]
        first_source = first[0].source if isinstance(first, tuple) else first.source
        node = record.node_of("id") if isinstance(record, Record) else None
        line, column = src.position(node) if node is not None else (1, 1)
        src.problems.append(Diagnostic(document.rel, line, column, "error", "id" if node is not None else "",
                                       f"duplicate {what} id '{item_id}' (also used by {first_source})",
                                       "set a different 'id:' or rename the file"))
        return
    table[item_id] = item


def _marks(src: Source, record: Record, *keys: str) -> dict[str, tuple[int, int]]:
    return {key: src.position(record.node_of(key)) for key in keys}


def _read_page(src: Source, document: Document) -> Page | None:
    values: Record | None = None
    if document.front is not None:
        values = read_record(src, document.front, PAGE, "")
    title = values.get("title") if values else None
    if not title:
        heading = _HEADING.search(document.body)
        title = heading[1] if heading else PurePosixPath(document.content_rel).stem.replace("-", " ").capitalize()
    page_id = (values.get("id") if values else None) or _default_id(document, "page")
    return Page(page_id, title, values.get("order") if values else None, document.body, document.rel,
                document.body_line)


def _read_objective(src: Source, document: Document, site_dir: Path) -> tuple[Objective, _Pending] | None:
    record = read_record(src, document.front, OBJECTIVE, "")
    if record is None or "title" not in record or "cycle" not in record:
        return None
    pending = _Pending(src, record)
    key_results: list[KeyResult] = []
    seen_ids: dict[str, Record] = {}
    for index, kr_record in enumerate(record.get("key_results", [])):
        kr = _read_key_result(src, kr_record)
        if kr is None:
            continue
        if kr.id in seen_ids:
            src.error(kr_record.node_of("id") if "id" in kr_record else kr_record.node_of("title"),
                      kr_record.path, f"duplicate key result id '{kr.id}'",
                      "give one of them a different title or an 'id:'")
            continue
        seen_ids[kr.id] = kr_record
        key_results.append(kr)
        pending.kr_records.append(kr_record)
    objective = Objective(
        id=record.get("id") or _default_id(document, "objective"),
        title=record.get("title"),
        cycle=str(record.get("cycle")),
        team=record.get("team"),
        owner=record.get("owner"),
        aligns_to=record.get("aligns_to"),
        commitment=record.get("commitment", "aspirational"),
        key_results=tuple(key_results),
        declared_key_results=len(record.get("key_results", [])),
        body=document.body,
        source=document.rel,
        body_line=document.body_line,
        marks=_marks(src, record, "title", "cycle", "team", "aligns_to", "commitment", "key_results"),
    )
    return objective, pending


_KR_SHAPES = ("milestones", "done", "target", "kpi")


def _read_key_result(src: Source, record: Record) -> KeyResult | None:
    if "title" not in record:
        return None
    title = record.get("title")
    kr_id = record.get("id") or slugify(title) or "key-result"
    shapes = [key for key in _KR_SHAPES if key in record.values]
    numeric = "target" in shapes or "kpi" in shapes
    kinds = {"milestones" if "milestones" in shapes else None, "done" if "done" in shapes else None,
             "numeric" if numeric else None} - {None}
    if len(kinds) > 1:
        second = [key for key in _KR_SHAPES if key in record.values][1]
        src.error(record.node_of(second), record.field_path(second),
                  "a key result is measured one way: a target, milestones, or done",
                  "keep one of target, milestones and done")
        return None
    common = {"id": kr_id, "title": title, "weight": record.get("weight", 1)}
    checkins = tuple(sorted((_checkin(c) for c in record.get("checkins", [])
                             if "date" in c), key=lambda c: c.date))
    if "milestones" in record:
        milestones = tuple(Milestone(m.get("title"), m.get("done", False), m.get("weight", 1))
                           for m in record.get("milestones") if "title" in m)
        if not milestones:
            src.error(record.node_of("milestones"), record.field_path("milestones"), "no milestones listed",
                      "add items such as '- {title: Design approved, done: false}'")
            return None
        return KeyResult(type="milestone", milestones=milestones, checkins=checkins, **common)
    if "done" in record:
        return KeyResult(type="binary", done=record.get("done"), checkins=checkins, **common)
    if not numeric and ("baseline" in record or "current" in record):
        # A baseline or current value says the KR is numeric: the target is what is missing.
        if "target" not in record.invalid:
            at = "baseline" if "baseline" in record else "current"
            src.error(record.node_of(at), record.path, "missing required field 'target'",
                      "add 'target:' with the value that means done")
        return None
    if not numeric:
        if not record.invalid & {"target", "milestones", "done", "baseline", "current"}:
            src.warning(record.node_of("title"), record.path,
                        "key result has no number to measure (an activity, not an outcome)",
                        "add baseline and target, milestones, or done: true/false")
        return KeyResult(type="binary", done=False, checkins=checkins, **common)
    if "target" not in record:
        if "target" not in record.invalid:
            src.error(record.node_of("kpi"), record.path, "missing required field 'target'",
                      "add 'target:' with the value that means done")
        return None
    if "baseline" not in record and "kpi" not in record:
        if "baseline" not in record.invalid:
            src.error(record.node_of("target"), record.path, "missing required field 'baseline'",
                      "add 'baseline:' with the value at the start of the cycle")
        return None
    if "baseline" in record and record.get("baseline") == record.get("target"):
        src.error(record.node_of("target"), record.field_path("target"),
                  f"target equals baseline ({record.get('target')}): nothing to measure",
                  "set a target different from the baseline")
        return None
    for index, checkin in enumerate(record.get("checkins", [])):
        if "date" in checkin and "value" not in checkin and "value" not in checkin.invalid:
            src.error(checkin.node, f"{record.path}.checkins[{index}]", "missing required field 'value'",
                      "add 'value:' with the measured number")
    return KeyResult(type="numeric", baseline=record.get("baseline"), target=record.get("target"),
                     unit=record.get("unit"), current=record.get("current"), kpi=record.get("kpi"),
                     checkins=tuple(c for c in checkins if c.value is not None), **common)


def _checkin(record: Record) -> CheckIn:
    return CheckIn(record.get("date"), record.get("value"), record.get("confidence"), record.get("note"))


def _read_kpi(src: Source, document: Document, site_dir: Path, content_dir: Path,
              problems: list[Diagnostic]) -> tuple[KPI, _Pending] | None:
    record = read_record(src, document.front, KPI_FIELDS, "")
    if record is None or "title" not in record:
        return None
    points: tuple[Point, ...] = ()
    series_file = None
    feed = read_feed(src, record)
    if "series" in record:
        node = record.get("series")
        columns = record.get("columns")
        column_names = dict(columns.values) if columns else None
        if isinstance(node, yaml.ScalarNode):
            name = str(scalar_value(node))
            csv_path = (document.path.parent / name).resolve()
            if csv_path.suffix.lower() != ".csv" or not csv_path.is_relative_to(content_dir.resolve()):
                # checkin appends to this file: it must be a CSV inside the content folder
                src.error(node, "series", f"'{name}' is not a CSV file inside the content folder",
                          "name a .csv file beside the KPI, e.g. series: churn.csv, or write the points inline")
            else:
                series_file = os.path.relpath(csv_path, site_dir.resolve()).replace(os.sep, "/")
                if feed is not None and not csv_path.exists():
                    kpi_id = record.get("id") or _default_id(document, "kpi")
                    src.error(node, "series", f"CSV file '{series_file}' not found",
                              f"run 'okr-pages refresh {kpi_id}' to create it from the query")
                else:
                    points = read_csv(csv_path, site_dir, column_names, problems, src, node, "series",
                                      columns.nodes if columns else None)
        else:
            points = check_dates(src, read_inline(src, node, "series"), "series")
    thresholds = record.get("thresholds")
    direction = record.get("direction", "up")
    threshold_value = None
    if thresholds is not None and {"green", "yellow"} <= thresholds.values.keys():
        green, yellow = thresholds.get("green"), thresholds.get("yellow")
        if (direction == "up" and green < yellow) or (direction == "down" and green > yellow):
            better = "above" if direction == "up" else "below"
            src.error(thresholds.node_of("green"), "thresholds.green",
                      f"with direction {direction}, green ({green}) must be {better} yellow ({yellow})",
                      "swap green and yellow, or change the direction")
        else:
            threshold_value = Thresholds(green, yellow)
    kpi = KPI(
        id=record.get("id") or _default_id(document, "kpi"),
        title=record.get("title"),
        team=record.get("team"),
        owner=record.get("owner"),
        unit=record.get("unit"),
        direction=direction,
        target=record.get("target"),
        thresholds=threshold_value,
        cadence=record.get("cadence", "monthly"),
        series=points,
        body=document.body,
        source=document.rel,
        body_line=document.body_line,
        series_file=series_file,
        feed=feed,
        marks=_marks(src, record, "title", "series", "team"),
    )
    return kpi, _Pending(src, record)


def _reporter(pending: _Pending, problems: list[Diagnostic]) -> Source:
    """A Source for a file already read, reporting straight into the run's problems."""
    return Source(pending.src.rel, pending.src.line_offset, problems)


def _resolve_cycles(config: Config, objectives: dict[str, tuple[Objective, _Pending]],
                    problems: list[Diagnostic]) -> dict[str, Cycle]:
    cycles = {cycle.id: cycle for cycle in config.cycles}
    for objective, _ in objectives.values():  # all known cycles first, so any can be suggested
        if objective.cycle not in cycles and (cycle := implicit_cycle(objective.cycle)) is not None:
            cycles[cycle.id] = cycle
    for objective, pending in objectives.values():
        if objective.cycle in cycles:
            continue
        hint = did_you_mean(objective.cycle, cycles) or (
            "use an id like 2026-Q4, or list the cycle under cycles: in okr-pages.yaml")
        _reporter(pending, problems).error(pending.record.node_of("cycle"), "cycle",
                                           f"unknown cycle '{objective.cycle}'", hint)
    return dict(sorted(cycles.items(), key=lambda item: (item[1].start, item[1].end, item[0])))


def _resolve_teams(config: Config, objectives: dict[str, tuple[Objective, _Pending]],
                   kpis: dict[str, tuple[KPI, _Pending]], problems: list[Diagnostic]) -> dict[str, Team]:
    teams = {team.id: team for team in config.teams}
    implicit = not teams  # with no teams configured, every team named in content exists
    owned: list[tuple[Objective | KPI, _Pending]] = [*objectives.values(), *kpis.values()]
    for item, pending in owned:
        if item.team is None or item.team in teams:
            continue
        if implicit:
            teams[item.team] = Team(item.team, item.team.replace("-", " ").capitalize())
            continue
        _reporter(pending, problems).error(
            pending.record.node_of("team"), "team", f"unknown team '{item.team}'",
            did_you_mean(item.team, teams) or "add the team under teams: in okr-pages.yaml")
    return teams


def _resolve_objectives(objectives: dict[str, tuple[Objective, _Pending]],
                        kpis: dict[str, tuple[KPI, _Pending]], cycles: dict[str, Cycle],
                        problems: list[Diagnostic]) -> dict[str, Objective]:
    result: dict[str, Objective] = {}
    for objective, pending in objectives.values():
        src = _reporter(pending, problems)
        if objective.aligns_to is not None and objective.aligns_to not in objectives:
            src.error(pending.record.node_of("aligns_to"), "aligns_to",
                      f"unknown objective '{objective.aligns_to}'",
                      did_you_mean(objective.aligns_to, objectives) or "give the id of an existing objective")
        cycle = cycles.get(objective.cycle)
        for kr, kr_record in zip(objective.key_results, pending.kr_records):
            _check_kr_references(src, kr, kr_record, kpis, cycle)
        result[objective.id] = objective
    _check_alignment_loops(objectives, problems)
    return result


def _check_kr_references(src: Source, kr: KeyResult, record: Record, kpis: dict[str, tuple[KPI, _Pending]],
                         cycle: Cycle | None) -> None:
    if cycle is not None:
        for index, checkin in enumerate(record.get("checkins", [])):
            date = checkin.get("date")
            if date is not None and not cycle.start <= date <= cycle.end:
                src.warning(checkin.node_of("date"), f"{record.path}.checkins[{index}].date",
                            f"check-in dated {date}, outside cycle {cycle.id} ({cycle.start} to {cycle.end})",
                            "check the date or the objective's cycle")
    if kr.kpi is None:
        return
    if kr.kpi not in kpis:
        src.error(record.node_of("kpi"), record.field_path("kpi"), f"unknown KPI '{kr.kpi}'",
                  did_you_mean(kr.kpi, kpis) or "give the id of a KPI file under content/kpis/")
        return
    if kr.baseline is not None or cycle is None:
        return
    before = [p for p in kpis[kr.kpi][0].series if p.date <= cycle.start]
    if not before:
        src.error(record.node_of("kpi"), record.path,
                  f"KPI '{kr.kpi}' has no point on or before the cycle start ({cycle.start}) to use as baseline",
                  "add 'baseline:' to the key result")
    elif before[-1].value == kr.target:
        src.error(record.node_of("target"), record.field_path("target"),
                  f"target equals the baseline read from KPI '{kr.kpi}' ({kr.target}): nothing to measure",
                  "set a different target, or an explicit 'baseline:'")


def _check_alignment_loops(objectives: dict[str, tuple[Objective, _Pending]], problems: list[Diagnostic]) -> None:
    reported: set[str] = set()
    for start in sorted(objectives):
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in objectives and current not in chain:
            chain.append(current)
            current = objectives[current][0].aligns_to
        if current is None or current not in chain:
            continue
        loop = chain[chain.index(current):]
        if reported & set(loop):
            continue
        reported.update(loop)
        first = min(loop)
        objective, pending = objectives[first]
        path = " → ".join([*loop[loop.index(first):], *loop[:loop.index(first)], first])
        line, column = pending.src.position(pending.record.node_of("aligns_to"))
        problems.append(Diagnostic(objective.source, line, column, "error", "aligns_to",
                                   f"alignment loop: {path}", "an objective cannot align to its own descendants"))
