"""Shared helpers: write small fixture sites into tmp_path and run the command line on them."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

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
