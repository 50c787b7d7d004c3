"""The Vega runtime, through vl-convert: the offline JavaScript bundle and static SVG charts.

vl-convert's runtime hangs in any process forked after it started, and the build forks its
workers. So this process never calls it: every call runs in a spawned worker process.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import math
import multiprocessing
import os
import re
from pathlib import Path

from ..diagnostics import OkrPagesError
from ..output import write_file
from .markup import attribute

BUNDLE_FORMAT = 1  # bump when the wrapper changes, so stale cached bundles are rebuilt
# The width "container" charts are drawn at as SVG; the SVG then scales to its column (width 100%).
STATIC_WIDTH = 800
NARROW_WIDTH = 340  # the same charts for a phone's column
_SVG_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def _spawn_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


# vl-convert bundles this snippet with everything it references into one ES module.
_BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;\n"


def _bundle_worker() -> tuple[str, str]:
    """In a spawned process: the library versions and the bundle."""
    import vl_convert

    versions = (f"Vega {vl_convert.get_vega_version()}, "
                f"Vega-Lite {vl_convert.get_vegalite_versions()[-1]}, "
                f"vega-embed {vl_convert.get_vega_embed_version()}")
    return versions, vl_convert.javascript_bundle(_BUNDLE_SNIPPET)


def cache_dir() -> Path:
    """The user's cache folder for okr-pages: the Vega bundle and the chart templates."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "okr-pages"


def vl_convert_version() -> str:
    """The installed vl-convert's version, without loading its runtime."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vl-convert-python")
    except PackageNotFoundError:
        return "unknown"


def _bundle_header() -> str:
    return f"/* okr-pages vega bundle, format {BUNDLE_FORMAT}, vl-convert {vl_convert_version()}: "


@functools.cache
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script that sets window.vegaEmbed.

    Built once per vl-convert version (about 2 s) and kept in memory and in
    ``$XDG_CACHE_HOME/okr-pages/vega-bundle-<version>.js`` (written atomically)."""
    header = _bundle_header()
    path = cache_dir() / f"vega-bundle-{vl_convert_version()}.js"
    try:
        cached = path.read_text(encoding="utf-8")
        if cached.startswith(header):
            return cached
    except OSError:
        pass
    with _spawn_pool(1) as pool:
        versions, module_text = pool.submit(_bundle_worker).result()
    # vl-convert emits module code with no import/export but hundreds of top-level const and
    # function declarations (n, t, e, ...). Loaded as a classic script those would become page
    # globals and could clash; a strict-mode function wrapper keeps the module's semantics and
    # leaves only window.vegaEmbed, window.vega and window.vegaLite.
    text = (f"{header}{versions}, wrapped as a classic script */\n"
            f"(function () {{\n\"use strict\";\n{module_text}\n}})();\n")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, text.encode("utf-8"))
    except (OSError, OkrPagesError):  # an unwritable cache only costs the next build the same 2 s
        pass
    return text


def _svg_worker(spec_text: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec_text)


def render_svgs(specs: list[dict], prefixes: list[str]) -> list[str]:
    """Static SVG for each spec (for ``charts: svg``), each id prefixed so SVGs can share a page.

    Conversions run in spawned worker processes (see above), which start in about half a second
    each; as with any spawn pool, a calling script must guard its work with
    ``if __name__ == "__main__"``. The same spec always gives the same bytes."""
    if len(specs) != len(prefixes):
        raise ValueError("render_svgs needs one prefix per spec")
    if len(set(prefixes)) != len(prefixes):
        raise ValueError("render_svgs needs distinct prefixes")
    for prefix in prefixes:
        if not _SVG_PREFIX.match(prefix):
            raise ValueError(f"SVG id prefix {prefix!r} must start with a letter and hold only "
                             "letters, digits, '-' and '_'")
    if not specs:
        return []
    texts = [json.dumps(_static(spec)) for spec in specs]
    workers = max(1, min(len(texts) // 25 + 1, os.cpu_count() or 1, 4))  # a worker costs ~0.5 s
    with _spawn_pool(workers) as pool:
        svgs = list(pool.map(_svg_worker, texts, chunksize=math.ceil(len(texts) / workers)))
    return [_finish_svg(svg, prefix, spec.get("description", ""))
            for svg, prefix, spec in zip(svgs, prefixes, specs, strict=True)]


def _static(spec: dict) -> dict:
    """No container to measure in a static render: give responsive charts a fixed width."""
    if spec.get("width") == "container":
        spec = {**spec, "width": STATIC_WIDTH}
    return spec


_ID = re.compile(r'(?<![\w:-])id="([^"]+)"')


def _finish_svg(svg: str, prefix: str, description: str) -> str:
    """Rename every id to prefix + a per-chart number (vl-convert numbers clip paths with a counter
    that runs on across conversions in one worker, so its ids depend on what ran before) and
    every reference to one (url(#…), href="#…"); make the root an accessible image labelled with
    the chart's description."""
    names: dict[str, str] = {}
    counters: dict[str, int] = {}
    for old in _ID.findall(svg):
        if old not in names:
            base = old.rstrip("0123456789") or "id"
            counters[base] = counters.get(base, 0) + 1
            names[old] = f"{prefix}{base}{counters[base]}"
    if names:
        svg = _ID.sub(lambda m: f'id="{names[m[1]]}"', svg)
        svg = re.sub(r"url\((['\"]?)#([^)'\"]+)\1\)",
                     lambda m: f"url({m[1]}#{names[m[2]]}{m[1]})" if m[2] in names else m[0], svg)
        svg = re.sub(r'(?<![\w-])((?:xlink:)?href)="#([^"]+)"',
                     lambda m: f'{m[1]}="#{names[m[2]]}"' if m[2] in names else m[0], svg)
    start = svg.index("<svg")
    end = svg.index(">", start)
    # Fill the column: the width follows the page, the height the viewBox's proportions.
    root = re.sub(r'\s(role|aria-label|aria-roledescription|width|height)="[^"]*"', "", svg[start:end])
    root += ' width="100%"'
    label = attribute(description)
    root += f' role="img" aria-label="{label}"' if label else ' role="img"'
    return svg[:start] + root + svg[end:]
