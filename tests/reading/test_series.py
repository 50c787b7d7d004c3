"""KPI series: inline mapping, inline list, CSV beside the KPI file (SPEC §2.3)."""

from __future__ import annotations

import datetime as dt

from generator.model.content import Point
from generator.reading.load import load_site


def p(date: str, value: float) -> Point:
    return Point(dt.date.fromisoformat(date), value)


def kpi_file(series: str, extra: str = "") -> str:
    return f"---\ntitle: Churn rate\ndirection: down\n{extra}series:{series}\n---\nBody.\n"


def load(site, files):
    loaded = load_site(site(files, config=None))
    return loaded.site.kpis, [d.text() for d in loaded.problems]


def test_inline_mapping_months_mean_first_day(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file("\n  2026-01: 8.1\n  2026-02: 7.9\n")})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-01", 8.1), p("2026-02-01", 7.9))
    assert kpis["churn"].series_file is None


def test_inline_mapping_mixes_days_and_months_and_sorts(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(
        "\n  2026-03-15: 7\n  2026-01: 8\n  2026-02-28: 7.5\n")})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-01", 8), p("2026-02-28", 7.5), p("2026-03-15", 7))


def test_inline_flow_mapping(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" {2026-01: 8, 2026-02: 7}")})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-01", 8), p("2026-02-01", 7))


def test_inline_list_of_date_value(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(
        "\n  - {date: 2026-01-15, value: 8.1}\n  - {date: 2026-02, value: 7}\n")})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-15", 8.1), p("2026-02-01", 7))


def test_inline_duplicate_dates_are_an_error(site):
    # 2026-01 and 2026-01-01 are the same day; line 6 "  2026-01-01: 9" → column 3
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file("\n  2026-01: 8\n  2026-01-01: 9\n")})
    assert problems == [("content/kpis/churn.md:6:3: error: series: date 2026-01-01 appears twice "
                        "(first on line 5) (keep one value per date)")]
    assert kpis["churn"].series == (p("2026-01-01", 8),)  # the first one is kept


def test_inline_list_duplicate_dates_are_an_error(site):
    _, problems = load(site, {"content/kpis/churn.md": kpi_file(
        "\n  - {date: 2026-01, value: 8}\n  - {date: 2026-01, value: 9}\n")})
    assert problems == [("content/kpis/churn.md:6:5: error: series: date 2026-01-01 appears twice "
                        "(first on line 5) (keep one value per date)")]


def test_csv_with_header(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"),
                                 "content/kpis/churn.csv": "date,value\n2026-01,8.1\n2026-02-15,7\n"})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-01", 8.1), p("2026-02-15", 7))
    assert kpis["churn"].series_file == "content/kpis/churn.csv"


def test_csv_in_a_subfolder_beside_the_kpi(site):
    kpis, problems = load(site, {"content/kpis/cs/churn.md": kpi_file(" data/churn.csv"),
                                 "content/kpis/cs/data/churn.csv": "date,value\n2026-01,8\n"})
    assert problems == []
    assert kpis["cs/churn"].series == (p("2026-01-01", 8),)


def test_csv_with_bom_crlf_quotes_blank_lines_and_extra_columns(site):
    csv = (b"\xef\xbb\xbfdate,value,comment\r\n"
           b'2026-01,8.1,"after the price change, churn rose"\r\n'
           b"\r\n"
           b'"2026-02","7.5",\r\n'
           b"   \r\n"
           b"2026-03, 7 ,x\r\n")
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"), "content/kpis/churn.csv": csv})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-01", 8.1), p("2026-02-01", 7.5), p("2026-03-01", 7))


def test_csv_columns_by_name(site):
    csv = "region,month,churn_pct,notes\nEU,2026-01,8.1,a\nEU,2026-02,7.9,b\n"
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv", "columns: {date: month, value: churn_pct}\n"),
                                 "content/kpis/churn.csv": csv})
    assert problems == []
    assert kpis["churn"].series == (p("2026-01-01", 8.1), p("2026-02-01", 7.9))


def test_csv_rows_out_of_order_are_sorted(site):
    kpis, _ = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"),
                          "content/kpis/churn.csv": "date,value\n2026-03,6\n2026-01,8\n2026-02,7\n"})
    assert [point.value for point in kpis["churn"].series] == [8, 7, 6]


def test_csv_duplicate_dates_are_an_error(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"),
                                 "content/kpis/churn.csv": "date,value\n2026-01,8\n2026-01-01,9\n"})
    assert problems == [("content/kpis/churn.csv:3:1: error: date 2026-01-01 appears twice (first on line 2) "
                        "(keep one row per date)")]
    assert kpis["churn"].series == (p("2026-01-01", 8),)  # the first row is kept


def test_csv_numbers_int_float_and_exponent(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"),
                                 "content/kpis/churn.csv": "date,value\n2026-01,8\n2026-02,-7.25\n2026-03,1e2\n"})
    assert problems == []
    values = [point.value for point in kpis["churn"].series]
    assert values == [8, -7.25, 100.0]
    assert isinstance(values[0], int)


def test_csv_nan_is_rejected(site):
    _, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"),
                              "content/kpis/churn.csv": "date,value\n2026-01,nan\n"})
    assert problems == [("content/kpis/churn.csv:2:9: error: expected a number, got 'nan' "
                        "(write a plain number such as 6.4)")]


def test_csv_header_only_gives_no_points(site):
    kpis, problems = load(site, {"content/kpis/churn.md": kpi_file(" churn.csv"),
                                 "content/kpis/churn.csv": "date,value\n"})
    assert problems == []
    assert kpis["churn"].series == ()


def test_series_of_wrong_shape(site):
    # line 4 "series: 42": a scalar is read as a CSV file name, pointed at column 9
    _, problems = load(site, {"content/kpis/churn.md": kpi_file(" 42")})
    assert problems == [("content/kpis/churn.md:4:9: error: series: '42' is not a CSV file inside the content "
                         "folder (name a .csv file beside the KPI, e.g. series: churn.csv, or write the points "
                         "inline)")]
