"""okr-pages serve: serves the site, rebuilds on save, shows a broken build, recovers, stops cleanly."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, tree

TIMEOUT = 10.0

MRR = """\
---
title: Monthly recurring revenue
team: company
unit: k USD
series:
  2026-09: 968
  2026-10: 994
---
The sum of all subscriptions.
"""

FILES = {
    "content/kpis/mrr.md": MRR,
    "content/okrs/2026-Q4/company/grow.md": """\
        ---
        title: Grow revenue
        cycle: 2026-Q4
        team: company
        owner: Maya
        key_results:
          - title: Reach 1200k MRR
            kpi: mrr
            target: 1200
          - title: Sign 8 customers
            baseline: 0
            target: 8
        ---
        """,
}


class Served:
    """``okr-pages serve`` in a subprocess, as a user runs it."""

    def __init__(self, site_dir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONPATH"] = str(REPO)
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by the fixture
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", str(site_dir), "--port", "0", "--as-of", "2026-11-22"],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""  # the first line says where it serves
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, (line, self.stderr())
        self.url = match[0]

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body)."""
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=5) as response:
                return response.status, response.headers["Content-Type"], response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read().decode()

    def json(self, path: str) -> dict:
        status, _, body = self.get(path)
        assert status == 200, body
        return json.loads(body)

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C; then (exit code, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, _ = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
            raise AssertionError(f"serve did not stop on Ctrl-C\n{self.stderr()}") from None
        return self.process.returncode, out, self.stderr()


@pytest.fixture
def served(site) -> Iterator[tuple[Served, Path]]:
    root = site(FILES)
    server = Served(root)
    try:
        yield server, root
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()
        server.log.close()


def wait_for(condition: Callable[[], object], what: str, server: Served) -> object:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n{server.stderr()}")


def mrr_latest(server: Served) -> float:
    kpis = server.json("api/kpis.json")["kpis"]
    return next(k for k in kpis if k["id"] == "mrr")["latest"]["value"]


def test_serve_rebuilds_on_save_shows_errors_recovers_and_stops(served):
    server, root = served
    status, content_type, home = server.get("/")
    assert status == 200 and content_type.startswith("text/html")
    assert '<script src="/__livereload.js" data-version="1"></script></body>' in home
    assert mrr_latest(server) == 994
    assert server.json("__status") == {"version": 1, "ok": True, "messages": []}
    status, content_type, script = server.get("__livereload.js")
    assert status == 200 and "EventSource" in script and content_type.startswith("text/javascript")

    # The event stream tells an open page the current status at once.
    with urllib.request.urlopen(server.url + "__livereload", timeout=5) as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert events.readline() == b"event: status\n"
        assert json.loads(events.readline().decode().removeprefix("data: "))["ok"] is True

    kpi = root / "content/kpis/mrr.md"
    kpi.write_text(MRR.replace("  2026-10: 994\n", "  2026-10: 994\n  2026-11: 1031\n"), encoding="utf-8")
    # The status moves on once the build is done: wait for it, not only for the new file.
    good = wait_for(lambda: (s := server.json("__status"))["version"] >= 2 and s["ok"] and s,
                    "the rebuild after a save", server)
    assert mrr_latest(server) == 1031

    kpi.write_text("---\ntitle: [Monthly recurring revenue\n---\n", encoding="utf-8")
    broken = wait_for(lambda: (s := server.json("__status"))["ok"] is False and s, "the failed build", server)
    assert broken["version"] == good["version"]  # pages keep showing the last good build...
    assert any(line.startswith("content/kpis/mrr.md:3:1:") and "malformed YAML" in line
               for line in broken["messages"]), broken
    assert mrr_latest(server) == 1031  # ...which is still served
    assert "okr-pages: error: build failed" in server.stderr()
    assert "content/kpis/mrr.md:3:1:" in server.stderr()  # and the terminal says what broke

    kpi.write_text(MRR.replace("  2026-10: 994\n", "  2026-10: 994\n  2026-11: 1044\n"), encoding="utf-8")
    wait_for(lambda: (s := server.json("__status"))["ok"] and s["version"] > good["version"], "recovery", server)
    assert mrr_latest(server) == 1044
    assert server.json("__status")["messages"] == []

    code, out, err = server.stop()
    assert code == 0, err
    assert out.splitlines()[-1] == "stopped"
    assert "Traceback" not in err


def test_a_missing_page_is_a_404_with_the_reload_script(served):
    server, _ = served
    status, content_type, body = server.get("no/such/page/")
    assert status == 404 and content_type.startswith("text/html")
    assert "/__livereload.js" in body
    assert server.stop()[0] == 0


@pytest.mark.browser
def test_the_open_page_reloads_and_shows_the_errors_over_it(served, browser):
    """In Chromium: a save reloads the page; a broken save shows an overlay listing the problems."""
    server, root = served
    kpi = root / "content/kpis/mrr.md"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT * 1000)
        page.goto(server.url)
        page.wait_for_function("() => document.querySelector('script[src=\"/__livereload.js\"]')")
        page.evaluate("() => { window.__before_reload = true; }")
        kpi.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
        overlay = page.wait_for_selector("#okr-pages-build-errors")
        assert "content/kpis/mrr.md:3:1:" in overlay.inner_text()
        kpi.write_text(MRR.replace("  2026-10: 994\n", "  2026-10: 994\n  2026-11: 1031\n"), encoding="utf-8")
        page.wait_for_function("() => window.__before_reload === undefined")  # reloaded
        assert page.query_selector("#okr-pages-build-errors") is None
    finally:
        context.close()
    assert server.stop()[0] == 0


def test_clients_that_disconnect_mid_response_leave_no_traceback(served):
    """A browser closing a tab while a large file is sent: no traceback, and the server goes on."""
    import socket
    import struct

    server, _ = served
    host, port = re.match(r"http://([\d.]+):(\d+)/", server.url).groups()
    for index in range(20):
        client = socket.create_connection((host, int(port)), timeout=5)
        client.sendall(f"GET /assets/{'vega.js' if index % 2 else 'site.js'} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        client.recv(64)  # the response has started
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not a clean close
        client.close()
    idle = socket.create_connection((host, int(port)), timeout=5)  # connects and sends nothing
    status, _, _ = server.get("/")
    assert status == 200
    idle.close()
    code, _, stderr = server.stop()
    assert code == 0
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


def test_serve_refuses_a_port_out_of_range(cli, site):
    done = cli("serve", site(FILES), "--port", "70000")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "okr-pages serve: error: argument --port: expected a port number from 0 to 65535, got '70000'")


@pytest.mark.parametrize("opened_meanwhile", [False, True])
def test_a_save_writes_and_reloads_the_open_pages_first_then_the_rest(site, tmp_path, opened_meanwhile):
    """Fast render: the page a browser has open is written (and reloaded) before the other pages;
    the rest follows in the same rebuild, and the output ends equal to a cold build."""
    import datetime as dt

    from generator.commands.serve import LiveSite
    from generator.pipeline import BuildOptions, build_site

    root = site(FILES)
    as_of = dt.date(2026, 11, 22)
    out = tmp_path / "served"
    live = LiveSite(root, out, as_of, lambda message: None)
    assert live.rebuild("first build").version == 1
    page = "okrs/2026-Q4/company/grow/index.html"
    live.visited.add(page)  # as the handler does when a browser loads the page
    seen: dict[str, object] = {}
    first_round = live._first_round

    def spy(paths: list[str]) -> None:
        seen.update(paths=paths, page=(out / page).read_text(), home=(out / "index.html").read_text())
        first_round(paths)
        seen["version"] = live.status.version
        if opened_meanwhile:
            live.visited.add("index.html")  # another tab opens home while the rest renders

    live._first_round = spy  # type: ignore[method-assign]
    grow = root / "content/okrs/2026-Q4/company/grow.md"
    grow.write_text(grow.read_text().replace("title: Grow revenue", "title: Grow revenue fast"))
    status = live.rebuild("grow.md changed")
    assert page in seen["paths"] and "Grow revenue fast" in str(seen["page"])
    assert "Grow revenue fast" not in str(seen["home"])  # home waited for the second round
    assert seen["version"] == 2  # the open page reloaded after the first round
    # a second reload only when a page opened since then changed in the second round
    assert status.version == (3 if opened_meanwhile else 2) and status.ok
    assert "Grow revenue fast" in (out / "index.html").read_text()
    cold = tmp_path / "cold"
    build_site(root, BuildOptions(cold, as_of, {"base_url": "/"}, clean=True))
    assert tree(out) == tree(cold)
    # the next save starts from a record that matches the output: nothing is left to do
    assert live.rebuild("nothing changed").version == status.version
