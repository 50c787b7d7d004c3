"""The README is a front door that stays true: its two commands, its objective checks, its links and
its screenshot exist; every command of the command line is in the guide's command reference."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import copy_example, run_in_process

from generator.cli import make_parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
FRONT_DOCS = ("README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md")


def test_the_readme_is_a_front_door():
    assert len(README.splitlines()) <= 150
    assert "pip install . && okr-pages build\n" in README
    assert "pip install '.[test]' && pytest\n" in README
    assert "pip install okr-pages\nokr-pages init " in README


def test_the_readmes_objective_checks_in_the_example(tmp_path):
    (objective,) = re.findall(r"```markdown\n(---\n.*?\n---\n)```", README, re.DOTALL)
    assert len(objective.splitlines()) <= 17  # about fifteen lines between the fences
    site = copy_example(tmp_path)
    (site / "content/okrs/2026-Q4/sales/enterprise.md").write_text(objective, encoding="utf-8")
    code, out, err = run_in_process("check", site, "--as-of", "2026-11-22")
    assert code == 0 and ": error: " not in out, out + err


def test_the_screenshot_is_a_small_png():
    shot = REPO / "docs" / "screenshot.png"
    assert "](docs/screenshot.png)" in README
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size < 200_000


def test_every_relative_link_of_the_front_docs_resolves():
    for name in FRONT_DOCS:
        text = (REPO / name).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if not re.match(r"^[a-z]+:", target):
                assert (REPO / target).exists(), f"{name}: {target}"


def test_every_command_is_in_the_guides_command_reference():
    reference = (REPO / "content" / "guide" / "commands.md").read_text(encoding="utf-8")
    commands = make_parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if f"`okr-pages {name}" not in reference]
    assert not missing, f"document these in content/guide/commands.md: {missing}"
