"""generator/output.py: atomic files, and an output tree that is at every instant the old or the new site."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator import output
from generator.output import MARKER, OutputError, OutputTree, write_file


def write_tree(out: Path, files: dict[str, bytes], fresh: bool = True) -> None:
    tree = OutputTree(out, fresh=fresh)
    for rel, data in files.items():
        tree.write(rel, data)
    tree.commit()


def settle(folder: Path, names: list[str], timeout: float = 10.0) -> list[str]:
    """The names in ``folder`` once retired trees, removed in the background, are gone."""
    deadline = time.monotonic() + timeout
    while True:
        found = sorted(p.name for p in folder.iterdir())
        if found == names or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_a_fresh_tree_replaces_the_old_one_and_the_old_one_goes(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", {"index.html": b"first", "a/b.html": b"b"})
    write_tree(tmp_path / "out", {"index.html": b"second"})
    assert (tmp_path / "out" / "index.html").read_bytes() == b"second"
    assert not (tmp_path / "out" / "a").exists()
    assert (tmp_path / "out" / MARKER).is_file()
    assert settle(tmp_path, ["out"]) == ["out"]


def test_the_swap_is_one_exchange_where_the_system_has_it(tmp_path: Path, monkeypatch) -> None:
    if output._exchange_function() is None:
        pytest.skip("no atomic exchange on this system")
    write_tree(tmp_path / "out", {"index.html": b"old"})
    calls: list[tuple[str, str]] = []
    real_rename = os.rename

    def watch(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        assert (tmp_path / "out" / "index.html").exists()  # never a moment without the site
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", watch)
    write_tree(tmp_path / "out", {"index.html": b"new"})
    assert (tmp_path / "out" / "index.html").read_bytes() == b"new"
    assert all(dst != "out" and src != "out" for src, dst in calls)  # out itself was never renamed


def test_staging_folders_of_an_interrupted_build_are_cleared(tmp_path: Path) -> None:
    """A build killed mid-write leaves .NAME.new-PID-x beside the output; the next build removes it."""
    dead = tmp_path / ".out.new-999999999-abc"  # no process has this id
    (dead / "api").mkdir(parents=True)
    (dead / "api" / "okrs.json").write_text("{}")
    write_tree(tmp_path / "out", {"index.html": b"hello"})
    assert (tmp_path / "out" / "index.html").read_bytes() == b"hello"
    assert settle(tmp_path, ["out"]) == ["out"]


def test_a_build_killed_mid_swap_gets_its_previous_site_back(tmp_path: Path) -> None:
    """Without an atomic exchange, a build killed between the two renames leaves the old tree aside:
    the next build puts it back before anything else."""
    old = tmp_path / ".out.old-999999999"
    old.mkdir()
    (old / MARKER).write_text("built by okr-pages\n")
    (old / "index.html").write_text("previous")
    OutputTree(tmp_path / "out", fresh=True).abort()
    assert (tmp_path / "out" / "index.html").read_text() == "previous"
    write_tree(tmp_path / "out", {"index.html": b"next"})
    assert (tmp_path / "out" / "index.html").read_bytes() == b"next"
    assert settle(tmp_path, ["out"]) == ["out"]


def test_the_fallback_swap_restores_the_old_tree_when_the_second_rename_fails(tmp_path: Path, monkeypatch) -> None:
    write_tree(tmp_path / "out", {"index.html": b"previous"})
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    real_rename = os.rename
    failed: list[str] = []

    def failing(src, dst):
        if Path(dst).name == "out" and ".new-" in Path(src).name and not failed:
            failed.append(src)
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(OutputError, match="No space left on device"):
        write_tree(tmp_path / "out", {"index.html": b"next"})
    monkeypatch.undo()
    assert (tmp_path / "out" / "index.html").read_bytes() == b"previous"
    assert settle(tmp_path, ["out"]) == ["out"]


def test_an_interrupt_while_writing_keeps_the_previous_site(tmp_path: Path, monkeypatch) -> None:
    write_tree(tmp_path / "out", {"index.html": b"previous"})
    tree = OutputTree(tmp_path / "out", fresh=True)
    with pytest.raises(KeyboardInterrupt):
        try:
            tree.write("index.html", b"next")
            raise KeyboardInterrupt
        except BaseException:
            tree.abort()
            raise
    assert (tmp_path / "out" / "index.html").read_bytes() == b"previous"
    assert settle(tmp_path, ["out"]) == ["out"]


def test_updates_in_place_replace_and_remove_files(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", {"index.html": b"home", "okrs/a/index.html": b"a", "okrs/b/index.html": b"b"})
    tree = OutputTree(tmp_path / "out", fresh=False)
    tree.write("okrs/a/index.html", b"a2")
    tree.remove("okrs/b/index.html")
    tree.commit()
    assert (tmp_path / "out" / "okrs" / "a" / "index.html").read_bytes() == b"a2"
    assert not (tmp_path / "out" / "okrs" / "b").exists()  # its emptied folder goes too
    assert (tmp_path / "out" / "index.html").read_bytes() == b"home"


def test_refuses_a_folder_it_did_not_make_and_paths_outside(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(OutputError, match="refusing to replace"):
        OutputTree(tmp_path / "mine", fresh=True)
    tree = OutputTree(tmp_path / "out", fresh=True)
    with pytest.raises(OutputError, match="outside the output folder"):
        tree.write("../escape.html", b"x")
    tree.abort()
    assert not (tmp_path / "escape.html").exists()


def test_write_file_keeps_permissions_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "kpi.csv"
    target.write_text("date,value\n")
    target.chmod(0o640)
    write_file(target, b"date,value\n2026-11,3\n")
    assert target.read_bytes() == b"date,value\n2026-11,3\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["kpi.csv"]
