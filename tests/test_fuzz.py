"""Fuzzed content never crashes the command line (issue #10).

Hypothesis mutates the bundled example's front matter, CSVs and config, byte by byte and token by token
(lines deleted, duplicated or inserted; control characters, brackets, quotes and YAML tags put
in), then runs ``check`` and ``build``: the exit code is 0 or 1, no traceback is ever printed,
and every message line starts with ``file:line:column``. Most sites run in this process through
``cli.main`` (fast); a few also in a subprocess, for the real exit code. Bounded: a fixed number
of examples, derandomised so a run is repeatable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, copy_example, run_cli
from conftest import run_in_process as run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow
AS_OF = ("--as-of", "2026-11-15")
LOCATED = re.compile(r"^\S.*:\d+:\d+: (error|warning): ")
SUMMARY = re.compile(r"^(okr-pages (check|build): |wrote |rendering )")

# What goes into the files: characters a hostile or careless edit brings, and whole YAML tokens.
CHARACTERS = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u202e",
                              "\ufeff", "\t", "\r", "\n", "[", "]", "{", "}", ":", "-", "?", "#", "&", "*", "!",
                              "%", "@", "`", "|", ">", '"', "'", ",", " ", "é", "𝔘", "\\"])
TOKENS = st.sampled_from(["!!int ''", "!!bool x", "!!timestamp x", "!!float x", "!!binary x", "!!python/object x",
                          "*missing", "&a [*a]", "9999-Q4", "0000-Q1", "9999-12-31", "0000-00-00", "1e999",
                          "-.inf", ".nan", "[[[[[[[[", "{a: {b: {c:", "~", "''", '"\\x01\\ud800"', "null",
                          "javascript:alert(1)", "../../../etc/passwd.csv", "x\x00.csv", "yes", "0x1F",
                          "- - - - x", "? [a]: b", "<<: *a", "2026-02-30", "+12_000", "value,date"])
LINES = st.one_of(TOKENS.map(lambda token: f"key: {token}"), TOKENS,
                  st.text(CHARACTERS, max_size=12), st.sampled_from(["---", "...", "  - title: x", "date,value"]))


def _example_files() -> list[str]:
    content = REPO / "content"
    return ["okr-pages.yaml", *sorted(p.relative_to(REPO).as_posix() for p in content.rglob("*")
                                      if p.suffix in (".md", ".csv") and "guide" not in p.parts)]


FILES = _example_files()


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, int, str]:
    """(file, kind of change, where, what)."""
    rel = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["delete", "duplicate", "insert", "characters", "token"]))
    where = draw(st.integers(0, 10_000))
    what = draw(LINES) if kind == "insert" else draw(st.text(CHARACTERS, min_size=1, max_size=6)) if (
        kind == "characters") else draw(TOKENS)
    return rel, kind, where, what


def mutate(text: str, kind: str, where: str | int, what: str) -> str:
    lines = text.split("\n")
    at = int(where) % max(len(lines), 1)
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    elif kind == "insert":
        lines.insert(at, what)
    elif kind == "characters":
        position = int(where) % (len(text) + 1)
        return text[:position] + what + text[position:]
    else:  # a scalar after ': ' (or a CSV cell after ',') becomes the token
        line = lines[at]
        cut = line.find(": ") + 2 if ": " in line else line.find(",") + 1 if "," in line else len(line)
        lines[at] = line[:cut] + what
    return "\n".join(lines)


def assert_located(text: str) -> None:
    """Every line is a located diagnostic or a summary, and never a traceback."""
    assert "Traceback" not in text, text
    for line in text.splitlines():
        if line.strip():
            assert LOCATED.match(line) or SUMMARY.match(line.lstrip("\r")), line


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("fuzz"))


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(mutation(), min_size=1, max_size=3), subprocess=st.integers(0, 14))
def test_mutated_content_gives_located_messages_and_no_traceback(example: Path, changes, subprocess: int) -> None:
    originals: dict[str, bytes] = {}
    try:
        for rel, kind, where, what in changes:
            path = example / rel
            originals.setdefault(rel, path.read_bytes())
            text = path.read_bytes().decode("utf-8", "surrogateescape")
            path.write_bytes(mutate(text, kind, where, what).encode("utf-8", "surrogateescape"))
        code, out, err = run("check", example, *AS_OF)
        assert code in (0, 1)
        assert_located(out)
        assert_located(err)
        built, out, err = run("build", example, *AS_OF, "--out", example.parent / "out")
        assert built == code
        assert_located(out.replace(f"wrote {example.parent / 'out'}", "wrote "))
        assert_located(err)
        if subprocess == 0:  # now and then as a user runs it: the real exit code, no traceback
            done = run_cli("check", example, *AS_OF)
            assert done.returncode == code
    finally:
        for rel, data in originals.items():
            (example / rel).write_bytes(data)
