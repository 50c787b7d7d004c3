"""The build record: what the last build read and wrote, so the next one redoes only what changed.

It lives in ``.okr-pages-cache/`` inside the site folder (git-ignored by a ``.gitignore`` of its
own) and holds each content file's stamp, digest and validated reading, and each output file's
job fingerprint and digest. It is signed with a key kept in the user's cache folder, outside the
repository: a record that is missing, corrupt, made by another version of okr-pages, for another
site or output folder, or not signed by this user's key (say, one committed to a repository) is
ignored, and the build is cold: never a wrong site, and never code loaded from a repository.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .output import write_file
from .reading.load import Loaded

CACHE_DIR = ".okr-pages-cache"
FORMAT = 1  # bump when the record's shape changes
_MAC_SIZE = 32


@dataclass
class BuildRecord:
    """One output folder's record."""

    engine: str  # the okr-pages version and a digest of its code: another one means a cold build
    site_dir: str
    out_dir: str
    token: str  # the digest of the outputs, also in the output folder's marker: the folder is the one recorded
    loaded: Loaded | None = None
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (job fingerprint, digest)


def engine_fingerprint() -> str:
    """This installation of okr-pages: its version and the digest of its code and default theme."""
    root = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(f"{FORMAT}|{__version__}".encode(), digest_size=16)
    for path in sorted(root.rglob("*.py")):
        hasher.update(path.relative_to(root).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


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


def load_record(site_dir: Path, out_dir: Path, engine: str) -> BuildRecord | None:
    """The record of the last build of ``site_dir`` into ``out_dir``, or None when there is no
    usable one."""
    key = _key()
    if key is None:
        return None
    try:
        data = record_path(site_dir, out_dir).read_bytes()
    except OSError:
        return None
    mac, body = data[:_MAC_SIZE], data[_MAC_SIZE:]
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
        return None
    try:
        record = pickle.loads(body)
    except Exception:  # noqa: BLE001 - a record that cannot be read means a cold build
        return None
    if (not isinstance(record, BuildRecord) or record.engine != engine
            or record.site_dir != str(site_dir.resolve()) or record.out_dir != str(out_dir.resolve())):
        return None
    marker = out_dir / ".okr-pages"
    try:
        if marker.read_text(encoding="utf-8").strip().rsplit(" ", 1)[-1] != record.token:
            return None  # the output folder is not the one this record describes
    except (OSError, UnicodeDecodeError):
        return None
    return record


def save_record(site_dir: Path, record: BuildRecord) -> None:
    """Write the record (signed); a record that cannot be written only costs the next build time."""
    key = _key()
    path = record_path(site_dir, Path(record.out_dir))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# okr-pages' build record: local to this machine\n*\n", encoding="utf-8")
        if key is None:
            path.unlink(missing_ok=True)
            return
        body = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        write_file(path, hmac.new(key, body, hashlib.sha256).digest() + body, durable=False)
    except Exception:  # noqa: BLE001 - never fail a good build over its cache
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def forget_record(site_dir: Path, out_dir: Path) -> None:
    """Drop the record before an output folder is changed in place: a build killed half way must be
    followed by a cold one."""
    try:
        record_path(site_dir, out_dir).unlink(missing_ok=True)
    except OSError:
        pass

