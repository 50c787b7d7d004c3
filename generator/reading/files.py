"""Finding the files a site is made of: regular files inside the site folder, nothing else.

A symbolic link is followed only while it stays inside the site folder, so a link to
``/etc/passwd`` or ``/proc/self/environ`` can never be published; such a link, a dangling one,
and anything that is not a regular file (a FIFO would hang the build, ``/dev/zero`` would never
end) is reported at its path instead of read.
"""

from __future__ import annotations

import os
import stat
import sys
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


class Refused(Exception):
    """A file that is not read: outside the site folder, not a regular file, or too large."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def inside(real: str, site_real: str) -> bool:
    """Whether a resolved path is the site folder or below it."""
    return real == site_real or real.startswith(site_real.rstrip(os.sep) + os.sep)


def too_large(size: int, limit: int, what: str, key: str) -> Refused:
    """The refusal of a file larger than its limit (``key``: its setting under limits:)."""
    return Refused(f"{what} is {megabytes(size)}, more than the {megabytes(limit)} allowed",
                   f"split it into smaller files, or raise limits.{key} in okr-pages.yaml")


def megabytes(size: int) -> str:
    """A size as people read it: '26.2 MB', or '5,000 bytes' below 100 kB."""
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def read_regular(path: str | Path, site_dir: str | Path, limit: int, what: str = "file", key: str = "markdown") -> bytes:
    """The bytes of a regular file inside the site folder, at most ``limit`` of them.

    Checked when the file is opened, not only when it was found: a file swapped for a link, a
    FIFO or a device since then is refused too (a FIFO is opened without blocking)."""
    real = os.path.realpath(path)
    if not inside(real, os.path.realpath(site_dir)):
        raise Refused(f"symbolic link points outside the site folder (to {real})",
                      "copy the file into the site folder instead of linking to it")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(real, flags)
    except FileNotFoundError:
        raise Refused("symbolic link points to nothing" if os.path.islink(path) else "file not found",
                      "restore the file, or remove the link") from None
    except OSError as exc:
        raise Refused(f"cannot read file: {exc.strerror}", "check the file's permissions") from None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file (a pipe, socket or device)",
                          "remove it from the site folder; only ordinary files are read")
        if info.st_size > limit:
            raise too_large(info.st_size, limit, what, key)
        try:
            data = stream.read(limit + 1 if limit < sys.maxsize else -1)  # a file still growing stops here
        except OSError as exc:
            raise Refused(f"cannot read file: {exc.strerror}", "check the file's permissions") from None
    if len(data) > limit:
        raise too_large(len(data), limit, what, key)
    return data


def suggest_name(name: str) -> str:
    """A file name with each unprintable character (and any run of them) replaced by '-'."""
    cleaned = "".join(char if char.isprintable() else "\0" for char in name)
    return "-".join(part for part in cleaned.split("\0") if part) or "renamed"


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
            if not name.isprintable():  # a tab, a line break, a bidi override (U+202E) in a name
                refuse(path, "file name has an unprintable character",
                       f"rename it to '{suggest_name(name)}'")
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if not inside(target, site_real):
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
        real_root = os.path.realpath(root)
        if inside(real_root, site_real):
            visit(str(root), "")
        else:  # the content or themes folder itself is a link out of the site
            refuse(str(root), f"folder links outside the site folder (to {real_root})",
                   "make it a real folder inside the site folder")
    return found, problems
