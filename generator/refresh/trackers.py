"""Work-tracker sources for ``refresh`` (SPEC §17): GitHub, Jira and Linear, asked over their HTTP APIs.

Each answers one number per KPI, dated the refresh's day: a GitHub milestone's share of closed
issues, a GitHub issue search's count, a Jira JQL count (Jira Cloud's approximate-count endpoint,
an estimate; Jira Server and Data Center have no such endpoint and answer the exact ``total`` of
a search for no rows), a Linear project's progress in percent.

HTTP is the standard library's urllib: a timeout on every request, no redirects followed (a
token is never sent to another address), answers read up to ``MAX_ANSWER`` bytes. A request
answered 429 or 5xx (or 403 with GitHub's rate-limit headers) is tried again up to ``retries:``
times, after the wait ``Retry-After`` or ``x-ratelimit-reset`` asks for, else after a backoff
that doubles; a wait longer than ``MAX_WAIT`` is not waited out but reported. Every text shown
passes through ``redact`` with the token: no message ever holds it.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..diagnostics import did_you_mean
from ..model.content import Number
from ..model.datasources import DEFAULT_API_URLS, DataSource, Feed
from ..reading.datasources import csv_url_problem
from ..reading.secrets import MissingVariable, expand, redact, references
from .kinds import QueryError, SourceError, seconds
from .rows import Result

MAX_ANSWER = 5 * 1024 * 1024  # an API's answer for one number is kilobytes
MAX_WAIT = 60.0  # seconds a rate limit is waited out; a longer one is reported instead
BACKOFF = 0.5  # seconds before the first retry of a 5xx without Retry-After; doubled each time
MAX_PAGES = 50  # milestone lists read, 100 a page
NAMES = {"github": "GitHub", "jira": "Jira", "linear": "Linear"}
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_RETRY = {429, 500, 502, 503, 504}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers, not directions: the token must never follow one to another host."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        return None


class _Answer:
    """One HTTP answer: status, headers (names lower-cased) and the body."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, {k.lower(): v for k, v in headers.items()}, body


class TrackerSession:
    """One tracker source's client: its KPIs are asked one after another, each one number dated ``today``."""

    def __init__(self, source: DataSource, environ: Mapping[str, str], today: dt.date,
                 sleep: Any = time.sleep, clock: Any = time.time) -> None:
        self.source, self.today, self._sleep, self._clock = source, today, sleep, clock
        self.name = NAMES[source.kind]
        self.secrets: list[str] = []
        self.base = self._base_url(environ)
        self.token = self._token(environ)
        self.headers = {"User-Agent": f"okr-pages/{__version__}", "Accept": "application/json"}
        if self.token:
            self.secrets.append(self.token)
            if source.kind == "github":
                self.headers["Authorization"] = f"Bearer {self.token}"
            elif source.kind == "jira" and source.user:
                basic = base64.b64encode(f"{source.user}:{self.token}".encode()).decode()
                self.secrets.append(basic)
                self.headers["Authorization"] = f"Basic {basic}"
            elif source.kind == "jira":
                self.headers["Authorization"] = f"Bearer {self.token}"
            else:  # Linear takes a personal API key as it is
                self.headers["Authorization"] = self.token
        if source.kind == "github":
            self.headers["Accept"] = "application/vnd.github+json"
            self.headers["X-GitHub-Api-Version"] = "2022-11-28"
        self._opener = urllib.request.build_opener(_NoRedirect)

    # settings

    def _base_url(self, environ: Mapping[str, str]) -> str:
        source = self.source
        text = source.location or DEFAULT_API_URLS.get(source.kind, "")
        try:
            url = expand(text, environ)
        except MissingVariable as exc:
            raise self._unset(exc.name, source.kind) from None
        problem = csv_url_problem(url)
        if problem:
            raise SourceError(problem.replace("the CSV could be altered on its way", "the token and the answers could be read or altered on their way"),
                              f"check {self._setting(source.kind)}", f"{source.field}.{source.kind}")
        return url.rstrip("/")

    def _token(self, environ: Mapping[str, str]) -> str | None:
        if self.source.token is None:
            return None
        try:
            return expand(self.source.token, environ)
        except MissingVariable as exc:
            raise self._unset(exc.name, "token") from None

    def _unset(self, name: str, key: str) -> SourceError:
        return SourceError(f"environment variable {name} is not set",
                           f"set it before running refresh; in the workflow, pass it from a repository secret "
                           f"({name}: ${{{{ secrets.{name} }}}})", f"{self.source.field}.{key}")

    def _setting(self, key: str) -> str:
        value = self.source.token if key == "token" else self.source.location
        names = references(value or "")
        return " and ".join(names) if names else f"{key}: of source '{self.source.name}'"

    # the session

    def run(self, feed: Feed) -> tuple[Result, str, str]:
        key, value = next(iter(feed.request.items()))
        estimate = False
        if key == "milestone":
            number: Number = self._milestone(value)
        elif key == "issues":
            number, estimate = self._issues(value)
        elif key == "jql":
            number, estimate = self._jql(value)
        else:
            number = self._linear_project(value)
        return Result(("date", "value"), [(self.today, number)], estimate), "date", "value"

    def close(self) -> None:
        """Nothing to release: each request has its own connection."""

    # GitHub

    def _milestone(self, text: str) -> Number:
        repository, _, which = text.partition("#")
        owner, _, repo = repository.partition("/")
        path = f"/repos/{_quote(owner)}/{_quote(repo)}/milestones"
        if which.isdigit():
            milestone = self._json("GET", f"{self.base}{path}/{which}", what=f"milestone {text}")
        else:
            milestone = self._milestone_titled(path, which, text)
        open_issues, closed = _count(milestone, "open_issues"), _count(milestone, "closed_issues")
        if open_issues is None or closed is None:
            raise self._junk("a milestone without open_issues and closed_issues")
        if open_issues + closed == 0:
            raise QueryError(f"milestone {text} has no issues yet", "add issues to it, or refresh it later")
        return _percent(closed / (open_issues + closed))

    def _milestone_titled(self, path: str, title: str, text: str) -> dict[str, Any]:
        url: str | None = f"{self.base}{path}?state=all&per_page=100"
        titles: list[str] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            answer = self._request("GET", url, what=f"the milestones of {text.partition('#')[0]}")
            page = self._parse(answer)
            if not isinstance(page, list):
                raise self._junk("a list of milestones")
            for milestone in page:
                if isinstance(milestone, dict) and isinstance(milestone.get("title"), str):
                    titles.append(milestone["title"])
                    if milestone["title"] == title or milestone["title"].casefold() == title.casefold():
                        return milestone
            url = _next_page(answer.headers.get("link", ""), self.base)
        hint = did_you_mean(title, titles) or (f"its milestones: {', '.join(titles[:8])}" if titles
                                               else "the repository has no milestones")
        raise QueryError(f"no milestone titled '{title}' in {text.partition('#')[0]}",
                         f"{hint}; or write its number after #")

    def _issues(self, search: str) -> tuple[Number, bool]:
        query = urllib.parse.urlencode({"q": search, "per_page": 1})
        answer = self._json("GET", f"{self.base}/search/issues?{query}", what="the issue search")
        total = _count(answer, "total_count")
        if total is None:
            raise self._junk("a search result without total_count")
        return total, answer.get("incomplete_results") is True  # the search timed out: the count is a floor

    # Jira

    def _jql(self, jql: str) -> tuple[Number, bool]:
        url = f"{self.base}/rest/api/3/search/approximate-count"
        answer = self._request("POST", url, {"jql": jql}, what="the JQL count", missing_ok=True)
        if answer.status in (404, 405):  # Jira Server / Data Center: the exact total of a search for no rows
            query = urllib.parse.urlencode({"jql": jql, "maxResults": 0, "fields": "id"})
            found = self._json("GET", f"{self.base}/rest/api/2/search?{query}", what="the JQL search")
            total = _count(found, "total")
            if total is None:
                raise self._junk("a search result without total")
            return total, False
        counted = self._parse(answer)
        count = _count(counted, "count") if isinstance(counted, dict) else None
        if count is None:
            raise self._junk("a count without count")
        return count, True

    # Linear

    def _linear_project(self, project: str) -> Number:
        body = {"query": "query Progress($id: String!) { project(id: $id) { id name progress } }",
                "variables": {"id": project}}
        answer = self._json("POST", self.base, body, what=f"project {project}")
        errors = answer.get("errors")
        if errors:
            raise QueryError(f"Linear answered: {self._text(_graphql_messages(errors))}",
                             "check the project's id (its URL's last part) and that the key can read it")
        data = answer.get("data")
        node = data.get("project") if isinstance(data, dict) else None
        if node is None and isinstance(data, dict) and "project" in data:
            raise QueryError(f"no Linear project '{project}'", "check the project's id (its URL's last part)")
        progress = node.get("progress") if isinstance(node, dict) else None
        if isinstance(progress, bool) or not isinstance(progress, (int, float)) or not 0 <= progress <= 1:
            raise self._junk("a project without a progress from 0 to 1")
        return _percent(progress)

    # HTTP

    def _json(self, method: str, url: str, body: Any = None, what: str = "") -> dict[str, Any]:
        parsed = self._parse(self._request(method, url, body, what=what))
        if not isinstance(parsed, dict):
            raise self._junk("a JSON object")
        return parsed

    def _parse(self, answer: _Answer) -> Any:
        try:
            return json.loads(answer.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise self._junk("JSON") from None

    def _junk(self, wanted: str) -> QueryError:
        return QueryError(f"{self.name} answered something that is not {wanted}",
                          f"check that {self._setting(self.source.kind)} is the API's address (api_url)")

    def _request(self, method: str, url: str, body: Any = None, what: str = "", missing_ok: bool = False) -> _Answer:
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            answer = self._once(urllib.request.Request(url, data=data, headers=headers, method=method))
            if 200 <= answer.status < 300 or (missing_ok and answer.status in (404, 405)):
                return answer
            limited = answer.status == 429 or (answer.status == 403 and (
                answer.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in answer.headers))
            if answer.status in _RETRY or limited:
                wait = self._wait(answer, attempt)
                if attempt < self.source.retries and wait <= MAX_WAIT:
                    self._sleep(wait)
                    attempt += 1
                    continue
                if limited:
                    raise self._rate_limited(answer, wait)
            raise self._refused(answer, what)

    def _once(self, request: urllib.request.Request) -> _Answer:
        try:
            with self._opener.open(request, timeout=self.source.timeout) as response:
                return _Answer(response.status, dict(response.headers.items()), self._read(response))
        except urllib.error.HTTPError as exc:
            try:
                body = self._read(exc)
            except (OSError, ValueError):
                body = b""
            return _Answer(exc.code, dict(exc.headers.items()) if exc.headers else {}, body)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timed_out() from None
            raise SourceError(f"cannot reach {self.name}: {self._text(str(exc.reason))}",
                              f"check {self._setting(self.source.kind)} and the network") from None
        except TimeoutError:
            raise self._timed_out() from None
        except OSError as exc:
            raise SourceError(f"cannot reach {self.name}: {self._text(str(exc))}",
                              f"check {self._setting(self.source.kind)} and the network") from None

    def _read(self, response: Any) -> bytes:
        started = time.monotonic()
        chunks, size = [], 0
        while chunk := response.read(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ANSWER:
                raise SourceError(f"{self.name}'s answer is larger than {MAX_ANSWER // 2**20} MB",
                                  f"check {self._setting(self.source.kind)}: is it the API's address?")
            if time.monotonic() - started > self.source.timeout:
                raise TimeoutError
        return b"".join(chunks)

    def _timed_out(self) -> SourceError:
        return SourceError(f"{self.name} did not answer within {seconds(self.source.timeout)} s",
                           f"check {self._setting(self.source.kind)}, or raise timeout: of source "
                           f"'{self.source.name}' in okr-pages.yaml")

    def _wait(self, answer: _Answer, attempt: int) -> float:
        """Seconds to wait before trying again: as Retry-After or x-ratelimit-reset say, else a backoff."""
        retry_after = answer.headers.get("retry-after", "").strip()
        if retry_after:
            if retry_after.isdigit():
                return float(retry_after)
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
                return max(0.0, when.timestamp() - self._clock())
            except (TypeError, ValueError):
                pass
        reset = answer.headers.get("x-ratelimit-reset", "").strip()
        if reset.isdigit() and answer.headers.get("x-ratelimit-remaining") == "0":
            return max(0.0, int(reset) - self._clock())
        return BACKOFF * 2 ** attempt

    def _rate_limited(self, answer: _Answer, wait: float) -> SourceError:
        tries = self.source.retries + 1
        if wait <= MAX_WAIT:
            detail = f"still after {tries} tr{'y' if tries == 1 else 'ies'}"
        elif answer.headers.get("retry-after", "").strip().isdigit():
            detail = f"asking to wait {answer.headers['retry-after'].strip()} s"
        else:
            until = dt.datetime.fromtimestamp(self._clock() + wait, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            detail = f"until {until}"
        return SourceError(f"{self.name} refused for its rate limit (HTTP {answer.status}), {detail}",
                           "run refresh again later, or give it a token with a higher limit")

    def _refused(self, answer: _Answer, what: str) -> Exception:
        detail = self._text(_error_text(answer))
        message = f"{self.name} answered HTTP {answer.status} for {what}" + (f": {detail}" if detail else "")
        if answer.status == 401 or answer.status == 403:
            return SourceError(message, f"check {self._setting('token')}: is the token valid, and may it read this?")
        if answer.status == 404:
            return QueryError(message, f"check the KPI's fetch: (and that the token may see it) and "
                              f"{self._setting(self.source.kind)}")
        if answer.status >= 500:
            tries = self.source.retries + 1
            return QueryError(f"{message} (tried {tries} time{'' if tries == 1 else 's'})",
                              f"{self.name} is failing: run refresh again later")
        return QueryError(message, "check the KPI's fetch:")

    def _text(self, text: str) -> str:
        text = redact(" ".join(text.split()), self.secrets)
        return text if len(text) <= 300 else text[:297] + "..."


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def _count(data: Any, key: str) -> int | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _percent(share: float) -> Number:
    value = round(share * 100, 2)
    return int(value) if float(value).is_integer() else value


def _next_page(link: str, base: str) -> str | None:
    """The next page of a GitHub list (its Link header), when it is on the same API."""
    match = _LINK_NEXT.search(link)
    if match is None:
        return None
    url = match[1]
    return url if urllib.parse.urlsplit(url).netloc == urllib.parse.urlsplit(base).netloc else None


def _graphql_messages(errors: Any) -> str:
    if isinstance(errors, list):
        return "; ".join(str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")) or "error"
    return str(errors)


def _error_text(answer: _Answer) -> str:
    """What an API's error body says: GitHub's message, Jira's errorMessages, GraphQL's errors."""
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    parts: list[str] = []
    if isinstance(data.get("message"), str):
        parts.append(data["message"])
    if isinstance(data.get("errorMessages"), list):
        parts += [str(m) for m in data["errorMessages"]]
    if isinstance(data.get("errors"), dict):
        parts += [f"{k}: {v}" for k, v in data["errors"].items()]
    elif data.get("errors"):
        parts.append(_graphql_messages(data["errors"]))
    return "; ".join(parts)
