"""The build record: what the last build read and wrote, so the next one redoes only what changed.

It lives in ``.okr-pages-cache/`` inside the site folder (git-ignored by a ``.gitignore`` of its
own) and holds each content file's stamp, digest and validated reading, and each output file's
job fingerprint and digest. It is signed with a key kept in the user's cache folder, outside the
repository: a record that is missing, corrupt, made by another version of okr-pages, for another
site or output folder, or not signed by this user's key (say, one committed to a repository) is
ignored, and the build is cold: never a wrong site, and never code loaded from a repository.

Content files' readings are pickled in groups, so a rebuild pickles again only the groups that hold
a changed file; a cold build's record is written by a forked child while the command finishes,
under a lock that the next build waits on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import os
import pickle
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .output import write_file
from .parallel import can_fork
from .reading.load import Loaded, ReadFile

CACHE_DIR = ".okr-pages-cache"
FORMAT = 5  # bump when the record's shape changes (or what it caches, such as compiled bodies, reads differently)
_MAC_SIZE = 32
GROUPS = 64  # readings are pickled in this many groups: few enough to load fast, small enough to redo


@dataclass
class BuildRecord:
    """One output folder's record."""

    engine: str  # the okr-pages version and a digest of its code: another one means a cold build
    site_dir: str
    out_dir: str
    token: str  # the digest of the outputs, also in the output folder's marker: the folder is the one recorded
    loaded: Loaded | None = None
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (job fingerprint, digest)
    costs: dict[str, float] = field(default_factory=dict)  # path → seconds its page last took to render
    blobs: dict[int, tuple[tuple[ReadFile, ...], bytes]] = field(default_factory=dict, repr=False)  # pickled groups


def engine_fingerprint() -> str:
    """This installation of okr-pages: its version and the digest of its code."""
    root = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(f"{FORMAT}|{__version__}".encode(), digest_size=16)
    for path in sorted(root.rglob("*.py")):
        hasher.update(path.relative_to(root).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def cache_folder(site_dir: Path) -> Path:
    """``.okr-pages-cache/`` in the site folder, made with the .gitignore that keeps it out of git."""
    folder = site_dir / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# okr-pages' build record: local to this machine\n*\n", encoding="utf-8")
    return folder


def record_path(site_dir: Path, out_dir: Path) -> Path:
    name = hashlib.blake2b(str(out_dir.resolve()).encode(), digest_size=8).hexdigest()
    return site_dir / CACHE_DIR / f"build-{name}.record"


def _key() -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be kept."""
    from .site.vega import cache_dir

    path = cache_dir() / "record-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except FileExistsError:
        try:
            key = path.read_bytes()
            return key if len(key) == 32 else None
        except OSError:
            return None
    except OSError:
        return None


@contextlib.contextmanager
def _locked(path: Path, exclusive: bool) -> Iterator[None]:
    """Hold a lock beside the record: a reader waits for a writer still at work."""
    try:
        import fcntl
    except ImportError:  # not POSIX: records are written in the foreground, no lock needed
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def load_record(site_dir: Path, out_dir: Path, engine: str) -> BuildRecord | None:
    """The record of the last build of ``site_dir`` into ``out_dir``, or None when there is no
    usable one."""
    record = _read(record_path(site_dir, out_dir), site_dir, engine)
    if record is None or record.out_dir != str(out_dir.resolve()):
        return None
    try:
        if (out_dir / ".okr-pages").read_text(encoding="utf-8").strip().rsplit(" ", 1)[-1] != record.token:
            return None  # the output folder is not the one this record describes
    except (OSError, UnicodeDecodeError):
        return None
    return record


def latest_readings(site_dir: Path, engine: str) -> Loaded | None:
    """The file readings of the site's most recent build, whatever its output folder: ``check``
    reads again only the files that changed since."""
    try:
        paths = sorted((site_dir / CACHE_DIR).glob("build-*.record"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for path in paths[:1]:
        record = _read(path, site_dir, engine)
        if record is not None:
            return record.loaded
    return None


def _read(path: Path, site_dir: Path, engine: str) -> BuildRecord | None:
    """A signed record of this code and this site, or None."""
    key = _key()
    if key is None:
        return None
    try:
        with _locked(path, exclusive=False):
            data = path.read_bytes()
    except OSError:
        return None
    mac, body = data[:_MAC_SIZE], data[_MAC_SIZE:]
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
        return None
    try:
        record, groups = pickle.loads(body)
        if not isinstance(record, BuildRecord) or record.loaded is None:
            return None
        readings: dict[str, ReadFile] = {}
        blobs = {}
        for number, blob in groups.items():
            group = pickle.loads(blob)
            readings.update(group)
            blobs[number] = (tuple(group.values()), blob)
    except Exception:  # noqa: BLE001 - a record that cannot be read means a cold build
        return None
    if record.engine != engine or record.site_dir != str(site_dir.resolve()):
        return None
    record.loaded.files = dict(sorted(readings.items()))
    record.blobs = blobs
    return record


def _group(rel: str) -> int:
    return int.from_bytes(hashlib.blake2b(rel.encode(), digest_size=2).digest(), "big") % GROUPS


def save_record(site_dir: Path, record: BuildRecord, previous: BuildRecord | None = None,
                background: bool = False) -> None:
    """Write the record, signed. Readings unchanged since ``previous`` keep their pickled bytes;
    with ``background`` a forked child does the writing. A record that cannot be written only
    costs the next build time."""
    path = record_path(site_dir, Path(record.out_dir))
    old = previous.blobs if previous is not None else {}
    with _locked(path, exclusive=True):  # a forked writer inherits the lock and holds it till done
        if background and can_fork() and not old:
            _in_child(lambda: _save(path, record, old))
        else:
            _save(path, record, old)


def _save(path: Path, record: BuildRecord, old: dict[int, tuple[tuple[ReadFile, ...], bytes]]) -> None:
    key = _key()
    try:
        cache_folder(path.parent.parent)
        if key is None or record.loaded is None:
            path.unlink(missing_ok=True)
            return
        grouped: dict[int, dict[str, ReadFile]] = {}
        for rel, reading in record.loaded.files.items():
            grouped.setdefault(_group(rel), {})[rel] = reading
        blobs = {}
        for number, group in sorted(grouped.items()):
            readings = tuple(group.values())
            kept = old.get(number)
            unchanged = kept is not None and len(kept[0]) == len(readings) and all(
                a is b for a, b in zip(kept[0], readings))
            blobs[number] = kept if unchanged and kept is not None else (
                readings, pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL))
        # The model is made again from the readings: the record holds no Site.
        empty = dataclasses.replace(record.loaded.site, objectives={}, kpis={}, pages=(), files=())
        bare = dataclasses.replace(record, loaded=dataclasses.replace(record.loaded, files={}, site=empty), blobs={})
        body = pickle.dumps((bare, {number: blob for number, (_, blob) in blobs.items()}),
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_file(path, hmac.new(key, body, hashlib.sha256).digest() + body, durable=False)
        record.blobs = blobs
    except Exception:  # noqa: BLE001 - never fail a good build over its cache
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _in_child(work: object) -> None:
    """Run ``work`` in a grandchild that outlives this process, without leaving a zombie behind.

    The grandchild lets go of the command's standard streams: whoever reads the command's output
    through a pipe (a script, CI's log) sees it end when the command ends, not when the record is
    written."""
    pid = os.fork()
    if pid == 0:
        try:
            if os.fork() == 0:
                os.setsid()
                devnull = os.open(os.devnull, os.O_RDWR)
                for stream in (0, 1, 2):
                    os.dup2(devnull, stream)
                if devnull > 2:
                    os.close(devnull)
                try:
                    work()  # type: ignore[operator]
                finally:
                    os._exit(0)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def forget_record(site_dir: Path, out_dir: Path) -> None:
    """Drop the record before an output folder is changed in place: a build killed half way must be
    followed by a cold one."""
    path = record_path(site_dir, out_dir)
    with _locked(path, exclusive=True), contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
