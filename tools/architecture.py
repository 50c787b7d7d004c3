"""Write docs/architecture.md from the package's own docstrings, so it cannot go stale.

    python tools/architecture.py          # after changing a package's or a module's docstring
    python tools/architecture.py --check  # exit 1 when docs/architecture.md is not up to date

The page is the pipeline in one diagram, then each package's docstring and the first line of each of
its modules' docstrings, then how a page job and its fingerprint work (from ``site.jobs`` and
``site.fingerprints``). ``tests/test_layers.py`` runs ``--check``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "generator"
OUT = REPO / "docs" / "architecture.md"

DIAGRAM = """\
```
content files ─▶ reading/ ─▶ model/ ─▶ scoring/ ─▶ site/ ─▶ output.py
  (Markdown,      documents,   validated   SPEC §3,     page jobs,    the output tree,
   YAML, CSV)     located YAML dataclasses  pure         templates,    written atomically
                  and checks   + marks      functions    fingerprints
                      ▲                                       │
                      └──────── buildrecord.py ◀──────────────┘
                        (what the last build read and wrote: a rebuild redoes only what changed)

pipeline.py ties them together for check, build and serve; cli.py is the command line;
authoring/ writes content (new, checkin, rollover, import), commands/ shows a site (serve, report,
diff), refresh/ fetches KPI values from data sources.
```
"""


def docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def first_paragraph(text: str) -> str:
    """The first paragraph on one line, as a table cell holds it."""
    return " ".join(text.split("\n\n", 1)[0].split()).replace("|", "\\|")


def render() -> str:
    lines = ["# Architecture", "",
             ("This page is made by `python tools/architecture.py` from the package's docstrings; edit those, "
             "not this file."), "", "## The pipeline", "", DIAGRAM, "## Where each concern lives", ""]
    top = docstring(PACKAGE / "__init__.py")
    lines += [first_paragraph(top), ""]
    modules = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    lines += ["| module | what it holds |", "| --- | --- |"]
    lines += [f"| `generator/{p.name}` | {first_paragraph(docstring(p))} |" for p in modules]
    lines.append("")
    for package in sorted(p.parent for p in PACKAGE.glob("*/__init__.py")):
        if package.name == "builtin_themes":
            continue
        lines += [f"### `generator/{package.name}/`", "", " ".join(docstring(package / "__init__.py").split()), "",
                  "| module | what it holds |", "| --- | --- |"]
        lines += [f"| `{p.stem}` | {first_paragraph(docstring(p))} |"
                  for p in sorted(package.glob("*.py")) if p.stem != "__init__"]
        lines.append("")
    lines += ["## Page jobs and their fingerprints", "", docstring(PACKAGE / "site" / "jobs.py"), "",
              docstring(PACKAGE / "site" / "fingerprints.py"), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(REPO)} is not up to date: run python tools/architecture.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
