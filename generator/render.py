"""Scored model → HTML pages, charts, search index and feed, through the Jinja2 theme.

Templates show figures; every figure comes from ``Scores``. This module only
arranges the model into pages (grouping, ordering, linking).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import charts
from .diagnostics import Diagnostic
from .markup import content_paths, content_rel, make_markdown, relative_url, render_markdown
from .model import KPI, Objective, Page, Site, Team
from .scoring import Scores
from .themes import Theme, load_theme

Progress = Callable[[int, int], None]
LABELS = {
    "on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "final": "Final",
    "missed": "Missed", "red": "Red", "yellow": "Yellow", "green": "Green", "healthy": "Healthy",
    "watch": "Watch", "unhealthy": "Unhealthy", "no_target": "No target", "no_data": "No data",
    "improving": "Improving", "worsening": "Worsening", "flat": "Flat", "unknown": "Unknown",
    "aspirational": "Aspirational", "committed": "Committed", "up": "Higher is better",
    "down": "Lower is better", "numeric": "Numeric", "milestone": "Milestones", "binary": "Done / not done",
}


@dataclass
class Output:
    """What the renderer produced: files by relative path, and warnings found while rendering."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    pages: int = 0


def format_number(value: Any, unit: str | None = None) -> str:
    """12 → '12', 0.125 → '0.13', 1031.5 → '1,031.5'; with the unit after it ('%' stuck to the number)."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "pp") else f"{text} {unit}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def score_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def long_date(value: dt.date | None) -> str:
    return "—" if value is None else f"{value.day} {value:%b %Y}"


def team_order(teams: dict[str, Team]) -> list[tuple[Team, int]]:
    """Teams depth-first from the roots, in config order, with their depth."""
    children: dict[str | None, list[Team]] = {}
    for team in teams.values():
        parent = team.parent if team.parent in teams else None
        children.setdefault(parent, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def visit(parent: str | None, depth: int) -> None:
        for team in children.get(parent, []):
            ordered.append((team, depth))
            visit(team.id, depth + 1)

    visit(None, 0)
    return ordered


class Renderer:
    """Renders every page of one site. Construct once per build."""

    def __init__(self, site: Site, scores: Scores, site_dir: Path, theme: Theme) -> None:
        self.site, self.scores, self.theme = site, scores, theme
        self.site_dir = site_dir
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(path)) for path in theme.template_dirs]),
            autoescape=select_autoescape(["html", "xml"], default_for_string=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
            keep_trailing_newline=True,
        )
        self.env.filters.update(num=format_number, pct=percent, score=score_text, label=LABELS.get,
                                longdate=long_date)
        self.md = make_markdown(site.config.markdown_html)
        self.output = Output()
        self.teams = team_order(site.teams)
        self.children: dict[str, list[Objective]] = {}
        for objective in site.objectives.values():
            if objective.aligns_to:
                self.children.setdefault(objective.aligns_to, []).append(objective)
        self._paths = content_paths(site)
        self.chart_html: dict[str, Markup] = {}

    def markdown(self, body: str, source: str, body_line: int, url: str):
        return render_markdown(self.md, body, source=source,
                               content_rel=content_rel(source, self.site.config.content_dir),
                               body_line=body_line, page_url=url, resolve=self._paths.get,
                               problems=self.output.problems)

    # -- charts --------------------------------------------------------------------------------
    def prepare_charts(self) -> None:
        """Build every chart's spec once; in svg mode convert them all in one batch."""
        specs: dict[str, dict] = {}
        for objective in self.site.objectives.values():
            spec = charts.objective_chart(objective, self.scores.objectives[objective.id],
                                          self.site.cycles.get(objective.cycle), self.scores.as_of)
            if spec:
                specs[f"objective:{objective.id}"] = spec
        for kpi in self.site.kpis.values():
            status = self.scores.kpis[kpi.id]
            spec = charts.kpi_chart(kpi, status)
            if spec:
                specs[f"kpi:{kpi.id}"] = spec
            spark = charts.sparkline(kpi, status)
            if spark:
                specs[f"spark:{kpi.id}"] = spark
        keys = list(specs)
        if self.site.config.charts == "svg":
            prefixes = [f"c{index}-" for index in range(len(keys))]
            svgs = charts.render_svgs([specs[key] for key in keys], prefixes)
            self.chart_html = {key: Markup(svg) for key, svg in zip(keys, svgs)}
        else:
            self.chart_html = {
                key: Markup('<script type="application/json" class="vega-spec">') + Markup(charts.chart_json(specs[key]))
                + Markup("</script>")
                for key in keys
            }

    # -- pages ---------------------------------------------------------------------------------
    def page(self, template: str, url: str, base: str | None = None, **context: Any) -> None:
        """Render one template to ``url`` (a folder path like 'okrs/x/', '' for home, or a file name).

        Links are relative to ``url``, or start from ``base`` when it is given."""
        path = url + "index.html" if url == "" or url.endswith("/") else url
        root = base if base is not None else ("../" * url.count("/") or "./")

        def link(target: str) -> str:
            return base + target if base is not None else relative_url(url, target)

        html = self.env.get_template(template).render(
            site=self.site, scores=self.scores, config=self.site.config, root=root, url=url,
            nav=self.nav(), docs=self.site.pages, charts=self.chart_html, teams_ordered=self.teams,
            children=self.children, link=link, **context)
        self.output.files[path] = html.encode("utf-8")
        self.output.pages += 1

    def nav(self) -> list[tuple[str, str]]:
        items = [("Home", ""), ("KPIs", "kpis/"), ("Teams", "teams/"), ("Alignment", "alignment/"),
                 ("Archive", "cycles/")]
        guides = [page for page in self.site.pages if page.id != "index"]  # the index page is shown on home
        if guides:
            items.append(("Guide", guides[0].url))
        items.append(("Search", "search/"))
        return items

    def item_jobs(self) -> list[tuple[str, str]]:
        """One (kind, key) per page that depends on one item; site-wide pages are rendered apart."""
        site = self.site
        return ([("objective", key) for key in site.objectives] + [("kpi", key) for key in site.kpis]
                + [("team", key) for key in site.teams] + [("cycle", key) for key in site.cycles]
                + [("doc", page.id) for page in site.pages])

    def render_item(self, kind: str, key: str) -> None:
        site = self.site
        if kind == "objective":
            self.render_objective(site.objectives[key])
        elif kind == "kpi":
            self.render_kpi(site.kpis[key])
        elif kind == "team":
            self.render_team(site.teams[key])
        elif kind == "cycle":
            self.page("cycle.html", f"cycles/{key}/", cycle=site.cycles[key], objectives=self.objectives_in(key))
        else:
            self.render_doc(next(page for page in site.pages if page.id == key))

    def render_all(self, progress: Progress | None = None, jobs: int = 1) -> Output:
        """Every page; with ``jobs`` > 1 the per-item pages render in that many spawned processes."""
        content_dir = self.site_dir / self.site.config.content_dir
        for rel in self.site.files:  # images and downloads beside the Markdown; a generated page wins a clash
            self.output.files[rel] = (content_dir / rel).read_bytes()
        self.prepare_charts()
        for render in (self.render_home, self.render_dashboard, self.render_teams, self.render_alignment,
                       self.render_cycles, self.render_search, self.render_404, self.render_feed):
            render()
        items = self.item_jobs()
        if jobs > 1 and len(items) >= PARALLEL_MINIMUM:
            self._render_parallel(items, jobs, progress)
        else:
            for index, (kind, key) in enumerate(items, 1):
                self.render_item(kind, key)
                if progress and (index % 50 == 0 or index == len(items)):
                    progress(index, len(items))
        self.output.files.update(self.theme.static_files())
        if self.site.config.charts == "js":
            self.output.files["assets/vega.js"] = charts.javascript_bundle().encode("utf-8")
        self.output.files["assets/search-index.js"] = self.search_index()
        return self.output

    def _render_parallel(self, items: list[tuple[str, str]], jobs: int, progress: Progress | None) -> None:
        chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
        context = multiprocessing.get_context("spawn")  # forking after vl-convert started can hang
        state = (self.site, self.scores, self.site_dir, self.theme, dict(self.chart_html))
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(state,)) as pool:
            done = 0
            for files, problems, pages, count in pool.map(_render_chunk, chunks):
                self.output.files.update(files)
                self.output.problems.extend(problems)
                self.output.pages += pages
                done += count
                if progress:
                    progress(done, len(items))

    def objectives_in(self, cycle_id: str | None, team: str | None = None) -> list[Objective]:
        return [o for o in self.site.objectives.values()
                if o.cycle == cycle_id and (team is None or o.team == team)]

    def by_team(self, items: Iterable[Any]) -> list[tuple[Team | None, list[Any]]]:
        """Objectives or KPIs grouped by owning team, teams in tree order; those with no team last."""
        groups: dict[str | None, list[Any]] = {}
        for item in items:
            groups.setdefault(item.team, []).append(item)
        ordered: list[tuple[Team | None, list[Any]]] = [
            (team, groups[team.id]) for team, _ in self.teams if team.id in groups]
        if None in groups:
            ordered.append((None, groups[None]))
        return ordered

    def render_home(self) -> None:
        current = self.scores.current_cycle
        cycle = self.site.cycles.get(current) if current else None
        intro = None
        index_page = next((p for p in self.site.pages if p.id == "index"), None)
        if index_page:
            intro = self.markdown(index_page.body, index_page.source, index_page.body_line, "")
        self.page("home.html", "", cycle=cycle, groups=self.by_team(self.objectives_in(current)),
                  intro=intro, title=self.site.config.title)

    def render_objective(self, objective: Objective) -> None:
        body = self.markdown(objective.body, objective.source, objective.body_line, objective.url)
        self.page("objective.html", objective.url, objective=objective,
                  score=self.scores.objectives[objective.id],
                  cycle=self.site.cycles.get(objective.cycle),
                  parent=self.site.objectives.get(objective.aligns_to or ""),
                  kids=self.children.get(objective.id, []), body=body, title=objective.title,
                  chart=self.chart_html.get(f"objective:{objective.id}"))

    def render_kpi(self, kpi: KPI) -> None:
        body = self.markdown(kpi.body, kpi.source, kpi.body_line, kpi.url)
        readers = []
        for ref in self.scores.kpis[kpi.id].read_by:
            objective_id, kr_id = ref.split("#", 1)
            objective = self.site.objectives[objective_id]
            index = next(i for i, kr in enumerate(objective.key_results) if kr.id == kr_id)
            readers.append((objective, objective.key_results[index],
                            self.scores.objectives[objective_id].key_results[index]))
        self.page("kpi.html", kpi.url, kpi=kpi, status=self.scores.kpis[kpi.id], body=body,
                  readers=readers, title=kpi.title, chart=self.chart_html.get(f"kpi:{kpi.id}"))

    def render_dashboard(self) -> None:
        self.page("dashboard.html", "kpis/", groups=self.by_team(self.site.kpis.values()), title="KPIs")

    def render_teams(self) -> None:
        self.page("teams.html", "teams/", title="Teams")

    def render_team(self, team: Team) -> None:
        current = self.scores.current_cycle
        subteams = [t for t in self.site.teams.values() if t.parent == team.id]
        other = [o for o in self.site.objectives.values() if o.team == team.id and o.cycle != current]
        self.page("team.html", f"teams/{team.id}/", team=team, subteams=subteams,
                  objectives=self.objectives_in(current, team.id), past=other,
                  kpis=[k for k in self.site.kpis.values() if k.team == team.id],
                  parent=self.site.teams.get(team.parent or ""), title=team.name)

    def render_alignment(self) -> None:
        cycles = []
        for cycle in reversed(list(self.site.cycles.values())):
            roots = [o for o in self.objectives_in(cycle.id)
                     if not o.aligns_to or o.aligns_to not in self.site.objectives
                     or self.site.objectives[o.aligns_to].cycle != cycle.id]
            if roots:
                cycles.append((cycle, roots))
        self.page("alignment.html", "alignment/", cycles=cycles, title="Alignment")

    def render_cycles(self) -> None:
        cycles = [(c, self.objectives_in(c.id)) for c in reversed(list(self.site.cycles.values()))]
        self.page("cycles.html", "cycles/", cycles=cycles, title="Cycle archive")

    def render_doc(self, page: Page) -> None:
        if page.id == "index":
            return  # shown on the home page
        body = self.markdown(page.body, page.source, page.body_line, page.url)
        self.page("page.html", page.url, doc=page, body=body, title=page.title)

    def render_search(self) -> None:
        self.page("search.html", "search/", title="Search")

    def render_404(self) -> None:
        # GitHub Pages serves 404.html at any depth, so its links start from base_url.
        self.page("404.html", "404.html", base=self.site.config.base_url, title="Not found")

    def render_feed(self) -> None:
        entries = []
        for objective in self.site.objectives.values():
            score = self.scores.objectives[objective.id]
            for kr, kr_score in zip(objective.key_results, score.key_results):
                for checkin in kr_score.checkins:
                    entries.append((checkin.date, objective, kr, checkin))
        entries.sort(key=lambda e: (e[0], e[1].id, e[2].id), reverse=True)
        text = self.env.get_template("feed.xml").render(
            site=self.site, config=self.site.config, scores=self.scores, entries=entries[:100])
        self.output.files["feed.xml"] = text.encode("utf-8")

    def search_index(self) -> bytes:
        """A classic script defining the search index, so search works from file:// too."""
        docs: list[dict[str, str]] = []
        for o in self.site.objectives.values():
            krs = " ".join(kr.title for kr in o.key_results)
            docs.append({"t": o.title, "u": o.url, "k": "Objective",
                         "s": f"{o.cycle} · {self._team_name(o.team)} · {o.owner or ''}",
                         "x": f"{krs} {o.owner or ''} {o.id} {_plain(o.body)}"})
        for k in self.site.kpis.values():
            docs.append({"t": k.title, "u": k.url, "k": "KPI", "s": self._team_name(k.team),
                         "x": f"{k.id} {_plain(k.body)}"})
        for t in self.site.teams.values():
            docs.append({"t": t.name, "u": f"teams/{t.id}/", "k": "Team", "s": t.lead or "", "x": t.id})
        for p in self.site.pages:
            docs.append({"t": p.title, "u": p.url, "k": "Guide", "s": "", "x": _plain(p.body)})
        text = json.dumps(docs, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("</", "<\\/")
        return f"window.OKR_SEARCH_INDEX = {text};\n".encode()

    def _team_name(self, team_id: str | None) -> str:
        team = self.site.teams.get(team_id or "")
        return team.name if team else ""


def _plain(markdown: str, limit: int = 2000) -> str:
    """Markdown reduced to searchable words (a cheap pass: punctuation marks stay harmless)."""
    return " ".join(markdown.replace("#", " ").replace("*", " ").replace("`", " ").split())[:limit]


PARALLEL_MINIMUM = 200  # below this, starting processes costs more than it saves
CHUNK = 100
_worker: Renderer | None = None


def _start_worker(state: tuple) -> None:
    global _worker
    site, scores, site_dir, theme, chart_html = state
    _worker = Renderer(site, scores, site_dir, theme)
    _worker.chart_html = chart_html


def _render_chunk(items: list[tuple[str, str]]) -> tuple[dict[str, bytes], list[Diagnostic], int, int]:
    assert _worker is not None
    _worker.output = Output()
    for kind, key in items:
        _worker.render_item(kind, key)
    return _worker.output.files, _worker.output.problems, _worker.output.pages, len(items)


def render_site(site: Site, scores: Scores, site_dir: Path, progress: Progress | None = None,
                jobs: int = 1) -> Output:
    """Every HTML page, chart, static asset, search index and feed of the site."""
    renderer = Renderer(site, scores, site_dir, load_theme(site_dir))
    return renderer.render_all(progress, jobs)
