"""Themes: the built-in default theme, overridden file by file from the site's own themes/ folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# Installed, the default theme ships inside the package; in a source checkout it sits at the root.
_CANDIDATES = (_HERE / "builtin_themes" / "default", _HERE.parent / "themes" / "default")


def builtin_theme_dir() -> Path:
    for candidate in _CANDIDATES:
        if (candidate / "base.html").is_file():
            return candidate
    raise FileNotFoundError("the default theme is missing from this installation of okr-pages")


@dataclass(frozen=True)
class Theme:
    """Template folders in lookup order, and static folders in override order."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]

    def static_files(self) -> dict[str, bytes]:
        """Static files as output paths under assets/; a site's file replaces the theme's."""
        files: dict[str, bytes] = {}
        for folder in self.static_dirs:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        files["assets/" + path.relative_to(folder).as_posix()] = path.read_bytes()
        return files


def load_theme(site_dir: Path) -> Theme:
    """The default theme with the site's ``themes/`` folder in front of it."""
    builtin = builtin_theme_dir()
    override = site_dir / "themes"
    return Theme(template_dirs=(override, builtin), static_dirs=(builtin / "static", override / "static"))
