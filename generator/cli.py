"""The okr-pages command line: argument parsing and how results are shown, nothing more."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .build import check_site, render_files, resolve_as_of, write_output
from .diagnostics import format_diagnostics
from .output import OutputError


def _site_dir(value: str) -> Path:
    return Path(value)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="okr-pages", description="Publish OKRs and KPIs as a static site.")
    parser.add_argument("--version", action="version", version=f"okr-pages {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="validate, score and write the site")
    build_cmd.add_argument("site_dir", nargs="?", default=".", type=_site_dir, metavar="SITE_DIR")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: SITE_DIR/_site)")
    build_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")
    build_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    build_cmd.add_argument("--jobs", type=int, default=0, metavar="N", help="parallel render jobs")

    check_cmd = commands.add_parser("check", help="validate and score without writing")
    check_cmd.add_argument("site_dir", nargs="?", default=".", type=_site_dir, metavar="SITE_DIR")
    check_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    check_cmd.add_argument("--format", choices=("text", "github", "json"), default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``okr-pages`` console script."""
    args = make_parser().parse_args(argv)
    try:
        as_of = resolve_as_of(args.as_of)
    except ValueError:
        print(f"okr-pages: error: --as-of: expected a date YYYY-MM-DD, got '{args.as_of}'", file=sys.stderr)
        return 2
    if not args.site_dir.is_dir():
        print(f"okr-pages: error: site folder '{args.site_dir}' not found", file=sys.stderr)
        return 2
    if args.command == "check":
        return _check(args, as_of)
    return _build(args, as_of)


def _check(args: argparse.Namespace, as_of) -> int:
    checked = check_site(args.site_dir, as_of)
    items = checked.diagnostics.sorted()
    if items:
        print(format_diagnostics(items, args.format))
    elif args.format == "json":
        print("[]")
    failed = checked.diagnostics.failed(args.strict)
    if args.format == "text":
        print(_summary(checked, "check"), file=sys.stderr)
    return 1 if failed else 0


def _summary(checked, verb: str) -> str:
    errors, warnings = len(checked.diagnostics.errors), len(checked.diagnostics.warnings)
    site = checked.site
    return (f"okr-pages {verb}: {len(site.objectives)} objectives, {len(site.kpis)} KPIs, "
            f"{len(site.pages)} pages; {errors} error(s), {warnings} warning(s)")


def _progress(done: int, total: int) -> None:
    print(f"\rrendering {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _build(args: argparse.Namespace, as_of) -> int:
    started = time.perf_counter()
    checked = check_site(args.site_dir, as_of, links=False)
    out_dir = args.out or args.site_dir / "_site"
    output = None
    if not checked.diagnostics.errors:
        output = render_files(checked, _progress if sys.stderr.isatty() else None)
    items = checked.diagnostics.sorted()
    if items:
        print(format_diagnostics(items, "text"), file=sys.stderr)
    if output is None or checked.diagnostics.failed(args.strict):
        print(_summary(checked, "build") + f"; nothing written, {out_dir} left as it was", file=sys.stderr)
        return 1
    try:
        write_output(output, out_dir)
    except OutputError as exc:
        print(f"okr-pages: error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(f"{_summary(checked, 'build')}\nwrote {output.pages} pages ({len(output.files)} files) to {out_dir} "
          f"in {elapsed:.2f} s (as of {as_of})")
    return 0
