"""The okr-pages command line: argument parsing and how results are shown, nothing more.

Every command that cannot go on raises an ``OkrPagesError``; ``main`` catches it once and prints
``okr-pages: error: <message>``, so no traceback ever reaches a user.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .diagnostics import OkrPagesError, format_diagnostics, printable
from .pipeline import BuildOptions, Checked, UsageError, build_site, check_site, resolve_as_of

if TYPE_CHECKING:
    from .authoring.checkin import Added


def _site_dir(value: str) -> Path:
    return Path(value)


def _score(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"expected a score from 0 to 1, got '{value}'")
    return number


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{value}'")
    return int(value)


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got '{value}'")
    return int(value)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="okr-pages", description="Publish OKRs and KPIs as a static site.")
    parser.add_argument("--version", action="version", version=f"okr-pages {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="validate, score and write the site")
    build_cmd.add_argument("site_dir", nargs="?", default=".", type=_site_dir, metavar="SITE_DIR")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: SITE_DIR/_site)")
    build_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")
    build_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    build_cmd.add_argument("--clean", action="store_true",
                           help="ignore the build record and rebuild every page (the record is rewritten)")
    build_cmd.add_argument("--jobs", type=_positive, default=None, metavar="N",
                           help="processes to render with (default: as many as there are CPUs)")
    build_cmd.add_argument("--base-url", dest="base_url", metavar="PATH",
                           help="path prefix the site is published under; overrides base_url in okr-pages.yaml")

    check_cmd = commands.add_parser("check", help="validate and score without writing")
    check_cmd.add_argument("site_dir", nargs="?", default=".", type=_site_dir, metavar="SITE_DIR")
    check_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    check_cmd.add_argument("--format", choices=("text", "github", "json"), default="text")
    _add_authoring_commands(commands)
    return parser


def _add_authoring_commands(commands: argparse._SubParsersAction) -> None:
    """serve, new, checkin, diff and schema: each command's logic lives in its own module."""
    serve_cmd = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on save")
    serve_cmd.add_argument("site_dir", nargs="?", default=".", type=_site_dir, metavar="SITE_DIR")
    serve_cmd.add_argument("--port", type=_port, default=8000, metavar="N", help="port (default 8000; 0: any free one)")
    serve_cmd.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                           help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every "
                                "network, for a colleague to see the site)")
    serve_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")

    new_cmd = commands.add_parser("new", help="write a new objective or KPI file to start from")
    new_cmd.add_argument("kind", choices=("objective", "kpi"))
    new_cmd.add_argument("--title", required=True, help="the objective's or KPI's title")
    new_cmd.add_argument("--cycle", help="objective's cycle id (default: the current quarter)")
    new_cmd.add_argument("--team", help="owning team id (default: the top team in okr-pages.yaml)")
    new_cmd.add_argument("--owner", help="person accountable (default: git user.name)")
    where = new_cmd.add_mutually_exclusive_group()
    where.add_argument("--id", dest="item_id", metavar="ID", help="id, which is also the path below okrs/ or kpis/")
    where.add_argument("--path", metavar="FILE", help="file to write, under the content folder")
    new_cmd.add_argument("--site-dir", type=_site_dir, default=Path("."), metavar="DIR")

    checkin_cmd = commands.add_parser("checkin", help="add a dated value to a key result or a KPI")
    checkin_cmd.add_argument("target", metavar="ID", nargs="?", help="objective-id#kr-id, or a KPI id")
    checkin_cmd.add_argument("value", metavar="VALUE", nargs="?", help="the measured number")
    checkin_cmd.add_argument("--date", help="day YYYY-MM-DD, or month YYYY-MM for a KPI (default: today)")
    checkin_cmd.add_argument("--confidence", help="key results only: likelihood of reaching it, 0 to 1")
    checkin_cmd.add_argument("--note", help="key results only: what changed, in a sentence")
    checkin_cmd.add_argument("--from-issue", dest="from_issue", type=Path, metavar="FILE",
                             help="instead of ID and VALUE: the body of a submitted Check in issue form "
                                  "(.github/ISSUE_TEMPLATE/checkin.yml), as GitHub wrote it")
    checkin_cmd.add_argument("--site-dir", type=_site_dir, default=Path("."), metavar="DIR")

    init_cmd = commands.add_parser("init", help="write a company's own OKR repository into a new or empty folder")
    init_cmd.add_argument("folder", nargs="?", default=Path("."), type=Path, metavar="DIR",
                          help="the folder to write (default: the current one); made if missing")
    init_cmd.add_argument("--title", help="the site's title (default: from the folder's name, e.g. 'Acme OKRs')")
    init_cmd.add_argument("--teams", metavar="ID,ID,...",
                          help="team ids below the company, e.g. sales,product,engineering")
    init_cmd.add_argument("--empty", action="store_true", help="no starter objectives (the team folders only)")

    diff_cmd = commands.add_parser("diff", help="Markdown table of figures changed between two api/ outputs")
    diff_cmd.add_argument("old_dir", type=Path, metavar="OLD_API_DIR")
    diff_cmd.add_argument("new_dir", type=Path, metavar="NEW_API_DIR")

    schema_cmd = commands.add_parser("schema", help="JSON Schema of front matter or okr-pages.yaml, for editors")
    schema_cmd.add_argument("--kind", choices=("objective", "kpi", "page", "config"),
                            help="one kind only (default: any front matter)")
    schema_cmd.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of printing")

    refresh_cmd = commands.add_parser("refresh", help="run KPI queries and write the values into their CSVs")
    refresh_cmd.add_argument("site_dir", nargs="?", default=".", type=_site_dir, metavar="SITE_DIR")
    refresh_cmd.add_argument("kpi_ids", nargs="*", metavar="KPI_ID", help="KPIs to refresh (default: every sourced KPI)")
    refresh_cmd.add_argument("--dry-run", dest="dry_run", action="store_true", help="write nothing; show the table")
    refresh_cmd.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    refresh_cmd.add_argument("--as-of", dest="as_of", metavar="DATE",
                             help="today for the run (dates after it are refused), YYYY-MM-DD")

    report_cmd = commands.add_parser("report", help="a cycle's review as one self-contained HTML file (or a PDF)")
    report_cmd.add_argument("cycle", metavar="CYCLE", help="the cycle to review, e.g. 2026-Q3")
    report_cmd.add_argument("--out", type=Path, metavar="FILE",
                            help="file to write (default: CYCLE-review.html, or .pdf, in the current folder)")
    report_cmd.add_argument("--team", metavar="T", help="one team's part of the review (default: the whole cycle)")
    report_cmd.add_argument("--pdf", action="store_true", help="write a PDF (needs okr-pages[pdf]: WeasyPrint)")
    report_cmd.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF page size (default a4)")
    report_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")
    report_cmd.add_argument("--site-dir", type=_site_dir, default=Path("."), metavar="DIR")

    rollover_cmd = commands.add_parser("rollover", help="seed the next cycle with the objectives not completed")
    rollover_cmd.add_argument("source", metavar="FROM", help="the cycle to carry objectives from, e.g. 2026-Q3")
    rollover_cmd.add_argument("target", metavar="TO", help="the cycle to carry them into, e.g. 2026-Q4")
    rollover_cmd.add_argument("--team", help="only this team's objectives")
    which = rollover_cmd.add_mutually_exclusive_group()
    which.add_argument("--all", dest="every", action="store_true", help="every objective, completed or not")
    which.add_argument("--below", type=_score, metavar="SCORE",
                       help="also aspirational objectives that ended below SCORE (0 to 1)")
    rollover_cmd.add_argument("--dry-run", dest="dry_run", action="store_true", help="show what would be written")
    rollover_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date, YYYY-MM-DD")
    rollover_cmd.add_argument("--site-dir", type=_site_dir, default=Path("."), metavar="DIR")

    import_cmd = commands.add_parser("import", help="write or update objective files from a sheet (CSV or XLSX)")
    import_cmd.add_argument("file", type=Path, metavar="FILE", help="the sheet: a .csv or .xlsx file")
    import_cmd.add_argument("--map", dest="column_map", metavar="MAP",
                            help="generic (the default: columns cycle, team, owner, objective, key_result, ...), "
                                 "viva (a Viva Goals export), or a FILE.yaml naming your columns")
    import_cmd.add_argument("--dry-run", dest="dry_run", action="store_true",
                            help="show the files it would create or edit; write nothing")
    import_cmd.add_argument("--as-of", dest="as_of", metavar="DATE", help="reference date of the check afterwards")
    import_cmd.add_argument("--site-dir", type=_site_dir, default=Path("."), metavar="DIR")


def run() -> None:
    """Entry point of the ``okr-pages`` console script and of ``python -m generator``.

    A command keeps what it reads until it exits, with few cycles among it: the cyclic collector
    would walk the whole model again and again, and once more at the end, for nothing. So it stays
    off for the process (``serve`` collects after each rebuild).

    For the same reason the process ends without tearing its objects down one by one (0.1 s after
    a large build): the output is flushed, every file and connection is already closed, and the
    operating system takes the memory back at once; unless a thread Python would wait for is still
    at work, then it ends as usual."""
    gc.disable()
    try:
        code = main()
    except BrokenPipeError:  # the reader of the output went away (``okr-pages check | head``)
        code = 1
        for stream in (sys.stdout, sys.stderr):
            _silence(stream)
    except OSError as exc:  # writing the output failed (a full disk); files a command writes say so themselves
        if exc.errno not in _WRITE_ERRORS:
            raise
        code = 1
        _cannot_write(exc)
    code = _flush(code)
    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        sys.exit(code)
    os._exit(code)


def _flush(code: int) -> int:
    """Write out what is still buffered for stdout and stderr; the exit code to end with. A reader
    that went away is no error of ours (what it missed, it did not want); any other failure to
    write is said on stderr."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (``>&-``): nothing was written
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            code = code or 1
            _silence(stream)
        except (OSError, ValueError) as exc:
            code = code or 1
            if stream is sys.stdout:
                _cannot_write(exc)
            else:
                _silence(stream)
    return code


_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _cannot_write(exc: Exception) -> None:
    """Say on stderr that the output could not be written, and write no more of it."""
    _silence(sys.stdout)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"okr-pages: error: cannot write the output: {reason}\n")
            sys.stderr.flush()


def _silence(stream: TextIO | None) -> None:
    """Point a stream that cannot be written at /dev/null, so that nothing later (Python's own
    flush as it ends) tries again and complains."""
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns its exit code."""
    args = make_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except OkrPagesError as exc:
        print(f"okr-pages: error: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code


def _as_of(args: argparse.Namespace, option: str = "") -> dt.date:
    """The run's reference date, after checking that the site folder (given by ``option``, if it
    is one) exists."""
    as_of = resolve_as_of(args.as_of)
    _require_folder(args.site_dir, option)
    return as_of


def _require_folder(folder: Path, option: str = "") -> None:
    if not folder.is_dir():
        raise UsageError(f"site folder '{folder}' not found{f' (pass {option})' if option else ''}")


def _check(args: argparse.Namespace) -> int:
    checked = check_site(args.site_dir, _as_of(args), reuse=True)
    items = checked.shown()
    if items:
        print(format_diagnostics(items, args.format))
    elif args.format == "json":
        print("[]")
    if args.format == "text":
        print(_summary(checked, "check"), file=sys.stderr)
    return 1 if checked.diagnostics.failed(args.strict) else 0


def _summary(checked: Checked, verb: str) -> str:
    errors, warnings = len(checked.diagnostics.errors), len(checked.diagnostics.warnings)
    site = checked.site
    return (f"okr-pages {verb}: {len(site.objectives)} objectives, {len(site.kpis)} KPIs, "
            f"{len(site.pages)} pages; {errors} error(s), {warnings} warning(s)")


def _progress(done: int, total: int) -> None:
    print(f"\rrendering {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    as_of = _as_of(args)
    out_dir = args.out or args.site_dir / "_site"
    # --base-url: e.g. configure-pages' base_path in CI; '' is the domain's root
    overrides = {"base_url": args.base_url} if args.base_url is not None else None
    options = BuildOptions(out_dir, as_of, overrides, strict=args.strict, clean=args.clean, jobs=args.jobs,
                           background_save=True)
    built = build_site(args.site_dir, options, progress=_progress if sys.stderr.isatty() else None)
    items = built.checked.shown()
    if items:
        print(format_diagnostics(items, "text"), file=sys.stderr)
    if built.written is None:
        print(_summary(built.checked, "build") + f"; nothing written, {out_dir} left as it was", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    how = (f"{len(built.rendered)} of {built.total} files rebuilt, {built.written} changed"
           + (f", {built.removed} removed" if built.removed else "")) if built.incremental else f"{built.total} files"
    print(f"{_summary(built.checked, 'build')}\nwrote {out_dir} ({how}) in {elapsed:.2f} s (as of {as_of})")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .commands.serve import serve

    as_of = _as_of(args)
    return serve(args.site_dir, args.port, as_of if args.as_of else None, host=args.host)


def _new(args: argparse.Namespace) -> int:
    from .authoring.new import new_file

    _require_folder(args.site_dir, "--site-dir")
    created = new_file(args.kind, args.site_dir, args.title, cycle=args.cycle, team=args.team,
                       owner=args.owner, item_id=args.item_id, path=args.path)
    print(f"created {created.rel} ({args.kind} '{created.id}'): replace the examples in it, "
          "then run okr-pages check")
    return 0


def _checkin(args: argparse.Namespace) -> int:
    from .authoring.checkin import CheckinError, checkin

    given = [name for name, value in (("ID", args.target), ("VALUE", args.value), ("--date", args.date),
                                      ("--confidence", args.confidence), ("--note", args.note)) if value is not None]
    if args.from_issue is not None and given:
        raise UsageError(f"--from-issue reads every field from the issue; leave out {', '.join(given)}")
    if args.from_issue is None and (args.target is None or args.value is None):
        raise UsageError("checkin needs ID and VALUE (okr-pages checkin objective-id#kr-id 11), "
                         "or --from-issue FILE")
    _require_folder(args.site_dir, "--site-dir")
    try:
        if args.from_issue is not None:
            added = _checkin_from_issue(args.site_dir, args.from_issue)
        else:
            added = checkin(args.site_dir, args.target, args.value, date=args.date,
                            confidence=args.confidence, note=args.note)
    except CheckinError as exc:
        for problem in exc.problems[:-1]:  # one line each, so the issue's comment can list them
            print(f"okr-pages: error: {printable(problem)}", file=sys.stderr)
        raise CheckinError(exc.problems[-1] if exc.problems else str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise OkrPagesError(f"cannot edit the file: {exc}") from exc
    print(f"{added.rel}:{added.line}: added to {added.target}:")
    print("\n".join(f"  + {line.strip()}" for line in added.text.splitlines()))
    return 0


def _checkin_from_issue(site_dir: Path, body: Path) -> Added:
    from .authoring.checkin import CheckinError
    from .authoring.issueform import MAX_BODY, checkin_from_issue

    try:
        with body.open(encoding="utf-8", errors="replace") as handle:
            text = handle.read(MAX_BODY * 4 + 1)
    except OSError as exc:
        raise CheckinError(f"--from-issue: cannot read {body}: {exc.strerror or exc}") from exc
    return checkin_from_issue(site_dir, text)


def _init(args: argparse.Namespace) -> int:
    from .authoring.init import init_site

    done = init_site(args.folder, title=args.title, teams=args.teams, empty=args.empty)
    print(done.text())
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .commands.diff import diff_folders

    print(diff_folders(args.old_dir, args.new_dir))
    return 0


def _schema(args: argparse.Namespace) -> int:
    import json

    from .output import write_file
    from .reading.schema import json_schema

    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    if args.out is None:
        print(text, end="")
        return 0
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OkrPagesError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    write_file(args.out, text.encode("utf-8"))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from .reading.config import CONFIG_NAME
    from .refresh import table
    from .refresh.run import refresh

    if not args.site_dir.is_dir() and (Path(CONFIG_NAME).is_file() or Path("content").is_dir()):
        # 'okr-pages refresh mrr' in a site folder: the first KPI id was taken for SITE_DIR
        args.kpi_ids.insert(0, str(args.site_dir))
        args.site_dir = Path(".")
    as_of = _as_of(args)
    progress = _refresh_progress if sys.stderr.isatty() else None
    run = refresh(args.site_dir, args.kpi_ids, as_of=as_of, dry_run=args.dry_run, progress=progress)
    if run.problems:
        print(format_diagnostics(run.problems, "text"), file=sys.stderr)
    shown = {"text": table.text, "markdown": table.markdown, "json": table.to_json}[args.format](run)
    print(shown, end="" if shown.endswith("\n") else "\n")
    print(table.summary(run), file=sys.stderr)
    return 1 if run.failed else 0


def _refresh_progress(done: int, total: int) -> None:
    print(f"\rrefreshing {done}/{total} KPIs", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _report(args: argparse.Namespace) -> int:
    from .commands.report import report

    as_of = _as_of(args, "--site-dir")
    made = report(args.site_dir, args.cycle, as_of, out=args.out, pdf=args.pdf, paper=args.paper, team=args.team)
    pages = f", {made.pages} page{'' if made.pages == 1 else 's'}" if made.pages is not None else ""
    print(f"wrote {made.path} ({made.cycle} review, {made.kind.upper()}, {made.size:,} bytes{pages}; as of {as_of})")
    return 0


def _rollover(args: argparse.Namespace) -> int:
    from .authoring.rollover import rollover

    as_of = _as_of(args, "--site-dir")
    done = rollover(args.site_dir, args.source, args.target, as_of, team=args.team, every=args.every,
                    below=args.below, dry_run=args.dry_run)
    print(done.text())
    if done.checked is not None:
        items = done.checked.diagnostics.sorted()
        if items:
            print(format_diagnostics(items, "text"), file=sys.stderr)
        print(_summary(done.checked, "check"), file=sys.stderr)
        return 1 if done.checked.diagnostics.failed() else 0
    return 0


def _import(args: argparse.Namespace) -> int:
    from .authoring.importing import SheetProblems, import_sheet

    as_of = _as_of(args, "--site-dir")
    try:
        done = import_sheet(args.site_dir, args.file, args.column_map, dry_run=args.dry_run, as_of=as_of)
    except SheetProblems as exc:
        print("\n".join(problem.text() for problem in exc.problems), file=sys.stderr)
        raise
    if done.warnings:
        print("\n".join(problem.text() for problem in done.warnings), file=sys.stderr)
    print(done.text())
    if done.checked is not None:
        items = done.checked.shown()
        if items:
            print(format_diagnostics(items, "text"), file=sys.stderr)
        print(_summary(done.checked, "check"), file=sys.stderr)
        return 1 if done.checked.diagnostics.failed() else 0
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check, "build": _build, "serve": _serve, "new": _new, "checkin": _checkin, "diff": _diff,
    "schema": _schema, "refresh": _refresh, "report": _report, "rollover": _rollover, "import": _import,
    "init": _init,
}
