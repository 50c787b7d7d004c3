"""From a page to changing it (SPEC §9): links to the source file's edit view and history in the
repository, and the two ways to add a check-in to a key result or a KPI: the Check in link (a
pre-filled GitHub issue form, for people who never use git) and the ``okr-pages checkin`` command.

``repo_url`` and ``edit_uri`` are read as MkDocs reads them, with one difference: the path that
follows ``edit_uri`` is the file's path in the site folder (``content/okrs/x.md``), so
``edit_uri`` leads to the site folder, not to the content folder.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from ..model.content import KPI, Config, KeyResult, Objective, kr_ref
from .markup import url_path

_EDIT = re.compile(r"^(-/)?(edit|blob)/")  # GitHub edit/main/, GitLab -/edit/main/ (and blob/ views)
_WEB = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class SourceLinks:
    """Where a page's source file is edited, and where its history is read (None: no such link)."""

    edit: str | None
    history: str | None


def edit_uri(config: Config) -> str | None:
    """The configured edit_uri, else the host's usual one: GitLab's -/edit/main/, Bitbucket's
    src/main/, GitHub's (and any other host's) edit/main/."""
    if config.edit_uri is not None or config.repo_url is None:
        return config.edit_uri
    host = (urlsplit(config.repo_url).hostname or "").lower()
    if "gitlab" in host:
        return "-/edit/main/"
    if "bitbucket" in host:
        return "src/main/"
    return "edit/main/"


def history_uri(config: Config) -> str | None:
    """The configured history_uri, else edit_uri with its edit/ (or blob/) turned into commits/,
    which is where GitHub and GitLab show a file's history; None when that cannot be told."""
    if config.history_uri is not None:
        return config.history_uri
    edit = edit_uri(config)
    if not edit:
        return None
    path = edit
    if _WEB.match(edit):
        if config.repo_url is None or not edit.startswith(config.repo_url.rstrip("/") + "/"):
            return None
        path = edit[len(config.repo_url.rstrip("/")) + 1:]
    if not _EDIT.match(path):
        return None
    return _EDIT.sub(lambda m: f"{m[1] or ''}commits/", path, count=1)


@dataclass(frozen=True)
class LinkBases:
    """What a content file's path (in the site folder) is appended to for its edit view and for its
    history: worked out once from the config (None: no such link)."""

    edit: str | None
    history: str | None

    def links(self, source: str) -> SourceLinks | None:
        """The edit and history links of a content file; None when the config names no repository."""
        if not self.edit and not self.history:
            return None
        path = url_path(source)
        return SourceLinks(self.edit and self.edit + path, self.history and self.history + path)


def link_bases(config: Config) -> LinkBases:
    return LinkBases(_base(config, edit_uri(config)), _base(config, history_uri(config)))


def source_links(config: Config, source: str) -> SourceLinks | None:
    """The edit and history links of one content file (a page renders through ``LinkBases``)."""
    return link_bases(config).links(source)


def _base(config: Config, uri: str | None) -> str | None:
    if not uri:
        return None  # an empty edit_uri turns the links off, as in MkDocs
    if _WEB.match(uri):
        return uri.rstrip("/") + "/"
    if config.repo_url is None:
        return None
    return f"{config.repo_url.rstrip('/')}/{uri.strip('/')}/"


def checkin_command(objective: Objective, kr: KeyResult) -> str | None:
    """The command that adds a value to a key result, quoted for a POSIX shell: a KR that reads a KPI
    takes the KPI's id; milestones and yes/no KRs take no value (None)."""
    if kr.type != "numeric":
        return None
    target = kr.kpi if kr.kpi else kr_ref(objective.id, kr.id)
    return f"okr-pages checkin {shlex.quote(target)} VALUE"


def kpi_checkin_command(kpi: KPI) -> str:
    """The command that adds a point to a KPI, quoted for a POSIX shell."""
    return f"okr-pages checkin {shlex.quote(kpi.id)} VALUE"


CHECKIN_FORM = "checkin.yml"  # .github/ISSUE_TEMPLATE/checkin.yml, which okr-pages init writes
CHECKIN_TITLE = "Check-in: "  # the title; the workflow takes issues titled so (or labelled check-in)


def checkin_form(config: Config) -> str | None:
    """Where a new issue is opened, when ``repo_url`` is a repository on GitHub (github.com or a
    GitHub Enterprise host); None elsewhere: the form is GitHub's."""
    if config.repo_url is None or "github" not in (urlsplit(config.repo_url).hostname or "").lower():
        return None
    return f"{config.repo_url.rstrip('/')}/issues/new"


def checkin_link(form: str, target: str, title: str) -> str:
    """The Check in form for ``target`` (``objective-id#kr-id`` or a KPI id), its fields given as
    query parameters by their ids, as GitHub pre-fills issue forms; every value percent-encoded."""
    fields = {"template": CHECKIN_FORM, "title": CHECKIN_TITLE + title, "target": target}
    return f"{form}?{urlencode(fields, quote_via=quote)}"


def checkin_target(objective: Objective, kr: KeyResult) -> tuple[str, str] | None:
    """What a key result's check-in adds to, with its title: the key result itself, or the KPI it
    reads (whose title the caller knows); None for milestones and yes/no key results."""
    if kr.type != "numeric":
        return None
    return (kr.kpi, "") if kr.kpi else (kr_ref(objective.id, kr.id), kr.title)
