"""Finding the files a site is made of: regular files inside the site folder, nothing else.

A symbolic link is followed only while it stays inside the site folder, so a link to
``/etc/passwd`` or ``/proc/self/environ`` can never be published; such a link, a dangling one,
and anything that is not a regular file (a FIFO would hang the build, ``/dev/zero`` would never
end) is reported at its path instead of read.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode: any change means "read it again"


@dataclass(frozen=True)
class FileEntry:
    """One regular file found below a folder."""

    path: str  # absolute, as found (links inside the site folder are not resolved)
    rel: str  # below the folder walked, with '/' and composed accents (NFC)
    stamp: Stamp

    @property
    def size(self) -> int:
        return self.stamp[0]


def stamp_of(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def site_rel(path: str, site_dir: str) -> str:
    """A path as shown in messages: relative to the site folder, with '/'."""
    return os.path.relpath(path, site_dir).replace(os.sep, "/")


def walk(root: Path, site_dir: Path) -> tuple[list[FileEntry], list[Diagnostic]]:
    """Every regular file below ``root`` in a stable order, hidden files and folders (and folders
    starting with '_') skipped; a link leaving ``site_dir`` or a special file is a diagnostic."""
    site_real = os.path.realpath(site_dir)
    site_text = str(site_dir)
    found: list[FileEntry] = []
    problems: list[Diagnostic] = []
    visited: set[str] = set()  # real folders already walked: a link loop ends here

    def refuse(path: str, message: str, hint: str) -> None:
        problems.append(Diagnostic(site_rel(path, site_text), 1, 1, "error", "", message, hint))

    def inside(real: str) -> bool:
        return real == site_real or real.startswith(site_real + os.sep)

    def visit(folder: str, prefix: str) -> None:
        real = os.path.realpath(folder)
        if real in visited:
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            refuse(folder, f"cannot read folder: {exc.strerror}", "check the folder's permissions")
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = entry.path
            rel = prefix + unicodedata.normalize("NFC", name)
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not inside(target):
                        refuse(path, f"symbolic link points outside the site folder (to {target})",
                               "copy the file into the site folder instead of linking to it")
                        continue
                    info = os.stat(path)
                else:
                    info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                refuse(path, "symbolic link points to nothing", "remove the link or restore its target")
                continue
            except OSError as exc:
                refuse(path, f"cannot read: {exc.strerror}", "check the file's permissions")
                continue
            if stat.S_ISDIR(info.st_mode):
                if not name.startswith("_"):
                    visit(path, rel + "/")
            elif stat.S_ISREG(info.st_mode):
                found.append(FileEntry(path, rel, stamp_of(info)))
            else:
                refuse(path, "not a regular file (a pipe, socket or device)",
                       "remove it from the site folder; only ordinary files are read")

    if root.is_dir():
        visit(str(root), "")
    return found, problems
