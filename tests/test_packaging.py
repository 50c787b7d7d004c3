"""Packaging and releases (SPEC §12): one version string, tested lower bounds pinned in
constraints/lowest.txt, and a wheel that works outside this repository: built, installed into a
fresh virtualenv, ``okr-pages init`` in an empty folder elsewhere, then ``check --strict`` and ``build``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from generator import __version__

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOWEST = REPO / "constraints" / "lowest.txt"


def lowest_pins() -> dict[str, Version]:
    pins = {}
    for line in LOWEST.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def requirements() -> list[Requirement]:
    """Every dependency pyproject.toml declares, the extras' too (not okr-pages' own extras)."""
    project = PYPROJECT["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    for texts in project["optional-dependencies"].values():
        found += [Requirement(text) for text in texts if not text.startswith("okr-pages")]
    return found


def test_every_dependency_has_a_tested_lower_bound_and_its_pin():
    pins = lowest_pins()
    expected = {}
    for requirement in requirements():
        bounds = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        assert len(bounds) == 1, f"{requirement}: declare one tested lower bound (>=)"
        expected[canonicalize_name(requirement.name)] = Version(bounds[0])
        for extra in requirement.extras:  # psycopg[binary] installs psycopg-binary of the same release
            expected[canonicalize_name(f"{requirement.name}-{extra}")] = Version(bounds[0])
    assert pins == expected


def test_one_version_string():
    assert PYPROJECT["project"]["dynamic"] == ["version"] and "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "generator.__version__"}
    done = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True,
                          check=True, cwd=REPO)
    assert done.stdout == f"okr-pages {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unreleased" in changelog and f"## {__version__} " in changelog


def package_data() -> set[str]:
    """Where each file the package needs besides its code sits inside the wheel."""
    theme = REPO / "themes" / "default"
    starter = REPO / "generator" / "authoring" / "starter"
    files = {f"generator/builtin_themes/default/{p.relative_to(theme).as_posix()}"
             for p in theme.rglob("*") if p.is_file()}
    files |= {f"generator/builtin_guide/{p.name}" for p in (REPO / "content" / "guide").glob("*.md")}
    files |= {f"generator/authoring/starter/{p.relative_to(starter).as_posix()}"
              for p in starter.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return files


@pytest.mark.slow
def test_the_wheel_works_outside_this_repository(tmp_path):
    """Build the wheel, install it (and nothing else from this checkout) into a fresh virtualenv, then
    run init, check --strict and build there, in a folder far from this repository."""
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels),
                            str(REPO)], capture_output=True, text=True, check=False, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("okr_pages-*.whl")
    assert wheel.name == f"okr_pages-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert package_data() <= names, sorted(package_data() - names)
    assert not {n for n in names if n.startswith(("tests/", "content/", "bench/", "data/"))}

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                                str(wheel)], capture_output=True, text=True, check=False, timeout=300)
    assert installed.returncode == 0, installed.stderr
    # The dependencies come from the environment these tests run in, after the fresh venv's own
    # packages (a path in a .pth file is not a site folder: that environment's okr-pages, editable or
    # not, is never imported, and its .pth files are not read).
    site_packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        capture_output=True, text=True, check=True).stdout.strip())
    (site_packages / "zz-okr-pages-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def okr_pages(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(venv / "bin" / "okr-pages"), *args], capture_output=True, text=True, check=False,
                              cwd=elsewhere, env=env, timeout=300)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    where = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"], capture_output=True,
                           text=True, check=True, cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(site_packages), where  # the wheel's code, not this checkout's
    assert okr_pages("--version").stdout == f"okr-pages {__version__}\n"
    done = okr_pages("init", "acme-okrs", "--teams", "sales,engineering")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("okr-pages init: wrote ")
    site = elsewhere / "acme-okrs"
    assert sorted(p.name for p in (site / "content" / "guide").glob("*.md")) == sorted(
        p.name for p in (REPO / "content" / "guide").glob("*.md"))
    done = okr_pages("check", "acme-okrs", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s), 0 warning(s)" in done.stderr
    done = okr_pages("build", "acme-okrs")
    assert done.returncode == 0, done.stderr
    assert (site / "_site" / "index.html").is_file() and (site / "_site" / "assets" / "vega.js").is_file()
    assert (site / "_site" / "guide" / "how-we-run-okrs" / "index.html").is_file()
