"""``okr-pages rollover FROM TO``: seed the next cycle with the objectives that were not completed (SPEC §10).

Which objectives: committed ones that ended below 1.0; with ``--below SCORE`` also any that ended
below SCORE; with ``--all`` every one. The score that decides is the reviewed final score where
there is one. An objective that already has a follow-up (``next:`` on it, or ``previous:`` on
another) is not carried again.

Each carried objective becomes a new file in TO: the same title, team, owner, commitment and key
results, ``previous:`` pointing back, and the body; each numeric key result starts from where it
ended (``baseline:`` its value at the end of FROM) with its check-ins left behind; milestones not
yet done are carried, done ones are not; a key result already reached is left out (there is nothing
left to do, and its baseline would equal its target). The old file gains one line, ``next: NEW-ID``,
written into its text in place (``yamledit``), so its comments and layout are kept.

New ids: a part of the id that is FROM (or starts or ends with it) becomes TO
(``2026-Q3/sales/x`` → ``2026-Q4/sales/x``); an id without FROM in it gets ``-TO`` at the end
(``sales/x`` → ``sales/x-2026-Q4``). The file goes where that id puts it, beside the old one's
place in the folder tree. ``aligns_to`` follows the parent when the parent is carried too (or has
a follow-up already); a parent of another cycle (a yearly objective) is kept; otherwise the line
is left as a comment to re-point by hand.

Nothing is written until every new file and every edit has been made and read back; no file is
ever overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, OkrPagesError, did_you_mean
from ..model.content import Config, KeyResult, Objective
from ..pipeline import Checked, check_site, refuse_errors
from ..reading.config import implicit_cycle
from ..reading.documents import KIND_ROOTS, load_document
from ..reading.items import ItemResult, default_id, read_item
from ..reading.markdown import slugify
from ..scoring.review import verdict
from ..scoring.scores import BOUNDARY_DIGITS, ScoredKR, ScoredObjective, ScoredSite
from .new import yaml_text
from .yamledit import EditError, TextFile, front_of, quote, set_entry, yaml_number

_SEPARATORS = "-_."


class RolloverError(OkrPagesError):
    """A refused rollover; the message says why, and nothing was written."""


@dataclass(frozen=True)
class Carried:
    """One objective carried into the next cycle."""

    old: ScoredObjective
    new_id: str
    rel: str  # the new file, relative to the site folder
    text: str
    key_results: int
    left_out: tuple[str, ...]  # titles of key results already reached
    alignment: str  # how aligns_to was carried, in words ("" when there is none)
    old_file: TextFile = field(repr=False)  # the old file as read
    old_lines: list[str] = field(repr=False)  # its lines with next: added
    next_line: int  # where next: is in the old file (1-based)


@dataclass(frozen=True)
class Skipped:
    objective: ScoredObjective
    reason: str


@dataclass
class Rollover:
    """The outcome: what was (or, with --dry-run, would be) written, and the site checked afterwards."""

    source: str
    target: str
    as_of: dt.date
    carried: list[Carried]
    skipped: list[Skipped]
    dry_run: bool = False
    checked: Checked | None = None
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The report printed by the command line."""
        verb, add = ("would write", "add") if self.dry_run else ("wrote", "added")
        lines = [f"rollover {self.source} → {self.target} (figures as of {self.as_of}):"]
        lines += [f"  note: {note}" for note in self.notes]
        for item in self.carried:
            detail = f"{item.key_results} key result{'' if item.key_results == 1 else 's'}"
            if item.left_out:
                detail += f"; left out, already reached: {'; '.join(item.left_out)}"
            lines.append(f"  + {item.rel} ({item.new_id}: {detail})")
            if item.alignment:
                lines.append(f"    aligns_to: {item.alignment}")
            lines.append(f"    next: {item.new_id} {'to be added' if self.dry_run else 'added'} to "
                         f"{item.old.objective.source}:{item.next_line}")
        for skip in self.skipped:
            lines.append(f"  - {skip.objective.id}: {skip.reason}")
        count = len(self.carried)
        lines.append(f"{verb} {count} new objective file{'' if count == 1 else 's'} for {self.target} "
                     f"and {add} next: to {count} file{'' if count == 1 else 's'} of {self.source}; "
                     f"{len(self.skipped)} objective{'' if len(self.skipped) == 1 else 's'} not carried"
                     + (" (nothing was written)" if self.dry_run else ""))
        return "\n".join(lines)


def rollover(site_dir: Path, source: str, target: str, as_of: dt.date, team: str | None = None,
             every: bool = False, below: float | None = None, dry_run: bool = False) -> Rollover:
    """Carry FROM's unfinished objectives into TO; raises RolloverError (writing nothing) when refused."""
    checked = check_site(site_dir, as_of)
    refuse_errors(checked, RolloverError, "run okr-pages check and fix them first; nothing was written")
    scored = checked.scored
    _check_cycles(scored, source, target)
    if team is not None and team not in scored.teams:
        hint = did_you_mean(team, scored.teams) or f"teams: {', '.join(scored.teams)}"
        raise RolloverError(f"--team: unknown team '{team}' ({hint})")
    done = Rollover(source, target, as_of, [], [], dry_run)
    cycle = scored.cycles[source]
    if cycle.state != "ended":
        done.notes.append(f"{source} has not ended (it runs until {cycle.cycle.end}): key results start from "
                          f"their values as of {as_of}")
    chosen: list[tuple[ScoredObjective, list[str], tuple[str, ...]]] = []
    for score in cycle.objectives:
        if team is not None and score.objective.team != team:
            continue
        reason = _reason_to_skip(scored, score, every, below)
        if reason is None:
            blocks, left_out = _key_results(score, source)
            if blocks:
                chosen.append((score, blocks, left_out))
                continue
            reason = "every key result was reached: nothing left to carry"
        done.skipped.append(Skipped(score, reason))
    new_ids = {score.id: carry_id(score.id, source, target) for score, _, _ in chosen}
    problems: list[str] = []
    seen: dict[str, str] = {}  # new file or id → the objective it comes from
    content_dir = scored.site.config.content_dir.strip("/")
    for score, blocks, left_out in chosen:
        new_id = new_ids[score.id]
        rel, explicit_id = _new_place(score.objective, new_id, source, target, content_dir)
        if new_id in scored.objectives:
            problems.append(f"objective '{new_id}' already exists ({scored.objectives[new_id].objective.source})")
        elif (site_dir / rel).exists():
            problems.append(f"{rel} already exists")
        elif rel in seen or new_id in seen:
            problems.append(f"{score.id} and {seen.get(rel) or seen[new_id]} would both become {new_id} ({rel})")
        seen[rel] = seen[new_id] = score.id
        aligns, alignment = _alignment(scored, score, new_ids, source, target)
        outside = rel.removeprefix(content_dir + "/").split("/")[0] != KIND_ROOTS["objective"]
        text = objective_text(score, new_id, target, aligns, blocks, explicit_id,
                              _body(score.objective, rel, content_dir), outside)
        config = scored.site.config
        _verify_new(text, rel, content_dir, config, new_id, target, score.id, problems)
        try:
            old_file, old_lines, line = _next_edit(site_dir, score.objective, new_id, content_dir, config)
        except (EditError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{score.objective.source}: cannot add next: ({exc})")
            continue
        done.carried.append(Carried(score, new_id, rel, text, len(blocks), left_out, alignment, old_file, old_lines,
                                    line))
    if problems:
        raise RolloverError("; ".join(problems) + " (nothing was written: rename or remove what is in the way, "
                            "or leave those objectives out with --team)")
    if dry_run or not done.carried:
        return done
    _write(site_dir, done.carried)
    done.checked = check_site(site_dir, as_of)
    return done


def _check_cycles(scored: ScoredSite, source: str, target: str) -> None:
    cycles = scored.site.cycles
    known = {**{c.id: c for c in scored.site.config.cycles}, **cycles}
    if source not in cycles:
        hint = did_you_mean(source, cycles) or f"cycles with objectives: {', '.join(cycles) or 'none'}"
        raise RolloverError(f"FROM: unknown cycle '{source}' ({hint})")
    to_cycle = known.get(target) or implicit_cycle(target)
    if to_cycle is None:
        hint = did_you_mean(target, known) or "use an id like 2026-Q4, or list the cycle under cycles: in okr-pages.yaml"
        raise RolloverError(f"TO: unknown cycle '{target}' ({hint})")
    if target == source:
        raise RolloverError(f"FROM and TO are both {source}: name the cycle to carry the objectives into")
    if to_cycle.start <= cycles[source].start:
        raise RolloverError(f"TO ({target}, from {to_cycle.start}) must start after FROM ({source}, from "
                            f"{cycles[source].start})")


def _reason_to_skip(scored: ScoredSite, score: ScoredObjective, every: bool, below: float | None) -> str | None:
    """Why an objective is not carried; None when it is."""
    follow_up = scored.next_of.get(score.id)
    if follow_up is not None:
        return f"already followed up by {follow_up.id}"
    if every:
        return None
    value = round(score.graded, BOUNDARY_DIGITS)
    shown = f"{score.graded:.2f}{' reviewed' if score.reviewed else ''}"
    if below is not None and value < below:
        return None
    if score.objective.commitment == "committed":
        return None if verdict(score)[0] == "missed" else f"completed ({shown})"
    if below is not None:
        return f"ended at {shown}, not below {below:g}"
    return f"aspirational, ended at {shown} (carry it with --below SCORE or --all)"


def carry_id(text: str, source: str, target: str) -> str:
    """An id or path in the next cycle: parts that are FROM, or start or end with it next to a '-', '_'
    or '.', take TO instead; with no such part, '-TO' is added to the last part."""
    parts = text.split("/")
    changed = False
    for index, part in enumerate(parts):
        if part == source:
            parts[index], changed = target, True
        elif part.startswith(source) and part[len(source)] in _SEPARATORS:
            parts[index], changed = target + part[len(source):], True
        elif part.endswith(source) and part[-len(source) - 1] in _SEPARATORS:
            parts[index], changed = part[:-len(source)] + target, True
    if not changed:
        parts[-1] = f"{parts[-1]}-{target}"
    return "/".join(parts)


def _new_place(objective: Objective, new_id: str, source: str, target: str, content_dir: str) -> tuple[str, bool]:
    """The new file (site-relative) and whether it must say ``id:`` (its path does not give the id)."""
    content_rel = objective.source.removeprefix(content_dir + "/")
    stem = content_rel.removesuffix(".md")
    root = KIND_ROOTS["objective"]
    if objective.id == default_id(content_rel, "objective") and stem.startswith(root + "/"):
        new_rel = f"{root}/{new_id}.md"  # the usual case: the path is the id
    else:
        new_rel = carry_id(stem, source, target) + ".md"
    return f"{content_dir}/{new_rel}", default_id(new_rel, "objective") != new_id


def _alignment(scored: ScoredSite, score: ScoredObjective, new_ids: dict[str, str], source: str,
               target: str) -> tuple[str | None, str]:
    """The new objective's parent (None: none, or a comment) and how it was chosen, in words."""
    parent = score.objective.aligns_to
    if parent is None:
        return None, ""
    if parent in new_ids:
        return new_ids[parent], f"{new_ids[parent]} (its parent is carried too)"
    parent_score = scored.objectives.get(parent)
    if parent_score is None or parent_score.objective.cycle != source:
        return parent, f"{parent} (kept: not an objective of {source})"
    follow_up = scored.next_of.get(parent)
    if follow_up is not None and follow_up.objective.cycle == target:
        return follow_up.id, f"{follow_up.id} (the follow-up of its parent {parent})"
    return f"# {parent}", f"left as a comment: its parent {parent} is not carried into {target}; align it by hand"


def _key_results(score: ScoredObjective, source: str) -> tuple[list[str], tuple[str, ...]]:
    """The YAML lines of each key result carried (one block each), and the titles left out."""
    blocks: list[str] = []
    left_out: list[str] = []
    for scored_kr in score.key_results:
        block = _key_result_lines(scored_kr, source)
        if block is None:
            left_out.append(scored_kr.kr.title)
        else:
            blocks.append("\n".join(block))
    return blocks, tuple(left_out)


def _key_result_lines(scored_kr: ScoredKR, source: str) -> list[str] | None:
    kr: KeyResult = scored_kr.kr
    if round(scored_kr.score, BOUNDARY_DIGITS) >= 1.0:
        return None  # reached: nothing left to do, and a baseline at its target would measure nothing
    lines = [f"  - title: {yaml_text(kr.title)}"]
    if kr.id != (slugify(kr.title) or "key-result"):
        lines.append(f"    id: {kr.id}")
    if kr.type == "numeric":
        if kr.kpi:
            lines.append(f"    kpi: {kr.kpi}")
        if scored_kr.current is not None:
            lines.append(f"    baseline: {yaml_number(scored_kr.current)}  # where it ended in {source}")
        elif kr.baseline is not None:
            lines.append(f"    baseline: {yaml_number(kr.baseline)}")
        lines.append(f"    target: {yaml_number(kr.target)}" if kr.target is not None else "    target:")
        if kr.unit:
            lines.append(f"    unit: {yaml_text(kr.unit)}")
    elif kr.type == "milestone":
        lines.append("    milestones:  # those not done yet")
        for milestone in kr.milestones:
            if not milestone.done:
                weight = f", weight: {yaml_number(milestone.weight)}" if milestone.weight != 1 else ""
                lines.append(f"      - {{title: {_flow_text(milestone.title)}, done: false{weight}}}")
    else:
        lines.append("    done: false")
    if kr.weight != 1:
        lines.append(f"    weight: {yaml_number(kr.weight)}")
    return lines


def _flow_text(value: str) -> str:
    """A scalar inside ``{...}``: plain when that reads back the same, else double-quoted."""
    text = yaml_text(value)
    return quote(value) if text == value and any(c in value for c in ",[]{}") else text


def objective_text(score: ScoredObjective, new_id: str, target: str, aligns: str | None, blocks: list[str],
                   explicit_id: bool, body: str, outside: bool = False) -> str:
    """The new objective's file (``outside``: not below okrs/, so it says what it is)."""
    objective = score.objective
    lines = ["---"]
    if outside:
        lines.append("kind: objective")
    if explicit_id:
        lines.append(f"id: {new_id}")
    lines += [f"title: {yaml_text(objective.title)}", f"cycle: {yaml_text(target)}"]
    if objective.team:
        lines.append(f"team: {objective.team}")
    if objective.owner:
        lines.append(f"owner: {yaml_text(objective.owner)}")
    if aligns is not None:
        lines.append(f"# aligns_to: {aligns[2:]}  # re-point to a {target} objective"
                     if aligns.startswith("# ") else f"aligns_to: {aligns}")
    lines += [f"commitment: {objective.commitment}", f"previous: {objective.id}  # carried over by okr-pages rollover",
              "key_results:", *blocks, "---"]
    return "\n".join(lines) + "\n" + body


_LINK_SLOTS = re.compile(r"\]\(\s*<?([^)\s>]+)")


def _body(objective: Objective, new_rel: str, content_dir: str) -> str:
    """The old body, its relative links re-pointed from the new file's folder to the same files."""
    body = objective.body
    old_dir = posixpath.dirname(objective.source.removeprefix(content_dir + "/"))
    new_dir = posixpath.dirname(new_rel.removeprefix(content_dir + "/"))
    if old_dir == new_dir or not objective.compiled.links:
        return body
    lines = body.split("\n")
    for link in objective.compiled.links:
        index = link.line - objective.body_line
        if not 0 <= index < len(lines) or not link.written:
            continue
        moved = posixpath.relpath(link.target, new_dir or ".")
        lines[index] = lines[index].replace(link.written, moved, 1)
    return "\n".join(lines)


def _read_back(text: str, rel: str, content_dir: str, config: Config) -> tuple[ItemResult | None, Diagnostic | None]:
    """A file's new text read as a build reads it, with the site's Markdown and limits settings: the
    item and its problems, or the problem that keeps it from being read at all."""
    document, problem = load_document(text.encode("utf-8"), rel, rel.removeprefix(content_dir + "/"))
    if document is None:
        return None, problem
    return read_item(document, content_dir, lambda other: (None, None), config.markdown_html, config.limits), None


def _verify_new(text: str, rel: str, content_dir: str, config: Config, new_id: str, target: str, old_id: str,
                problems: list[str]) -> None:
    """Read the new file as okr-pages will: no error, and the id, cycle and link back intended."""
    result, problem = _read_back(text, rel, content_dir, config)
    if result is None:
        problems.append(f"{rel}: cannot be written readably ({problem.text() if problem else 'unreadable'})")
        return
    errors = [p for p in result.problems if p.severity == "error"]
    item = result.item
    if errors or not isinstance(item, Objective) or (item.id, item.cycle, item.previous) != (new_id, target, old_id):
        shown = errors[0].text() if errors else "it would not read back as intended"
        problems.append(f"{rel}: cannot be written readably ({shown})")


def _next_edit(site_dir: Path, objective: Objective, new_id: str, content_dir: str,
               config: Config) -> tuple[TextFile, list[str], int]:
    """The old file, and its lines with ``next: NEW-ID`` written in, checked by reading them back:
    one line more (or one empty ``next:`` filled), and nothing else read differently."""
    file = TextFile.read(site_dir / objective.source)
    front, offset = front_of(file, objective.source)
    lines, line = set_entry(file.lines, front, offset, "next", new_id)
    if len(lines) - len(file.lines) > 1:
        raise EditError("more than one line would change")
    result, _ = _read_back(file.text(lines), objective.source, content_dir, config)
    after = result.item if result else None
    if not isinstance(after, Objective) or after.next != new_id:
        raise EditError("the edited file does not read back with the new next:")
    if dataclasses.replace(after, next=objective.next, body_line=objective.body_line) != objective:
        raise EditError("the edit would change more than next:")
    return file, lines, line


def _write(site_dir: Path, carried: list[Carried]) -> None:
    """New files first (never over an existing one), then one line into each old file; a failure part
    way removes the new files again."""
    created: list[Path] = []
    try:
        for item in carried:
            path = site_dir / item.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite, even in a race
                created.append(path)
                out.write(item.text)
    except OSError as exc:
        for path in created:
            path.unlink(missing_ok=True)
        raise RolloverError(f"cannot write {exc.filename or 'a new file'}: {exc.strerror or exc} "
                            "(nothing was kept)") from exc
    for item in carried:
        try:
            item.old_file.write(item.old_lines)
        except (OSError, OkrPagesError) as exc:
            raise RolloverError(f"wrote the new files, but cannot add next: to {item.old.objective.source} "
                                f"({exc}): add 'next: {item.new_id}' to it by hand") from exc
