"""The GitHub Actions workflows and the action they use (action.yml): their structure, actionlint's
and shellcheck's verdicts, and this repository's workflows against the ones ``okr-pages init`` writes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import actionlint, missing_tool

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
STARTER = REPO / "generator" / "authoring" / "starter" / "github"
ACTION = REPO / "action.yml"
PAGES, CHECK, REFRESH, CHECKIN = (WORKFLOWS / f"{name}.yml" for name in ("pages", "check", "refresh", "checkin"))
SPEC_INPUTS = {"command", "site-dir", "as-of", "strict", "base-url", "version"}  # SPEC §12


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def action_steps(job: dict) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses") == "./"]


def test_pages_workflow_deploys_as_the_starter_workflows_do():
    flow = load(PAGES)
    assert flow["on"] == {"push": {"branches": ["main"]}, "schedule": [{"cron": "17 5 * * *"}],
                          "workflow_dispatch": None}  # daily, so pace and staleness follow the calendar
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert uses(build) == ["actions/checkout", "actions/cache", "actions/configure-pages", "./",
                           "actions/upload-pages-artifact"]
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache"))
    # the build record, the last output and okr-pages' cache folder; a fresh key each commit, restored by prefix
    assert cache["with"]["path"].split() == ["_site", ".okr-pages-cache", "~/.cache/okr-pages"]
    assert cache["with"]["key"].endswith("-${{ github.sha }}")
    assert cache["with"]["restore-keys"].strip() == cache["with"]["key"].removesuffix("${{ github.sha }}")
    pages = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages"))
    assert pages["id"] == "pages"
    (step,) = action_steps(build)
    # configure-pages' base_path is '' for a user or organisation site: the domain's root
    assert step["with"] == {"command": "build", "base-url": "${{ steps.pages.outputs.base_path || '/' }}"}
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert uses(deploy) == ["actions/deploy-pages"] and deploy["steps"][0]["id"] == "deployment"


def test_check_workflow_runs_the_action_on_every_pull_request():
    flow = load(CHECK)
    assert "pull_request" in flow["on"] and "pull_request_target" not in flow["on"]  # no secrets for forks' code
    assert flow["permissions"] == {"contents": "read"}
    (job,) = flow["jobs"].values()
    assert uses(job) == ["actions/checkout", "./"]
    assert action_steps(job)[0]["with"] == {"command": "check"}  # the action checks out the base and diffs


def test_refresh_workflow_proposes_new_values_as_one_pull_request():
    flow = load(REFRESH)
    assert flow["on"] == {"schedule": [{"cron": "41 4 * * *"}], "workflow_dispatch": None}  # daily and on demand
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert flow["concurrency"] == {"group": "okr-pages-refresh", "cancel-in-progress": False}
    (job,) = flow["jobs"].values()
    # Official actions and ours only: no third-party action is handed a token.
    assert uses(job) == ["actions/checkout", "./"]
    assert job["env"]["BRANCH"] == "okr-pages/refresh"
    (refresh,) = action_steps(job)
    assert refresh["id"] == "refresh" and refresh["with"] == {"command": "refresh",
                                                              "extra-packages": "psycopg[binary]"}
    assert refresh["env"] == {"WAREHOUSE_URL": "${{ secrets.WAREHOUSE_URL }}"}
    publish = next(s for s in job["steps"] if "gh pr" in s.get("run", ""))
    assert publish["env"] == {"GH_TOKEN": "${{ secrets.OKR_PAGES_TOKEN || github.token }}",
                              "REPORT": "${{ steps.refresh.outputs.summary }}"}
    assert "git add -- 'content/**/*.csv'" in publish["run"]
    assert 'git push --force origin "$BRANCH"' in publish["run"]
    assert 'gh pr create --head "$BRANCH" --title "Refresh KPI values" --body-file "$REPORT"' in publish["run"]
    assert 'gh pr edit "$BRANCH" --body-file "$REPORT"' in publish["run"]
    failing = job["steps"][-1]
    assert failing["if"] == "steps.refresh.outputs.status != '0'" and "exit 1" in failing["run"]


def test_checkin_workflow_turns_a_form_into_a_pull_request_for_members_only():
    flow = load(CHECKIN)
    assert flow["on"] == {"issues": {"types": ["opened", "edited"]}}
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    assert flow["concurrency"]["group"] == "okr-pages-checkin-${{ github.event.issue.number }}"
    (job,) = flow["jobs"].values()
    condition = " ".join(job["if"].split())
    assert "startsWith(github.event.issue.title, 'Check-in')" in condition
    assert "contains(github.event.issue.labels.*.name, 'check-in')" in condition
    assert "fromJSON('[\"OWNER\", \"MEMBER\", \"COLLABORATOR\"]'), github.event.issue.author_association" in condition
    assert uses(job) == ["actions/checkout", "./"]
    (checkin,) = action_steps(job)
    assert checkin["id"] == "checkin" and checkin["with"] == {"command": "checkin"}
    script = runs(job)
    assert "github.event" not in script  # the title and author reach the script through env only
    assert 'gh issue comment "$ISSUE" --body-file "$SUMMARY"' in script
    assert 'git push --force origin "$branch"' in script


def test_this_repositorys_workflows_are_the_ones_init_writes_with_the_local_action():
    """pages, check, refresh and checkin are init's files with 'uses: ./' for the action; the issue
    form is init's too (digest.yml is init's alone: the example names no notify: channel)."""
    for path in (PAGES, CHECK, REFRESH, CHECKIN):
        starter = (STARTER / "workflows" / path.name).read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == starter.replace("OKR_PAGES_ACTION", "./"), path.name
    assert sorted(p.name for p in (STARTER / "workflows").glob("*.yml")) == [
        "check.yml", "checkin.yml", "digest.yml", "pages.yml", "refresh.yml"]
    form = REPO / ".github" / "ISSUE_TEMPLATE" / "checkin.yml"
    assert form.read_bytes() == (STARTER / "ISSUE_TEMPLATE" / "checkin.yml").read_bytes()


def test_every_use_of_the_action_passes_inputs_it_has():
    """actionlint cannot read a local action's inputs in its WebAssembly build, so this does."""
    inputs = load(ACTION)["inputs"]
    commands = re.search(r"case \"\$COMMAND\" in\n\s+([a-z|]+)\)", ACTION.read_text(encoding="utf-8"))[1].split("|")
    flows = [*WORKFLOWS.glob("*.yml"), *(STARTER / "workflows").glob("*.yml")]
    seen = 0
    for flow in flows:
        for job in load(flow)["jobs"].values():
            for step in job["steps"]:
                if step.get("uses") not in ("./", "OKR_PAGES_ACTION"):
                    continue
                seen += 1
                given = step.get("with", {})
                assert set(given) <= set(inputs), (flow.name, set(given) - set(inputs))
                assert {name for name, spec in inputs.items() if spec.get("required")} <= set(given), flow.name
                assert given["command"] in commands, flow.name
    assert seen == 9  # four of this repository's workflows, five of init's


def test_the_action_is_a_composite_action_with_the_inputs_of_spec_12():
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert SPEC_INPUTS <= set(action["inputs"])
    assert action["inputs"]["command"]["required"] is True
    text = ACTION.read_text(encoding="utf-8")
    assert set(re.findall(r"inputs\.([a-z-]+)", text)) <= set(action["inputs"])
    ids = {step.get("id") for step in action["runs"]["steps"]}
    assert set(re.findall(r"steps\.([a-z-]+)\.outputs", text)) <= ids
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash", step["name"]
            assert "${{" not in step["run"], step["name"]  # inputs reach scripts through env, never pasted in
    assert 'okr-pages diff "$RUNNER_TEMP/okr-pages-base/api" "$RUNNER_TEMP/okr-pages-head/api"' in text
    assert '>> "$GITHUB_STEP_SUMMARY"' in text
    assert 'okr-pages digest "$SITE_DIR" --post' in text


def test_actionlint_passes_every_workflow():
    assert sorted(WORKFLOWS.glob("*.yml")) == [CHECK, CHECKIN, PAGES, REFRESH]
    ok, output = actionlint(WORKFLOWS)
    assert ok, output


def test_actionlint_passes_the_actions_steps(tmp_path):
    """actionlint reads workflows, not action metadata: the action's steps, as a reusable workflow's
    job with the action's inputs, get its checks of expressions, contexts and step outputs."""
    action = load(ACTION)
    flow = {"on": {"workflow_call": {"inputs": {name: {"type": "string", "default": spec.get("default", ""),
                                                       "description": spec["description"]}
                                                for name, spec in action["inputs"].items()}}},
            "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}
    (tmp_path / "action.yml").write_text(yaml.safe_dump(flow, sort_keys=False), encoding="utf-8")
    ok, output = actionlint(tmp_path)
    assert ok, output


def test_actionlint_catches_a_broken_workflow(tmp_path):
    (tmp_path / "broken.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ steps.x.outputs.y }}\n", encoding="utf-8")
    ok, output = actionlint(tmp_path)
    assert not ok
    assert 'property "x" is not defined' in output, output


def scripts() -> list[tuple[str, str]]:
    """(where, script) for every run: of the action and of every workflow, this repository's and init's."""
    found = [(f"action.yml: {step['name']}", step["run"]) for step in load(ACTION)["runs"]["steps"] if "run" in step]
    for flow in [*WORKFLOWS.glob("*.yml"), *(STARTER / "workflows").glob("*.yml")]:
        for job in load(flow)["jobs"].values():
            found += [(f"{flow.relative_to(REPO)}: {step.get('name')}", step["run"])
                      for step in job["steps"] if "run" in step]
    return found


def test_shellcheck_passes_every_script():
    if not shutil.which("shellcheck"):
        missing_tool("shellcheck is not installed; install it with: apt-get install shellcheck")
    problems = []
    for where, script in scripts():
        done = subprocess.run(["shellcheck", "--shell=bash", "--severity=info", "-"], input=script,
                              capture_output=True, text=True, check=False, timeout=60)
        if done.returncode:
            problems.append(f"{where}\n{done.stdout}")
    assert not problems, "\n".join(problems)


def test_shellcheck_catches_a_broken_script():
    if not shutil.which("shellcheck"):
        missing_tool("shellcheck is not installed; install it with: apt-get install shellcheck")
    done = subprocess.run(["shellcheck", "--shell=bash", "-"], input="rm -rf $DIR/x\n", capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 1 and "SC2086" in done.stdout


@pytest.mark.parametrize(("base_path", "expected"), [("/acme-okrs", "/acme-okrs/"), ("", "/"), ("/", "/")])
def test_build_base_url_takes_configure_pages_base_path(tmp_path, cli, base_path, expected):
    """pages.yml passes configure-pages' base_path ('/repo', or '/' for a user site) as --base-url."""
    done = cli("build", REPO, "--out", tmp_path / "site", "--as-of", "2026-11-22", "--base-url", base_path)
    assert done.returncode == 0, done.stderr
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    assert f'xml:base="{expected}"' in feed
    assert "/northwind-okrs/" not in (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
