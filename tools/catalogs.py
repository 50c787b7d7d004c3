"""Re-extract the UI's strings and bring the default theme's catalogs up to date.

    python tools/catalogs.py          # after changing a UI string: writes messages.pot, updates every
                                      # language's messages.po (new strings empty, removed ones dropped)
    python tools/catalogs.py --check  # exit 1 when the catalogs are not up to date with the code

The strings are found as ``babel.cfg`` says (``pybabel extract -F babel.cfg`` finds the same).
Then translate each new (empty) ``msgstr`` in ``themes/default/locale/<lang>/LC_MESSAGES/messages.po``;
the English catalog is filled in by this script (its translations are the strings themselves), and
``tests/test_languages.py`` fails while any shipped catalog lacks a translation.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "themes" / "default" / "locale"
TEMPLATE = LOCALE / "messages.pot"
SOURCES = ("generator", "themes")  # the only folders searched (not tests/, node_modules/, a venv)
# Fixed header dates: the catalogs change only when their strings do.
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
# gettext's plural rules where Babel's default is not the one translators use (Indonesian has one form).
PLURAL_FORMS = {"id": "nplurals=1; plural=0;"}
WIDTH = 100


def _header(catalog: Catalog) -> None:
    catalog.project, catalog.version = "OKR Pages", "1"
    catalog.creation_date = catalog.revision_date = STAMP
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "OKR Pages"


def extract() -> Catalog:
    """Every UI string of the code and the default theme, as a template catalog."""
    with open(REPO / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(fuzzy=False)
    _header(catalog)

    def searched(dirname: str) -> bool:
        rel = Path(dirname).relative_to(REPO).parts
        return not rel or (rel[0] in SOURCES and not any(part.startswith((".", "_")) for part in rel))

    for filename, _lineno, message, comments, context in extract_from_dir(
            str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True, directory_filter=searched):
        catalog.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return catalog


def render(catalog: Catalog) -> bytes:
    """A catalog as .po text: sorted by string, file names without line numbers (edits elsewhere in a
    file do not touch the catalogs)."""
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, sort_output=True, include_lineno=False, ignore_obsolete=True,
             omit_header=False)
    return out.getvalue()


def updated(language: str, template: Catalog) -> Catalog:
    """A language's catalog with the template's strings: existing translations kept, new ones empty
    (in English: the strings themselves), removed ones dropped."""
    path = LOCALE / language / "LC_MESSAGES" / "messages.po"
    if path.is_file():
        with open(path, "rb") as stream:
            catalog = read_po(stream, locale=language)
    else:
        catalog = Catalog(locale=language)
    if language in PLURAL_FORMS:
        catalog.mime_headers = [*catalog.mime_headers, ("Plural-Forms", PLURAL_FORMS[language])]
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    _header(catalog)
    catalog.last_translator = "OKR Pages"
    catalog.language_team = language
    if language == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
    return catalog


def main(argv: list[str]) -> int:
    check = "--check" in argv
    template = extract()
    files = {TEMPLATE: render(template)}
    for folder in sorted(p.name for p in LOCALE.iterdir() if p.is_dir()):
        files[LOCALE / folder / "LC_MESSAGES" / "messages.po"] = render(updated(folder, template))
    stale = [path for path, data in files.items() if not path.is_file() or path.read_bytes() != data]
    if check:
        for path in stale:
            print(f"{path.relative_to(REPO)} is not up to date: run python tools/catalogs.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
