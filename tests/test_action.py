"""The action's and the check-in workflow's scripts, run for real with bash as a GitHub runner runs
them (``bash -eo pipefail``), the step's env resolved from the inputs, okr-pages from this checkout, a
real git repository with a bare 'origin', and a stand-in ``gh`` that records what it was asked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
CHECKIN_FLOW = yaml.safe_load((REPO / ".github" / "workflows" / "checkin.yml").read_text(encoding="utf-8"))
AS_OF = "2026-11-20"
_EXPRESSION = re.compile(r"^\$\{\{ (inputs|github)\.([a-z_-]+) \}\}$")


def action_step(step_id: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id or s.get("name") == step_id)


def flow_step(name: str) -> dict:
    (job,) = CHECKIN_FLOW["jobs"].values()
    return next(s for s in job["steps"] if s.get("name") == name)


class Runner:
    """A workspace, RUNNER_TEMP and the files GitHub hands a step, with okr-pages, python and gh on PATH."""

    def __init__(self, root: Path) -> None:
        self.workspace, self.temp, self.bin = root / "workspace", root / "runner-temp", root / "bin"
        for folder in (self.workspace, self.temp, self.bin):
            folder.mkdir(parents=True, exist_ok=True)
        self.output, self.summary, self.gh_log = self.temp / "output", self.temp / "step-summary", root / "gh.log"
        self._shim("okr-pages", f'exec "{sys.executable}" -m generator "$@"')
        self._shim("python", f'exec "{sys.executable}" "$@"')
        # gh: writes each call's arguments, one per line, then a blank line; answers what the workflow reads
        self._shim("gh", textwrap.dedent(f"""\
            for arg in "$@"; do echo "$arg"; done >> "{self.gh_log}"; echo >> "{self.gh_log}"
            case "$1 $2" in
              "pr list") echo "${{GH_OPEN_PRS:-0}}" ;;
              "pr create") echo "https://github.com/acme/okrs/pull/43" ;;
            esac"""))

    def _shim(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
        path.chmod(0o755)

    def run(self, step: dict, inputs: dict[str, str] | None = None, github: dict[str, str] | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run one step's script as the runner would; its env: values from ``inputs`` (else the
        action's defaults) and ``github``, or as given in ``env``."""
        values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | (inputs or {})
        step_env = {}
        for key, expression in step.get("env", {}).items():
            found = _EXPRESSION.match(expression)
            if found and found[1] == "inputs":
                step_env[key] = values[found[2]]
            elif found:
                step_env[key] = (github or {}).get(found[2], "")
        step_env |= env or {}
        self.output.write_text("", encoding="utf-8")
        full = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "GITHUB_ACTIONS")}
        full |= {"PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO),
                 "RUNNER_TEMP": str(self.temp), "GITHUB_OUTPUT": str(self.output),
                 "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_EVENT_PATH": str(self.temp / "event.json"),
                 "GIT_CONFIG_GLOBAL": str(self.temp / "gitconfig"), **step_env}
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=self.workspace, env=full, capture_output=True, text=True, check=False, timeout=120)

    def outputs(self) -> dict[str, str]:
        return dict(line.split("=", 1) for line in self.output.read_text(encoding="utf-8").splitlines() if line)

    def gh_calls(self) -> list[list[str]]:
        if not self.gh_log.exists():
            return []
        return [call.splitlines() for call in self.gh_log.read_text(encoding="utf-8").split("\n\n") if call]


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path)


def site_in(folder: Path) -> None:
    """A small site in ``folder``: one objective whose key result takes check-ins, one KPI."""
    files = {
        "okr-pages.yaml": "title: Acme OKRs\nrepo_url: https://github.com/acme/okrs\n",
        "content/okrs/2026-Q4/sales/enterprise.md": """\
            ---
            title: Win the enterprise segment
            cycle: 2026-Q4
            team: sales
            owner: Dana Reyes
            key_results:
              - title: Sign 8 customers
                baseline: 0
                target: 8
                checkins:
                  - {date: 2026-10-10, value: 2, confidence: 0.6}
              - title: Cut the sales cycle from 90 to 60 days
                baseline: 90
                target: 60
                current: 80
            ---
            """,
        "content/kpis/churn.md": "---\ntitle: Churn\ndirection: down\ntarget: 5\ncadence: monthly\n"
                                 "series:\n  2026-09: 6.1\n  2026-10: 5.8\n---\n",
    }
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(textwrap.dedent(text), encoding="utf-8")


# -- installing ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("inputs", "ref", "expected"), [
    ({"command": "check"}, "v0.3.1", "okr-pages==0.3.1"),  # pinned to a release: that release from PyPI
    ({"command": "refresh"}, "0.3.1", "okr-pages[sql]==0.3.1"),
    ({"command": "build", "version": "0.2.0"}, "v0.3.1", "okr-pages==0.2.0"),
    ({"command": "build", "version": "v0.2.0"}, "main", "okr-pages==0.2.0"),
    ({"command": "digest"}, "main", "/actions/okr-pages"),  # a branch: the action's own source
    ({"command": "check"}, "", "/actions/okr-pages"),  # uses: ./ in this repository
    ({"command": "refresh", "extra-packages": "psycopg[binary] pymysql"}, "", "/actions/okr-pages[sql]"),
])
def test_install_chooses_the_release_the_action_is_pinned_to(runner, inputs, ref, expected):
    runner._shim("python", 'echo "$@" > "$RUNNER_TEMP/pip-args"')
    runner._shim("okr-pages", "echo okr-pages 0.0.0")
    done = runner.run(action_step("Install okr-pages"), inputs,
                      github={"action_ref": ref, "action_path": "/actions/okr-pages"})
    assert done.returncode == 0, done.stderr
    args = (runner.temp / "pip-args").read_text(encoding="utf-8").split()
    assert args[:5] == ["-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    assert args[5] == expected
    assert args[6:] == inputs.get("extra-packages", "").split()


def test_install_refuses_an_unknown_command(runner):
    done = runner.run(action_step("Install okr-pages"), {"command": "publish"})
    assert done.returncode == 1
    assert "::error::okr-pages action: unknown command 'publish' (use check, build, refresh, digest or checkin)" \
        in done.stdout


# -- check, build, refresh, digest ----------------------------------------------------------------

def test_check_in_a_pull_request_summarises_the_figures_it_changes(runner):
    site_in(runner.workspace)
    shutil.copytree(runner.workspace, runner.temp / "base")
    shutil.move(runner.temp / "base", runner.workspace / ".okr-pages-base")  # what actions/checkout leaves
    objective = runner.workspace / "content/okrs/2026-Q4/sales/enterprise.md"
    objective.write_text(objective.read_text().replace("value: 2,", "value: 6,"), encoding="utf-8")

    done = runner.run(action_step("diff"), {"command": "check", "as-of": AS_OF})
    assert done.returncode == 0, done.stderr
    summary = Path(runner.outputs()["summary"]).read_text(encoding="utf-8")
    assert summary.startswith("## OKR and KPI figures changed by this pull request\n\n")
    assert "Win the enterprise segment" in summary and "| 0.29 → **0.54** | red → **yellow** |" in summary, summary
    assert runner.summary.read_text(encoding="utf-8") == summary

    (runner.workspace / "content/okrs/2026-Q4/sales/small.md").write_text(
        "---\ntitle: Small\ncycle: 2026-Q4\nteam: sales\nowner: Dana Reyes\nkey_results:\n"
        "  - {title: One, baseline: 0, target: 1}\n---\n", encoding="utf-8")
    done = runner.run(action_step("run"), {"command": "check", "as-of": AS_OF, "strict": "true"})
    assert done.returncode == 1  # --strict: a warning fails
    assert done.stdout.startswith("::warning file=content/okrs/2026-Q4/sales/small.md,line=7,col=3,"), done.stdout
    done = runner.run(action_step("run"), {"command": "check", "as-of": AS_OF})
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_says_when_the_base_branch_does_not_build(runner):
    site_in(runner.workspace)
    (runner.workspace / ".okr-pages-base").mkdir()
    (runner.workspace / ".okr-pages-base" / "okr-pages.yaml").write_text("title: [broken\n", encoding="utf-8")
    done = runner.run(action_step("diff"), {"command": "check", "as-of": AS_OF})
    assert done.returncode == 0, done.stderr
    assert "The base branch does not build, so there is nothing to compare with." in runner.summary.read_text()


def test_build_writes_the_site_under_the_base_url(runner):
    site_in(runner.workspace)
    done = runner.run(action_step("run"), {"command": "build", "as-of": AS_OF, "base-url": "/okrs"})
    assert done.returncode == 0, done.stderr
    assert runner.outputs()["site"] == "./_site"
    assert 'xml:base="/okrs/"' in (runner.workspace / "_site" / "feed.xml").read_text(encoding="utf-8")


def test_refresh_of_a_site_without_queries_changes_nothing_and_succeeds(runner):
    site_in(runner.workspace)
    done = runner.run(action_step("run"), {"command": "refresh", "as-of": AS_OF})
    assert done.returncode == 0, done.stderr
    outputs = runner.outputs()
    assert outputs["status"] == "0"
    assert Path(outputs["summary"]).is_file()
    assert "### Figures this changes" in Path(outputs["summary"]).read_text(encoding="utf-8")


def test_digest_posts_nothing_without_a_channel(runner):
    site_in(runner.workspace)
    done = runner.run(action_step("run"), {"command": "digest"})
    assert done.returncode == 0, done.stderr
    assert "::notice::okr-pages digest: okr-pages.yaml has no notify: channels" in done.stdout


# -- check in from an issue -----------------------------------------------------------------------

FORM = """\
### Key result or KPI

2026-Q4/sales/enterprise#sign-8-customers

### Value

{value}

### Date

2026-11-18

### Confidence

0.7

### Note

Acme signed
"""


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    return subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True).stdout


def repository(runner: Runner) -> Path:
    """The workspace as actions/checkout leaves it: a clone of 'origin' (a bare repository here)."""
    origin = runner.temp.parent / "origin.git"
    git(runner.temp.parent, "init", "-q", "--bare", "-b", "main", str(origin))
    shutil.rmtree(runner.workspace)
    git(runner.temp.parent, "clone", "-q", str(origin), str(runner.workspace))
    site_in(runner.workspace)
    git(runner.workspace, "add", "-A")
    git(runner.workspace, "commit", "-q", "-m", "OKRs")
    git(runner.workspace, "push", "-q", "origin", "HEAD:main")
    return origin


ISSUE = {"ISSUE": "42", "TITLE": "Check-in: Sign 8 customers", "AUTHOR": "dreyes", "AUTHOR_ID": "1234",
         "GH_TOKEN": "not-a-token"}


def submit(runner: Runner, body: str) -> subprocess.CompletedProcess[str]:
    (runner.temp / "event.json").write_text(json.dumps({"issue": {"number": 42, "body": body}}), encoding="utf-8")
    return runner.run(action_step("run"), {"command": "checkin"})


def test_a_valid_form_becomes_a_pull_request_by_its_author(runner):
    origin = repository(runner)
    done = submit(runner, FORM.format(value="5"))
    assert done.returncode == 0, done.stderr
    outputs = runner.outputs()
    assert outputs["status"] == "0"
    summary = Path(outputs["summary"]).read_text(encoding="utf-8")
    assert "content/okrs/2026-Q4/sales/enterprise.md:12: added to 2026-Q4/sales/enterprise#sign-8-customers" \
        in summary
    assert '+ - {date: 2026-11-18, value: 5, confidence: 0.7, note: "Acme signed"}' in summary

    step = flow_step("Open the pull request, or say what to fix")
    done = runner.run(step, env={**ISSUE, "STATUS": outputs["status"], "SUMMARY": outputs["summary"]})
    assert done.returncode == 0, done.stderr
    log = git(origin, "log", "--format=%an <%ae>|%cn|%s", "okr-pages/checkin-42", "-1")
    assert log == ("dreyes <1234+dreyes@users.noreply.github.com>|github-actions[bot]|"
                   "Check-in: Sign 8 customers\n")
    diff = git(origin, "diff", "main", "okr-pages/checkin-42")
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == ['+      - {date: 2026-11-18, value: 5, confidence: 0.7, note: "Acme signed"}']
    calls = runner.gh_calls()
    assert calls[0] == ["pr", "list", "--head", "okr-pages/checkin-42", "--state", "open", "--json", "number",
                        "--jq", "length"]
    create = calls[1]
    assert create[:6] == ["pr", "create", "--head", "okr-pages/checkin-42", "--title", "Check-in: Sign 8 customers"]
    body = Path(create[7]).read_text(encoding="utf-8")
    assert body.startswith(summary) and body.endswith("\nCloses #42\n")
    assert calls[2] == ["issue", "comment", "42", "--body", ("Thank you: https://github.com/acme/okrs/pull/43 adds "
                                                             "this check-in, and closes this issue once it is merged.")]


def test_an_edited_form_updates_the_open_pull_request(runner):
    origin = repository(runner)
    outputs = {}
    for value, open_prs in (("5", "0"), ("6", "1")):
        git(runner.workspace, "checkout", "-q", "main")
        git(runner.workspace, "reset", "-q", "--hard", "origin/main")
        assert submit(runner, FORM.format(value=value)).returncode == 0
        outputs = runner.outputs()
        done = runner.run(flow_step("Open the pull request, or say what to fix"),
                          env={**ISSUE, "STATUS": outputs["status"], "SUMMARY": outputs["summary"],
                               "GH_OPEN_PRS": open_prs})
        assert done.returncode == 0, done.stderr
    assert "value: 6," in git(origin, "show", "okr-pages/checkin-42:content/okrs/2026-Q4/sales/enterprise.md")
    edit = runner.gh_calls()[-2]
    assert edit[:5] == ["pr", "edit", "okr-pages/checkin-42", "--title", "Check-in: Sign 8 customers"]
    assert runner.gh_calls()[-1] == ["issue", "comment", "42", "--body",
                                     "The pull request of this check-in now holds the edited form."]


def test_a_bad_form_gets_a_comment_saying_what_to_fix_and_no_pull_request(runner):
    origin = repository(runner)
    body = FORM.format(value="five").replace("0.7", "70%").replace("2026-11-18", "18/11/2026")
    done = submit(runner, body)
    assert done.returncode == 0, done.stderr  # the step succeeds: the workflow comments
    outputs = runner.outputs()
    assert outputs["status"] == "1"
    comment = Path(outputs["summary"]).read_text(encoding="utf-8")
    assert comment == (
        "This check-in was not added:\n\n"
        "- Value: expected a number, got 'five' (write a plain number such as 6.4)\n"
        "- Date: expected a date YYYY-MM-DD (or a month YYYY-MM), got '18/11/2026'\n"
        "- Confidence: expected a number from 0 to 1, got '70%' (write it as a fraction: 0.7 means 70%)\n\n"
        "Edit the issue to fix it: the check-in is tried again when you save.\n")
    assert git(runner.workspace, "status", "--porcelain") == ""  # nothing was written

    done = runner.run(flow_step("Open the pull request, or say what to fix"),
                      env={**ISSUE, "STATUS": outputs["status"], "SUMMARY": outputs["summary"]})
    assert done.returncode == 0, done.stderr
    assert runner.gh_calls() == [["issue", "comment", "42", "--body-file", outputs["summary"]]]
    assert "checkin" not in git(origin, "branch", "--list")  # no branch was pushed


def test_an_unknown_key_result_is_named_with_the_ones_there_are(runner):
    repository(runner)
    done = submit(runner, FORM.format(value="5").replace("#sign-8-customers", "#sign-8"))
    assert done.returncode == 0, done.stderr
    comment = Path(runner.outputs()["summary"]).read_text(encoding="utf-8")
    assert "- objective '2026-Q4/sales/enterprise' has no key result 'sign-8' (did you mean 'sign-8-customers'?)" \
        in comment
