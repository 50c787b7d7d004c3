"""The UI's translations: gettext catalogs in the theme, overridden string by string by the site's.

The default theme ships ``locale/<lang>/LC_MESSAGES/messages.po`` for each language of
``reading.schema.LANGUAGES``; a site's ``themes/locale/<lang>/LC_MESSAGES/messages.po`` replaces
only the strings it defines (or adds a language). A language with a region (``de-CH``) reads
``de`` and then ``de_CH`` catalogs, the more specific one winning. Catalogs are read with Babel and
compiled in memory; the compiled form is kept in the user's cache folder by the catalog's digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path

from babel.support import Translations

from ..diagnostics import Diagnostic, OkrPagesError
from ..output import write_file
from ..reading.files import Refused, read_regular
from .formatting import Language
from .themes import Theme

CATALOG = "LC_MESSAGES/messages.po"
MAX_CATALOG = 5_000_000  # bytes: a catalog of every UI string is about 60 kB
COMPILED_FORMAT = 1  # bump when how catalogs are compiled changes


def catalog_folders(code: str) -> list[str]:
    """The folders a language's catalogs are in, the general one first: 'de-CH' → ['de', 'de_CH']."""
    language, _, region = code.replace("-", "_").partition("_")
    return [language] + ([f"{language}_{region}"] if region else [])


def load_language(theme: Theme, site_dir: Path, code: str) -> tuple[Language, list[Diagnostic]]:
    """The language ``code`` with the theme's catalogs and the site's over them; problems of the
    site's catalogs as located diagnostics (a catalog with problems is not used)."""
    builtin, site_themes = theme.template_dirs[-1], theme.template_dirs[0]
    merged: Translations | None = None
    parts = [code]
    problems: list[Diagnostic] = []
    for folder in catalog_folders(code):
        for root, own in ((builtin, False), (site_themes, True)):
            path = root / "locale" / folder / CATALOG
            if not os.path.lexists(path):
                continue
            rel = path.relative_to(site_dir).as_posix() if own else f"(default theme) locale/{folder}/{CATALOG}"
            try:
                data = read_regular(path, site_dir if own else root, MAX_CATALOG, "the catalog", "text")
            except Refused as refused:
                problems.append(Diagnostic(rel, 1, 1, "error", "", refused.message, refused.hint))
                continue
            translations, found = _compiled(data, rel, folder)
            if found:
                problems.extend(found)
                continue
            assert translations is not None
            parts.append(hashlib.blake2b(data, digest_size=16).hexdigest())
            if merged is None:
                merged = translations
            else:
                merged.merge(translations)  # its strings replace the same strings, the rest stay
    return Language(code, merged, "|".join(parts)), problems


def _compiled(data: bytes, rel: str, folder: str) -> tuple[Translations | None, list[Diagnostic]]:
    """A catalog's translations, from the cache when this catalog was compiled before."""
    from .vega import cache_dir

    digest = hashlib.blake2b(data + f"|{COMPILED_FORMAT}".encode(), digest_size=16).hexdigest()
    cached = cache_dir() / "catalogs" / f"{digest}.mo"
    # missing, or not a catalog (cut short): compiled again
    with contextlib.suppress(Exception):
        return Translations(io.BytesIO(cached.read_bytes())), []
    compiled, problems = compile_catalog(data, rel, folder)
    if compiled is None:
        return None, problems
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_file(cached, compiled)
    except (OSError, OkrPagesError):  # an unwritable cache only costs the next build the same compilation
        pass
    return Translations(io.BytesIO(compiled)), []


def compile_catalog(data: bytes, rel: str, folder: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A .po catalog compiled to .mo bytes (fuzzy and untranslated entries left out), or its
    problems: a syntax error, or a translation whose placeholders are not the original's."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    hint = "fix the translation in the catalog, or remove the entry to keep the default theme's"
    try:
        catalog = read_po(io.BytesIO(data), locale=folder, abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) + 1
        return None, [Diagnostic(rel, line, 1, "error", "", f"not a valid gettext catalog: {exc}", hint)]
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [Diagnostic(rel, 1, 1, "error", "", f"not a valid gettext catalog: {exc}", hint)]
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(Diagnostic(rel, message.lineno or 1, 1, "error", "",
                                       f"translation of '{_short(message.id)}': {error}", hint))
    for message in catalog:
        if not message.id or message.fuzzy or message.pluralizable:
            continue
        if message.string and _formats(message.id) and not _formats(message.string):
            problems.append(Diagnostic(rel, message.lineno or 1, 1, "error", "",
                                       f"translation of '{_short(message.id)}' has a '%' of its own",
                                       "write a percent sign as %% in the translation"))
    if problems:
        return None, problems
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue(), []


def _formats(text: object) -> bool:
    """Whether a message can be used as a format string with no values (as templates use every one)."""
    try:
        str(text) % {}
    except (KeyError, TypeError, ValueError):
        return False
    return True


def _short(message_id: object) -> str:
    text = message_id[0] if isinstance(message_id, tuple) else str(message_id)
    return text if len(text) <= 60 else text[:57] + "..."
