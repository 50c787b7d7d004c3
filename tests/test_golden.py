"""Golden-site test: build a small fixture site and compare every page with the expected tree.

Regenerate after an intended change with:  OKR_PAGES_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import tree

from generator.cli import main

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "golden-site"
EXPECTED = HERE / "fixtures" / "golden-expected"
THEME_STATIC = HERE.parent / "themes" / "default" / "static"
# The Vega bundle is vl-convert's output, not ours: checked for presence, not compared. The theme's
# static files are checked against the theme itself rather than kept twice.
NOT_COMPARED = {"assets/vega.js", ".okr-pages"} | {f"assets/{p.name}" for p in THEME_STATIC.iterdir()}
# Altair writes its own Vega-Lite version into every chart spec ("$schema": ".../vega-lite/v6.4.1.json"):
# bytes of a dependency's release (v5.20.1 with the lowest Altair allowed), not ours.
_SCHEMA_VERSION = re.compile(rb"/schema/vega-lite/v[0-9][0-9.]*\.json")


def _ours(data: bytes) -> bytes:
    return _SCHEMA_VERSION.sub(b"/schema/vega-lite/vN.json", data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("golden") / "site"
    assert main(["build", str(FIXTURE), "--out", str(out), "--as-of", "2026-11-15"]) == 0
    files = tree(out)
    if os.environ.get("OKR_PAGES_UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in files.items():
            if rel not in NOT_COMPARED:
                (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
                (EXPECTED / rel).write_bytes(data)
    return files


def test_same_files_as_expected(built: dict[str, bytes]) -> None:
    expected = tree(EXPECTED)
    assert sorted(set(built) - NOT_COMPARED) == sorted(expected)
    assert len(built["assets/vega.js"]) > 100_000
    for path in THEME_STATIC.iterdir():
        assert built[f"assets/{path.name}"] == path.read_bytes()


def test_every_file_matches(built: dict[str, bytes]) -> None:
    """Every differing file is reported (the first 40 lines of each diff), not only the first one."""
    reports = []
    for rel, data in tree(EXPECTED).items():
        if _ours(built.get(rel, b"")) != _ours(data):
            diff = difflib.unified_diff(data.decode(errors="replace").splitlines(),
                                        built.get(rel, b"").decode(errors="replace").splitlines(),
                                        f"expected/{rel}", f"built/{rel}", lineterm="", n=2)
            reports.append("\n".join(list(diff)[:40]))
    if reports:
        pytest.fail(f"{len(reports)} file(s) differ:\n\n" + "\n\n".join(reports))


def test_user_text_is_escaped_and_links_resolved(built: dict[str, bytes]) -> None:
    page = built["okrs/2026-Q4/ops/faster-shipping/index.html"].decode()
    assert "New picking route &lt;live&gt;" in page
    assert "<b>raw</b>" not in page and "&lt;b&gt;raw&lt;/b&gt;" in page
    assert 'href="../../../../guide/intro/"' in page
    guide = built["guide/intro/index.html"].decode()
    assert 'href="../../okrs/2026-Q4/ops/faster-shipping/#context"' in guide
    assert "<table>" in guide and "<s>Old way</s>" in guide
