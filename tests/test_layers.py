"""The package's imports point only down the pipeline (issue #12): a stage never imports a later one.

    cli → authoring, commands, refresh → pipeline → buildrecord → site → reading, scoring → model
    → diagnostics, output, parallel

And every package says in its docstring what each of its modules holds (issue #18).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Lower numbers are further down; a module may import its own layer or any lower one.
LAYERS = {
    "diagnostics": 0, "output": 0, "parallel": 0,
    "model": 1,
    "reading": 2, "scoring": 2,
    "site": 3,
    "buildrecord": 4,
    "pipeline": 5,
    "authoring": 6, "commands": 6, "refresh": 6,
    "cli": 7,
    "__init__": 0, "__main__": 8,
}


def layer_of(module: str) -> tuple[str, int]:
    """('reading', 2) for 'generator.reading.load'."""
    parts = module.split(".")
    assert parts[0] == "generator", module
    top = parts[1] if len(parts) > 1 else "__init__"
    assert top in LAYERS, f"{module}: add its stage to LAYERS in this test"
    return top, LAYERS[top]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> list[tuple[str, int]]:
    """Every generator module a file imports, absolute, with its line (imports inside functions too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.startswith("generator"):
                if node.module is None:  # from . import x, y: a module each, or a name of the package
                    found.extend((f"{target}.{alias.name}" if is_module(f"{target}.{alias.name}") else target,
                                  node.lineno) for alias in node.names)
                else:
                    found.append((target, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names if alias.name.startswith("generator"))
    return found


def test_every_module_belongs_to_a_known_stage() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "builtin_themes" not in path.parts:
            layer_of(module_name(path))


def test_imports_point_down_the_pipeline() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "builtin_themes" in path.parts:
            continue
        source, source_rank = layer_of(module_name(path))
        for target, line in imports(path):
            stage, rank = layer_of(target)
            if rank > source_rank or (rank == source_rank and stage != source and rank != 0):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {source} imports {target}")
    assert wrong == []


def test_the_test_sees_imports() -> None:
    """The checker itself: relative imports of every form resolve to the right modules."""
    found = dict(imports(PACKAGE / "site" / "jobs.py"))
    assert "generator.scoring.scores" in found and "generator.site.charts" in found
    assert "generator.diagnostics" in dict(imports(PACKAGE / "output.py"))


def test_every_module_is_named_in_its_packages_docstring() -> None:
    """A reader finds the home of any line from the package docstrings: each names its modules."""
    missing = []
    for init in sorted(PACKAGE.rglob("__init__.py")):
        if "builtin_themes" in init.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        folder = init.parent
        names = [path.stem for path in folder.glob("*.py") if path.stem not in ("__init__", "__main__")]
        names += [path.name for path in folder.iterdir() if (path / "__init__.py").is_file()]
        missing += [f"{init.relative_to(PACKAGE.parent)}: {name}" for name in sorted(names) if f"``{name}``" not in doc]
    assert missing == []
