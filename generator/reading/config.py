"""okr-pages.yaml → Config, validated in one place; every field optional.

Command-line overrides (``build --base-url``, ``serve`` serving from the root) go through the
same reading as the file, so a loaded site never needs patching afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, did_you_mean
from ..model.content import Bands, Config, Cycle, Limits, PaceLimits, Team
from .datasources import read_sources
from .documents import decode_text
from .fields import Record, Source, read_record
from .fieldtypes import year_in_range
from .files import Refused, read_regular
from .schema import CONFIG, LANGUAGES
from .yamlnodes import parse_yaml, value_of

CONFIG_NAME = "okr-pages.yaml"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_YEAR = re.compile(r"^(\d{4})$")


def implicit_cycle(cycle_id: str) -> Cycle | None:
    """Calendar cycles understood from their ids: 2026-Q4, 2026-H1, 2026, in the years dates may have."""
    if (match := _QUARTER.match(cycle_id)) and year_in_range(int(match[1])):
        year, quarter = int(match[1]), int(match[2])
        return Cycle(cycle_id, dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    if (match := _HALF.match(cycle_id)) and year_in_range(int(match[1])):
        year, half = int(match[1]), int(match[2])
        return Cycle(cycle_id, dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half))
    if match := _YEAR.match(cycle_id):
        year = int(match[1])
        if year_in_range(year):
            return Cycle(cycle_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return None


def calendar_year(cycle_id: str) -> int | None:
    """The year of a calendar cycle id (2026-Q4, 2026-H1, 2026), in range or not; None for others."""
    match = _QUARTER.match(cycle_id) or _HALF.match(cycle_id) or _YEAR.match(cycle_id)
    return int(match[1]) if match else None


def _month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def load_config(site_dir: Path, overrides: Mapping[str, str] | None = None) -> tuple[Config, list[Diagnostic]]:
    """Read okr-pages.yaml if present; defaults for everything it leaves out.

    ``overrides`` replace fields after reading (``base_url`` from ``build --base-url``)."""
    config, problems = _read_config(site_dir)
    for key, value in (overrides or {}).items():
        if key == "base_url":
            config = _replace(config, base_url=_base_url(value))
        else:
            raise ValueError(f"no command-line override for '{key}'")
    return config, problems


def _replace(config: Config, **changes: object) -> Config:
    import dataclasses

    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


def _read_config(site_dir: Path) -> tuple[Config, list[Diagnostic]]:
    path = site_dir / CONFIG_NAME
    if not os.path.lexists(path):
        return Config(), []
    try:
        data = read_regular(path, site_dir, Limits.markdown, "the config file")
    except Refused as refused:
        return Config(), [Diagnostic(CONFIG_NAME, 1, 1, "error", "", refused.message, refused.hint)]
    text, problem = decode_text(data, CONFIG_NAME)
    if text is None:
        return Config(), [problem] if problem else []
    node, problem = parse_yaml(text, CONFIG_NAME)
    if problem:
        return Config(), [problem]
    if node is None:
        return Config(), []
    limits = _limits(value_of(node, "limits"))
    src = Source(CONFIG_NAME, limits=limits)
    record = read_record(src, node, CONFIG, "")
    if record is None:
        return Config(), src.problems
    cycles = _cycles(src, record.get("cycles", []))
    config = Config(
        title=record.get("title", "OKRs"),
        base_url=_read_base_url(src, record),
        content_dir=_content_dir(src, record, site_dir),
        cycles=cycles,
        teams=_teams(src, record.get("teams", [])),
        bands=_bands(src, record.get("scoring")),
        pace=_pace(src, record.get("scoring")),
        markdown_html=bool(record.get("markdown") and record.get("markdown").get("html", False)),
        charts=record.get("charts", "js"),
        sources=read_sources(src, record.get("sources")),
        limits=limits,
        broken_cycles=_broken_cycles(record.get("cycles", []), cycles),
        checkin_every=record.get("checkin_every", 14),
        changes_window=record.get("changes_window", 7),
        people=tuple(item.get("name") for item in record.get("people", []) if "name" in item),
        language=_language(src, record, site_dir),
        **_repository(src, record),
    )
    return config, src.problems


_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|[0-9]{3}))?$")
CATALOGS = "themes/locale"  # a site's own catalogs: themes/locale/<lang>/LC_MESSAGES/messages.po


def site_languages(site_dir: Path) -> list[str]:
    """The languages a site can be built in: the default theme's and those the site has a catalog
    for, as BCP 47 tags (de, pt-BR)."""
    found = set(LANGUAGES)
    try:
        folders = sorted(os.scandir(site_dir / CATALOGS), key=lambda entry: entry.name)
    except OSError:
        folders = []
    for folder in folders:
        match = _LANGUAGE_TAG.match(folder.name)
        if match and os.path.isfile(os.path.join(folder.path, "LC_MESSAGES", "messages.po")):
            found.add(_tag(match))
    return sorted(found)


def _tag(match: re.Match[str]) -> str:
    return match[1].lower() + (f"-{match[2].upper()}" if match[2] else "")


def _language(src: Source, record: Record, site_dir: Path) -> str:
    """``language:`` as a BCP 47 tag: a language with a catalog (the theme's or the site's),
    optionally with a region whose formats Babel knows (de-CH)."""
    if "language" not in record:
        return "en"
    text = str(record.get("language")).strip()
    available = site_languages(site_dir)
    match = _LANGUAGE_TAG.match(text)
    if match and (_tag(match) in available or match[1].lower() in available):
        from babel import Locale, UnknownLocaleError

        tag = _tag(match)
        try:
            Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            src.error(record.node_of("language"), "language", f"no number and date formats are known for '{text}'",
                      f"write the language alone ({match[1].lower()}), or with a region Babel knows, such as "
                      f"{', '.join(_regions(match[1].lower()))}")
            return "en"
        return tag
    src.error(record.node_of("language"), "language",
              f"unknown language '{text}': the site can be built in {', '.join(available)}",
              _language_hint(text, available) or
              f"write one of {', '.join(available)}, or add a catalog {CATALOGS}/<lang>/LC_MESSAGES/messages.po")
    return "en"


def _language_hint(text: str, available: list[str]) -> str:
    """'write de' for 'German', 'Deutsch' or 'ge'; '' when nothing is close."""
    from babel import Locale, UnknownLocaleError

    names: dict[str, str] = {}
    for tag in available:
        try:
            locale = Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
        for name in (locale.get_display_name("en"), locale.get_display_name(locale)):
            if name:
                names[name.lower()] = tag
    if text.lower() in names:
        return f"write language: {names[text.lower()]} for {text}"
    return did_you_mean(text.lower(), available)


def _regions(language: str) -> list[str]:
    """A few regional variants Babel has data for: de → de-AT, de-BE, de-CH."""
    from babel.localedata import locale_identifiers

    found = sorted(name.replace("_", "-") for name in locale_identifiers()
                   if name.startswith(f"{language}_") and _LANGUAGE_TAG.match(name))
    return found[:3] or [language]


def _broken_cycles(items: list[Record], cycles: tuple[Cycle, ...]) -> frozenset[str]:
    """Ids of the cycle entries that make no usable cycle (a date missing, unreadable or wrong)."""
    usable = {cycle.id for cycle in cycles}
    return frozenset(item.get("id") for item in items if "id" in item and item.get("id") not in usable)


def _limits(node: object) -> Limits:
    """``limits:``, read ahead of the rest of the file (whose text lengths it bounds); its problems
    are reported when the whole file is read."""
    if node is None:
        return Limits()
    record = read_record(Source(CONFIG_NAME), node, CONFIG["limits"].fields, "limits")
    if record is None:
        return Limits()
    return Limits(**record.values)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WEB = re.compile(r"^https?://", re.IGNORECASE)


def _repository(src: Source, record: Record) -> dict[str, str | None]:
    """repo_url, edit_uri and history_uri as MkDocs reads them: the URIs are paths below repo_url (or
    whole http(s) URLs); a page's source path is appended to them. Anything but http(s) is refused,
    so no written link can run a script."""
    values: dict[str, str | None] = {"repo_url": record.get("repo_url")}
    for key in ("edit_uri", "history_uri"):
        value = record.get(key)
        if value is None:
            values[key] = None
            continue
        value = str(value).strip()
        if _SCHEME.match(value) and not _WEB.match(value):
            src.error(record.node_of(key), key, f"'{value}' is not an http or https URL",
                      "write a path below repo_url such as edit/main/, or a whole https:// URL")
            value = None
        elif not _WEB.match(value) and values["repo_url"] is None and "repo_url" not in record.invalid:
            src.warning(record.node_of(key), key, f"{key} has no effect without repo_url",
                        "add repo_url: with the repository's web address, e.g. https://github.com/acme/okrs")
        elif any(ch.isspace() for ch in value):
            src.error(record.node_of(key), key, f"'{value}' contains a space",
                      "write the path as in the address bar, e.g. edit/main/")
            value = None
        values[key] = value
    return values


def _content_dir(src: Source, record: Record, site_dir: Path) -> str:
    """The content folder, which must stay inside the site folder: whatever it holds is published."""
    value = record.get("content_dir", "content")
    site = os.path.realpath(site_dir)
    target = os.path.realpath(os.path.join(site, value))
    if target == site or not target.startswith(site + os.sep):
        src.error(record.node_of("content_dir"), "content_dir",
                  f"content folder '{value}' is outside the site folder",
                  "name a folder inside the site folder, such as content")
        return "content"
    return value


def _read_base_url(src: Source, record: Record) -> str:
    """base_url as written; a whole URL (as Hugo's baseURL is written) gives its path, with a warning:
    the 404 page and the feed link through it, and every other link is relative."""
    value = record.get("base_url", "/")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        path = _base_url(parts.path)
        src.warning(record.node_of("base_url"), "base_url",
                    f"expected the path the site is published under, not a whole URL: using '{path}'",
                    f"write base_url: {path}")
        return path
    if _NOT_IN_PATH.search(value):
        src.warning(record.node_of("base_url"), "base_url",
                    f"'{value}' holds characters a URL path cannot (spaces, '?', '#', '\\'): "
                    "the 404 page's links would break", "write the path, such as /acme-okrs/")
    return _base_url(value)


_NOT_IN_PATH = re.compile(r"[\s?#\\]")


def _base_url(value: str) -> str:
    value = "/" + value.strip("/") + "/"
    return "/" if value == "//" else value


def _cycles(src: Source, items: list[Record]) -> tuple[Cycle, ...]:
    cycles: dict[str, Cycle] = {}
    for item in items:
        if not {"id", "start", "end"} <= item.values.keys():
            continue
        cycle_id, start, end = item.get("id"), item.get("start"), item.get("end")
        if cycle_id in cycles:
            src.error(item.node_of("id"), item.field_path("id"), f"duplicate cycle id '{cycle_id}'",
                      "give each cycle its own id")
            continue
        if end <= start:
            src.error(item.node_of("end"), item.field_path("end"),
                      f"cycle ends ({end}) before it starts ({start})", "swap or correct the dates")
            continue
        cycles[cycle_id] = Cycle(cycle_id, start, end, item.get("name", ""))
    return tuple(cycles.values())


def _teams(src: Source, items: list[Record]) -> tuple[Team, ...]:
    teams: dict[str, Team] = {}
    for item in items:
        if "id" not in item:
            continue
        team_id = item.get("id")
        if team_id in teams:
            src.error(item.node_of("id"), item.field_path("id"), f"duplicate team id '{team_id}'",
                      "give each team its own id")
            continue
        teams[team_id] = Team(team_id, item.get("name", team_id), item.get("parent"), item.get("lead"),
                              src.position(item.node_of("lead")))
    by_id = {item.get("id"): item for item in items if "id" in item}
    for team in teams.values():
        if team.parent is not None and team.parent not in teams:
            item = by_id[team.id]
            src.error(item.node_of("parent"), item.field_path("parent"), f"unknown team '{team.parent}'",
                      did_you_mean(team.parent, teams) or "name a team listed under teams:")
    for team in teams.values():
        seen, parent = {team.id}, team.parent
        while parent in teams:
            if parent in seen:
                item = by_id[team.id]
                src.error(item.node_of("parent"), item.field_path("parent"),
                          f"team parents form a loop through '{team.id}'", "one team must have no parent")
                break
            seen.add(parent)
            parent = teams[parent].parent
    return tuple(teams.values())


def _bands(src: Source, scoring: Record | None) -> Bands:
    bands = scoring.get("bands") if scoring else None
    if not bands:
        return Bands()
    result = Bands(bands.get("yellow", 0.4), bands.get("green", 0.7))
    if result.yellow > result.green:
        src.error(bands.node_of("yellow"), bands.field_path("yellow"),
                  f"yellow band ({result.yellow}) is above green ({result.green})",
                  "yellow must be at most green")
        return Bands()
    return result


def _pace(src: Source, scoring: Record | None) -> PaceLimits:
    pace = scoring.get("pace") if scoring else None
    if not pace:
        return PaceLimits()
    result = PaceLimits(pace.get("at_risk", -0.15), pace.get("off_track", -0.3))
    if result.off_track > result.at_risk:
        src.error(pace.node_of("off_track"), pace.field_path("off_track"),
                  f"off_track ({result.off_track}) is above at_risk ({result.at_risk})",
                  "off_track must be at most at_risk, e.g. -0.3 and -0.15")
        return PaceLimits()
    return result
