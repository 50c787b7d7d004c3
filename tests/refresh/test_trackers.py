"""Work-tracker sources for refresh (SPEC §17) against real HTTP servers on 127.0.0.1 that answer as
GitHub's REST API, Jira's search and approximate-count endpoints and Linear's GraphQL API document
it: the one-line CSV diff, rate limits, error bodies, a server that hangs, one that fails, one that
answers junk, and no token in any output."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import REFRESH_AS_OF as AS_OF
from conftest import table

TOKEN = "ghp_s3cretT0kenValue"  # a test token: the point is that it never shows
JIRA_TOKEN = "jira-ApiT0ken-xyz"
LINEAR_TOKEN = "lin_api_K3yV4lue"
ENV = {"GITHUB_TOKEN": TOKEN, "JIRA_TOKEN": JIRA_TOKEN, "LINEAR_TOKEN": LINEAR_TOKEN}
HISTORY = "date,value\n2026-11-08,20\n2026-11-15,25\n"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Api:
    """A scripted HTTP server: each (method, path with query) answers its replies in turn (the last one
    again and again), and every request is recorded with its headers and body."""

    url: str = ""
    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self.routes[(method, path)] = list(replies)


@pytest.fixture
def api() -> Iterator[Api]:
    state = Api()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.requests.append({"method": self.command, "path": self.path,
                                   "headers": {k.lower(): v for k, v in self.headers.items()},
                                   "body": json.loads(body) if body else None})
            replies = state.routes.get((self.command, self.path))
            if not replies:
                reply = Reply(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
            else:
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if reply.delay:
                time.sleep(reply.delay)
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value.replace("{url}", state.url))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda *args: None  # type: ignore[method-assign]  # a client that gave up: expected
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def tracker_kpi(title: str, source: str, fetch: str, series: str) -> str:
    """A KPI file whose fetch: is on line 5."""
    return f"---\ntitle: {title}\nseries: {series}\nsource: {source}\nfetch: {fetch}\n---\n"


def refresh(cli, root: Path, *args: str, env: dict[str, str] | None = None):
    done = cli("refresh", root, *args, "--as-of", AS_OF, env={**ENV, **(env or {})})
    for secret in (TOKEN, JIRA_TOKEN, LINEAR_TOKEN):
        assert secret not in done.stdout and secret not in done.stderr  # never, in any output
    return done


def config(api: Api, **extra: str) -> str:
    lines = ["title: T", "sources:",
             f'  gh: {{github: "{api.url}", token: "${{GITHUB_TOKEN}}"{extra.get("gh", "")}}}']
    lines += [f"  {name}: {text}" for name, text in extra.items() if name != "gh"]
    return "\n".join(lines) + "\n"


MILESTONE = {"url": "https://api.github.com/repos/acme/app/milestones/12", "number": 12, "title": "Q4 launch",
             "state": "open", "open_issues": 6, "closed_issues": 14, "due_on": "2026-12-31T08:00:00Z"}


# -- GitHub ----------------------------------------------------------------------------------------------

def test_github_milestones_and_issue_searches_add_todays_point_as_a_one_line_diff(site, cli, api) -> None:
    api.on("GET", "/repos/acme/app/milestones/12", Reply(200, MILESTONE))
    api.on("GET", "/search/issues?q=repo%3Aacme%2Fapp+is%3Aissue+is%3Aopen+label%3Abug&per_page=1",
           Reply(200, {"total_count": 37, "incomplete_results": False, "items": [{"number": 1}]}))
    api.on("GET", "/repos/acme/app/milestones?state=all&per_page=100",
           Reply(200, [{"number": 1, "title": "Beta", "open_issues": 0, "closed_issues": 3}],
                 {"Link": '<{url}/repositories/9/milestones?state=all&per_page=100&page=2>; rel="next", '
                          '<{url}/repositories/9/milestones?state=all&per_page=100&page=2>; rel="last"'}))
    api.on("GET", "/repositories/9/milestones?state=all&per_page=100&page=2",
           Reply(200, [{"number": 7, "title": "GA release", "open_issues": 1, "closed_issues": 2}]))
    root = site({
        "content/kpis/launch.md": tracker_kpi("Launch", "gh", '{milestone: "acme/app#12"}', "launch.csv"),
        "content/kpis/launch.csv": HISTORY,
        "content/kpis/bugs.md": tracker_kpi("Open bugs", "gh",
                                            '{issues: "repo:acme/app is:issue is:open label:bug"}', "bugs.csv"),
        "content/kpis/ga.md": tracker_kpi("GA", "gh", '{milestone: "acme/app#ga release"}', "ga.csv"),
    }, config=config(api))
    done = refresh(cli, root)
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/launch.csv").read_text() == HISTORY + "2026-11-22,70\n"  # 14 of 20 closed
    assert (root / "content/kpis/bugs.csv").read_text() == "date,value\n2026-11-22,37\n"
    assert (root / "content/kpis/ga.csv").read_text() == "date,value\n2026-11-22,66.67\n"
    assert table(done) == {
        "bugs": ["gh", "changed", "1", "0", "0", "37", "(2026-11-22)", "no_data", "->", "no_target"],
        "ga": ["gh", "changed", "1", "0", "0", "66.67", "(2026-11-22)", "no_data", "->", "no_target"],
        "launch": ["gh", "changed", "1", "0", "0", "70", "(2026-11-22)", "no_target", "->", "no_target"],
    }
    first = api.requests[0]["headers"]
    assert (first["authorization"], first["accept"], first["x-github-api-version"]) == (
        f"Bearer {TOKEN}", "application/vnd.github+json", "2022-11-28")
    # The same day again, the milestone moved: the day's point is revised in place, one line.
    api.on("GET", "/repos/acme/app/milestones/12", Reply(200, {**MILESTONE, "open_issues": 5, "closed_issues": 15}))
    again = refresh(cli, root, "launch")
    assert again.returncode == 0, again.stderr
    assert (root / "content/kpis/launch.csv").read_text() == HISTORY + "2026-11-22,75\n"
    assert table(again)["launch"][:5] == ["gh", "changed", "0", "1", "0"]
    assert refresh(cli, root, "launch").stderr.endswith("1 KPI(s): 1 unchanged; nothing written\n")


def test_github_without_a_token_asks_anonymously_and_enterprise_is_its_api_url(site, cli, api) -> None:
    api.on("GET", "/api/v3/repos/acme/app/milestones/3", Reply(200, {**MILESTONE, "open_issues": 1,
                                                                     "closed_issues": 3}))
    root = site({"content/kpis/m.md": tracker_kpi("M", "ghe", "{milestone: acme/app#3}", "m.csv")},
                config=f'title: T\nsources:\n  ghe: {{github: "{api.url}/api/v3"}}\n')
    done = refresh(cli, root)
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/m.csv").read_text() == "date,value\n2026-11-22,75\n"
    assert "authorization" not in api.requests[0]["headers"]


# -- Jira ------------------------------------------------------------------------------------------------

def test_jira_cloud_counts_are_estimates_and_jira_server_falls_back_to_the_search_total(site, cli, api) -> None:
    jql = "project = OPS AND statusCategory != Done"
    api.on("POST", "/cloud/rest/api/3/search/approximate-count", Reply(200, {"count": 42}))
    api.on("POST", "/server/rest/api/3/search/approximate-count", Reply(404, {"errorMessages": ["Not found"]}))
    api.on("GET", "/server/rest/api/2/search?jql=project+%3D+OPS+AND+statusCategory+%21%3D+Done&maxResults=0"
                  "&fields=id", Reply(200, {"startAt": 0, "maxResults": 0, "total": 17, "issues": []}))
    root = site({
        "content/kpis/cloud.md": tracker_kpi("Cloud", "jira", f'{{jql: "{jql}"}}', "cloud.csv"),
        "content/kpis/server.md": tracker_kpi("Server", "dc", f'{{jql: "{jql}"}}', "server.csv"),
    }, config=(f'title: T\nsources:\n  jira: {{jira: "{api.url}/cloud", user: dana@acme.example, '
               'token: "${JIRA_TOKEN}"}\n'
               f'  dc: {{jira: "{api.url}/server", token: "${{JIRA_TOKEN}}"}}\n'))
    done = refresh(cli, root, "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/cloud.csv").read_text() == "date,value\n2026-11-22,42\n"
    assert (root / "content/kpis/server.csv").read_text() == "date,value\n2026-11-22,17\n"
    assert "| Cloud (`cloud`) | jira | changed | 1 | 0 | 0 | 42 (2026-11-22, estimate) | no_data → no_target |" \
        in done.stdout
    assert "| Server (`server`) | dc | changed | 1 | 0 | 0 | 17 (2026-11-22) | no_data → no_target |" in done.stdout
    by_path = {r["path"].split("?")[0]: r for r in api.requests}
    cloud = by_path["/cloud/rest/api/3/search/approximate-count"]
    assert cloud["body"] == {"jql": jql}
    assert cloud["headers"]["authorization"] == "Basic ZGFuYUBhY21lLmV4YW1wbGU6amlyYS1BcGlUMGtlbi14eXo="
    assert by_path["/server/rest/api/2/search"]["headers"]["authorization"] == f"Bearer {JIRA_TOKEN}"
    as_json = json.loads(refresh(cli, root, "--format", "json", "--dry-run").stdout)
    assert {k["id"]: k["estimate"] for k in as_json["kpis"]} == {"cloud": True, "server": False}


def test_a_bad_jql_shows_jiras_error_messages(site, cli, api) -> None:
    api.on("POST", "/rest/api/3/search/approximate-count",
           Reply(400, {"errorMessages": ["Error in the JQL Query: Expecting a field name but got 'AND'."],
                       "errors": {}}))
    root = site({"content/kpis/j.md": tracker_kpi("J", "jira", '{jql: "AND"}', "j.csv")},
                config=f'title: T\nsources:\n  jira: {{jira: "{api.url}", token: "${{JIRA_TOKEN}}"}}\n')
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "content/kpis/j.md:5:8: error: fetch: Jira answered HTTP 400 for the JQL count: Error in the JQL Query: "
        "Expecting a field name but got 'AND'. (check the KPI's fetch:; the CSV was left as it was)")


# -- Linear ----------------------------------------------------------------------------------------------

def test_linear_project_progress_is_written_in_percent(site, cli, api) -> None:
    api.on("POST", "/graphql", Reply(200, {"data": {"project": {"id": "p1", "name": "Onboarding",
                                                                "progress": 0.425}}}))
    root = site({"content/kpis/p.md": tracker_kpi("P", "lin", "{project: 9b6f-onboarding}", "p.csv"),
                 "content/kpis/p.csv": HISTORY},
                config=f'title: T\nsources:\n  lin: {{linear: "{api.url}/graphql", token: "${{LINEAR_TOKEN}}"}}\n')
    done = refresh(cli, root)
    assert done.returncode == 0, done.stderr
    assert (root / "content/kpis/p.csv").read_text() == HISTORY + "2026-11-22,42.5\n"
    request = api.requests[0]
    assert request["headers"]["authorization"] == LINEAR_TOKEN
    assert request["body"] == {"query": "query Progress($id: String!) { project(id: $id) { id name progress } }",
                               "variables": {"id": "9b6f-onboarding"}}


def test_linear_graphql_errors_and_unknown_projects_are_reported(site, cli, api) -> None:
    api.on("POST", "/graphql", Reply(200, {"data": None, "errors": [
        {"message": "Entity not found: Project", "extensions": {"code": "INVALID_INPUT"}}]}))
    root = site({"content/kpis/p.md": tracker_kpi("P", "lin", "{project: nope}", "p.csv")},
                config=f'title: T\nsources:\n  lin: {{linear: "{api.url}/graphql", token: "${{LINEAR_TOKEN}}"}}\n')
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "content/kpis/p.md:5:8: error: fetch: Linear answered: Entity not found: Project (check the project's id "
        "(its URL's last part) and that the key can read it; the CSV was left as it was)")
    assert not (root / "content/kpis/p.csv").exists()


# -- rate limits, failures, junk ------------------------------------------------------------------------

def test_rate_limits_are_waited_out_as_the_headers_say_then_the_answer_is_used(site, cli, api) -> None:
    limited = {"message": "API rate limit exceeded for user ID 1.",
               "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
    api.on("GET", "/repos/acme/app/milestones/12",
           Reply(403, limited, {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0",
                                "x-ratelimit-reset": str(int(time.time()) + 1)}),
           Reply(200, MILESTONE))
    api.on("GET", "/search/issues?q=is%3Aissue&per_page=1",
           Reply(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "1"}),
           Reply(200, {"total_count": 5, "incomplete_results": False, "items": []}))
    root = site({"content/kpis/a.md": tracker_kpi("A", "gh", '{milestone: "acme/app#12"}', "a.csv"),
                 "content/kpis/b.md": tracker_kpi("B", "gh", '{issues: "is:issue"}', "b.csv")}, config=config(api))
    started = time.monotonic()
    done = refresh(cli, root)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured
    assert (root / "content/kpis/a.csv").read_text() == "date,value\n2026-11-22,70\n"
    assert (root / "content/kpis/b.csv").read_text() == "date,value\n2026-11-22,5\n"
    assert [r["path"] for r in api.requests].count("/search/issues?q=is%3Aissue&per_page=1") == 2


def test_a_rate_limit_longer_than_a_minute_is_reported_not_waited_out(site, cli, api) -> None:
    api.on("GET", "/search/issues?q=is%3Aissue&per_page=1",
           Reply(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "3600"}))
    root = site({"content/kpis/b.md": tracker_kpi("B", "gh", '{issues: "is:issue"}', "b.csv"),
                 "content/kpis/b.csv": HISTORY}, config=config(api))
    started = time.monotonic()
    done = refresh(cli, root)
    assert time.monotonic() - started < 10
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "okr-pages.yaml:3:7: error: sources.gh: GitHub refused for its rate limit (HTTP 429), asking to wait 3600 s "
        "(run refresh again later, or give it a token with a higher limit; its KPIs were not refreshed)")
    assert (root / "content/kpis/b.csv").read_text() == HISTORY


def test_an_error_body_is_shown_with_the_token_masked(site, cli, api) -> None:
    api.on("GET", "/search/issues?q=is%3Aissue&per_page=1",
           Reply(401, {"message": f"Bad credentials: token {TOKEN} is not valid",
                       "documentation_url": "https://docs.github.com/rest"}))
    root = site({"content/kpis/b.md": tracker_kpi("B", "gh", '{issues: "is:issue"}', "b.csv"),
                 "content/kpis/b.csv": HISTORY}, config=config(api))
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "okr-pages.yaml:3:7: error: sources.gh: GitHub answered HTTP 401 for the issue search: Bad credentials: "
        "token *** is not valid (check GITHUB_TOKEN: is the token valid, and may it read this?; its KPIs were not "
        "refreshed)")
    assert table(done)["b"][1] == "skipped"
    assert (root / "content/kpis/b.csv").read_text() == HISTORY


def test_a_server_that_hangs_times_out_and_leaves_the_csv(site, cli, api) -> None:
    api.on("GET", "/search/issues?q=is%3Aissue&per_page=1", Reply(200, {"total_count": 1}, delay=3))
    root = site({"content/kpis/b.md": tracker_kpi("B", "gh", '{issues: "is:issue"}', "b.csv"),
                 "content/kpis/b.csv": HISTORY}, config=config(api, gh=", timeout: 0.5"))
    started = time.monotonic()
    done = refresh(cli, root)
    assert time.monotonic() - started < 3
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "okr-pages.yaml:3:7: error: sources.gh: GitHub did not answer within 0.5 s (check github: of source 'gh', or "
        "raise timeout: of source 'gh' in okr-pages.yaml; its KPIs were not refreshed)")
    assert (root / "content/kpis/b.csv").read_text() == HISTORY


def test_a_server_that_answers_500_is_tried_again_then_the_csv_is_left_as_it_was(site, cli, api) -> None:
    api.on("GET", "/repos/acme/app/milestones/12", Reply(500, {"message": "Server Error"}))
    api.on("GET", "/search/issues?q=is%3Aissue&per_page=1", Reply(200, {"total_count": 9}))
    root = site({"content/kpis/a.md": tracker_kpi("A", "gh", '{milestone: "acme/app#12"}', "a.csv"),
                 "content/kpis/a.csv": HISTORY,
                 "content/kpis/b.md": tracker_kpi("B", "gh", '{issues: "is:issue"}', "b.csv")},
                config=config(api, gh=", retries: 2"))
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "content/kpis/a.md:5:8: error: fetch: GitHub answered HTTP 500 for milestone acme/app#12: Server Error "
        "(tried 3 times) (GitHub is failing: run refresh again later; the CSV was left as it was)")
    assert [r["path"] for r in api.requests].count("/repos/acme/app/milestones/12") == 3
    assert (root / "content/kpis/a.csv").read_text() == HISTORY  # left as it was
    assert (root / "content/kpis/b.csv").read_text() == "date,value\n2026-11-22,9\n"  # the other KPI still ran


@pytest.mark.parametrize(("reply", "message"), [
    (Reply(200, b"<html><body>Sign in</body></html>"), "GitHub answered something that is not JSON"),
    (Reply(200, {"open_issues": "six"}), ("GitHub answered something that is not a milestone without open_issues "
     "and closed_issues")),
    (Reply(200, [1, 2]), "GitHub answered something that is not a JSON object"),
])
def test_an_answer_that_is_junk_is_refused(site, cli, api, reply: Reply, message: str) -> None:
    api.on("GET", "/repos/acme/app/milestones/12", reply)
    root = site({"content/kpis/a.md": tracker_kpi("A", "gh", '{milestone: "acme/app#12"}', "a.csv"),
                 "content/kpis/a.csv": HISTORY}, config=config(api))
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"content/kpis/a.md:5:8: error: fetch: {message} (check that github: of source 'gh' is the API's address "
        "(api_url); the CSV was left as it was)")
    assert (root / "content/kpis/a.csv").read_text() == HISTORY


def test_a_redirect_is_not_followed_with_the_token(site, cli, api) -> None:
    api.on("GET", "/repos/acme/app/milestones/12", Reply(301, {"message": "Moved Permanently"},
                                                         {"Location": "http://127.0.0.2:9/steal"}))
    root = site({"content/kpis/a.md": tracker_kpi("A", "gh", '{milestone: "acme/app#12"}', "a.csv")},
                config=config(api))
    done = refresh(cli, root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "content/kpis/a.md:5:8: error: fetch: GitHub answered HTTP 301 for milestone acme/app#12: Moved Permanently "
        "(check the KPI's fetch:; the CSV was left as it was)")
    assert len(api.requests) == 1


def test_an_unset_token_variable_is_one_message_for_the_source(site, cli, api) -> None:
    root = site({"content/kpis/a.md": tracker_kpi("A", "gh", '{milestone: "acme/app#12"}', "a.csv")},
                config=config(api))
    done = refresh(cli, root, env={"GITHUB_TOKEN": ""})
    column = config(api).splitlines()[2].index('"${GITHUB_TOKEN}"') + 1
    assert done.stderr.splitlines()[0] == (
        f"okr-pages.yaml:3:{column}: error: sources.gh.token: environment variable GITHUB_TOKEN is not set (set it before "
        "running refresh; in the workflow, pass it from a repository secret (GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN "
        "}}); its KPIs were not refreshed)".replace("${{", "${{{{").replace("}}", "}}}}").format())
    assert api.requests == []


# -- the declarations, checked without any network ------------------------------------------------------

def test_check_refuses_literal_tokens_and_misdeclared_tracker_sources(site, cli) -> None:
    root = site({
        **{f"content/kpis/{name}.csv": HISTORY for name in "qwmn"},
        "content/kpis/q.md": "---\ntitle: Q\nseries: q.csv\nsource: gh\nquery: select 1\n---\n",
        "content/kpis/w.md": tracker_kpi("W", "gh", "{jql: x}", "w.csv"),
        "content/kpis/m.md": tracker_kpi("M", "gh", "{milestone: acme-app-12}", "m.csv"),
        "content/kpis/n.md": tracker_kpi("N", "local", "{issues: is:open}", "n.csv"),
    }, config=("title: T\nsources:\n"
               "  gh: {github: https://api.github.com}\n"
               "  lit: {github: https://api.github.com, token: ghp_abc123}\n"
               "  plain: {jira: http://jira.example.com, token: \"${JIRA_TOKEN}\"}\n"
               "  nojira: {jira: https://acme.atlassian.net}\n"
               "  db: {duckdb: x.duckdb, token: \"${X}\"}\n"
               "  lin: {linear: , user: me, token: \"${LINEAR_TOKEN}\"}\n"
               "  many: {github: , retries: 20}\n"))
    done = cli("check", root)
    assert done.returncode == 1
    errors = [line for line in done.lines if ": error: " in line]
    assert errors == [
        ("content/kpis/m.md:5:8: error: fetch.milestone: expected OWNER/REPO#NUMBER, got 'acme-app-12' (write the "
        "repository and the milestone's number (or its title after #), e.g. acme/app#12)"),
        ("content/kpis/n.md:5:8: error: fetch.issues: fetch: issues: is for a work tracker; source 'local' is a "
        "database (name a github, jira or linear source under source:)"),
        ("content/kpis/q.md:5:8: error: query: source 'gh' is a GitHub source: it is asked, not queried (replace "
        "query: with fetch: {milestone: ...} or fetch: {issues: ...})"),
        ("content/kpis/w.md:5:8: error: fetch.jql: fetch: jql: is not something a github source answers (write "
        "fetch: {milestone: ...} or fetch: {issues: ...})"),
        ("okr-pages.yaml:4:48: error: sources.lit.token: a token is written in okr-pages.yaml: secrets must stay out "
        "of the repository (put it in an environment variable and write token: ${GITHUB_TOKEN})"),
        ("okr-pages.yaml:5:17: error: sources.plain.jira: plain http:// is refused: the token and the answers could be "
        "read or altered on their way (write the API's https:// address, e.g. https://acme.atlassian.net)"),
        ("okr-pages.yaml:6:11: error: sources.nojira.token: missing required field 'token' for a jira source (add "
        "token: ${JIRA_TOKEN} and set that variable where refresh runs)"),
        "okr-pages.yaml:7:33: error: sources.db.token: token: is for github, jira and linear sources (remove it)",
        ("okr-pages.yaml:8:25: error: sources.lin.user: user: is for jira sources (remove it: GitHub and Linear read "
        "the account from the token)"),
        ("okr-pages.yaml:9:29: error: sources.many.retries: expected a whole number from 0 to 10, got 20 (write a "
        "number such as 3)"),
    ]
