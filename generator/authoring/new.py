"""``okr-pages new objective|kpi``: write a valid, commented starting file in the right folder."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from ..diagnostics import OkrPagesError, did_you_mean
from ..model.content import Config, Site
from ..reading.config import implicit_cycle, load_config
from ..reading.documents import KIND_FOLDERS
from ..reading.load import load_site
from ..reading.markdown import slugify
from .yamledit import quote

_FOLDER: dict[str, str] = {kind: folder for folder, kind in KIND_FOLDERS.items()}  # objective → okrs


class ScaffoldError(OkrPagesError):
    """A refused ``new``; the message says why and how to fix it."""


@dataclass(frozen=True)
class Created:
    """The file written and the id it will have."""

    path: Path
    rel: str
    id: str


def new_file(kind: str, site_dir: Path, title: str, cycle: str | None = None, team: str | None = None,
             owner: str | None = None, item_id: str | None = None, path: str | None = None,
             today: dt.date | None = None) -> Created:
    """Write a new objective or KPI file; raises ScaffoldError instead of overwriting anything."""
    title = title.strip()
    if not title:
        raise ScaffoldError("--title: give the objective's or KPI's title, e.g. --title 'Win the enterprise segment'")
    config, problems = load_config(site_dir)
    if any(p.severity == "error" for p in problems):
        raise ScaffoldError(f"{problems[0].text()} (fix okr-pages.yaml first)")
    site = load_site(site_dir).site
    today = today or dt.date.today()
    team = _team(config, site, team)
    owner = _owner(site_dir, config, team, owner)
    if kind == "objective":
        cycle = _cycle(config, site, cycle, today)
        default = f"{cycle}/{team or 'company'}/{slugify(title) or 'objective'}"
    else:
        default = slugify(title) or "kpi"
    target, file_id = _target(site_dir, config, kind, item_id, path, default)
    taken = site.objectives if kind == "objective" else site.kpis
    if file_id in taken:
        raise ScaffoldError(f"{kind} id '{file_id}' is already used by {taken[file_id].source} "
                            "(choose another --title or --id)")
    rel = (target.resolve().relative_to(site_dir.resolve()).as_posix()
           if target.resolve().is_relative_to(site_dir.resolve()) else str(target))
    if target.exists():
        raise ScaffoldError(f"{rel} already exists; nothing was written (choose another --title, --id or --path)")
    in_kind_folder = _in_kind_folder(site_dir, config, kind, target)
    text = (objective_text(title, cycle or "", team, owner, not in_kind_folder) if kind == "objective"
            else kpi_text(title, team, owner, not in_kind_folder))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite, even in a race
            out.write(text)
    except FileExistsError as exc:
        raise ScaffoldError(f"{rel} already exists; nothing was written") from exc
    except OSError as exc:
        raise ScaffoldError(f"cannot write {rel}: {exc.strerror or exc}") from exc
    return Created(target, rel, file_id)


def _team(config: Config, site: Site, team: str | None) -> str | None:
    known = [t.id for t in config.teams] or list(site.teams)
    if team is None:
        roots = [t.id for t in config.teams if t.parent is None]
        return roots[0] if roots else (known[0] if known else None)
    if config.teams and team not in known:
        hint = did_you_mean(team, known) or f"teams in okr-pages.yaml: {', '.join(known)}"
        raise ScaffoldError(f"--team: unknown team '{team}' ({hint})")
    return team


def _owner(site_dir: Path, config: Config, team: str | None, owner: str | None) -> str:
    if owner and owner.strip():
        return owner.strip()
    try:  # the person running the command is the likeliest owner
        done = subprocess.run(["git", "config", "user.name"], check=False, capture_output=True, text=True,
                              timeout=5, cwd=site_dir)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    lead = next((t.lead for t in config.teams if t.id == team and t.lead), None)
    if lead:
        return lead
    raise ScaffoldError("--owner: say who is accountable, e.g. --owner 'Dana Reyes' "
                        "(no git user.name or team lead to default to)")


def _cycle(config: Config, site: Site, cycle: str | None, today: dt.date) -> str:
    known = {c.id: c for c in config.cycles}
    known.update({cid: c for cid, c in site.cycles.items() if cid not in known})
    if cycle is None:
        containing = [c for c in config.cycles if c.start <= today <= c.end]
        if containing:
            return containing[0].id
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    if cycle not in known and implicit_cycle(cycle) is None:
        hint = did_you_mean(cycle, known) or "use an id like 2026-Q4, or list the cycle under cycles: in okr-pages.yaml"
        raise ScaffoldError(f"--cycle: unknown cycle '{cycle}' ({hint})")
    return cycle


def _target(site_dir: Path, config: Config, kind: str, item_id: str | None, path: str | None,
            default: str) -> tuple[Path, str]:
    """(file to write, the id it will have): from --path, --id, or the default id."""
    content = site_dir / config.content_dir
    root = content / _FOLDER[kind]
    if path is not None:
        target = Path(path).resolve()
        if not target.is_relative_to(content.resolve()):  # a path relative to the site folder
            target = (site_dir / path).resolve()
        if target.suffix != ".md":
            raise ScaffoldError(f"--path: expected a Markdown file ending in .md, got '{path}'")
        if not target.resolve().is_relative_to(content.resolve()):
            raise ScaffoldError(f"--path: '{path}' is outside {config.content_dir}/ "
                                f"(put it under {config.content_dir}/{_FOLDER[kind]}/)")
        resolved = target.resolve()
        file_id = (resolved.relative_to(root.resolve()).with_suffix("").as_posix()
                   if resolved.is_relative_to(root.resolve())
                   else resolved.relative_to(content.resolve()).with_suffix("").as_posix())
        return target, file_id
    file_id = (item_id or default).strip().strip("/").removesuffix(".md")
    parts = PurePosixPath(file_id).parts
    if not parts or any(part in ("", ".", "..") for part in parts) or "\\" in file_id:
        raise ScaffoldError(f"--id: expected a path-like id such as 2026-Q4/sales/win-enterprise, got '{item_id}'")
    return root / f"{file_id}.md", file_id


def _in_kind_folder(site_dir: Path, config: Config, kind: str, target: Path) -> bool:
    root = site_dir / config.content_dir / _FOLDER[kind]
    return target.resolve().is_relative_to(root.resolve())


def yaml_text(value: str) -> str:
    """A scalar written plainly when YAML reads it back unchanged as text, else double-quoted."""
    plain = value.strip() == value and "#" not in value and ": " not in value and not value.endswith(":")
    if plain and value:
        try:
            plain = yaml.safe_load(f"key: {value}\n") == {"key": value}
        except yaml.YAMLError:
            plain = False
    if plain:
        return value
    return quote(value)


def _line(key_value: str, comment: str, width: int = 34) -> str:
    return f"{key_value.ljust(width - 2)}  # {comment}"


EXAMPLE_KEY_RESULTS = [
    "key_results:                      # 2 to 5 measurable outcomes, not activities: replace these examples",
    "  - title: Raise the share of ... from 20% to 40%",
    _line("    baseline: 20", "the value at the start of the cycle"),
    _line("    target: 40", "the value that means fully reached"),
    "    unit: \"%\"",
    "    # Each week: okr-pages checkin <objective-id>#<kr-id> VALUE --confidence 0.7 --note \"...\"",
    "  - title: Cut ... from 10 days to 5",
    _line("    baseline: 10", "lower-is-better works too: baseline above target"),
    "    target: 5",
    "    unit: days",
]
BODY = "Why this objective matters now, what success looks like, and links to the context."


def objective_text(title: str, cycle: str, team: str | None, owner: str | None, explicit_kind: bool = False,
                   key_results: list[str] | None = None, commitment: str = "aspirational") -> str:
    """A new objective: front matter with two example key results to replace (or the ``key_results:``
    lines given, as ``import`` writes them), and a body."""
    lines = ["---", "# An objective: where we want to be by the end of the cycle, in words. Guide: guide/writing-objectives"]
    if explicit_kind:
        lines.append(_line("kind: objective", "this file is outside okrs/, so say what it is"))
    lines += [
        f"title: {yaml_text(title)}",
        _line(f"cycle: {yaml_text(cycle)}", "the quarter it belongs to"),
        _line(f"team: {yaml_text(team)}" if team else "team: company", "owning team id, from okr-pages.yaml"),
    ]
    if owner:
        lines.append(_line(f"owner: {yaml_text(owner)}", "the one person accountable"))
    lines += [
        "# aligns_to: 2026-Q4/company/some-objective   # the parent objective this one supports, if any",
        _line(f"commitment: {commitment}", "aspirational (0.7 is a good score) or committed (1.0 expected)"),
        *(EXAMPLE_KEY_RESULTS if key_results is None else key_results),
        "---",
        BODY,
        "",
    ]
    return "\n".join(lines)


def kpi_text(title: str, team: str | None, owner: str, explicit_kind: bool = False) -> str:
    """A new KPI: front matter with direction, target and thresholds to adjust, and an empty series."""
    lines = ["---", "# A KPI: an indicator we watch across cycles. Guide: guide/defining-kpis"]
    if explicit_kind:
        lines.append(_line("kind: kpi", "this file is outside kpis/, so say what it is"))
    lines += [
        f"title: {yaml_text(title)}",
    ]
    if team:
        lines.append(_line(f"team: {yaml_text(team)}", "owning team id, from okr-pages.yaml"))
    lines += [
        _line(f"owner: {yaml_text(owner)}", "who reports the number"),
        _line("# unit: \"%\"", "shown beside values"),
        _line("direction: up", "up: higher is better; down: lower is better"),
        _line("# target: 100", "the value to meet"),
        _line("# thresholds: {green: 90, yellow: 75}", "with direction up: healthy from 90, watch from 75"),
        _line("cadence: monthly", "daily, weekly, monthly or quarterly: how often a value is added"),
        "# One point per line, 'YYYY-MM: value' or 'YYYY-MM-DD: value'; or 'series: name.csv' for a CSV beside",
        "# this file. Add the latest value with: okr-pages checkin <kpi-id> VALUE",
        "series: {}",
        "---",
        "What this number measures, how it is calculated, and where it comes from.",
        "",
    ]
    return "\n".join(lines)
