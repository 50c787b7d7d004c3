"""The search index, in parts loaded as they are needed (classic scripts, so search works from
file:// too), and the words the search script shows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import orjson

from ..scoring.scores import ScoredObjective, ScoredSite
from .formatting import gettext as _
from .formatting import ngettext, plural_samples
from .markup import url_path


def _plain(markdown: str, limit: int = 2000) -> str:
    """Markdown reduced to searchable words (a cheap pass: punctuation marks stay harmless)."""
    return " ".join(markdown.replace("#", " ").replace("*", " ").replace("`", " ").split())[:limit]


WORD = re.compile(r"[0-9a-z\u00c0-\uffff]+")  # what the search script splits text into, too
SHARD_KEY = 2  # letters: a word is filed under its first two (a shorter word under itself)
SNIPPET = 1000  # characters of a page's text kept for the snippet shown under its result


@dataclass(frozen=True)
class SearchIndex:
    """The search index in parts (SPEC §13, as Pagefind does it): a small entry file read first,
    word lists filed by their first letters and loaded for the words typed, and one fragment per
    page (title, URL, kind, subtitle, text) loaded for the results shown. Every part is a classic
    script, so search works from file:// too."""

    files: dict[str, bytes]  # path below assets/search/ → bytes


def search_index(scored: ScoredSite) -> SearchIndex:
    """Every page a reader may look for, in the order results of equal rank are shown: the current
    cycle's objectives, then KPIs, teams, people and guide pages, then the other cycles' objectives,
    newest cycle first; kinds and subtitles in the site's language."""
    docs: list[dict[str, str]] = []
    kinds = {"o": _("Objective"), "k": _("KPI"), "t": _("Team"), "p": _("Person"), "g": _("Guide")}
    now = scored.current_cycle
    order = {cycle: rank for rank, cycle in enumerate(reversed(list(scored.cycles)))}
    objectives = sorted(scored.objectives.values(),
                        key=lambda o: (o.objective.cycle != now, order.get(o.objective.cycle, len(order))))
    current = [o for o in objectives if o.objective.cycle == now]
    for score in current:
        docs.append(_objective(score, kinds["o"]))
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
    for score in objectives[len(current):]:
        docs.append(_objective(score, kinds["o"]))
    return _parts(docs)


def _objective(score: ScoredObjective, kind: str) -> dict[str, str]:
    o = score.objective
    krs = " ".join(kr.title for kr in o.key_results)
    team = score.team.name if score.team else ""
    return {"t": o.title, "u": url_path(o.url), "k": kind, "s": f"{o.cycle} · {team} · {o.owner or ''}",
            "x": f"{krs} {o.owner or ''} {o.id} {_plain(o.body)} {_plain(o.retrospective or '')}"}


def _parts(docs: list[dict[str, str]]) -> SearchIndex:
    """The entry file, the word lists and the fragments of ``docs`` (ranked in this order)."""
    shards: dict[str, dict[str, list[int]]] = {}
    fragments: list[str] = []
    files: dict[str, bytes] = {}
    for number, doc in enumerate(docs):
        title = set(WORD.findall(doc["t"].lower()))
        for word in sorted(title | set(WORD.findall(f"{doc['s']} {doc['x']}".lower()))):
            # doc * 2 + 1 where the word is in the title: a title hit ranks higher
            shards.setdefault(word[:SHARD_KEY], {}).setdefault(word, []).append(number * 2 + (word in title))
        key = hashlib.blake2b(doc["u"].encode(), digest_size=5).hexdigest()
        fragments.append(key)
        shown = {**doc, "x": doc["x"][:SNIPPET]}
        files[f"f/{key}.js"] = _script(f"OKR_SEARCH.fragment({_json(key)}, {_json(shown)});")
    names = {prefix: prefix.encode().hex() for prefix in shards}
    for prefix, words in shards.items():
        files[f"w/{names[prefix]}.js"] = _script(f"OKR_SEARCH.shard({_json(prefix)}, {_json(words)});")
    entry = {"version": 1, "shards": {prefix: names[prefix] for prefix in sorted(shards)}, "docs": fragments}
    files["index.js"] = _script(f"window.OKR_SEARCH = {_json(entry)};")
    return SearchIndex(dict(sorted(files.items())))


def _json(value: Any) -> str:
    return orjson.dumps(value).decode().replace("</", "<\\/")


def _script(text: str) -> bytes:
    return (text + "\n").encode()


def messages(site_title: str) -> dict[str, Any]:
    """The words the search script shows, with ``{num}`` and ``{query}`` filled in by it: the count's
    words for each plural category of the language (``Intl.PluralRules`` picks one), from a number of
    each."""
    results = {category: ngettext("%(num)s result for “%(query)s”", "%(num)s results for “%(query)s”", sample)
               % {"num": "{num}", "query": "{query}"} for category, sample in plural_samples().items()}
    return {"empty": _("Type a word to search."), "results": results,
            "title": _("“%(query)s” – Search") % {"query": "{query}"}, "site": site_title}
