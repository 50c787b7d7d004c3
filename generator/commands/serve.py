"""``okr-pages serve``: build, serve on 127.0.0.1 (or --host), rebuild on save and reload open pages.

Files are watched with watchfiles (inotify and friends, not polling). Each save runs the same
pipeline as ``okr-pages build``, with the build record kept in memory, so only the changed files
are read again and only the pages whose inputs changed are rendered. The HTTP side is in
``livereload``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import watchfiles

from ..diagnostics import OkrPagesError, format_diagnostics
from ..pipeline import BuildOptions, BuildState, FirstPages, build_site, resolve_as_of
from ..reading.config import CONFIG_NAME, load_config
from .livereload import make_handler

COLLECT_AFTER = 3.0  # seconds after a rebuild: free its garbage once the pages have reloaded


@dataclasses.dataclass
class Status:
    """The outcome of the latest build, as the page overlay and /__status show it."""

    version: int = 0  # counts good builds; a page built from an older one reloads
    generation: int = 0  # counts every build attempt, so listeners wake for failures too
    ok: bool = False
    messages: list[str] = dataclasses.field(default_factory=list)

    def json(self) -> str:
        return json.dumps({"version": self.version, "ok": self.ok, "messages": self.messages})


class LiveSite:
    """The served site: builds it, tracks the latest status and wakes the pages' listeners."""

    def __init__(self, site_dir: Path, out_dir: Path, as_of: dt.date | None,
                 log: Callable[[str], None]) -> None:
        self.site_dir = site_dir
        self.out_dir = out_dir
        self.as_of = as_of
        self.log = log
        self.status = Status()
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self._build_lock = threading.Lock()
        self.state = BuildState()
        self._collector: threading.Timer | None = None
        # Output paths of the files served so far: the pages a browser may have open and what they
        # load. A save writes these first and reloads them, then the rest (fast render, as Hugo's server).
        self.visited: set[str] = set()
        self._early: set[str] | None = None  # what the first round of the running build changed
        self._started = 0.0

    def rebuild(self, reason: str = "") -> Status:
        """Check and build; a failure keeps the last good output and reports the diagnostics."""
        with self._build_lock:
            started = self._started = time.perf_counter()
            self._early = None
            as_of = self.as_of or resolve_as_of(None)
            errors, changed_paths = self._build(as_of)
            why = f" ({reason})" if reason else ""
            if errors:
                self.log(f"okr-pages: error: build failed{why}: {len(errors)} error(s); "
                         "still serving the last good build")
            else:
                self.log(f"built in {time.perf_counter() - started:.2f} s{why} ({len(changed_paths)} files changed), "
                         f"as of {as_of}")
            self._collect_later()
            # Pages reload only when a good build changed something (a save with no effect, or an
            # editor's second write of the same bytes, leaves open pages alone).
            reload = not errors and (bool(changed_paths) or self.status.version == 0)
            if self._early is not None and not errors:
                # The open pages reloaded after the first round; reload again only a page opened
                # since then whose file the second round changed.
                reload = bool((set(changed_paths) - self._early) & set(self.visited))
            return self._publish(reload, errors)

    def _publish(self, reload: bool, errors: list[str]) -> Status:
        """A new status (a new version when open pages should reload), and wake the listeners."""
        with self.changed:
            old = self.status
            self.status = Status(old.version + reload, old.generation + 1, not errors, errors)
            self.changed.notify_all()
            return self.status

    def _first_round(self, paths: list[str]) -> None:
        """The open pages (and every copied file) are written: reload the pages now."""
        self._early = set(paths)
        if not paths:
            return
        self.log(f"updated in {time.perf_counter() - self._started:.2f} s; rendering the other pages")
        self._publish(True, [])

    def _build(self, as_of: dt.date) -> tuple[list[str], list[str]]:
        """(error lines, the paths of the files written); diagnostics are printed here, as
        ``okr-pages build`` does."""
        try:
            # served from the root, whatever base_url says
            first = FirstPages(set(self.visited), self._first_round) if self.visited else None
            built = build_site(self.site_dir, BuildOptions(self.out_dir, as_of, {"base_url": "/"}), state=self.state,
                               first=first)
            items = built.checked.shown()
            if items:
                self.log(format_diagnostics(items, "text"))
            errors = [d for d in items if d.severity == "error"]
            if errors or built.written is None:
                return format_diagnostics(errors, "text").splitlines(), []
            return [], built.changed
        except OkrPagesError as exc:
            problem = f"cannot write the site: {exc}"
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the server: report it, keep serving
            problem = f"internal error while building: {type(exc).__name__}: {exc} (please report it)"
        self.state.record = None  # after a failure half way, the next build starts cold
        self.log(problem)
        return [problem], []

    def _collect_later(self) -> None:
        """Free the last build's cyclic garbage once things are quiet, not while pages reload."""
        if self._collector is not None:
            self._collector.cancel()
        self._collector = threading.Timer(COLLECT_AFTER, gc.collect)
        self._collector.daemon = True
        self._collector.start()

    def wait(self, generation: int, timeout: float) -> Status:
        """The status once its generation differs from ``generation``, or after ``timeout``."""
        with self.changed:
            self.changed.wait_for(lambda: self.status.generation != generation or self.stopping.is_set(),
                                  timeout)
            return self.status

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()


class _Either:
    """A stop event for watchfiles that is set when any of its events is."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


def _watch(live: LiveSite) -> list[threading.Thread]:
    """Two watchers: content/ and themes/ recursively, and the site folder itself for the config.

    The site folder is not watched recursively: it may hold .git, a virtualenv or
    the output. A change to the config or a new themes/ folder restarts the first
    watcher, since content_dir may have moved.
    """
    restart = threading.Event()

    def roots() -> list[Path]:
        config, _ = load_config(live.site_dir)
        found = [live.site_dir / config.content_dir, live.site_dir / "themes"]
        return [path for path in found if path.is_dir()]

    def tree() -> None:
        while not live.stopping.is_set():
            restart.clear()
            paths = roots()
            if not paths:
                restart.wait(0.5)
                continue
            for changes in watchfiles.watch(*paths, stop_event=_Either(live.stopping, restart),
                                            raise_interrupt=False, rust_timeout=500, yield_on_timeout=False):
                live.rebuild(_describe(changes, live.site_dir))

    def top() -> None:
        def relevant(change: watchfiles.Change, path: str) -> bool:
            name = Path(path).name
            return name == CONFIG_NAME or (name == "themes" and change != watchfiles.Change.modified)

        for changes in watchfiles.watch(live.site_dir, watch_filter=relevant, recursive=False,
                                        stop_event=live.stopping, raise_interrupt=False, rust_timeout=500):
            restart.set()
            live.rebuild(_describe(changes, live.site_dir))

    threads = [threading.Thread(target=tree, name="okr-pages-watch-content", daemon=True),
               threading.Thread(target=top, name="okr-pages-watch-config", daemon=True)]
    for thread in threads:
        thread.start()
    return threads


def _describe(changes: set[tuple[watchfiles.Change, str]], site_dir: Path) -> str:
    names = sorted({os.path.relpath(path, site_dir).replace(os.sep, "/") for _, path in changes})
    names = [name for name in names if Path(name).suffix] or names  # editors' temporary files have none
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{shown} changed"


class ServeError(OkrPagesError):
    """The server cannot start (port in use, and the like)."""


class _Server(ThreadingHTTPServer):
    """The HTTP server: a thread per request, a deep listen queue (a page and its assets arrive in
    a burst), and a client that goes away mid-response is no error worth a traceback."""

    daemon_threads = True
    request_queue_size = 128
    log: Callable[[str], None] = staticmethod(lambda text: None)  # type: ignore[assignment]

    def handle_error(self, request: Any, client_address: Any) -> None:
        problem = sys.exc_info()[1]
        if isinstance(problem, (ConnectionError, TimeoutError)):
            return  # the browser closed the tab, or a connection sat idle: nothing to report
        self.log(f"okr-pages serve: error while answering {client_address[0]}: "
                 f"{type(problem).__name__}: {problem} (please report it)")


def serve(site_dir: Path, port: int = 8000, as_of: dt.date | None = None,
          log: Callable[[str], None] | None = None, host: str = "127.0.0.1") -> int:
    """Build into a temporary folder and serve it until Ctrl-C; returns the exit code."""
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    log = log or say
    restore = _stop_on_signals()
    work = Path(tempfile.mkdtemp(prefix="okr-pages-serve-"))
    live = LiveSite(site_dir, work / "site", as_of, log)
    server = None
    try:
        server_class = type("Server", (_Server,), {
            "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET, "log": staticmethod(log)})
        try:
            server = server_class((host, port), make_handler(live))
        except (OSError, OverflowError) as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc} "
                             "(choose another --port, or --port 0 for a free one)") from exc
        live.rebuild("first build")
        threads = _watch(live)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.server_address[1]}/"
        print(f"Serving {site_dir} at {url} (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        live.stop()
        for thread in threads:
            thread.join(timeout=2)
        print("stopped", flush=True)
        return 0
    except KeyboardInterrupt:  # Ctrl-C during the first build
        print("stopped", flush=True)
        return 0
    finally:
        live.stop()
        if server is not None:
            server.server_close()
        shutil.rmtree(work, ignore_errors=True)
        restore()


def _stop_on_signals() -> Callable[[], None]:
    """Ctrl-C and SIGTERM stop the server, even where a shell started it with SIGINT ignored."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
