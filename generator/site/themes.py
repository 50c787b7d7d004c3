"""Themes: the built-in default theme, overridden file by file from the site's own themes/ folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..reading.files import FileEntry, walk

_HERE = Path(__file__).resolve().parent.parent
# Installed, the default theme ships inside the package; in a source checkout it sits at the root.
_CANDIDATES = (_HERE / "builtin_themes" / "default", _HERE.parent / "themes" / "default")


def builtin_theme_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "base.html").is_file():
            return candidate
    raise FileNotFoundError("the default theme is missing from this installation of okr-pages")


@dataclass(frozen=True)
class Theme:
    """Template folders in lookup order, and the static files to publish under assets/."""

    template_dirs: tuple[Path, ...]
    static: dict[str, FileEntry] = field(default_factory=dict)  # output path → the file found
    problems: tuple[Diagnostic, ...] = ()


def load_theme(site_dir: Path) -> Theme:
    """The default theme with the site's ``themes/`` folder in front of it; a site's static file
    replaces the theme's file of the same name."""
    builtin = builtin_theme_dir()
    override = site_dir / "themes"
    static: dict[str, FileEntry] = {}
    builtin_files, _ = walk(builtin / "static", builtin)
    # The whole themes/ folder is walked: a template that links out of the site is reported here
    # (the template loader would only pass it over for the default theme's template).
    site_files, problems = walk(override, site_dir)
    for entry in builtin_files:
        static["assets/" + entry.rel] = entry
    for entry in site_files:
        if entry.rel.startswith("static/"):
            static["assets/" + entry.rel.removeprefix("static/")] = entry
    return Theme((override, builtin), dict(sorted(static.items())), tuple(problems))
