"""People's names (SPEC §9): a written name → the person it names, and where names are written.

A person is a normalised name, its slug: "Dana Reyes", "dana  reyes" and "DANA REYES" are one
person, and so are "Tomás" and "Tomas". Spellings that are one typo apart ("Dana Reyes" and
"Dana Reys") are two slugs; ``near_duplicates`` finds them in linear time for ``checks`` to warn.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .content import Mark, Site

# Latin letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h",
                       "ı": "i", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "þ": "th", "Þ": "th",
                       "ð": "d", "Ð": "d"})
_SEPARATORS = re.compile(r"[\W_]+")  # spaces, punctuation: anything but letters and digits of any script
_DIGITS = re.compile(r"\d+")
MAX_SLUG_BYTES = 120
MIN_COMPARED = 5  # slugs shorter than this are not compared: "al" and "ali" are as likely two people


def person_slug(name: str) -> str:
    """A name's slug: lower case, accents folded, runs of spaces and punctuation to one '-'.

    'Dana  Reyes' → 'dana-reyes', 'Tomás Ferreira' → 'tomas-ferreira', 'Søren Ølgaard' →
    'soren-olgaard'; letters of other scripts are kept ('李 明' → '李-明'). A name with no letter
    or digit gets a slug from its hash, so every owner has a page."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFC again: Hangul decomposes into jamo that are no accents; recompose what is left.
    slug = _SEPARATORS.sub("-", unicodedata.normalize("NFC", bare).casefold()).strip("-")
    if len(slug.encode()) > MAX_SLUG_BYTES:  # a folder name must fit the file system (255 bytes)
        cut = slug.encode()[:MAX_SLUG_BYTES - 9].decode(errors="ignore").rstrip("-")
        slug = f"{cut}-{hashlib.blake2b(slug.encode(), digest_size=4).hexdigest()}"
    return slug or "person-" + hashlib.blake2b(name.encode(), digest_size=4).hexdigest()


@dataclass(frozen=True)
class Person:
    """A name as written in one place, and the page of the person it names."""

    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"people/{self.slug}/"


@functools.lru_cache(maxsize=65536)
def person(name: str) -> Person:
    """The person a written name names (a pure function of the name: records stay per file)."""
    return Person(name, person_slug(name))


def maybe_person(name: str | None) -> Person | None:
    return person(name) if name else None


# -- near-duplicate names ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """One place a name is written: a file, its line and column, the field."""

    name: str
    file: str
    mark: Mark
    field: str


def mentions(site: Site, config_file: str = "okr-pages.yaml") -> Iterator[Mention]:
    """Every place an owner or lead is named, in file order."""
    for team in site.teams.values():
        if team.lead:
            yield Mention(team.lead, config_file, team.lead_mark or (1, 1), "lead")
    for objective in site.objectives.values():
        if objective.owner:
            yield Mention(objective.owner, objective.source, objective.mark("owner"), "owner")
        for kr in objective.key_results:
            if kr.owner:
                at = f"{kr.path}.owner"
                yield Mention(kr.owner, objective.source, objective.mark(at, kr.path), at)
    for kpi in site.kpis.values():
        if kpi.owner:
            yield Mention(kpi.owner, kpi.source, kpi.mark("owner"), "owner")


def _one_deleted(slug: str) -> set[str]:
    return {slug} | {slug[:i] + slug[i + 1:] for i in range(len(slug))}


def near_duplicates(uses: dict[str, int], known: set[str]) -> dict[str, str]:
    """Slugs that are one edit (a letter missing, added, changed, or two swapped) from another →
    the slug they probably misspell.

    Linear in the number of names: each slug is filed under itself and its one-letter deletions
    (the symmetric-delete method), and only slugs filed under a common key are compared. Of two
    close slugs the one used less is the misspelling (ties: the alphabetically later one); a slug
    in ``known`` is never one, and a slug close to a known one and not known itself always is.
    Slugs that differ only in digits ("Analyst 1", "Analyst 2") are different on purpose."""
    buckets: dict[str, list[str]] = {}
    for slug in uses:
        if len(slug) >= MIN_COMPARED:
            for key in _one_deleted(slug):
                buckets.setdefault(key, []).append(slug)
    def rank(slug: str) -> tuple[bool, int]:
        return slug in known, uses[slug]

    candidates: dict[str, set[str]] = {}
    for group in buckets.values():
        for index, first in enumerate(group):
            for second in group[index + 1:]:
                if second == first or _DIGITS.sub("", first) == _DIGITS.sub("", second):
                    continue
                if rank(first) != rank(second):
                    rare, common = sorted((first, second), key=rank)
                else:
                    common, rare = sorted((first, second))  # a tie: the alphabetically first is taken as right
                if rare not in known:
                    candidates.setdefault(rare, set()).add(common)
    found = {rare: min(commons, key=lambda c: (not rank(c)[0], -rank(c)[1], c))
             for rare, commons in candidates.items()}
    # A misspelling of a misspelling points at the name it misspells in the end (ranks only rise
    # along the chain, so it ends).
    for rare, common in found.items():
        while common in found:
            common = found[common]
        found[rare] = common
    return found
