"""The HTTP side of ``okr-pages serve``: the output folder, a live-reload script, the build status
and the Server-Sent Events stream that tells open pages to reload (or to show a failed build).

Pages get the small script at serve time (the templates are untouched); it listens on
``/__livereload`` and reloads after a good build, or shows the diagnostics over the page after a
failed one while the last good build stays served.
"""

from __future__ import annotations

import html
import io
import os
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .serve import LiveSite

EVENTS_PATH = "/__livereload"
SCRIPT_PATH = "/__livereload.js"
STATUS_PATH = "/__status"
KEEPALIVE_SECONDS = 10.0
IDLE_SECONDS = 30.0  # a connection that sends no request (or takes no bytes) for this long is closed

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


def _inject(page: bytes, version: int) -> bytes:
    """Add the live-reload script before </body> (or at the end when there is none)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def make_handler(live: LiveSite) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving the output folder, the script, the status and the event stream."""

    class Handler(SimpleHTTPRequestHandler):
        timeout = IDLE_SECONDS  # the socket's timeout: an idle client cannot hold a thread for ever

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
            is_file = os.path.isfile(path)
            if is_file:  # a file a browser has (open): the next save writes it first
                live.visited.add(os.path.relpath(path, live.out_dir).replace(os.sep, "/"))
            if is_file and path.endswith((".html", ".htm")):
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
