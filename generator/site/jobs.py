"""Page jobs: one small function per page kind, each yielding the jobs of its pages.

A job names its output path, its template and the records the template is handed (``given``):
scored records (``ScoredObjective``, ``ScoredKPI``, ``ScoredTeam``, ``ScoredCycle``, ...) that carry
their figures, so nothing is looked up by id in a template. What is worked out from those records
only when the page renders (Markdown bodies on the page, charts, link previews) comes from
``derive``. The page's fingerprint is made of its template and of what it is handed
(``fingerprints``), so an incremental build renders only the pages whose records changed. Records a
page shows as lines of a list are named in ``listed``: they are fingerprinted by their ``listing``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from ..model.content import KPI, Config, Objective, Page, Team, split_kr_ref
from ..scoring.changes import Changes, changes_since
from ..scoring.people import ScoredPerson
from ..scoring.review import CycleReview, TeamReview, review_counts, review_cycle
from ..scoring.scores import (
    ScoredCycle,
    ScoredKPI,
    ScoredKR,
    ScoredObjective,
    ScoredSite,
    ScoredTeam,
)
from . import api, charts, feed, previews, search
from .editing import (
    LinkBases,
    SourceLinks,
    checkin_command,
    checkin_form,
    checkin_link,
    checkin_target,
    kpi_checkin_command,
    link_bases,
)
from .formatting import ENGLISH, N_, Language, gettext
from .markup import Rendered, relative_url, render_body, without_site_links

CAP = 10  # entries of a capped list on home (moves and check-ins, overdue key results, signals): SPEC §13
KPI_STRIP = 12  # KPIs on home's health strip; the dashboard has them all


@dataclass(frozen=True)
class Job:
    """One output file: made from a template and the records it is handed, or from ``data``."""

    path: str  # below the output folder: "okrs/2026-Q4/x/index.html"
    template: str | None = None
    given: Mapping[str, Any] = field(default_factory=dict)  # the records the file is made from, by name
    derive: Callable[[], dict[str, Any]] | None = None  # worked out from ``given`` when the page renders
    listed: frozenset[str] = frozenset()  # names in ``given`` shown as lines of a list
    data: Callable[[], bytes] | None = None
    base: str | None = None  # links are relative to the site root, which a <base> element names (404.html)
    charts: tuple[str, ...] = ()  # chart keys the page shows (drawn in one batch in svg mode)
    weight: int = 1  # how many records it lists: what its render time is guessed from before it is known

    @property
    def url(self) -> str:
        """The page's URL below the site root ("okrs/x/"; "" for home; "404.html")."""
        return self.path.removesuffix("index.html")

    def context(self) -> dict[str, Any]:
        """What the template gets besides the frame: the records it is handed and what is derived."""
        return {**self.given, **(self.derive() if self.derive is not None else {})}


@dataclass(frozen=True)
class Frame:
    """What every page of the site shows or is shaped by: the config, the as-of date, the
    navigation and the language (each page's fingerprint covers it)."""

    config: Config
    as_of: Any
    nav: tuple[tuple[str, str], ...]
    language: str  # the language's key: its code and the digest of its catalogs


@dataclass(frozen=True)
class LazyChanges:
    """What changed in the last ``changes_window`` days (SPEC §9): the site scored a second time, only
    when a page that shows it renders. Its fingerprint is what that second scoring reads: the date
    and the config (in the frame), the cycles and teams, every objective's front matter (never its
    body) and every KPI."""

    view: SiteView

    def fingerprint_parts(self) -> tuple[Any, ...]:
        site = self.view.scored.site
        return (self.view.scored.as_of, site.config, tuple(site.cycles.values()), tuple(site.teams.values()),
                tuple(f"{o.id}={o.front_digest}@{o.source}" for o in site.objectives.values()),
                tuple(site.kpis.values()))

    @property
    def value(self) -> Changes:
        return self.view.changes


@dataclass
class SiteView:
    """What page jobs read: the scored site, content paths for links, Markdown and charts."""

    scored: ScoredSite
    paths: dict[str, str]  # content path → site path, for links in bodies
    chart_html: dict[str, Markup] = field(default_factory=dict)  # svg mode: drawn before rendering
    language: Language = ENGLISH  # the language the build speaks (``formatting.speaking``)
    drawn: bool = False  # charts are static drawings whatever the config says (a report: no scripts)

    def __post_init__(self) -> None:
        self.config = self.scored.site.config
        self.drawn = self.drawn or self.config.charts == "svg"

    @cached_property
    def frame(self) -> Frame:
        return Frame(self.config, self.scored.as_of, tuple(self.nav()), self.language.key)

    @cached_property
    def changes(self) -> Changes:
        """The changes of the last ``changes_window`` days: the site is scored a second time, only
        when a page that shows them renders."""
        return changes_since(self.scored)

    @cached_property
    def search(self) -> search.SearchIndex:
        """The search index, in parts: made once per build."""
        return search.search_index(self.scored)

    @cached_property
    def lazy_changes(self) -> LazyChanges:
        return LazyChanges(self)

    @cached_property
    def _link_bases(self) -> LinkBases:
        return link_bases(self.config)

    def source_links(self, item: Objective | KPI | Page) -> SourceLinks | None:
        """Edit and history links of an item's source file, when the config names a repository."""
        return self._link_bases.links(item.source)

    @cached_property
    def _checkin_form(self) -> str | None:
        return checkin_form(self.config)

    def checkin_links(self, objective: Objective) -> dict[str, str | None]:
        """Each key result's Check in link (its KPI's, for one that reads a KPI), when the site's
        repository is on GitHub; None for key results that take no value."""
        form = self._checkin_form
        links: dict[str, str | None] = {}
        for kr in objective.key_results:
            target = checkin_target(objective, kr) if form else None
            if form is None or target is None:
                links[kr.id] = None
                continue
            ref, title = target
            kpi = self.scored.site.kpis.get(ref) if kr.kpi else None
            links[kr.id] = checkin_link(form, ref, kpi.title if kpi else title)
        return links

    def kpi_checkin_link(self, kpi: KPI) -> str | None:
        """A KPI's Check in link, when the site's repository is on GitHub."""
        return checkin_link(self._checkin_form, kpi.id, kpi.title) if self._checkin_form else None

    def body(self, item: Objective | Page | Any, url: str) -> Rendered:
        """An item's Markdown body as HTML, its links pointing at pages of the site."""
        return render_body(item.compiled, url, self.paths)

    def retrospective(self, objective: Objective, url: str) -> Rendered | None:
        """An objective's retrospective as HTML on the page at ``url``; None when it has none."""
        return render_body(objective.retro, url, self.paths) if objective.retrospective else None

    def chart(self, key: str) -> Markup | None:
        """A chart as markup: inline SVG (drawn beforehand) or a Vega-Lite spec for the browser."""
        if self.drawn:
            return self.chart_html.get(key)
        spec = chart_spec(self.scored, key)
        if spec is None:
            return None
        return (Markup('<script type="application/json" class="vega-spec">') + Markup(charts.chart_json(spec))
                + Markup("</script>"))

    def nav(self) -> list[tuple[str, str]]:
        """The main navigation: labels (translated where shown) and paths."""
        items = [(N_("Home"), ""), (N_("KPIs"), "kpis/"), (N_("Teams"), "teams/"), (N_("People"), "people/"),
                 (N_("Alignment"), "alignment/"), (N_("Archive"), "cycles/"), (N_("Changes"), "changes/")]
        guides = self.guides()
        if guides:
            items.append((N_("Guide"), guides[0].url))
        items.append((N_("Search"), "search/"))
        return items

    def guides(self) -> list[Page]:
        return [page for page in self.scored.site.pages if page.id != "index"]  # the index page is on home

    def sections(self) -> dict[str, list[Page]]:
        """Guide pages by section (their top folder; '' for pages at the top), sections in the order
        of their first page."""
        found: dict[str, list[Page]] = {}
        for page in self.guides():
            found.setdefault(section_of(page), []).append(page)
        return found


def section_of(page: Page) -> str:
    """A guide page's section: the top folder of its id ('guide' for 'guide/writing'), '' at the top."""
    return page.id.split("/", 1)[0] if "/" in page.id else ""


@dataclass(frozen=True)
class Section:
    """A section of the guide in the navigation: its title, its first page, whether it is open."""

    key: str
    title: str
    url: str
    current: bool


def chart_spec(scored: ScoredSite, key: str) -> dict | None:
    """The Vega-Lite spec of a chart key: 'objective:ID', 'kpi:ID', 'history:' (the archive),
    'history:TEAM', 'teams:CYCLE' or 'grades:CYCLE'."""
    kind, _, item = key.partition(":")
    if kind == "objective":
        return charts.objective_chart(scored.objectives[item], scored.as_of)
    if kind == "history":
        teams = [scored.teams[item]] if item else history_teams(scored)
        return charts.history_chart(list(scored.cycles.values()), teams, scored.as_of)
    if kind == "teams":
        return charts.team_scores_chart(scored.cycles[item], list(scored.teams.values()))
    if kind == "grades":
        return charts.grades_chart(scored.cycles[item], review_counts(scored.cycles[item]))
    return charts.kpi_chart(scored.kpis[item])


def history_teams(scored: ScoredSite) -> list[ScoredTeam]:
    """The teams the archive's chart draws: the top teams and their departments (a line for every team
    of a large company would be unreadable; the archive's table lists them all)."""
    return [team for team in scored.teams.values() if team.depth <= charts.HISTORY_DEPTH and team.history]


def by_team(view: SiteView, items: list[Any]) -> list[tuple[ScoredTeam | None, list[Any]]]:
    """Objectives or KPIs grouped by owning team, teams in tree order; those with no team last."""
    groups: dict[str | None, list[Any]] = {}
    for item in items:
        groups.setdefault(item.team.id if item.team else None, []).append(item)
    ordered: list[tuple[ScoredTeam | None, list[Any]]] = [
        (team, groups[tid]) for tid, team in view.scored.teams.items() if tid in groups]
    if None in groups:
        ordered.append((None, groups[None]))
    return ordered


def _listed(*names: str) -> frozenset[str]:
    return frozenset(names)


# -- page kinds ---------------------------------------------------------------------------------------

def home_jobs(view: SiteView) -> Iterator[Job]:
    """Home summarises the current cycle (SPEC §13): its company-level objectives, a card per team, and
    lists capped at ``CAP`` with a link to all: so it stays light however large the company."""
    scored = view.scored
    cycle = scored.current
    current = list(cycle.objectives) if cycle else []
    index_page = next((p for p in scored.site.pages if p.id == "index"), None)
    kpis = attention_first(list(scored.kpis.values()), KPI_STRIP)
    top = {tid for tid, team in scored.teams.items() if team.depth == 0}
    company = [o for o in current if o.team is not None and o.team.id in top]
    overdue = [(o, kr) for o in current for kr in o.overdue]
    teams = [team for team in scored.teams.values() if team.current]
    given = {"cycle": cycle, "company": company[:CAP], "company_total": len(company), "teams": teams,
             "kpis": kpis, "kpis_total": len(scored.kpis), "signals": scored.signals[:CAP],
             "signals_total": len(scored.signals), "title": view.config.title, "intro_page": index_page,
             "overdue": overdue[:CAP], "overdue_total": len(overdue), "changes": view.lazy_changes}

    def derive() -> dict[str, Any]:
        changes = view.changes
        checkins = changes.checkins[:CAP]  # what people did first: their check-ins, then the scores they moved
        return {"intro": view.body(index_page, "") if index_page else None, "changes": changes,
                "strip_checkins": checkins, "strip_moves": changes.by_people[:CAP - len(checkins)],
                "time_moves": len(changes.by_time), "change_counts": previews.change_counts(changes, always=3),
                "description": previews.home(cycle, list(scored.kpis.values()), scored.signals, view.config.title)}

    yield Job("index.html", "home.html", given, derive,
              _listed("cycle", "company", "teams", "kpis", "signals", "overdue"), weight=len(teams) + 4 * CAP)


HEALTH_ORDER = ("unhealthy", "watch", "no_data", "no_target", "healthy")


def attention_first(kpis: list[ScoredKPI], cap: int) -> list[ScoredKPI]:
    """All the KPIs when there are no more than ``cap``; else the ``cap`` that most need attention
    (unhealthy, then watch, ...; a signal before the others of its health), in that order."""
    if len(kpis) <= cap:
        return kpis
    return sorted(kpis, key=lambda k: (HEALTH_ORDER.index(k.health) if k.health in HEALTH_ORDER else len(HEALTH_ORDER),
                                       not k.signal))[:cap]


def objective_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for score in scored.objectives.values():
        objective = score.objective
        given = {"o": score, "parent": scored.objectives.get(objective.aligns_to or ""),
                 "children": scored.children.get(objective.id, ()), "title": objective.title,
                 "next": scored.next_of.get(objective.id), "previous": scored.previous_of.get(objective.id)}

        def derive(score: ScoredObjective = score) -> dict[str, Any]:
            url = score.objective.url
            commands = {kr.id: checkin_command(score.objective, kr) for kr in score.objective.key_results}
            return {"body": view.body(score.objective, url), "chart": view.chart(f"objective:{score.id}"),
                    "retrospective": view.retrospective(score.objective, url),
                    "source": view.source_links(score.objective), "commands": commands,
                    "checkin_links": view.checkin_links(score.objective),
                    "description": previews.objective(score)}

        yield Job(objective.url + "index.html", "objective.html", given, derive,
                  _listed("parent", "children", "next", "previous"), charts=(f"objective:{objective.id}",))


def kpi_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for status in scored.kpis.values():
        readers: list[tuple[ScoredObjective, ScoredKR]] = []
        for ref in status.read_by:
            objective_id, kr_id = split_kr_ref(ref)
            reader = scored.objectives[objective_id]
            readers.extend((reader, kr) for kr in reader.key_results if kr.kr.id == kr_id)

        def derive(status: ScoredKPI = status) -> dict[str, Any]:
            return {"body": view.body(status.kpi, status.url), "chart": view.chart(f"kpi:{status.id}"),
                    "source": view.source_links(status.kpi), "description": previews.kpi(status),
                    "command": kpi_checkin_command(status.kpi), "checkin_link": view.kpi_checkin_link(status.kpi)}

        yield Job(status.url + "index.html", "kpi.html", {"k": status, "readers": readers, "title": status.kpi.title},
                  derive, charts=(f"kpi:{status.id}",))


DASHBOARD_CARDS = 8  # KPIs of one team on the dashboard (those that need attention first); its own page has all


def dashboard_jobs(view: SiteView) -> Iterator[Job]:
    """``kpis/``: each team's KPIs with their sparklines, at most ``DASHBOARD_CARDS`` of a team (SPEC
    §13); a team with more has all of them on ``teams/<id>/kpis/``."""
    scored = view.scored
    everything = list(scored.kpis.values())
    groups = [(team.team if team else None, kpis) for team, kpis in by_team(view, everything)]
    totals = {team.id: len(kpis) for team, kpis in groups if team is not None}
    shown = [(team, attention_first(kpis, DASHBOARD_CARDS) if team is not None else kpis) for team, kpis in groups]
    yield _dashboard_job(view, "kpis/index.html", shown, totals, gettext("KPIs"), None,
                         previews.dashboard(everything, scored.signals))
    for team, kpis in groups:
        if team is not None and len(kpis) > DASHBOARD_CARDS:
            yield _dashboard_job(view, f"{team.url}kpis/index.html", [(team, kpis)], totals,
                                 gettext("KPIs of %(team)s") % {"team": team.name}, team,
                                 previews.dashboard(kpis, [k for k in scored.signals if k in kpis]))


def _dashboard_job(view: SiteView, path: str, groups: list[tuple[Team | None, list[ScoredKPI]]],
                   totals: dict[str, int], title: str, team: Team | None, description: str) -> Job:
    signals = view.scored.signals if team is None else tuple(k for k in view.scored.signals
                                                             if k.team is not None and k.team.id == team.id)

    def derive() -> dict[str, Any]:
        # Sparklines are static SVG drawn here, in either chart mode: the dashboard loads no runtime.
        return {"groups": [(team, [(k, _markup(charts.sparkline(k))) for k in kpis]) for team, kpis in groups]}

    given = {"shown": groups, "totals": totals, "signals": signals, "title": title, "team_page": team,
             "description": description}
    return Job(path, "dashboard.html", given, derive, _listed("signals"), weight=sum(len(k) for _, k in groups))


def _markup(svg: str | None) -> Markup | None:
    return Markup(svg) if svg is not None else None


def teams_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    teams = list(scored.teams.values())
    yield Job("teams/index.html", "teams.html", {"teams": teams, "title": gettext("Teams"), "current": scored.current},
              lambda: {"description": previews.teams(teams, scored.current)}, _listed("teams", "current"))


def team_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    now = scored.current.now if scored.current else None
    for team in scored.teams.values():
        given = {"team": team, "current_cycle": now, "past": list(reversed(team.past)), "title": team.name,
                 "cycles": tuple(scored.cycles.values())}

        def derive(team: ScoredTeam = team) -> dict[str, Any]:
            return {"description": previews.team(team, now),
                    "history_chart": view.chart(f"history:{team.id}") if team.history else None}

        yield Job(team.url + "index.html", "team.html", given, derive, _listed("past", "cycles"),
                  charts=(f"history:{team.id}",) if team.history else ())


@dataclass(frozen=True)
class TreeRow:
    """One objective in the alignment tree, flattened: ``opens`` starts a nested list under the
    previous row, ``closes`` ends that many nested lists before this row."""

    objective: ScoredObjective = field(metadata={"fingerprint": "row"})
    depth: int
    opens: bool
    closes: int


def alignment_rows(scored: ScoredSite, cycle: ScoredCycle) -> tuple[list[TreeRow], int]:
    """The cycle's objectives depth first under their parents, iteratively (a chain thousands of
    levels deep is fine); the number of lists still open at the end."""
    roots = [o for o in cycle.objectives
             if not o.objective.aligns_to or o.objective.aligns_to not in scored.objectives
             or scored.objectives[o.objective.aligns_to].objective.cycle != cycle.id]
    rows: list[TreeRow] = []
    stack: list[tuple[ScoredObjective, int]] = [(root, 0) for root in reversed(roots)]
    seen: set[str] = set()
    previous = 0
    while stack:
        score, depth = stack.pop()
        if score.id in seen:
            continue
        seen.add(score.id)
        rows.append(TreeRow(score, depth, bool(rows) and depth > previous, max(previous - depth, 0)))
        previous = depth
        kids = [kid for kid in scored.children.get(score.id, ()) if kid.objective.cycle == cycle.id]
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return rows, previous


def alignment_jobs(view: SiteView) -> Iterator[Job]:
    """``alignment/``: the current cycle's tree (else the latest one with objectives), and a page of its
    own for each other cycle's (``alignment/<cycle>/``), so no page holds every cycle at once."""
    scored = view.scored
    trees = []
    for cycle in reversed(list(scored.cycles.values())):
        rows, open_at_end = alignment_rows(scored, cycle)
        if rows:
            trees.append((cycle, rows, open_at_end))
    first = next((tree for tree in trees if scored.current and tree[0].id == scored.current.id), trees[0] if trees else None)
    others = [tree[0].now for tree in trees if tree is not first]
    for tree in trees:
        cycle = tree[0]
        home = tree is first
        given = {"trees": [tree], "title": gettext("Alignment") if home else
                 gettext("Alignment in %(cycle)s") % {"cycle": cycle.name}, "others": others if home else [],
                 "index": None if home else first[0].now if first else None}

        def derive(objectives: int = len(tree[1])) -> dict[str, Any]:
            return {"description": previews.alignment(objectives)}

        yield Job("alignment/index.html" if home else f"alignment/{cycle.id}/index.html", "alignment.html", given,
                  derive, _listed("trees"), weight=len(tree[1]))
    if not trees:
        yield Job("alignment/index.html", "alignment.html",
                  {"trees": [], "title": gettext("Alignment"), "others": [], "index": None},
                  lambda: {"description": previews.alignment(0)})


def cycles_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    ordered = list(scored.cycles.values())
    columns = [c for c in ordered if c.score is not None]
    history = []  # a row per team: its score in each cycle of the table (None where it had no objective)
    for team in scored.teams.values():
        if team.history:
            history.append((team, [team.in_cycle(c.id) for c in columns]))
    given = {"cycles": list(reversed(ordered)), "title": gettext("Cycle archive"), "scored_cycles": columns,
             "history": history, "chart_teams": history_teams(scored)}
    yield Job("cycles/index.html", "cycles.html", given,
              lambda: {"history_chart": view.chart("history:"), "description": previews.cycles(ordered)},
              _listed("cycles", "scored_cycles", "history", "chart_teams"), charts=("history:",))


CYCLE_ROWS = 100  # objectives a cycle's page lists; the explorer and the review's team pages have every one


def cycle_jobs(view: SiteView) -> Iterator[Job]:
    for cycle in view.scored.cycles.values():
        def derive(cycle: ScoredCycle = cycle) -> dict[str, Any]:
            return {"description": previews.cycle(cycle)}

        yield Job(cycle.url + "index.html", "cycle.html",
                  {"cycle": cycle, "title": cycle.name, "objectives": cycle.objectives[:CYCLE_ROWS]}, derive,
                  _listed("objectives"))


def review_url(cycle: ScoredCycle) -> str:
    return f"{cycle.url}review/"


REVIEW_ROWS = 20  # objectives in each of the review summary's tables; each team's page has all of its own


def review_jobs(view: SiteView) -> Iterator[Job]:
    """``cycles/<id>/review/`` for every cycle that has started (the final review once it has ended,
    an interim one while it runs): the company summary, and one page per team with its objectives
    (SPEC §13)."""
    for cycle in view.scored.cycles.values():
        if cycle.state != "upcoming":
            review = review_cycle(view.scored, cycle.id)
            yield review_job(view, cycle, review)
            for team in review.teams:
                yield from review_team_jobs(view, cycle, review, team)


def review_job(view: SiteView, cycle: ScoredCycle, review: CycleReview | None = None, standalone: bool = False,
               only: TeamReview | None = None) -> Job:
    """The review of one cycle: the site's summary page, or (``standalone``) the one file of ``okr-pages
    report`` with every team's part after the summary (``only``: one team's part alone), from the same
    records through the same templates."""
    url = review_url(cycle)
    review = review or review_cycle(view.scored, cycle.id)
    # The teams' bar chart reads each team's score in the cycle.
    in_cycle = tuple((team.team, entry) for team in view.scored.teams.values()
                     if (entry := team.in_cycle(cycle.id)) is not None)
    title = gettext("%(cycle)s review") % {"cycle": cycle.name}
    given = {"review": review, "cycle": review.cycle, "standalone": standalone, "teams_in_cycle": in_cycle,
             "title": title, "review_url": url, "only_team": only is not None, "final": review.final}

    def retrospective(objective: Objective) -> Rendered | None:
        rendered = view.retrospective(objective, "")
        return without_site_links(rendered) if rendered is not None else None

    def derive() -> dict[str, Any]:
        made = {"committed": review.committed[:REVIEW_ROWS], "aspirational": review.aspirational[:REVIEW_ROWS],
                "grades_chart": view.chart(f"grades:{cycle.id}"), "teams_chart": view.chart(f"teams:{cycle.id}")}
        if not standalone:
            return made
        teams = [only] if only is not None else list(review.teams)
        return {**made, "rows": [(team, [(row, retrospective(row.objective.objective)) for row in team.objectives])
                                 for team in teams],
                "link": lambda target: ""}  # one file links to no page

    return Job("" if standalone else url + "index.html", "report.html" if standalone else "review.html", given,
               derive, _listed("teams_in_cycle"), charts=(f"grades:{cycle.id}", f"teams:{cycle.id}"),
               weight=len(review.teams) + 2 * REVIEW_ROWS + len(view.scored.kpis))


REVIEW_TEAM_PAGE = 100  # objectives on one page of a team's review; more go on pages 2, 3, ...


def review_team_jobs(view: SiteView, cycle: ScoredCycle, review: CycleReview, team: TeamReview) -> Iterator[Job]:
    """One team's part of a cycle's review, on pages of its own (``REVIEW_TEAM_PAGE`` objectives each):
    its objectives with their key results, scores and retrospectives."""
    first = f"{review_url(cycle)}{team.slug}/"
    name = team.team.name if team.team else gettext("No team")
    count = max(1, -(-len(team.objectives) // REVIEW_TEAM_PAGE))
    pages = tuple(first if n == 1 else f"{first}{n}/" for n in range(1, count + 1))
    for number, url in enumerate(pages, 1):
        part = dataclasses.replace(team, objectives=team.objectives[(number - 1) * REVIEW_TEAM_PAGE:
                                                                     number * REVIEW_TEAM_PAGE])
        title = gettext("%(team)s: %(cycle)s review") % {"team": name, "cycle": cycle.name}
        given = {"team": part, "cycle": cycle.now, "final": review.final, "standalone": False,
                 "review_url": review_url(cycle), "page_number": number, "pages": pages,
                 "title": title if number == 1 else f"{title} ({number}/{count})"}

        def derive(part: TeamReview = part, url: str = url) -> dict[str, Any]:
            return {"objectives": [(row, view.retrospective(row.objective.objective, url)) for row in part.objectives],
                    "description": previews.review_team(team, cycle.name)}

        yield Job(url + "index.html", "review_team.html", given, derive, weight=2 * len(part.objectives))


def doc_jobs(view: SiteView) -> Iterator[Job]:
    """A guide page lists the guide's sections and the pages of its own section: each page shows a
    bounded part of the guide, and a new page changes only its section's pages."""
    sections = view.sections()
    titles = {p.id: p.title for p in view.guides()}
    for key, pages in sections.items():
        listed = [Section(name, titles.get(f"{name}/index", name.replace("-", " ").capitalize()) if name
                          else gettext("Guide"), members[0].url, name == key)
                  for name, members in sections.items()]
        for index, page in enumerate(pages):
            given = {"doc": page, "guides": pages, "sections": listed if len(listed) > 1 else [],
                     "previous": pages[index - 1] if index else None,
                     "next": pages[index + 1] if index + 1 < len(pages) else None, "title": page.title}

            def derive(page: Page = page) -> dict[str, Any]:
                body = view.body(page, page.url)
                return {"body": body, "source": view.source_links(page),
                        "description": previews.document(page, body.html)}

            yield Job(page.url + "index.html", "page.html", given, derive, _listed("guides", "previous", "next"))


def search_jobs(view: SiteView) -> Iterator[Job]:
    yield Job("search/index.html", "search.html", {
        "title": gettext("Search"), "search_messages": search.messages(view.config.title),
        "description": gettext("Search objectives, key results, KPIs, people, teams and guides.")})
    # The index in parts, made once per build (planning needs to know which parts there are): each
    # part is fingerprinted by its own bytes, so an edit renders only the parts it changes.
    for path, part in view.search.files.items():
        def data(part: bytes = part) -> bytes:
            return part

        yield Job(f"assets/search/{path}", given={"part": hashlib.blake2b(part, digest_size=16).hexdigest()}, data=data)


def not_found_jobs(view: SiteView) -> Iterator[Job]:
    # GitHub Pages serves 404.html at any depth, so its links resolve against base_url (a <base>).
    yield Job("404.html", "404.html",
              {"title": gettext("Not found"), "description": gettext("This page does not exist, or it moved.")},
              base=view.config.base_url)


def feed_jobs(view: SiteView) -> Iterator[Job]:
    yield Job("feed.xml", "feed.xml", {"site": view.scored, "changes": view.lazy_changes},
              lambda: {"entries": feed.entries(view.scored, view.changes)})


def api_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    yield Job("api/okrs.json", given={"site": scored}, data=lambda: api.dumps(api.okrs_json(scored)))
    yield Job("api/kpis.json", given={"kpis": tuple(scored.kpis.values()), "signals": scored.signals},
              data=lambda: api.dumps(api.kpis_json(scored)))
    yield Job("api/changes.json", given={"changes": view.lazy_changes},
              data=lambda: api.dumps(api.changes_json(view.changes)))
    teams = tuple(scored.teams.values())
    for cycle in scored.cycles.values():
        def data(cycle_id: str = cycle.id) -> bytes:
            return api.dumps(api.cycle_json(scored, cycle_id))

        yield Job(f"api/cycles/{cycle.id}.json", data=data, given={
            "cycle": cycle, "objectives": cycle.objectives, "teams": teams, "next": scored.next_of,
            "previous": scored.previous_of})


def people_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    people = list(scored.people.values())
    yield Job("people/index.html", "people.html",
              {"people": people, "title": gettext("People"), "current_cycle": scored.current.now if scored.current else None},
              lambda: {"description": previews.people(people)}, _listed("people"))


PERSON_ROWS = 25  # objectives a person's page lists (twice as many key results); the explorer has every one


def person_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    now = scored.current.now if scored.current else None
    for who in scored.people.values():
        def derive(who: ScoredPerson = who) -> dict[str, Any]:
            return {"description": previews.person(who, now)}

        given = {"p": who, "current_cycle": now, "title": who.name, "objectives": who.objectives[:PERSON_ROWS],
                 "key_results": who.key_results[:2 * PERSON_ROWS], "past": who.past[:PERSON_ROWS]}
        yield Job(who.url + "index.html", "person.html", given, derive,
                  _listed("objectives", "past"), weight=min(len(who.objectives) + len(who.key_results), 4 * PERSON_ROWS))


CHANGES_ROWS = 100  # entries of each list of the changes page (SPEC §13)


def changes_jobs(view: SiteView) -> Iterator[Job]:
    """What changed (SPEC §9): what people did first (check-ins, the scores they moved, KPI points,
    new objectives), then what time did, summarised; each list capped at ``CHANGES_ROWS``."""
    def derive() -> dict[str, Any]:
        changes = view.changes
        return {"changes": changes, "description": previews.changes(changes),
                "checkins": changes.checkins[:CHANGES_ROWS], "people_moves": changes.by_people[:CHANGES_ROWS],
                "new_points": changes.new_points[:CHANGES_ROWS], "added": changes.added[:CHANGES_ROWS],
                "time_moves": changes.by_time[:CHANGES_ROWS],
                "time_kpis": [kc for kc in changes.kpis if not kc.points][:CHANGES_ROWS]}

    cycle = view.scored.current.now if view.scored.current else None
    yield Job("changes/index.html", "changes.html",
              {"changes": view.lazy_changes, "title": gettext("What changed"), "cycle": cycle}, derive)


PAGE_KINDS: tuple[Callable[[SiteView], Iterator[Job]], ...] = (
    home_jobs, dashboard_jobs, teams_jobs, alignment_jobs, cycles_jobs, search_jobs, not_found_jobs,
    feed_jobs, api_jobs, objective_jobs, kpi_jobs, team_jobs, cycle_jobs, review_jobs, doc_jobs,
    people_jobs, person_jobs, changes_jobs,
)


def page_jobs(view: SiteView) -> Iterator[Job]:
    """Every generated file of the site, in a fixed order."""
    for kind in PAGE_KINDS:
        yield from kind(view)


def frame_context(view: SiteView, job: Job) -> dict[str, Any]:
    """What base.html reads: the site, the navigation, links relative to this page."""
    url = job.url
    based = job.base is not None  # the page's <base href> is the site root (404.html): links start there
    page = "" if based else url

    def link(target: str) -> str:
        return relative_url(page, target)
    root = "" if based else ("../" * url.count("/") or "./")
    return {"config": view.config, "lang": view.language.code, "as_of": view.scored.as_of, "nav": view.frame.nav,
            "url": url, "root": root,
            "link": link, "description": view.config.title, "og_type": "website" if url == "" else "article"}
