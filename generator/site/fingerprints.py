"""Fingerprints of what a page is handed, so a build knows which pages changed.

A page job names the records its template gets (``Job.given``); the page's fingerprint is its
template's digest and one structural digest of each of those records. There is no list of what a
page depends on beside what it is handed: a template that shows a new field of a record it gets is
covered by that record's digest already.

The digest of a record is memoised for the build (every record is frozen, and scored once):

- a dataclass is the digest of its type and of every field, recursively;
- a record read from one content file (an objective, a KPI, a guide page) is a pure function of
  that file's bytes (and a KPI's CSV), the settings it was read under and the site paths its links
  resolve to: those make its digest, so bodies are not hashed again on every build;
- a key result is part of its objective's file: the file's digest and its place in it;
- a record that is worked out only when a page needs it (what changed, SPEC §9), or that holds
  values worked out from others it holds and the as-of date (a scored key result's check-ins up to
  that date), says what it is made of through ``fingerprint_parts``;
- a record shown as one line of a list is fingerprinted by its ``listing`` (the fields a list row
  shows), so a list page does not change when only the detail of an entry does: so are the
  records a page names in ``Job.listed``, and a record's fields marked ``REFERENCE``
  (``scoring.records``), which refer to another entity's record.

The property test in ``tests/test_incremental.py`` holds the site to it: an incremental build gives
the bytes of a cold one after any edit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from ..model.content import KPI, Objective, Page

_PLAIN_TYPES = frozenset((str, int, float, bool, type(None), dt.date, Markup))


_FIELDS: dict[type, tuple[tuple[str, bool], ...] | None] = {}


def _fields_of(kind: type) -> tuple[tuple[str, bool], ...] | None:
    """A dataclass's fields, each with whether it refers to another record (fingerprinted as a list
    row); None for a class that is no dataclass. Worked out once per class."""
    if kind not in _FIELDS:
        _FIELDS[kind] = (tuple((f.name, f.metadata.get("fingerprint") == "row") for f in dataclasses.fields(kind))
                         if dataclasses.is_dataclass(kind) else None)
    return _FIELDS[kind]


def digest(*parts: str) -> str:
    """128 bits of BLAKE2b over text parts."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


class Fingerprints:
    """The structural digests of one build's records.

    ``sources`` holds each content file's fingerprint by its site-relative path (a KPI's includes its
    CSV); ``reading`` what every content file was read under (the content folder, markdown_html, the
    limits); ``paths`` where each content file is published, for the links of bodies."""

    def __init__(self, sources: Mapping[str, str], reading: str, paths: Mapping[str, str],
                 objectives: Iterable[Objective] = ()) -> None:
        self.sources = sources
        self.reading = reading
        self.paths = paths
        # id → (the object, kept alive so its id is not reused, and its digest)
        self._memo: dict[int, tuple[Any, str]] = {}
        self._rows: dict[int, tuple[Any, str]] = {}
        # A key result is part of its objective's file: its digest is the file's and its place there.
        for objective in objectives:
            whole = self.of(objective)
            for kr in objective.key_results:
                self._memo[id(kr)] = (kr, digest("kr", whole, kr.path))

    def of(self, value: Any) -> str:
        """The digest of a value: a record, a tuple, list or mapping of them, or a plain value."""
        if type(value) in _PLAIN_TYPES:
            return f"{type(value).__name__}:{value!r}"
        key = id(value)
        found = self._memo.get(key)
        if found is not None:
            return found[1]
        made = self._make(value)
        self._memo[key] = (value, made)
        return made

    def row(self, value: Any) -> str:
        """The digest of records shown as lines of a list: of each one's ``listing`` when it has one
        (tuples and lists of records, and (team, records) pairs, are gone through)."""
        if type(value) in _PLAIN_TYPES:
            return self.of(value)
        key = id(value)
        found = self._rows.get(key)
        if found is not None:
            return found[1]
        if getattr(type(value), "listing", None) is not None:
            made = digest("row", self.of(value.listing))
        elif isinstance(value, (tuple, list)):
            made = digest("rows", *map(self.row, value))
        else:
            made = self.of(value)
        self._rows[key] = (value, made)
        return made

    def _make(self, value: Any) -> str:
        if isinstance(value, (Objective, KPI, Page)):
            return self._content(value)
        if isinstance(value, tuple) and all(type(item) in _PLAIN_TYPES for item in value):
            return digest("tuple", repr(value))
        parts = getattr(value, "fingerprint_parts", None)
        if parts is not None:
            return digest(type(value).__name__, *map(self._part, parts()))
        fields = _fields_of(type(value))
        if fields is not None:
            return digest(type(value).__name__, *(
                self.row(getattr(value, name)) if as_row else self._part(getattr(value, name))
                for name, as_row in fields))
        if isinstance(value, (tuple, list, frozenset, set)):
            items = sorted(map(self._part, value)) if isinstance(value, (frozenset, set)) else map(self._part, value)
            return digest(type(value).__name__, *items)
        if isinstance(value, Mapping):
            return digest("mapping", *(f"{self._part(k)}={self._part(v)}" for k, v in value.items()))
        raise TypeError(f"a page was handed a {type(value).__name__}, which has no fingerprint: hand it "
                        "records (frozen dataclasses), or give the class fingerprint_parts()")

    def _part(self, value: Any) -> str:
        """A part of a record: a plain value as itself (most fields are), anything else by its digest."""
        kind = type(value)
        if kind in _PLAIN_TYPES:
            return f"{kind.__name__}:{value!r}"
        return self.of(value)

    def _content(self, item: Objective | KPI | Page) -> str:
        """A content item: its files, how they were read, and where its links lead."""
        resolved = "|".join(f"{link.target}>{self.paths.get(link.target)}" for link in item.links)
        return digest(type(item).__name__, item.id, item.source, self.sources.get(item.source, ""), self.reading,
                      resolved)

    def page(self, template: str, given: Mapping[str, Any], listed: frozenset[str]) -> str:
        """A page's fingerprint: its template's digest and each record it is handed (by name)."""
        return digest(template, *(f"{name}:{self.row(value) if name in listed else self.of(value)}"
                                  for name, value in given.items()))
