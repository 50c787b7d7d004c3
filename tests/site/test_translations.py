"""The site in the reader's language (issue #9, SPEC §11): ``language:`` selects the UI's words from the
theme's gettext catalogs (a site overrides a string with its own), and Babel writes numbers,
percentages and dates in that locale. The shipped catalogs are complete; command-line messages
stay English; api/*.json stays language-neutral.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import importlib.util
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import copy_example, run_cli, write_site
from markupsafe import escape

from generator.cli import main
from generator.model.content import Point
from generator.reading.schema import LANGUAGES
from generator.site import formatting
from generator.site.formatting import Language, speaking
from generator.site.themes import Theme, builtin_theme_dir
from generator.site.translations import compile_catalog, load_language

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "themes" / "default" / "locale"
NBSP = "\u00a0"


def thousand_and_a_half(code: str) -> str:
    """1031.5 written with a locale's own grouping and decimal separators, as Babel's CLDR data has them."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = code.replace("-", "_")
    return f"1{get_group_symbol(locale)}031{get_decimal_symbol(locale)}5"
AS_OF = "2026-11-22"

CONFIG = """\
title: Sprachen GmbH
language: {language}
teams:
  - {{id: sales, name: Vertrieb}}
"""
FILES = {
    "content/okrs/2026-Q4/sales/grow.md": """\
        ---
        title: Umsatz steigern
        cycle: 2026-Q4
        team: sales
        owner: Dana Reyes
        key_results:
          - title: MRR auf 1050 k USD
            baseline: 1000
            target: 1050
            unit: k USD
            checkins:
              - {date: 2026-11-20, value: 1031.5, confidence: 0.625, note: Gut}
          - title: Zehn Pilotkunden
            baseline: 0
            target: 10
            current: 5
        ---
        Warum.
        """,
    "content/kpis/mrr.md": """\
        ---
        title: MRR
        team: sales
        unit: k USD
        target: 1100
        series: {2026-09: 994, 2026-10: 1010.25, 2026-11: 1031.5}
        ---
        Monatlich wiederkehrender Umsatz.
        """,
    "content/kpis/churn.md": """\
        ---
        title: Churn
        team: sales
        unit: "%"
        direction: down
        target: 2
        series: {2026-10: 2.5, 2026-11: 2.25}
        ---
        Abwanderung.
        """,
}


def build(root: Path, language: str, files: dict[str, str] | None = None, *extra: str) -> Path:
    write_site(root, {"okr-pages.yaml": CONFIG.format(language=language), **FILES, **(files or {})})
    out = root / "_site"
    assert main(["build", str(root), "--out", str(out), "--as-of", AS_OF, *extra]) == 0
    return out


def text_of(page: str) -> str:
    """A page's words as a reader sees them: no scripts, no tags, one space between words."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.DOTALL)
    page = re.sub(r"</?(?:a|span|time|strong|em|code)\b[^>]*>", "", page)  # inline: part of the sentence
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()  # no-break spaces kept


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


# -- the catalogs ---------------------------------------------------------------------------------

@functools.cache  # half a second each; nine tests read it, none changes it
def _extracted() -> dict[object, object]:
    """Every UI string of the code and the theme, extracted as tools/catalogs.py does."""
    spec = importlib.util.spec_from_file_location("catalogs_tool", REPO / "tools" / "catalogs.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return {message.id: message for message in tool.extract() if message.id}


def _catalog(path: Path, locale: str | None = None):
    with open(path, "rb") as stream:
        return read_po(stream, locale=locale)


def test_the_shipped_languages_are_the_catalogs_of_the_default_theme() -> None:
    assert sorted(p.name for p in LOCALE.iterdir() if p.is_dir()) == sorted(LANGUAGES)
    assert {"en", "de", "fr", "es", "id"} <= set(LANGUAGES)


def test_the_template_catalog_holds_every_ui_string_of_the_code_and_the_theme() -> None:
    extracted = _extracted()
    assert len(extracted) > 300
    pot = {message.id for message in _catalog(LOCALE / "messages.pot") if message.id}
    assert pot == set(extracted), "run python tools/catalogs.py to re-extract"


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_shipped_catalog_translates_every_ui_string(language: str) -> None:
    path = LOCALE / language / "LC_MESSAGES" / "messages.po"
    catalog = _catalog(path, language)
    extracted = _extracted()
    messages = {message.id: message for message in catalog if message.id}
    missing = [mid for mid in extracted if mid not in messages]
    stale = [mid for mid in messages if mid not in extracted]
    assert (missing, stale) == ([], []), "run python tools/catalogs.py, then translate the new strings"
    fuzzy = [mid for mid, message in messages.items() if message.fuzzy]
    assert fuzzy == []
    untranslated = []
    for mid, message in messages.items():
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = catalog.num_plurals if message.pluralizable else 1
        if len(forms) != expected or not all(form.strip() for form in forms):
            untranslated.append(mid)
    assert untranslated == [], f"{language}: {len(untranslated)} strings without a translation"
    # placeholders and percent signs as the originals have them: the catalog compiles as a build reads it
    compiled, problems = compile_catalog(path.read_bytes(), path.name, language)
    assert [p.text() for p in problems] == [] and compiled


def test_indonesian_has_one_plural_form_and_french_counts_zero_as_one() -> None:
    assert _catalog(LOCALE / "id" / "LC_MESSAGES" / "messages.po", "id").num_plurals == 1
    french = _catalog(LOCALE / "fr" / "LC_MESSAGES" / "messages.po", "fr")
    assert french.num_plurals == 2 and french.plural_expr == "(n > 1)"


# -- formats --------------------------------------------------------------------------------------

def shipped(code: str) -> Language:
    """A language with the default theme's catalogs, as a site with no catalogs of its own gets it."""
    language, problems = load_language(Theme((REPO / "no-such-folder", builtin_theme_dir())), REPO, code)
    assert problems == []
    return language


def test_english_formats_are_the_sites_own() -> None:
    day = dt.date(2026, 9, 7)
    assert formatting.long_date(day) == "7 Sep 2026" and formatting.month(day) == "Sep 2026"
    assert formatting.number(1031.5) == "1,031.5" and formatting.number(5, "%") == "5%"
    assert formatting.percent(0.625) == "63%" and formatting.score(0.4375) == "0.44"
    assert formatting.days_ago(dt.date(2026, 11, 10), dt.date(2026, 11, 22)) == "12 days ago"
    assert formatting.d3_locale() is None and formatting.d3_formats()["day"] == "%-d %b %Y"


def test_german_formats_numbers_percentages_and_dates_as_german_readers_write_them() -> None:
    with speaking(shipped("de")):
        assert formatting.number(1031.5) == "1.031,5"
        assert formatting.number(1234567.25) == "1.234.567"  # six significant digits
        assert formatting.number(0.00125) == "0,00125"
        assert formatting.number(2.5, "%") == f"2,5{NBSP}%" and formatting.number(3, "k USD") == "3 k USD"
        assert formatting.percent(0.625) == f"63{NBSP}%"
        assert formatting.score(0.4375) == "0,44"
        assert formatting.long_date(dt.date(2026, 11, 20)) == "20. Nov. 2026"
        assert formatting.month(dt.date(2026, 11, 1)) == "Nov. 2026"
        assert formatting.point_date(Point(dt.date(2026, 11, 1), 1, month=True), "end") == "Okt. 2026"
        assert formatting.table_date(dt.date(2026, 11, 20)) == "2026-11-20"  # tables: ISO in every language
        assert formatting.days_ago(dt.date(2026, 11, 10), dt.date(2026, 11, 22)) == "vor 12 Tagen"
        assert formatting.days_ago(dt.date(2026, 11, 21), dt.date(2026, 11, 22)) == "gestern"
        assert formatting.label("on_track") == "Im Plan" and formatting.words("no_target") == "kein Zielwert"
        formats = formatting.d3_formats()
        assert (formats["day"], formats["short_day"], formats["month"]) == ("%-d. %b %Y", "%-d. %b", "%b %Y")
        locale = formatting.d3_locale()
        assert locale is not None
        assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "."
        assert locale["number"]["percent"] == f"{NBSP}%"
        assert locale["time"]["shortMonths"][10] == "Nov." and locale["time"]["days"][0] == "Sonntag"
    assert formatting.number(1031.5) == "1,031.5"  # English again once the block ends


def test_other_locales_and_the_plural_categories_the_browser_picks_from() -> None:
    day = dt.date(2026, 11, 20)
    # Separators come from the locale's CLDR data, which Babel updates (de-CH's grouping changed in
    # Babel 2.19): the test reads them from Babel, and checks that each language writes its own.
    expected = {"fr": ("20 nov. 2026", f"63{NBSP}%"), "es": ("20 nov 2026", f"63{NBSP}%"),
                "id": ("20 Nov 2026", "63%"), "de-CH": ("20. Nov. 2026", "63%")}
    for code, (date, share) in expected.items():
        with speaking(Language(code)):
            assert (formatting.long_date(day), formatting.number(1031.5), formatting.percent(0.63)) == \
                (date, thousand_and_a_half(code), share), code
    assert formatting.plural_samples(Language("en")) == {"one": 1, "other": 0}
    assert formatting.plural_samples(Language("fr")) == {"many": 1_000_000, "one": 0, "other": 2}
    assert formatting.plural_samples(Language("id")) == {"other": 0}


def test_cldr_date_patterns_become_d3_time_formats() -> None:
    assert formatting.d3_time_pattern("d. MMM y") == "%-d. %b %Y"
    assert formatting.d3_time_pattern("dd/MM/y HH:mm:ss") == "%d/%m/%Y %H:%M:%S"
    assert formatting.d3_time_pattern("d 'de' MMMM 'de' y") == "%-d de %B de %Y"
    assert formatting.d3_time_pattern("h:mm a") == "%-I:%M %p"
    assert formatting.d3_time_pattern("'100%' y") == "100%% %Y"


# -- a German site --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("de"), "de")


def test_a_german_build_writes_german_numbers_and_dates_on_its_pages(german: Path) -> None:
    page = read(german, "okrs/2026-Q4/sales/grow/index.html")
    assert '<html lang="de">' in page
    words = text_of(page)
    assert "Letzte Aktualisierung 20. Nov. 2026 (vor 2 Tagen)" in words  # prose dates
    assert '<td class="date">2026-11-20</td>' in page  # table dates stay ISO
    assert '<td class="number">1.031,5</td>' in page  # the check-in, in k USD (the column's unit)
    assert f'<td class="number">63{NBSP}%</td>' in page  # its confidence
    assert "Ausgangswert" in words and "Zielwert" in words and "Key Results" in words
    assert re.search(r'<span class="score">0,63</span>', page)  # (1031.5 − 1000) / (1050 − 1000)
    assert "1.000 → 1.031,5 → 1.050 k USD" in words
    assert "Confidence" not in words and "Last update" not in words

    kpi = text_of(read(german, "kpis/mrr/index.html"))
    assert "Nov. 2026 1.031,5" in kpi and "Okt. 2026 1.010,25" in kpi and "Sept. 2026 994" in kpi
    assert "Letzter Wert (Nov. 2026) 1.031,5 k USD" in kpi
    churn = text_of(read(german, "kpis/churn/index.html"))
    assert f"2,25{NBSP}%" in churn and f"Zielwert 2{NBSP}%" in churn

    home = read(german, "index.html")
    assert "Aktueller Zyklus" in home and "Zyklus-Score" in home
    assert "1. Okt. 2026" in text_of(home) and "31. Dez. 2026" in text_of(home)
    assert f"{NBSP}% des Zyklus vergangen" in text_of(home)


def test_a_german_build_translates_titles_previews_the_feed_search_and_charts(german: Path) -> None:
    kpis = read(german, "kpis/index.html")
    assert "<title>KPIs · Sprachen GmbH</title>" in kpis
    assert re.search(r'<meta name="description" content="2 KPIs: 2 kritisch; 2 Signale, die ein OKR brauchen\.">', kpis)
    nav = re.search(r'<nav class="site-nav".*?</nav>', kpis, flags=re.DOTALL)
    assert nav is not None and [link for link in re.findall(r">([^<>]+)</a>", nav[0])] == [
        "Start", "KPIs", "Teams", "Personen", "Ausrichtung", "Archiv", "Änderungen", "Suche"]
    assert "<title>Was sich geändert hat · Sprachen GmbH</title>" in read(german, "changes/index.html")
    feed = read(german, "feed.xml")
    assert "<title>Sprachen GmbH: Check-ins und Änderungen</title>" in feed
    assert "<summary>Umsatz steigern · Zuversicht 63\u00a0%" in feed
    index = "".join(path.read_text(encoding="utf-8") for path in sorted((german / "assets/search/f").glob("*.js")))
    assert '"k":"Ziel"' in index and '"k":"Objective"' not in index
    search = read(german, "search/index.html")
    messages = json.loads(re.search(r'<script id="search-messages" type="application/json">(.*?)</script>', search)[1])
    assert messages["results"] == {"one": "{num} Treffer für „{query}“", "other": "{num} Treffer für „{query}“"}
    assert messages["empty"] == "Geben Sie ein Suchwort ein."
    # the KPI chart: German titles, formats and the d3 locale that writes them in the browser
    chart = read(german, "kpis/mrr/index.html")
    assert '"title":"Datum"' in chart and '"title":"Wert (k USD)"' in chart
    assert '"format":"%b %Y"' in chart
    assert '"locale":{"number":{"currency":["",""],"decimal":",","grouping":[3],"minus":"-","percent":"\u00a0%",' \
           '"thousands":"."}' in chart
    assert '"shortMonths":["Jan.","Feb.","März","Apr.","Mai","Juni","Juli","Aug.","Sept.","Okt.","Nov.","Dez."]' in chart
    # the api stays language-neutral: codes, ISO dates and raw numbers
    okrs = read(german, "api/okrs.json")
    assert '"grade":"yellow"' in okrs.replace(" ", "") or '"grade": "yellow"' in okrs
    assert "2026-11-20" in okrs and "Gelb" not in okrs and "Ziel" not in okrs


def test_the_api_is_the_same_in_every_language(german: Path, tmp_path: Path) -> None:
    english = build(tmp_path / "en", "en")
    for rel in ("api/okrs.json", "api/kpis.json", "api/changes.json"):
        assert read(english, rel) == read(german, rel), rel


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fr", "es", "id"])
def test_french_spanish_and_indonesian_sites_leave_no_english_ui_word_on_the_home_page(tmp_path: Path,
                                                                                     language: str) -> None:
    site = copy_example(tmp_path, f"language: {language}\n")
    out = tmp_path / "out"
    assert main(["build", str(site), "--out", str(out), "--as-of", AS_OF]) == 0
    home = read(out, "index.html")
    assert f'<html lang="{language}">' in home
    words = text_of(home)
    english = ["Current cycle", "Cycle score", "KPI health", "Skip to content", "Figures as of", "What changed since",
               "All changes", "Own objectives", "With sub-teams", "Overdue check-ins", "Signals: KPIs",
               "Built with OKR Pages", "days ago", "On track", "At risk", "Healthy", "Improving", "Last update",
               "no key result of this cycle", "of the cycle elapsed", "Search objectives"]
    assert [word for word in english if word in words] == []
    # every UI string of more than two words is translated on the page (the example's own words are English)
    shown = [mid for mid in _extracted() if isinstance(mid, str) and "%" not in mid and len(mid.split()) > 2
             and mid in words]
    assert shown == []
    local = {"fr": ("Cycle en cours", "Santé des KPI"), "es": ("Ciclo actual", "Salud de los KPI"),
             "id": ("Siklus saat ini", "Kondisi KPI")}[language]
    assert all(word in words for word in local)


# -- config and overrides -------------------------------------------------------------------------

def test_an_unknown_language_is_an_error_that_lists_the_languages(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"okr-pages.yaml": "title: X\nlanguage: klingon\n",
                                          "content/kpis/a.md": "---\ntitle: A\nseries: {2026-10: 1}\n---\n"})
    done = run_cli("build", root, "--as-of", AS_OF)
    assert done.returncode == 1
    assert ("okr-pages.yaml:2:11: error: language: unknown language 'klingon': the site can be built in de, en, es, "
            "fr, id (write one of de, en, es, fr, id, or add a catalog "
            "themes/locale/<lang>/LC_MESSAGES/messages.po)") in done.stderr
    assert not (root / "_site").exists()
    (root / "okr-pages.yaml").write_text("title: X\nlanguage: German\n", encoding="utf-8")
    done = run_cli("check", root)
    assert "error: language: unknown language 'German': the site can be built in de, en, es, fr, id " \
           "(write language: de for German)" in done.stdout
    (root / "okr-pages.yaml").write_text("title: X\nlanguage: de-XY\n", encoding="utf-8")
    done = run_cli("check", root)
    assert "error: language: no number and date formats are known for 'de-XY' (write the language alone (de), " \
           "or with a region Babel knows, such as de-AT, de-BE, de-CH)" in done.stdout


def test_a_region_keeps_the_languages_words_and_takes_its_formats(tmp_path: Path) -> None:
    out = build(tmp_path / "site", "de_CH")
    page = read(out, "okrs/2026-Q4/sales/grow/index.html")
    assert '<html lang="de-CH">' in page and "Letzte Aktualisierung" in page
    assert f'<td class="number">{escape(thousand_and_a_half("de-CH"))}</td>' in page
    assert thousand_and_a_half("de-CH") != thousand_and_a_half("de")  # the region's own separators


OVERRIDE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Current cycle"
msgstr "Laufendes Quartal"

msgid "%(num)s objective"
msgid_plural "%(num)s objectives"
msgstr[0] "%(num)s Objective"
msgstr[1] "%(num)s Objectives"
"""


def test_a_site_overrides_one_string_of_the_themes_catalog(tmp_path: Path) -> None:
    out = build(tmp_path / "site", "de", {"themes/locale/de/LC_MESSAGES/messages.po": OVERRIDE})
    home = read(out, "index.html")
    assert "Laufendes Quartal" in home and "Aktueller Zyklus" not in home
    assert "Zyklus-Score" in home  # every other string: the theme's German
    assert re.search(r'<meta name="description" content="2026-Q4: Unternehmens-Score [^"]*; 1 Objective, ', home)
    # an English site can override English wording the same way
    english = build(tmp_path / "en", "en", {"themes/locale/en/LC_MESSAGES/messages.po":
                                            OVERRIDE.replace("Laufendes Quartal", "This quarter")})
    assert "This quarter" in read(english, "index.html") and "Cycle score" in read(english, "index.html")


def test_a_site_adds_a_language_with_its_own_catalog(tmp_path: Path) -> None:
    dutch = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
             'msgid "Current cycle"\nmsgstr "Huidige cyclus"\n')
    out = build(tmp_path / "site", "nl", {"themes/locale/nl/LC_MESSAGES/messages.po": dutch})
    home = read(out, "index.html")
    assert '<html lang="nl">' in home and "Huidige cyclus" in home
    assert "Cycle score" in home  # not in its catalog: English
    assert '<td class="number">1.031,5</td>' in read(out, "okrs/2026-Q4/sales/grow/index.html")  # Dutch formats


def test_a_broken_site_catalog_is_a_located_error_and_nothing_is_written(tmp_path: Path) -> None:
    broken = OVERRIDE.replace('msgstr[0] "%(num)s Objective"', 'msgstr[0] "%(nmu)s Objective"')
    root = write_site(tmp_path / "site", {"okr-pages.yaml": CONFIG.format(language="de"), **FILES,
                                          "themes/locale/de/LC_MESSAGES/messages.po": broken})
    done = run_cli("build", root, "--as-of", AS_OF)
    assert done.returncode == 1
    assert re.search(r"themes/locale/de/LC_MESSAGES/messages\.po:9:1: error: translation of '%\(num\)s objective': "
                     r".*'nmu'", done.stderr), done.stderr
    assert not (root / "_site").exists()
    stray = OVERRIDE.replace('msgstr "Laufendes Quartal"', 'msgstr "100 % Quartal"')
    (root / "themes/locale/de/LC_MESSAGES/messages.po").write_text(stray, encoding="utf-8")
    done = run_cli("build", root, "--as-of", AS_OF)
    assert "messages.po:6:1: error: translation of 'Current cycle' has a '%' of its own (write a percent sign " \
           "as %% in the translation)" in done.stderr


def test_switching_the_language_rerenders_every_page_but_not_the_api(tmp_path: Path) -> None:
    root = tmp_path / "site"
    out = build(root, "en")
    api = {rel: read(out, rel) for rel in ("api/okrs.json", "api/kpis.json")}
    (root / "okr-pages.yaml").write_text(CONFIG.format(language="fr"), encoding="utf-8")
    done = run_cli("build", root, "--out", out, "--as-of", AS_OF)
    assert done.returncode == 0
    assert {rel: read(out, rel) for rel in api} == api
    fragments = "".join(path.read_text(encoding="utf-8") for path in (out / "assets/search/f").glob("*.js"))
    assert "Cycle en cours" in read(out, "index.html") and "Objectif" in fragments
    assert "<title>Umsatz steigern" in read(out, "okrs/2026-Q4/sales/grow/index.html")
    assert 'lang="fr"' in read(out, "people/index.html")


def test_command_line_messages_stay_english(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"okr-pages.yaml": CONFIG.format(language="de"), **FILES,
                                          "content/okrs/2026-Q4/sales/bad.md": "---\ntitle: X\ncycle: 2026-Q4\n---\n"})
    done = run_cli("check", root, "--as-of", AS_OF)
    assert "bad.md:2:1: error: missing required field 'key_results'" in done.stdout
    assert "okr-pages check: 2 objectives, 2 KPIs, 0 pages; 1 error(s)" in done.stderr
    assert "Fehler" not in done.stdout + done.stderr and "Ziel" not in done.stdout + done.stderr


def test_okr_pages_report_speaks_the_sites_language(german: Path, tmp_path: Path) -> None:
    site = german.parent
    target = tmp_path / "review.html"
    done = run_cli("report", "2026-Q4", "--site-dir", site, "--as-of", AS_OF, "--out", target)
    assert done.returncode == 0, done.stdout + done.stderr
    report = target.read_text(encoding="utf-8")
    assert '<html lang="de" data-theme="light">' in report
    assert "<title>Rückblick 2026-Q4 · Sprachen GmbH</title>" in report
    assert "Unternehmens-Score" in report and "Company score" not in report


@pytest.mark.slow
def test_static_svg_charts_are_drawn_in_the_locale(tmp_path: Path) -> None:
    out = build(tmp_path / "site", "de", {"okr-pages.yaml": CONFIG.format(language="de") + "charts: svg\n"})
    svg = read(out, "kpis/mrr/index.html")
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert {"Sept. 2026", "Okt. 2026", "Nov. 2026"} <= set(labels), labels
    assert "1.000" in labels or "1.050" in labels, labels  # German thousands on the value axis
    assert "Oct 2026" not in labels
