"""Page jobs: one small function per page kind, each yielding the jobs of its pages.

A job names its output path, its template, the context the template gets, and the inputs the
page reads (objectives, KPIs, teams, cycles, guide pages, the site frame). Contexts are built
only for the pages that render: an incremental build compares each job's fingerprint (its
template's and its inputs') with the last build's and renders only what changed.

Templates receive scored records (``ScoredObjective``, ``ScoredKPI``, ``ScoredTeam``,
``ScoredCycle``) that carry their figures; nothing is looked up by id in a template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from ..model.content import KPI, Objective, Page, split_kr_ref
from ..scoring.changes import Changes, changes_since
from ..scoring.people import ScoredPerson
from ..scoring.review import CycleReview, ObjectiveReview, TeamReview, review_counts, review_cycle
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
from .formatting import ENGLISH, N_, Language, gettext, plural_samples
from .markup import Rendered, relative_url, render_body

FRAME = "frame"  # what every HTML page shows: site title, navigation, the as-of date, chart mode, language
LANGUAGE = "language"  # the site's language and its catalogs: every word, number and date of a page
GUIDES = "guides"  # the list of guide pages, in the guide navigation
TEAMS = "teams"  # every team's name, parent and place in the tree: pages that list teams in order
REPO = "repo"  # repo_url, edit_uri and history_uri: the edit and history links of content pages
CHANGES = "changes"  # what changed in the last changes_window days (SPEC §9)
PEOPLE = "people"  # the list of people with their counts
STRIP = 5  # moves and check-ins shown on home; the changes page has them all


@dataclass(frozen=True)
class Job:
    """One output file: made from a template and a context, or from ``data``."""

    path: str  # below the output folder: "okrs/2026-Q4/x/index.html"
    inputs: tuple[str, ...]  # keys of what it reads, fingerprinted by ``SiteView.fingerprints``
    template: str | None = None
    context: Callable[[], dict[str, Any]] | None = None
    data: Callable[[], bytes] | None = None
    base: str | None = None  # links are relative to the site root, which a <base> element names (404.html)
    charts: tuple[str, ...] = ()  # chart keys the page shows (drawn in one batch in svg mode)

    @property
    def url(self) -> str:
        """The page's URL below the site root ("okrs/x/"; "" for home; "404.html")."""
        return self.path.removesuffix("index.html")


def o_key(objective_id: str) -> str:
    """Everything about an objective: its page and the JSON show all of it."""
    return f"o:{objective_id}"


def os_key(objective_id: str) -> str:
    """An objective as a line of a list: title, owner, team, commitment and figures."""
    return f"os:{objective_id}"


def next_key(objective_id: str, follow_up_id: str) -> str:
    """An objective shown as the follow-up of another: which two, and which way, is part of what a
    page shows (a link written in one file moves between objectives whose files did not change)."""
    return f"next:{objective_id}>{os_key(follow_up_id)}"


def previous_key(objective_id: str, previous_id: str) -> str:
    """An objective shown as the one another follows up."""
    return f"previous:{objective_id}>{os_key(previous_id)}"


def k_key(kpi_id: str) -> str:
    return f"k:{kpi_id}"


def t_key(team_id: str) -> str:
    return f"t:{team_id}"


def c_key(cycle_id: str) -> str:
    return f"c:{cycle_id}"


def d_key(page_id: str) -> str:
    return f"d:{page_id}"


def ks_key(objective_id: str) -> str:
    """An objective's key results as rows of a list: title, owner, score, last update, overdue."""
    return f"ks:{objective_id}"


def p_key(slug: str) -> str:
    """Everything a person's page shows."""
    return f"p:{slug}"


@dataclass
class SiteView:
    """What page jobs read: the scored site, content paths for links, Markdown and charts."""

    scored: ScoredSite
    paths: dict[str, str]  # content path → site path, for links in bodies
    chart_html: dict[str, Markup] = field(default_factory=dict)  # svg mode: drawn before rendering
    language: Language = ENGLISH  # the language the build speaks (``formatting.speaking``)

    def __post_init__(self) -> None:
        self.config = self.scored.site.config

    @cached_property
    def changes(self) -> Changes:
        """The changes of the last ``changes_window`` days: the site is scored a second time, only
        when a page that shows them renders."""
        return changes_since(self.scored)

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
        if self.config.charts == "svg":
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


# -- page kinds ---------------------------------------------------------------------------------------

def home_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    cycle = scored.current
    current = list(cycle.objectives) if cycle else []
    index_page = next((p for p in scored.site.pages if p.id == "index"), None)
    inputs = [FRAME, CHANGES, *(os_key(o.id) for o in current), *(ks_key(o.id) for o in current),
              *(k_key(k) for k in scored.kpis), *(t_key(t.team.id) for t, _ in by_team(view, current) if t is not None)]
    if cycle:
        inputs.append(c_key(cycle.id))
    if index_page:
        inputs.append(d_key(index_page.id))

    def context() -> dict[str, Any]:
        changes = view.changes
        return {"cycle": cycle, "groups": by_team(view, current), "kpis": list(scored.kpis.values()),
                "signals": scored.signals, "title": view.config.title,
                "intro": view.body(index_page, "") if index_page else None,
                "overdue": [(o, kr) for o in current for kr in o.overdue],
                "changes": changes, "strip_moves": changes.moves[:STRIP], "strip_checkins": changes.checkins[:STRIP],
                "description": previews.home(scored)}

    yield Job("index.html", tuple(inputs), "home.html", context)


def objective_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for score in scored.objectives.values():
        objective = score.objective
        parent = scored.objectives.get(objective.aligns_to or "")
        children = scored.children.get(objective.id, ())
        follow_up, before = scored.next_of.get(objective.id), scored.previous_of.get(objective.id)
        inputs = (FRAME, REPO, o_key(objective.id), *([os_key(parent.id)] if parent else []),
                  *(os_key(child.id) for child in children),
                  *([next_key(objective.id, follow_up.id)] if follow_up else []),
                  *([previous_key(objective.id, before.id)] if before else []))

        def context(score: ScoredObjective = score, parent: ScoredObjective | None = parent,
                    children: tuple[ScoredObjective, ...] = children, follow_up: ScoredObjective | None = follow_up,
                    before: ScoredObjective | None = before) -> dict[str, Any]:
            url = score.objective.url
            commands = {kr.id: checkin_command(score.objective, kr) for kr in score.objective.key_results}
            return {"o": score, "parent": parent, "children": children, "title": score.objective.title,
                    "body": view.body(score.objective, url), "chart": view.chart(f"objective:{score.id}"),
                    "next": follow_up, "previous": before,
                    "retrospective": view.retrospective(score.objective, url),
                    "source": view.source_links(score.objective), "commands": commands,
                    "checkin_links": view.checkin_links(score.objective),
                    "description": previews.objective(score)}

        yield Job(objective.url + "index.html", inputs, "objective.html", context,
                  charts=(f"objective:{objective.id}",))


def kpi_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for status in scored.kpis.values():
        readers: list[tuple[ScoredObjective, ScoredKR]] = []
        for ref in status.read_by:
            objective_id, kr_id = split_kr_ref(ref)
            reader = scored.objectives[objective_id]
            readers.extend((reader, kr) for kr in reader.key_results if kr.kr.id == kr_id)
        inputs = (FRAME, REPO, k_key(status.id), *dict.fromkeys(o_key(o.id) for o, _ in readers))

        def context(status: ScoredKPI = status, readers: list = readers) -> dict[str, Any]:
            return {"k": status, "readers": readers, "title": status.kpi.title,
                    "body": view.body(status.kpi, status.url), "chart": view.chart(f"kpi:{status.id}"),
                    "source": view.source_links(status.kpi), "description": previews.kpi(status),
                    "command": kpi_checkin_command(status.kpi), "checkin_link": view.kpi_checkin_link(status.kpi)}

        yield Job(status.url + "index.html", inputs, "kpi.html", context, charts=(f"kpi:{status.id}",))


def dashboard_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    inputs = (FRAME, *(k_key(k) for k in scored.kpis), *(t_key(t) for t in scored.teams))

    def context() -> dict[str, Any]:
        # Sparklines are static SVG drawn here, in either chart mode: the dashboard loads no runtime.
        groups = [(team, [(k, _markup(charts.sparkline(k))) for k in kpis])
                  for team, kpis in by_team(view, list(scored.kpis.values()))]
        return {"groups": groups, "signals": scored.signals, "title": gettext("KPIs"),
                "description": previews.dashboard(scored)}

    yield Job("kpis/index.html", inputs, "dashboard.html", context)


def _markup(svg: str | None) -> Markup | None:
    return Markup(svg) if svg is not None else None


def teams_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    yield Job("teams/index.html", (FRAME, *(t_key(t) for t in scored.teams)), "teams.html",
              lambda: {"teams": list(scored.teams.values()), "title": gettext("Teams"),
                       "description": previews.teams(scored)})


def team_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for team in scored.teams.values():
        inputs = (FRAME, t_key(team.id), *(os_key(o.id) for o in team.current), *(os_key(o.id) for o in team.past),
                  *(k_key(k.id) for k in team.kpis), *(c_key(c) for c in scored.cycles))

        def context(team: ScoredTeam = team) -> dict[str, Any]:
            return {"team": team, "current_cycle": scored.current, "past": list(reversed(team.past)),
                    "title": team.name, "description": previews.team(team, scored.current),
                    "history_chart": view.chart(f"history:{team.id}") if team.history else None}

        yield Job(team.url + "index.html", inputs, "team.html", context,
                  charts=(f"history:{team.id}",) if team.history else ())


@dataclass(frozen=True)
class TreeRow:
    """One objective in the alignment tree, flattened: ``opens`` starts a nested list under the
    previous row, ``closes`` ends that many nested lists before this row."""

    objective: ScoredObjective
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
    scored = view.scored
    inputs = (FRAME, *(os_key(o) for o in scored.objectives), *(c_key(c) for c in scored.cycles))

    def context() -> dict[str, Any]:
        trees = []
        for cycle in reversed(list(scored.cycles.values())):
            rows, open_at_end = alignment_rows(scored, cycle)
            if rows:
                trees.append((cycle, rows, open_at_end))
        return {"trees": trees, "title": gettext("Alignment"), "description": previews.alignment(scored)}

    yield Job("alignment/index.html", inputs, "alignment.html", context)


def cycles_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored

    def context() -> dict[str, Any]:
        ordered = list(scored.cycles.values())
        columns = [c for c in ordered if c.score is not None]
        history = []  # a row per team: its score in each cycle of the table (None where it had no objective)
        for team in scored.teams.values():
            if team.history:
                history.append((team, [team.in_cycle(c.id) for c in columns]))
        return {"cycles": list(reversed(ordered)), "title": gettext("Cycle archive"),
                "history_chart": view.chart("history:"),
                "scored_cycles": columns, "history": history, "description": previews.cycles(scored)}

    yield Job("cycles/index.html", (FRAME, TEAMS, *(c_key(c) for c in scored.cycles)), "cycles.html", context,
              charts=("history:",))


def cycle_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for cycle in scored.cycles.values():
        inputs = (FRAME, c_key(cycle.id), *(os_key(o.id) for o in cycle.objectives))
        def context(cycle: ScoredCycle = cycle) -> dict[str, Any]:
            return {"cycle": cycle, "title": cycle.name, "description": previews.cycle(cycle)}

        yield Job(cycle.url + "index.html", inputs, "cycle.html", context)


def review_url(cycle: ScoredCycle) -> str:
    return f"{cycle.url}review/"


def review_jobs(view: SiteView) -> Iterator[Job]:
    """``cycles/<id>/review/`` for every cycle that has started: the final review once it has ended,
    an interim one while it runs."""
    scored = view.scored
    for cycle in scored.cycles.values():
        if cycle.state == "upcoming":
            continue
        linked = {key(o.id, other.id) for o in cycle.objectives
                  for key, other in ((next_key, scored.next_of.get(o.id)), (previous_key, scored.previous_of.get(o.id)))
                  if other is not None}
        inputs = (FRAME, TEAMS, c_key(cycle.id), *(o_key(o.id) for o in cycle.objectives), *sorted(linked),
                  *(k_key(k) for k in scored.kpis))
        url = review_url(cycle)

        def context(cycle: ScoredCycle = cycle, url: str = url) -> dict[str, Any]:
            review = review_cycle(scored, cycle.id)
            return {**review_context(review, lambda objective: view.retrospective(objective, url)), "standalone": False,
                    "title": gettext("%(cycle)s review") % {"cycle": cycle.name},
                    "grades_chart": view.chart(f"grades:{cycle.id}"),
                    "teams_chart": view.chart(f"teams:{cycle.id}")}

        yield Job(url + "index.html", inputs, "review.html", context,
                  charts=(f"grades:{cycle.id}", f"teams:{cycle.id}"))


def review_context(review: CycleReview, retrospective: Callable[[Objective], Rendered | None]) -> dict[str, Any]:
    """What the review's templates read (the site's page and ``okr-pages report``): the review, and each
    team's objectives with their retrospectives as HTML."""
    rows: list[tuple[TeamReview, list[tuple[ObjectiveReview, Rendered | None]]]] = [
        (team, [(row, retrospective(row.objective.objective)) for row in team.objectives]) for team in review.teams]
    return {"review": review, "cycle": review.cycle, "rows": rows}


def doc_jobs(view: SiteView) -> Iterator[Job]:
    """A guide page lists the guide's sections and the pages of its own section: each page shows a
    bounded part of the guide, and a new page changes only its section's pages."""
    sections = view.sections()
    for key, pages in sections.items():
        for index, page in enumerate(pages):
            def context(page: Page = page, key: str = key, pages: list[Page] = pages, index: int = index) -> dict[str, Any]:
                titles = {p.id: p.title for p in view.guides()}
                listed = [Section(name, titles.get(f"{name}/index", name.replace("-", " ").capitalize()) if name
                                  else gettext("Guide"), members[0].url, name == key)
                          for name, members in sections.items()]
                body = view.body(page, page.url)
                return {"doc": page, "guides": pages, "sections": listed if len(listed) > 1 else [],
                        "previous": pages[index - 1] if index else None,
                        "next": pages[index + 1] if index + 1 < len(pages) else None,
                        "body": body, "title": page.title, "source": view.source_links(page),
                        "description": previews.document(page, body.html)}

            yield Job(page.url + "index.html", (FRAME, REPO, d_key(page.id), f"{GUIDES}:{key}", GUIDES), "page.html",
                      context)


def search_jobs(view: SiteView) -> Iterator[Job]:
    yield Job("search/index.html", (FRAME,), "search.html", lambda: {
        "title": gettext("Search"), "plural_samples": plural_samples(),
        "description": gettext("Search objectives, key results, KPIs, people, teams and guides.")})
    yield Job("assets/search-index.js", ("search", LANGUAGE), data=lambda: search.search_index(view.scored))


def not_found_jobs(view: SiteView) -> Iterator[Job]:
    # GitHub Pages serves 404.html at any depth, so its links resolve against base_url (a <base>).
    yield Job("404.html", (FRAME, "config:base_url"), "404.html",
              lambda: {"title": gettext("Not found"), "description": gettext("This page does not exist, or it moved.")},
              base=view.config.base_url)


def feed_jobs(view: SiteView) -> Iterator[Job]:
    yield Job("feed.xml", ("checkins", CHANGES, "config:title", "config:base_url", LANGUAGE), "feed.xml",
              lambda: {"entries": feed.entries(view.scored, view.changes)})


def api_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    yield Job("api/okrs.json", ("okrs",), data=lambda: api.dumps(api.okrs_json(scored)))
    yield Job("api/kpis.json", ("kpis",), data=lambda: api.dumps(api.kpis_json(scored)))
    yield Job("api/changes.json", (CHANGES,), data=lambda: api.dumps(api.changes_json(view.changes)))


def people_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    yield Job("people/index.html", (FRAME, PEOPLE), "people.html",
              lambda: {"people": list(scored.people.values()), "title": gettext("People"),
                       "current_cycle": scored.current,
                       "description": previews.people(scored)})


def person_jobs(view: SiteView) -> Iterator[Job]:
    scored = view.scored
    for who in scored.people.values():
        def context(who: ScoredPerson = who) -> dict[str, Any]:
            return {"p": who, "current_cycle": scored.current, "title": who.name,
                    "description": previews.person(who, scored.current)}

        yield Job(who.url + "index.html", (FRAME, p_key(who.slug)), "person.html", context)


def changes_jobs(view: SiteView) -> Iterator[Job]:
    def context() -> dict[str, Any]:
        changes = view.changes
        return {"changes": changes, "title": gettext("What changed"), "description": previews.changes(changes)}

    yield Job("changes/index.html", (FRAME, CHANGES), "changes.html", context)


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
    return {"config": view.config, "lang": view.language.code, "as_of": view.scored.as_of, "nav": view.nav(),
            "url": url, "root": root,
            "link": link, "description": view.config.title, "og_type": "website" if url == "" else "article"}
