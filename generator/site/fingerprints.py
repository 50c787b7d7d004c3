"""Fingerprints of every input a page job declares, so a build knows which pages changed.

An entity's fingerprint covers everything its scored record is computed from: its own file
(and CSV), the build date, its cycle and team, the scoring bands, the KPIs it reads. Two builds
with equal fingerprints for a page's inputs (and its template) give the page the same bytes; the
property test in ``tests/test_incremental.py`` holds the site to that.
"""

from __future__ import annotations

import hashlib

from ..model.content import KPI, Objective, Page, split_kr_ref
from ..scoring.scores import ScoredSite
from .jobs import (
    CHANGES,
    FRAME,
    GUIDES,
    LANGUAGE,
    PEOPLE,
    REPO,
    TEAMS,
    SiteView,
    c_key,
    d_key,
    k_key,
    ks_key,
    next_key,
    o_key,
    os_key,
    p_key,
    previous_key,
    t_key,
)


def digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def fingerprints(view: SiteView, sources: dict[str, str]) -> dict[str, str]:
    """Every input key → its fingerprint. ``sources`` holds each content file's fingerprint by its
    site-relative path (a KPI's includes its CSV)."""
    scored: ScoredSite = view.scored
    site = scored.site
    config = site.config
    as_of = scored.as_of.isoformat()
    scoring = repr((config.bands, config.pace, config.checkin_every))
    markdown = repr(config.markdown_html)
    now = scored.current_cycle or ""

    def links(item: Objective | KPI | Page) -> str:
        return "|".join(f"{link.target}>{view.paths.get(link.target)}" for link in item.links)

    # Every word, number and date a page shows is in the site's language, from its catalogs.
    language = digest("language", view.language.key)
    fp: dict[str, str] = {
        LANGUAGE: language,
        FRAME: digest(config.title, repr(view.nav()), as_of, config.charts, language),
        # The list of sections (each with its first page and title); each section's own list of pages.
        GUIDES: digest(repr([(key, pages[0].url, [(p.id, p.title) for p in pages if p.id == f"{key}/index"])
                             for key, pages in view.sections().items()])),
        "config:base_url": config.base_url,
        "config:title": config.title,
        REPO: digest(repr((config.repo_url, config.edit_uri, config.history_uri))),
    }
    kpi_sources = {kid: sources.get(kpi.source, "") for kid, kpi in site.kpis.items()}
    teams = {tid: repr(team) for tid, team in site.teams.items()}
    cycles = {cid: repr(cycle) for cid, cycle in site.cycles.items()}

    def team_of(tid: str | None) -> str:
        return teams.get(tid or "", "None")
    for oid, score in scored.objectives.items():
        objective = score.objective
        read = [kpi_sources.get(kr.kpi, "") for kr in objective.key_results if kr.kpi]
        fp[o_key(oid)] = digest("o", oid, objective.source, sources.get(objective.source, ""), as_of,
                                cycles.get(objective.cycle, "None"), scoring, team_of(objective.team), markdown,
                                links(objective), *read)
        fp[os_key(oid)] = digest("os", oid, objective.title, objective.owner or "", objective.commitment, objective.url,
                                 objective.cycle, team_of(objective.team), repr((score.score, score.grade, score.expected,
                                                                          score.pace, score.confidence,
                                                                          score.final_score, len(score.overdue))))
        # Its key results' rows come from its front matter (not its body), the date and what it reads.
        fp[ks_key(oid)] = digest("ks", fp[os_key(oid)], objective.front_digest, as_of, str(score.checkin_every),
                                 cycles.get(objective.cycle, "None"), scoring, *read)
    # An objective named as another's follow-up (or predecessor): the pair and the role are part of
    # what a page shows.
    for oid, linked in scored.next_of.items():
        fp[next_key(oid, linked.id)] = digest("next", oid, fp[os_key(linked.id)])
    for oid, linked in scored.previous_of.items():
        fp[previous_key(oid, linked.id)] = digest("previous", oid, fp[os_key(linked.id)])
    fp[TEAMS] = digest("teams", *(f"{team!r}@{scored.teams[tid].depth}" for tid, team in site.teams.items()),
                       *scored.teams)
    for kid, status in scored.kpis.items():
        readers = [f"{ref}@{site.objectives[split_kr_ref(ref)[0]].cycle}" for ref in status.read_by]
        fp[k_key(kid)] = digest("k", kid, status.kpi.source, kpi_sources[kid], as_of, team_of(status.kpi.team), now,
                                markdown,
                                links(status.kpi), *readers)
    for tid, team in scored.teams.items():
        fp[t_key(tid)] = digest("t", tid, repr(team.team), repr(team.parent), repr(team.subteams), str(team.depth),
                                now, scoring, repr((team.with_subteams, team.with_subteams_count)),
                                *(fp[os_key(o.id)] for o in team.current))
    for cid, cycle in scored.cycles.items():
        fp[c_key(cid)] = digest("c", cid, repr(cycle.cycle), as_of, scoring, *(fp[os_key(o.id)] for o in cycle.objectives))
    for key, pages in view.sections().items():
        fp[f"{GUIDES}:{key}"] = digest(repr([(p.id, p.title, p.url) for p in pages]))
    for page in site.pages:
        fp[d_key(page.id)] = digest("d", page.id, page.source, sources.get(page.source, ""), markdown, links(page))
    known = repr(config.people)
    for slug, who in scored.people.items():
        fp[p_key(slug)] = digest("p", slug, repr(who.names), known, as_of, now,
                                 *(fp[os_key(o.id)] for o in (*who.objectives, *who.past)),
                                 *(fp[ks_key(o.id)] for o, _ in who.key_results),
                                 *(fp[k_key(k.id)] for k in who.kpis), *(repr(t.team) for t in who.teams))
    fp[PEOPLE] = digest("people", known, now, repr([
        (slug, who.name, len(who.objectives), len(who.key_results), len(who.overdue), len(who.kpis),
         len(who.past), [(t.id, t.name) for t in who.teams]) for slug, who in scored.people.items()]))
    # What changed is the site scored twice: as of as_of and changes_window days before. Both
    # scorings read the objectives' front matter (never their bodies), the KPIs, cycles and teams.
    fp[CHANGES] = digest("changes", as_of, str(config.changes_window), now, scoring, repr(list(site.cycles.values())),
                         repr(list(site.teams.values())),
                         *(f"{oid}={score.objective.front_digest}@{score.objective.source}"
                           for oid, score in scored.objectives.items()),
                         *(f"{kid}={kpi_sources[kid]}" for kid in site.kpis))
    objective_fps = [fp[o_key(oid)] for oid in scored.objectives]  # each one names its objective
    fp["okrs"] = digest("okrs", now, known, *objective_fps,
                        *(fp[t_key(t)] + repr(scored.teams[t].team) for t in site.teams),
                        *(fp[c_key(c)] for c in scored.cycles), *(f"{kid}={kpi_sources[kid]}" for kid in site.kpis))
    fp["kpis"] = digest("kpis", *(fp[k_key(k)] for k in scored.kpis))
    fp["checkins"] = digest("checkins", config.title, config.base_url, *objective_fps)
    items: list[Objective | KPI | Page] = [*site.objectives.values(), *site.kpis.values(), *site.pages]
    fp["search"] = digest("search", repr(list(site.teams.values())), known,
                          *(f"{item.source}={sources.get(item.source, '')}" for item in items),
                          *(team_of(score.objective.team) for score in scored.objectives.values()),
                          *(team_of(status.kpi.team) for status in scored.kpis.values()))
    return fp
