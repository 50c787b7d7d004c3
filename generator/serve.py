"""``okr-pages serve``: build, serve on 127.0.0.1, rebuild on save and reload open pages.

Files are watched with watchfiles (inotify and friends, not polling). Pages get
a small script at serve time (the templates are untouched) that listens on the
Server-Sent Events endpoint ``/__livereload``: it reloads after a good build and
shows the diagnostics over the page after a failed one, while the server keeps
serving the last good build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import watchfiles

from .build import check_and_render, resolve_as_of, write_output
from .config import CONFIG_NAME, load_config
from .diagnostics import format_diagnostics
from .output import OutputError

EVENTS_PATH = "/__livereload"
SCRIPT_PATH = "/__livereload.js"
STATUS_PATH = "/__status"
KEEPALIVE_SECONDS = 10.0

# Served as a file of its own so that a Content-Security-Policy of 'self' still allows it.
LIVERELOAD_JS = """\
(function () {
  "use strict";
  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : null;
  var id = "okr-pages-build-errors";
  function clear() { var old = document.getElementById(id); if (old) { old.remove(); } }
  function show(status) {
    clear();
    var box = document.createElement("div");
    box.id = id;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,20,.92);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
    var title = document.createElement("h2");
    title.textContent = "okr-pages: the build failed; this page shows the last good build";
    title.style.cssText = "margin:0 0 1rem;font:bold 18px/1.3 system-ui,sans-serif;color:#ff8a80";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.2rem";
    status.messages.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    box.appendChild(list);
    var hint = document.createElement("p");
    hint.textContent = "Fix the file and save: the page reloads by itself.";
    hint.style.cssText = "margin-top:1rem;color:#ccc;font-family:system-ui,sans-serif";
    box.appendChild(hint);
    document.body.appendChild(box);
  }
  function update(status) {
    if (!status.ok) { show(status); return; }
    if (String(status.version) !== version) { window.location.reload(); return; }
    clear();
  }
  if (!window.EventSource) { return; }
  var source = new EventSource("__EVENTS__");
  source.addEventListener("status", function (event) { update(JSON.parse(event.data)); });
})();
""".replace("__EVENTS__", EVENTS_PATH)

NOT_FOUND_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found · okr-pages serve</title></head>
<body><h1>Not found</h1><p>{path} is not part of the site{why}.</p>
<p><a href="/">Home</a></p></body></html>
"""


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

    def rebuild(self, reason: str = "") -> Status:
        """Check and build; a failure keeps the last good output and reports the diagnostics."""
        with self._build_lock:
            started = time.perf_counter()
            as_of = self.as_of or resolve_as_of(None)
            errors, count = self._build(as_of)
            why = f" ({reason})" if reason else ""
            if errors:
                self.log(f"okr-pages: error: build failed{why}: {len(errors)} error(s); "
                         "still serving the last good build")
            else:
                self.log(f"built {count} files in {time.perf_counter() - started:.2f} s{why}, as of {as_of}")
            with self.changed:
                old = self.status
                self.status = Status(old.version + (0 if errors else 1), old.generation + 1, not errors, errors)
                self.changed.notify_all()
            return self.status

    def _build(self, as_of: dt.date) -> tuple[list[str], int]:
        """(error lines, files written); diagnostics are printed here, as ``okr-pages build`` does."""
        try:
            # served from the root, whatever base_url says
            checked, output = check_and_render(self.site_dir, as_of, base_url="/")
            items = checked.diagnostics.sorted()
            if items:
                self.log(format_diagnostics(items, "text"))
            errors = [d for d in items if d.severity == "error"]
            if errors or output is None:
                return format_diagnostics(errors, "text").splitlines(), 0
            write_output(output, self.out_dir)
            return [], len(output.files)
        except OutputError as exc:
            problem = f"cannot write the site: {exc}"
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the server: report it, keep serving
            problem = f"internal error while building: {type(exc).__name__}: {exc} (please report it)"
        self.log(problem)
        return [problem], 0

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


def _inject(page: bytes, version: int) -> bytes:
    """Add the live-reload script before </body> (or at the end when there is none)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def make_handler(live: LiveSite) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving the output folder, the script, the status and the event stream."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(live.out_dir), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request would bury the build messages

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == EVENTS_PATH:
                self._events()
            elif path == SCRIPT_PATH:
                self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVERELOAD_JS.encode())
            elif path == STATUS_PATH:
                self._send(HTTPStatus.OK, "application/json", live.status.json().encode())
            else:
                super().do_GET()

        def send_head(self) -> Any:
            path = self.translate_path(self.path)
            request_path = self.path.split("?", 1)[0].split("#", 1)[0]
            if os.path.isdir(path) and request_path.endswith("/"):
                path = os.path.join(path, "index.html")
            if path.endswith((".html", ".htm")) and os.path.isfile(path):
                try:
                    page = Path(path).read_bytes()
                except OSError:
                    page = None
                if page is not None:
                    return self._head(HTTPStatus.OK, "text/html; charset=utf-8",
                                      _inject(page, live.status.version))
            if not os.path.exists(path) and not os.path.isdir(self.translate_path(self.path)):
                why = "" if live.status.ok else " (the last build failed)"
                page = NOT_FOUND_HTML.format(path=html.escape(request_path), why=why).encode()
                return self._head(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8",
                                  _inject(page, live.status.version))
            return super().send_head()

        def _head(self, code: HTTPStatus, content_type: str, body: bytes) -> io.BytesIO:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

        def _send(self, code: HTTPStatus, content_type: str, body: bytes) -> None:
            stream = self._head(code, content_type, body)
            if self.command != "HEAD":
                self.wfile.write(stream.getvalue())

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            seen = -1
            try:
                while not live.stopping.is_set():
                    status = live.wait(seen, KEEPALIVE_SECONDS) if seen >= 0 else live.status
                    if status.generation != seen:
                        seen = status.generation
                        self.wfile.write(f"event: status\ndata: {status.json()}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page was closed

    return Handler


class ServeError(Exception):
    """The server cannot start (port in use, and the like)."""


def serve(site_dir: Path, port: int = 8000, as_of: dt.date | None = None,
          log: Callable[[str], None] | None = None) -> int:
    """Build into a temporary folder and serve it until Ctrl-C; returns the exit code."""
    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    log = log or say
    restore = _stop_on_signals()
    work = Path(tempfile.mkdtemp(prefix="okr-pages-serve-"))
    live = LiveSite(site_dir, work / "site", as_of, log)
    server = None
    try:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(live))
        except OSError as exc:
            raise ServeError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} "
                             "(choose another --port, or --port 0 for a free one)") from exc
        server.daemon_threads = True
        live.rebuild("first build")
        threads = _watch(live)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
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
