"""Diagnostics are values: collected while reading, shown by the command line.

Also the one error base class, ``OkrPagesError``: a command that cannot go on raises a subclass
with a message that says what to do, and the command line prints it once, without a traceback.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


class OkrPagesError(Exception):
    """A refused command or an unusable input, with a message that names the fix.

    ``cli.main`` catches it once and prints ``okr-pages: error: <message>``; ``exit_code`` is
    what the command then returns (2 for unusable arguments, 1 for everything else)."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: ``file:line:column``, 1-based."""

    file: str
    line: int
    column: int
    severity: Severity
    field: str
    message: str
    hint: str = ""

    def text(self) -> str:
        """The one-line form printed by ``okr-pages check``; characters a terminal would act on
        (escape sequences, NUL, line breaks, bidi overrides) are shown as escapes."""
        where = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{self.file}:{self.line}:{self.column}: {self.severity}: {where}{self.message}{hint}")

    def github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the line."""
        kind = "error" if self.severity == "error" else "warning"
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" ({self.hint})"
        title = _escape_property(f"okr-pages {kind}")
        return (
            f"::{kind} file={_escape_property(printable(self.file))},line={self.line},"
            f"col={self.column},title={title}::{_escape_data(printable(text))}"
        )


def printable(text: str) -> str:
    """``text`` with every character that is not printable (controls, format characters such as
    U+202E, line and paragraph separators) written as a Python-style escape: what a message shows
    of user text can move no cursor, colour no terminal and reorder no line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics for one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        """True when the run must exit 1: any error, or any warning under --strict."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Unique diagnostics, ordered by file and position so output is deterministic."""
        return sorted(set(self.items), key=lambda d: (d.file, d.line, d.column, d.severity, d.field, d.message))


_MORE = re.compile(r"^and (\d+) more problems? in this file$")


def more_problems(file: str, line: int, column: int, severity: Severity, count: int) -> Diagnostic:
    """The line that stands for ``count`` problems of a file not shown, at the first of them."""
    return Diagnostic(file, line, column, severity, "", f"and {count} more problem{'s' if count != 1 else ''} "
                      "in this file", "fix the ones above and run okr-pages check again")


def cap_per_file(items: list[Diagnostic], limit: int) -> list[Diagnostic]:
    """At most ``limit`` diagnostics per file, in order, then one 'and K more' line for the rest
    (an error when any of them is). ``items`` are sorted by file."""
    shown: list[Diagnostic] = []
    for _, run in itertools.groupby(items, key=lambda d: d.file):
        group = list(run)
        if len(group) > limit:
            rest = group[limit:]
            count = sum(int(match[1]) if (match := _MORE.match(d.message)) else 1 for d in rest)
            worst: Severity = "error" if any(d.severity == "error" for d in rest) else "warning"
            group = [*group[:limit], more_problems(rest[0].file, rest[0].line, rest[0].column, worst, count)]
        shown.extend(group)
    return shown


def format_diagnostics(items: list[Diagnostic], fmt: str) -> str:
    """Render diagnostics as ``text``, ``github`` workflow commands, or ``json``."""
    if fmt == "json":
        return json.dumps([asdict(d) for d in items], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(d.github() for d in items)
    return "\n".join(d.text() for d in items)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key or id, or '' when nothing is close."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""
