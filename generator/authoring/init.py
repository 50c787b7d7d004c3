"""``okr-pages init [DIR] [--title TEXT] [--teams ID,ID,...] [--empty]``: a company's own OKR
repository (SPEC §12), from the files in ``starter/`` and the guide pages that ship with okr-pages.

It writes into an empty or new folder, or one that holds other files but no site (a fresh clone of
an empty GitHub repository has a README.md): a file that is already there is kept as it is and
named in the report, never overwritten. A folder that already holds a site is refused. What it
writes checks with 0 errors and 0 warnings on the day it is written, and builds.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .. import ACTION_REPOSITORY, __version__
from ..diagnostics import OkrPagesError, printable
from ..reading.config import CONFIG_NAME
from .new import yaml_text

STARTER = Path(__file__).resolve().parent / "starter"
_PACKAGE = Path(__file__).resolve().parent.parent
# Installed, the guide pages ship inside the package (builtin_guide); in a source checkout they are
# the repository's own content/guide/, the pages of the bundled example's site.
_GUIDE_CANDIDATES = (_PACKAGE / "builtin_guide", _PACKAGE.parent / "content" / "guide")
ACTION_TOKEN = "OKR_PAGES_ACTION"  # what the starter workflows say where the action goes
_TEAM_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_TEAMS = 100
MAX_TITLE = 200
_ACRONYMS = {"hr": "HR", "it": "IT", "qa": "QA", "ux": "UX", "pr": "PR", "bi": "BI", "cs": "CS", "rd": "R&D"}
# Team ids whose starter objective is written for that kind of team; any other team gets team.md.
_OBJECTIVES = {"sales": "sales", "marketing": "marketing", "growth": "marketing", "product": "product",
               "engineering": "engineering", "eng": "engineering", "development": "engineering",
               "platform": "engineering", "infrastructure": "engineering", "support": "support",
               "customer-success": "support", "cs": "support", "customer-support": "support",
               "people": "people", "hr": "people", "talent": "people", "finance": "finance",
               "operations": "operations", "ops": "operations", "logistics": "operations"}
# The starter KPI: the company objective's first key result reads it. A point per month, the last one
# the current month, so the KPI is fresh on the day init writes it.
KPI_ID = "active-customers"
KPI_VALUES = (412, 425, 431, 446, 458, 470)
_GITHUB_REMOTE = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                            r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


class InitError(OkrPagesError):
    """A refused ``init``; the message says why and what to do instead."""


@dataclass(frozen=True)
class Team:
    id: str
    name: str


@dataclass
class Initialised:
    """What ``init`` wrote, what it kept as it was, and the folder."""

    folder: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    cycle: str = ""
    repo_url: str | None = None
    empty: bool = False

    def text(self) -> str:
        """The report: the files, then the next steps."""
        where = printable(str(self.folder))
        lines = [f"okr-pages init: wrote {len(self.written)} files to {where} (okr-pages {__version__})"]
        lines += [f"  {rel}" for rel in self.written]
        if self.kept:
            lines.append(f"kept {len(self.kept)} file(s) that were already there, as they were:")
            lines += [f"  {rel}" for rel in self.kept]
            if ".gitignore" in self.kept:
                lines.append("  (add _site/, .okr-pages-cache/ and .okr-pages-base/ to your .gitignore)")
        cd = "" if self.folder == Path(".") else f"cd {where} && "
        lines += ["", "Next steps:",
                  f"  1. {cd}okr-pages serve   # the site at http://127.0.0.1:8000/, rebuilt on save",
                  (f"  2. Write each team's objectives into content/okrs/{self.cycle}/<team>/ (okr-pages new objective "
                   "--title TITLE --team TEAM; guide: Writing objectives), and your KPIs into content/kpis/."
                   if self.empty else
                   f"  2. Replace the starter objectives in content/okrs/{self.cycle}/ with your own (guide: Writing "
                   "objectives), and the KPI in content/kpis/; okr-pages check --strict says what to improve."),
                  "  3. Name who approves each team's OKRs in .github/CODEOWNERS.",
                  "  4. Push to GitHub; under Settings → Pages set the source to GitHub Actions."]
        if self.repo_url is None:
            lines.append("  5. Set repo_url in okr-pages.yaml (https://github.com/OWNER/REPOSITORY) for the edit "
                         "and Check in links, and create the label 'check-in'.")
        else:
            lines.append(f"  5. Create the label 'check-in' in {self.repo_url} for the Check in form.")
        return "\n".join(lines)


def init_site(folder: Path, title: str | None = None, teams: str | None = None, empty: bool = False,
              today: dt.date | None = None, owner: str | None = None) -> Initialised:
    """Write a new site into ``folder``; raises InitError (before writing anything) for a folder
    that holds a site, a bad --title or --teams; a failed write removes what this run wrote."""
    today = today or dt.date.today()
    if folder.exists() and not folder.is_dir():
        raise InitError(f"'{printable(str(folder))}' is a file, not a folder (name a new or empty folder)")
    _refuse_a_site(folder)
    title = _title(title, folder)
    team_list = _teams(teams, title)
    cycle = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    repo_url = _repo_url(folder)
    owner = owner or _git_user(folder)
    files = _files(title, team_list, cycle, today, repo_url, owner, empty)
    done = Initialised(folder, cycle=cycle, repo_url=repo_url, empty=empty)
    for rel in files:
        (done.kept if (folder / rel).exists() else done.written).append(rel)
    _write(folder, {rel: text for rel, text in files.items() if rel in done.written})
    return done


def _refuse_a_site(folder: Path) -> None:
    for name in (CONFIG_NAME, "content"):
        if (folder / name).exists():
            raise InitError(f"'{printable(str(folder))}' already holds an OKR Pages site ({name} is there); "
                            "init writes a new site only into an empty or new folder, so nothing was written "
                            "(in an existing site, add an objective with: okr-pages new objective --title TITLE)")


def _title(title: str | None, folder: Path) -> str:
    if title is None:
        words = [w for w in re.split(r"[-_\s]+", folder.resolve().name) if w and w.lower() != "okrs"]
        name = " ".join(w if w.isupper() else w.capitalize() for w in words) or "Our"
        return f"{name} OKRs"
    title = title.strip()
    if not title:
        raise InitError("--title: give the site's title, e.g. --title 'Acme OKRs'")
    if len(title) > MAX_TITLE or any(not ch.isprintable() for ch in title):
        raise InitError(f"--title: expected a short line of text (at most {MAX_TITLE} printable characters)")
    return title


def _teams(teams: str | None, title: str) -> list[Team]:
    """The company (the top team, named for the site) and each team of --teams below it."""
    company = Team("company", title.removesuffix(" OKRs").strip() or "Company")
    if teams is None:
        return [company]
    ids = [part.strip() for part in teams.split(",")]
    problems = []
    if len(ids) > MAX_TEAMS:
        problems.append(f"{len(ids)} teams, more than {MAX_TEAMS}")
    seen: set[str] = set()
    for team_id in ids:
        if not team_id:
            problems.append("an empty team id (write ids between the commas, e.g. --teams sales,product)")
        elif not _TEAM_ID.match(team_id):
            suggestion = re.sub(r"[^a-z0-9]+", "-", team_id.lower()).strip("-")
            hint = f", e.g. '{suggestion}'" if suggestion else ""
            problems.append(f"'{printable(team_id)}' is not a team id (use lower-case letters, digits and hyphens"
                            f"{hint})")
        elif team_id in seen:
            problems.append(f"'{team_id}' is listed twice")
        seen.add(team_id)
    if problems:
        raise InitError("--teams: " + "; ".join(problems))
    return [company, *(Team(team_id, _team_name(team_id)) for team_id in ids if team_id != "company")]


def _team_name(team_id: str) -> str:
    return " ".join(_ACRONYMS.get(word, word.capitalize()) for word in team_id.split("-"))


def _git(folder: Path, *args: str) -> str | None:
    where = folder if folder.is_dir() else Path(".")
    try:
        done = subprocess.run(["git", *args], check=False, capture_output=True, text=True, timeout=5, cwd=where)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def _repo_url(folder: Path) -> str | None:
    """The GitHub repository the folder is a clone of, if it is one (its 'origin' remote)."""
    if not (folder / ".git").exists():
        return None
    remote = _GITHUB_REMOTE.match(_git(folder, "remote", "get-url", "origin") or "")
    return f"https://github.com/{remote[1]}/{remote[2]}" if remote else None


def _git_user(folder: Path) -> str | None:
    name = _git(folder, "config", "user.name")
    return name if name and name.isprintable() and len(name) <= MAX_TITLE else None


def _files(title: str, teams: list[Team], cycle: str, today: dt.date, repo_url: str | None,
           owner: str | None, empty: bool) -> dict[str, str]:
    """Every file of the new site by its path, in the order the report lists them."""
    action = f"{ACTION_REPOSITORY}@v{__version__}"
    company = teams[0]
    parent = f"{cycle}/company/{_slug_of(_starter('objectives/company.md'))}"
    files = {CONFIG_NAME: config_text(title, teams, repo_url)}
    for team in teams:
        if empty:
            files[f"content/okrs/{cycle}/{team.id}/.gitkeep"] = ""
            continue
        kind = "company" if team is company else _OBJECTIVES.get(team.id, "team")
        text = _fill(_starter(f"objectives/{kind}.md"), CYCLE=cycle, TEAM=team.id, NAME=team.name,
                     OWNER=yaml_text(owner or f"{team.name} lead"), PARENT=parent)
        objective_id = f"{cycle}/{team.id}/{_slug_of(text)}"
        files[f"content/okrs/{objective_id}.md"] = _fill(text, OBJECTIVE=objective_id)
    files[f"content/kpis/{KPI_ID}.md"] = _fill(_starter(f"kpis/{KPI_ID}.md"), TEAM=company.id,
                                               OWNER=yaml_text(owner or f"{company.name} lead"))
    files[f"content/kpis/{KPI_ID}.csv"] = kpi_csv(today)
    for page in sorted(guide_dir().glob("*.md")):
        files[f"content/guide/{page.name}"] = page.read_text(encoding="utf-8")
    for workflow in sorted((STARTER / "github" / "workflows").glob("*.yml")):
        files[f".github/workflows/{workflow.name}"] = workflow.read_text(encoding="utf-8").replace(ACTION_TOKEN,
                                                                                                  action)
    files[".github/ISSUE_TEMPLATE/checkin.yml"] = _starter("github/ISSUE_TEMPLATE/checkin.yml")
    files[".github/CODEOWNERS"] = codeowners_text(teams, repo_url)
    files[".gitignore"] = _starter("gitignore")
    files["README.md"] = _fill(_starter("README.md"), TITLE=title, VERSION=__version__, ACTION=action,
                               FIRST_TEAM=teams[-1].id)
    return files


def guide_dir() -> Path:
    """The guide pages that ship with okr-pages."""
    for candidate in _GUIDE_CANDIDATES:
        if (candidate / "how-we-run-okrs.md").is_file():
            return candidate
    raise InitError("the guide pages are missing from this installation of okr-pages (reinstall it)")


def _starter(rel: str) -> str:
    return (STARTER / rel).read_text(encoding="utf-8")


def _fill(text: str, **values: str) -> str:
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def _slug_of(objective_text: str) -> str:
    """A starter objective's file name: the slug of its title."""
    from ..reading.markdown import slugify

    title = next(line for line in objective_text.splitlines() if line.startswith("title: "))
    return slugify(title.removeprefix("title: "))


def config_text(title: str, teams: list[Team], repo_url: str | None) -> str:
    """okr-pages.yaml: the title and the teams, and the keys a company sets next, commented."""
    repo = (f"repo_url: {repo_url}             # the edit links, and the Check in link of every key result and KPI"
            if repo_url else
            "# repo_url: https://github.com/OWNER/REPOSITORY   # turns on the edit links and the Check in link\n"
            "#                                                 # of every key result and KPI")
    lines = [f"# The site's configuration, written by okr-pages init {__version__}. Every key: the guide's",
             "# Configuration page (content/guide/configuration.md).",
             f"title: {yaml_text(title)}",
             "# base_url: /okrs/             # the path the site is published under; the Pages workflow passes it",
             repo,
             "",
             "# Cycles need no list: an id like 2026-Q4 is that calendar quarter.",
             "teams:                         # the company on top, each team below the one it reports to"]
    for team in teams:
        lines.append(f"  - id: {team.id}")
        lines.append(f"    name: {yaml_text(team.name)}")
        if team.id != "company":
            lines.append("    parent: company")
    lines += ["",
              "# scoring:",
              "#   bands: {yellow: 0.4, green: 0.7}          # below 0.4 red, below 0.7 yellow, else green",
              "#   pace: {at_risk: -0.15, off_track: -0.3}   # score minus the expected progress",
              "# checkin_every: 14                         # days before a key result without a check-in is overdue",
              "# language: en                              # de, es, fr, id",
              "",
              "# The weekly digest (.github/workflows/digest.yml) posts to the channels named here, their",
              "# URLs from repository secrets:",
              "# notify:",
              "#   slack: {webhook: \"${SLACK_WEBHOOK_URL}\"}",
              ""]
    return "\n".join(lines)


def kpi_csv(today: dt.date) -> str:
    """The starter KPI's points: one a month, the last one this month."""
    months = []
    year, month = today.year, today.month
    for _ in KPI_VALUES:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    rows = [f"{when},{value}" for when, value in zip(reversed(months), KPI_VALUES, strict=True)]
    return "date,value\n" + "\n".join(rows) + "\n"


def codeowners_text(teams: list[Team], repo_url: str | None) -> str:
    """One line per team folder: the GitHub team that approves changes to it."""
    org = repo_url.split("/")[3] if repo_url else "your-org"
    lines = ["# Who approves changes to each team's OKRs: GitHub asks them to review every pull request that",
             "# touches their folder. Replace each owner with the GitHub team (@org/team) or the people",
             "# (@login) of that team; a check-in's pull request then goes to them.",
             *(f"/content/okrs/**/{team.id}/ @{org}/{team.id}" for team in teams), ""]
    return "\n".join(lines)


def _write(folder: Path, files: dict[str, str]) -> None:
    """Write each file, never over one that exists (even one made meanwhile); on a failure, remove
    what this run wrote and the folders it made, and say why."""
    made: list[Path] = []
    folders: list[Path] = []
    try:
        for rel, text in files.items():
            path = folder / rel
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.extend(reversed(missing))
            with path.open("x", encoding="utf-8", newline="\n") as out:
                made.append(path)
                out.write(text)
    except OSError as exc:
        for path in reversed(made):
            path.unlink(missing_ok=True)
        for path in reversed(folders):
            try:
                path.rmdir()
            except OSError:
                pass
        what = "it was created meanwhile" if isinstance(exc, FileExistsError) else (exc.strerror or str(exc))
        raise InitError(f"cannot write {printable(str(exc.filename or folder))}: {what}; nothing was written") \
            from exc
