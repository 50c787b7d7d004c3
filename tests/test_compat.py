"""The compatibility corpus (tests/compat/): every site an earlier release built still checks with
0 errors and builds (SPEC §12). Each runs in this process, as of its own era."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import run_in_process

COMPAT = Path(__file__).resolve().parent / "compat"
SNAPSHOTS = yaml.safe_load((COMPAT / "snapshots.yaml").read_text(encoding="utf-8"))


def test_every_snapshot_is_listed_once():
    folders = [entry["folder"] for entry in SNAPSHOTS]
    assert sorted(folders) == sorted(p.name for p in COMPAT.iterdir() if p.is_dir())
    assert len(set(folders)) == len(folders)
    for entry in SNAPSHOTS:
        assert (COMPAT / entry["folder"] / "okr-pages.yaml").is_file()
        assert (COMPAT / entry["folder"] / "content").is_dir()


@pytest.mark.parametrize("entry", SNAPSHOTS, ids=[entry["folder"] for entry in SNAPSHOTS])
def test_an_old_site_checks_without_errors_and_builds(entry, tmp_path):
    site = tmp_path / entry["folder"]  # a copy: a build keeps its record in the site folder
    shutil.copytree(COMPAT / entry["folder"], site)
    as_of = str(entry["as_of"])
    code, out, err = run_in_process("check", site, "--as-of", as_of)
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert code == 0 and not errors, "\n".join(errors) or err
    assert " 0 error(s)" in err, err

    code, out, err = run_in_process("build", site, "--out", tmp_path / "site", "--as-of", as_of)
    assert code == 0, err
    okrs = json.loads((tmp_path / "site" / "api" / "okrs.json").read_text(encoding="utf-8"))
    files = {p.relative_to(site / "content" / "okrs").with_suffix("").as_posix()
             for p in (site / "content" / "okrs").rglob("*.md")}
    assert {o["id"] for o in okrs["objectives"]} == files  # every objective of the old site is on the new one
    assert okrs["as_of"] == as_of
    for page in ("index.html", "kpis/index.html", "api/kpis.json", "feed.xml"):
        assert (tmp_path / "site" / page).is_file(), page

    first = entry.get("first_release")
    if first:  # figures the first release computed from the same files
        kpis = {k["id"]: k for k in json.loads((tmp_path / "site" / "api" / "kpis.json").read_text())["kpis"]}
        for kpi_id, figures in first["kpis"].items():
            assert kpis[kpi_id]["latest"] == figures["latest"]
            assert kpis[kpi_id]["health"] == figures["health"]
            assert [p["value"] for p in kpis[kpi_id]["series"]] == figures["series"]
        objectives = {o["id"]: o for o in okrs["objectives"]}
        for objective_id, figures in first["objectives"].items():
            assert objectives[objective_id]["score"] == pytest.approx(figures["score"])
            assert [[kr["baseline"], kr["current"]] for kr in objectives[objective_id]["key_results"]] \
                == figures["key_results"]
