"""The output tree, written atomically: a failed build leaves the previous site untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = ".okr-pages"  # marks a folder this tool made, and may therefore replace


class OutputError(Exception):
    """The output folder cannot be written or replaced."""


def write_tree(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file into a fresh folder beside ``out_dir``, then swap it in."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and not _replaceable(out_dir):
        raise OutputError(f"refusing to replace {out_dir}: it is not empty and was not made by okr-pages "
                          "(choose another --out, or empty it)")
    parent = out_dir.parent
    staging = parent / f".{out_dir.name}.new-{os.getpid()}"
    retired = parent / f".{out_dir.name}.old-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _recover(out_dir)
        staging.mkdir()
        made: set[Path] = set()
        for rel, data in sorted({**files, MARKER: b"built by okr-pages\n"}.items()):
            path = (staging / rel).resolve()
            if not path.is_relative_to(staging.resolve()):  # ids are validated; this is the last guard
                raise OutputError(f"refusing to write {rel}: it points outside the output folder")
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
        if out_dir.exists():
            out_dir.rename(retired)
        staging.rename(out_dir)
    except BaseException as exc:  # Ctrl-C included: never leave the reader without the previous site
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out_dir.exists():
            retired.rename(out_dir)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _recover(out_dir: Path) -> None:
    """Tidy up after a build that was killed mid-swap: put the previous site back if it is missing,
    and remove staging folders whose build is no longer running."""
    for stage in ("old", "new"):
        for leftover in sorted(out_dir.parent.glob(f".{out_dir.name}.{stage}-*")):
            if _running(leftover.name.rsplit("-", 1)[-1]):
                continue
            if stage == "old" and not out_dir.exists():
                leftover.rename(out_dir)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: str) -> bool:
    """Whether the build that owns a staging folder is still running (then its folder is left alone)."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _replaceable(out_dir: Path) -> bool:
    if not out_dir.is_dir():
        return False
    return (out_dir / MARKER).exists() or not any(out_dir.iterdir())
