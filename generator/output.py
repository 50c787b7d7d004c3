"""Writing files atomically: single files (check-ins, refreshed CSVs, caches) and the output tree.

A reader of the output folder never sees a half-written file, and never a missing folder:

- a **cold build** writes a fresh tree beside the output folder and exchanges the two in one
  ``renameat2(RENAME_EXCHANGE)`` (Linux) or ``renamex_np(RENAME_SWAP)`` (macOS) call, so at every
  instant the folder holds either the old or the new site; the old tree is then removed by a
  background process, off the build's critical path;
- an **incremental build** replaces only the files whose bytes changed, each one atomically
  (written beside it, then renamed over it), and removes the files that no longer exist.

A failed build writes nothing: the pipeline decides to write only after every check passed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .diagnostics import OkrPagesError

MARKER = ".okr-pages"  # marks a folder this tool made, and may therefore replace


class OutputError(OkrPagesError):
    """The output folder, or a file, cannot be written or replaced."""


def write_file(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically, keeping the old file's permissions.

    ``durable`` flushes the bytes to disk before the rename (for the author's own files: a
    check-in or a refreshed CSV must survive a power cut); output pages skip it."""
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temp, mode)  # mkstemp makes files private
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


class OutputTree:
    """One build's writes into an output folder: a fresh tree (cold) or updates in place.

    ``write`` and ``remove`` take paths relative to the output root; ``commit`` makes a fresh
    tree the output folder; ``abort`` throws a fresh tree away (an update in place has no undo,
    which is why the pipeline only starts writing once nothing can fail any more)."""

    def __init__(self, out_dir: Path, *, fresh: bool) -> None:
        self.out_dir = out_dir.resolve()
        self.fresh = fresh
        if self.out_dir.exists() and not replaceable(self.out_dir):
            raise OutputError(f"refusing to replace {self.out_dir}: it is not empty and was not made by "
                              "okr-pages (choose another --out, or empty it)")
        if not fresh and not (self.out_dir / MARKER).is_file():
            raise OutputError(f"{self.out_dir} is not an okr-pages output folder to update")
        self._made: set[str] = set()
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            if fresh:
                _recover(self.out_dir)
                self.root = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.new-{os.getpid()}-",
                                                  dir=self.out_dir.parent))
            else:
                self.root = self.out_dir
        except OSError as exc:
            raise OutputError(f"cannot write {self.out_dir}: {exc.strerror or exc}") from exc

    def _target(self, rel: str) -> Path:
        path = Path(os.path.normpath(os.path.join(self.root, rel)))
        if not path.is_relative_to(self.root) or path == self.root:  # ids are validated; the last guard
            raise OutputError(f"refusing to write {rel}: it points outside the output folder")
        return path

    def write(self, rel: str, data: bytes) -> None:
        """Write one output file (a fresh tree: directly; in place: atomically over the old one)."""
        path = self._target(rel)
        folder = str(path.parent)
        try:
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            if self.fresh:
                with open(path, "wb") as out:
                    out.write(data)
            else:
                write_file(path, data, durable=False)
        except OSError as exc:
            raise OutputError(f"cannot write {self.out_dir / rel}: {exc.strerror or exc}") from exc

    def remove(self, rel: str) -> None:
        """Remove an output file that the site no longer has, and the folders it leaves empty."""
        path = self._target(rel)
        try:
            path.unlink(missing_ok=True)
            folder = path.parent
            while folder != self.root and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
        except OSError as exc:
            raise OutputError(f"cannot remove {self.out_dir / rel}: {exc.strerror or exc}") from exc

    def commit(self, marker: bytes = b"built by okr-pages\n") -> None:
        """Finish: write the marker, and swap a fresh tree in."""
        self.write(MARKER, marker)
        if not self.fresh:
            return
        try:
            if self.out_dir.exists():
                retired = _swap(self.root, self.out_dir)
                if retired is not None:
                    remove_later(retired)
            else:
                os.rename(self.root, self.out_dir)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot replace {self.out_dir}: {exc.strerror or exc}") from exc

    def abort(self) -> None:
        """Throw away a fresh tree that will not be used."""
        if self.fresh and self.root.exists() and self.root != self.out_dir:
            shutil.rmtree(self.root, ignore_errors=True)


def replaceable(out_dir: Path) -> bool:
    """Whether ``out_dir`` is an empty folder or one this tool made."""
    if not out_dir.is_dir():
        return False
    return (out_dir / MARKER).exists() or not any(out_dir.iterdir())


# -- the swap ------------------------------------------------------------------------------------------

def _swap(new: Path, out_dir: Path) -> Path | None:
    """Make ``new`` the output folder. Returns the folder now holding the old tree, to remove.

    With an atomic exchange the old tree ends up at ``new``'s name. Without one (other systems,
    file systems that refuse it) the old tree is renamed aside first, which leaves a moment with
    no output folder; a build killed in that moment is repaired by the next one (``_recover``)."""
    if _exchange(new, out_dir):
        retired = new.with_name(f".{out_dir.name}.old-" + new.name[len(f".{out_dir.name}.new-"):])
        os.rename(new, retired)  # the old tree, out of the way of the next build's staging names
        return retired
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    os.rename(out_dir, retired)
    try:
        os.rename(new, out_dir)
    except OSError:
        os.rename(retired, out_dir)
        raise
    return retired


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two folders; False when the system cannot."""
    function = _exchange_function()
    if function is None:
        return False
    call, flags = function
    if sys.platform == "darwin":
        result = call(os.fsencode(a), os.fsencode(b), flags)
    else:
        at_fdcwd = -100
        result = call(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), flags)
    return result == 0


_EXCHANGE: list = []


def _exchange_function() -> tuple | None:
    if not _EXCHANGE:
        found = None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
                found = (libc.renamex_np, 0x2)  # RENAME_SWAP
            elif sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
                found = (libc.renameat2, 0x2)  # RENAME_EXCHANGE
        except OSError:
            found = None
        _EXCHANGE.append(found)
    return _EXCHANGE[0]


def remove_later(folder: Path) -> None:
    """Remove a retired tree without waiting for it: on a slow disk that takes seconds."""
    if os.name == "posix" and shutil.which("rm"):
        # At the lowest CPU and disk priority: the next build, if one starts now, goes first.
        polite = [tool for tool in (["nice", "-n", "19"], ["ionice", "-c", "3"]) if shutil.which(tool[0])]
        try:
            subprocess.Popen([*(part for tool in polite for part in tool), "rm", "-rf", "--", str(folder)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def _recover(out_dir: Path) -> None:
    """Tidy up after a build that was killed: put the previous site back if it is missing, and
    remove staging and retired folders whose build is no longer running."""
    for stage in ("old", "new"):
        prefix = f".{out_dir.name}.{stage}-"
        for leftover in sorted(out_dir.parent.glob(glob.escape(prefix) + "*")):
            if _running(leftover.name[len(prefix):].split("-", 1)[0]):
                continue
            if stage == "old" and not out_dir.exists():
                leftover.rename(out_dir)
            else:
                remove_later(leftover)


def _running(pid: str) -> bool:
    """Whether the build that owns a staging folder is still running (then its folder is left alone)."""
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False  # an earlier build of this same process (serve), long finished
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
