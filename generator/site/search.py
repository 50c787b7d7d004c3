"""The search index (a classic script, so search works from file:// too) and the words the search
script shows."""

from __future__ import annotations

from typing import Any

import orjson

from ..scoring.scores import ScoredSite
from .formatting import gettext as _
from .formatting import ngettext, plural_samples
from .markup import url_path


def _plain(markdown: str, limit: int = 2000) -> str:
    """Markdown reduced to searchable words (a cheap pass: punctuation marks stay harmless)."""
    return " ".join(markdown.replace("#", " ").replace("*", " ").replace("`", " ").split())[:limit]


def search_index(scored: ScoredSite) -> bytes:
    """``window.OKR_SEARCH_INDEX = [...]``: title, URL, kind, a subtitle and the searchable text;
    kinds and subtitles in the site's language."""
    docs: list[dict[str, str]] = []
    kinds = {"o": _("Objective"), "k": _("KPI"), "t": _("Team"), "p": _("Person"), "g": _("Guide")}
    for score in scored.objectives.values():
        o = score.objective
        krs = " ".join(kr.title for kr in o.key_results)
        team = score.team.name if score.team else ""
        docs.append({"t": o.title, "u": url_path(o.url), "k": kinds["o"], "s": f"{o.cycle} · {team} · {o.owner or ''}",
                     "x": f"{krs} {o.owner or ''} {o.id} {_plain(o.body)} {_plain(o.retrospective or '')}"})
    for status in scored.kpis.values():
        k = status.kpi
        docs.append({"t": k.title, "u": url_path(k.url), "k": kinds["k"], "s": status.team.name if status.team else "",
                     "x": f"{k.id} {_plain(k.body)}"})
    for t in scored.site.teams.values():
        docs.append({"t": t.name, "u": f"teams/{t.id}/", "k": kinds["t"], "s": t.lead or "", "x": t.id})
    for who in scored.people.values():
        teams = ", ".join(t.name for t in who.teams)
        docs.append({"t": who.name, "u": who.url, "k": kinds["p"],
                     "s": _("Leads %(teams)s") % {"teams": teams} if teams else "",
                     "x": " ".join(who.names)})
    for p in scored.site.pages:
        docs.append({"t": p.title, "u": url_path(p.url), "k": kinds["g"], "s": "", "x": _plain(p.body)})
    text = orjson.dumps(docs).decode().replace("</", "<\\/")
    return f"window.OKR_SEARCH_INDEX = {text};\n".encode()


def messages(site_title: str) -> dict[str, Any]:
    """The words the search script shows, with ``{num}`` and ``{query}`` filled in by it: the count's
    words for each plural category of the language (``Intl.PluralRules`` picks one), from a number of
    each."""
    results = {category: ngettext("%(num)s result for “%(query)s”", "%(num)s results for “%(query)s”", sample)
               % {"num": "{num}", "query": "{query}"} for category, sample in plural_samples().items()}
    return {"empty": _("Type a word to search."), "results": results,
            "title": _("“%(query)s” – Search") % {"query": "{query}"}, "site": site_title}
