"""One document → one objective, KPI or documentation page, validated on its own.

Everything here depends only on the file itself (and the CSV beside a KPI), so its result can be
kept in the build record and reused until the file changes. Checks that need other files
(unknown cycle, team, KPI or parent; loops; duplicate ids) are in ``references``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from ..diagnostics import Diagnostic
from ..model.content import (
    KPI,
    Body,
    CheckIn,
    KeyResult,
    Limits,
    Mark,
    Milestone,
    Objective,
    Page,
    Point,
    Thresholds,
)
from .datasources import read_feed
from .documents import KIND_FOLDERS, KIND_ROOTS, Document, Kind
from .fields import INVALID, Record, Source, length_message, read_record, read_scalar
from .fieldtypes import Invalid, tagged_value
from .markdown import compile_body, slugify
from .schema import KIND, OBJECTIVE, PAGE
from .schema import KPI as KPI_FIELDS
from .series import check_dates, read_csv, read_inline

_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)

# Reads a file beside the KPI: (its bytes, or None with a problem) for a path below the site folder.
ReadFile = Callable[[str], "tuple[bytes | None, Diagnostic | None]"]


@dataclass
class ItemResult:
    """What one content file gave: its item (None when unreadable), its own problems, and the
    other files it read (a KPI's CSV), so the result is reused only while those are unchanged."""

    item: Objective | KPI | Page | None
    problems: list[Diagnostic] = field(default_factory=list)
    reads: tuple[str, ...] = ()  # site-relative paths of other files read


def read_item(document: Document, content_dir: str, read_file: ReadFile, allow_html: bool = False,
              limits: Limits | None = None) -> ItemResult:
    """Validate one document as the kind its folder (or ``kind:``) says; compile its body."""
    problems: list[Diagnostic] = []
    kind = _kind(document, problems)
    src = Source(document.rel, document.line_offset, problems, limits or Limits())
    dropped: list[tuple[int, str]] = []
    body = compile_body(document.body, document.content_rel, document.body_line, allow_html, dropped)
    for line, href in dropped:
        problems.append(Diagnostic(document.rel, line, 1, "warning", "", f"link to '{_shorten(href)}' dropped: "
                                   f"a page links only with http, https, mailto or relative URLs",
                                   "link to a web page or to a file below content/"))
    if kind == "page":
        return ItemResult(_read_page(src, document, body), problems)
    if document.front is None or not document.front.value:
        what = "an objective" if kind == "objective" else "a KPI"
        example = "title, cycle, team and key_results" if kind == "objective" else "title and series"
        message = "file is empty" if not document.body.strip() and document.front is None else (
            "no front matter" if document.front is None else "front matter is empty")
        problems.append(Diagnostic(document.rel, 1, 1, "error", "", f"{message}: {what} needs fields",
                                   f"start with a line '---', then {example}, then '---'"))
        return ItemResult(None, problems)
    if kind == "objective":
        return ItemResult(_read_objective(src, document, body, allow_html), problems)
    reads: list[str] = []
    kpi = _read_kpi(src, document, content_dir, read_file, reads, body)
    return ItemResult(kpi, problems, tuple(reads))


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


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


def default_id(content_rel: str, kind: Kind) -> str:
    """An item's id from its path: below its kind's folder, without '.md'."""
    # NFC: macOS file systems return decomposed accents, Linux composed ones; ids must not differ.
    path = unicodedata.normalize("NFC", content_rel).removesuffix(".md")
    root = KIND_ROOTS[kind]
    if root and path.startswith(root + "/"):
        return path[len(root) + 1:]
    return path


def _marks(src: Source, record: Record, prefix: str, *keys: str) -> dict[str, Mark]:
    """Where each key's value was written, or the mapping itself when the key is absent."""
    marks = {prefix.rstrip("."): src.position(record.node)} if prefix else {}
    for key in keys:
        marks[prefix + key] = src.position(record.node_of(key))
    return marks


def _read_page(src: Source, document: Document, body: Body) -> Page:
    values: Record | None = None
    if document.front is not None:
        values = read_record(src, document.front, PAGE, "")
    title = values.get("title") if values else None
    if not title:
        heading = _HEADING.search(document.body)
        title = heading[1] if heading else PurePosixPath(document.content_rel).stem.replace("-", " ").capitalize()
        if heading and len(title) > src.limits.title:
            line = document.body_line + document.body.count("\n", 0, heading.start())
            src.problems.append(Diagnostic(document.rel, line, 1, "error", "",
                                           length_message("title", title, src.limits.title),
                                           "shorten the first heading, or raise limits.title in okr-pages.yaml"))
            title = title[:src.limits.title]
    page_id = (values.get("id") if values else None) or default_id(document.content_rel, "page")
    return Page(page_id, title, values.get("order") if values else None, document.body, document.rel,
                document.body_line, body)


def _read_objective(src: Source, document: Document, body: Body, allow_html: bool) -> Objective | None:
    record = read_record(src, document.front, OBJECTIVE, "")
    if record is None or "title" not in record or "cycle" not in record:
        return None
    marks = _marks(src, record, "", "title", "cycle", "team", "aligns_to", "commitment", "key_results", "id",
                   "final_score", "retrospective", "next", "previous", "owner")
    key_results: list[KeyResult] = []
    seen_ids: set[str] = set()
    for kr_record in record.get("key_results", []):
        kr = _read_key_result(src, kr_record)
        if kr is None:
            continue
        if kr.id in seen_ids:
            src.error(kr_record.node_of("id") if "id" in kr_record else kr_record.node_of("title"),
                      kr_record.path, f"duplicate key result id '{kr.id}'",
                      "give one of them a different title or an 'id:'")
            continue
        seen_ids.add(kr.id)
        key_results.append(kr)
        marks.update(_marks(src, kr_record, kr_record.path + ".", "kpi", "target", "title", "owner"))
        for checkin in kr_record.get("checkins", []):
            if "date" in checkin:
                marks[checkin.path + ".date"] = src.position(checkin.node_of("date"))
    retrospective = record.get("retrospective")
    retrospective = str(retrospective) if retrospective is not None and str(retrospective).strip() else None
    return Objective(
        id=record.get("id") or default_id(document.content_rel, "objective"),
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
        marks=marks,
        compiled=body,
        final_score=record.get("final_score"),
        retrospective=retrospective,
        retro=_retrospective(src, record, retrospective, document, allow_html),
        next=record.get("next"),
        previous=record.get("previous"),
        checkin_every=record.get("checkin_every"),
        front_digest=document.front_digest,
    )


def _retrospective(src: Source, record: Record, text: str | None, document: Document, allow_html: bool) -> Body:
    """The retrospective ``text`` (None: none written) compiled once, like a body; its links keep
    their lines in the file."""
    if text is None:
        return Body()
    node = record.node_of("retrospective")
    line = src.position(node)[0] + (1 if getattr(node, "style", None) in ("|", ">") else 0)
    return compile_body(text, document.content_rel, line, allow_html)


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
        second = shapes[1]
        src.error(record.node_of(second), record.field_path(second),
                  "a key result is measured one way: a target, milestones, or done",
                  "keep one of target, milestones and done")
        return None
    common = {"id": kr_id, "title": title, "weight": record.get("weight", 1), "path": record.path,
              "owner": record.get("owner")}
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
    return CheckIn(record.get("date"), record.get("value"), record.get("confidence"), record.get("note"),
                   record.path)


def _read_kpi(src: Source, document: Document, content_dir: str, read_file: ReadFile,
              reads: list[str], body: Body) -> KPI | None:
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
        name: str | None = None
        if isinstance(node, yaml.ScalarNode):
            try:
                name = str(tagged_value(node))
            except Invalid as untaggable:
                src.error(node, "series", untaggable.message, untaggable.hint)
        if name is not None:
            folder = posixpath_dirname(document.rel)
            csv_rel = os.path.normpath(os.path.join(folder, name)).replace(os.sep, "/") if "\0" not in name else ""
            inside = csv_rel.startswith(content_dir.strip("/") + "/") and not csv_rel.startswith("../")
            if not csv_rel.lower().endswith(".csv") or not inside:
                # checkin appends to this file: it must be a CSV inside the content folder
                src.error(node, "series", f"'{name}' is not a CSV file inside the content folder",
                          "name a .csv file beside the KPI, e.g. series: churn.csv, or write the points inline")
            else:
                reads.append(csv_rel)
                series_file = csv_rel  # also when missing: refresh writes it
                data, problem = read_file(csv_rel)
                if data is None:
                    if problem is None and feed is not None:
                        kpi_id = record.get("id") or default_id(document.content_rel, "kpi")
                        src.error(node, "series", f"CSV file '{csv_rel}' not found",
                                  f"run 'okr-pages refresh {kpi_id}' to create it from the query")
                    elif problem is None:
                        src.error(node, "series", f"CSV file '{csv_rel}' not found",
                                  "put the CSV beside the KPI file and give its name, e.g. series: churn.csv")
                    else:
                        src.problems.append(problem)
                else:
                    points = read_csv(data, csv_rel, column_names, src.problems, src, node, "series",
                                      columns.nodes if columns else None, src.limits.messages)
        elif not isinstance(node, yaml.ScalarNode):
            points = check_dates(src, read_inline(src, node, "series"), "series")
    thresholds = record.get("thresholds")
    direction = record.get("direction", "up")
    threshold_value = None
    # With an invalid direction (already reported) the order of the thresholds cannot be judged.
    if thresholds is not None and {"green", "yellow"} <= thresholds.values.keys() and "direction" not in record.invalid:
        green, yellow = thresholds.get("green"), thresholds.get("yellow")
        if (direction == "up" and green < yellow) or (direction == "down" and green > yellow):
            better = "above" if direction == "up" else "below"
            src.error(thresholds.node_of("green"), "thresholds.green",
                      f"with direction {direction}, green ({green}) must be {better} yellow ({yellow})",
                      "swap green and yellow, or change the direction")
        else:
            threshold_value = Thresholds(green, yellow)
    return KPI(
        id=record.get("id") or default_id(document.content_rel, "kpi"),
        title=record.get("title"),
        team=record.get("team"),
        owner=record.get("owner"),
        unit=record.get("unit"),
        direction=direction,
        target=record.get("target"),
        thresholds=threshold_value,
        cadence=record.get("cadence", "monthly"),
        series=points,
        period=record.get("period", "start"),
        body=document.body,
        source=document.rel,
        body_line=document.body_line,
        series_file=series_file,
        feed=feed,
        marks=_marks(src, record, "", "title", "series", "team", "id", "owner"),
        compiled=body,
    )


def posixpath_dirname(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""
