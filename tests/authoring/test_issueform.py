"""okr-pages checkin --from-issue: a submitted Check in form (saved issue bodies in
tests/fixtures/issues/, as GitHub writes them) becomes the check-in ``okr-pages checkin`` would add,
or a refusal naming each field to fix in the form's own words, with nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import copy_example, run_in_process, tree

from generator.authoring.checkin import CheckinError
from generator.authoring.issueform import FORM, checkin_from_issue, form_labels, read_issue_body
from generator.buildrecord import CACHE_DIR
from generator.site.editing import CHECKIN_FORM

ISSUES = Path(__file__).resolve().parents[1] / "fixtures" / "issues"
REPO = Path(__file__).resolve().parents[2]
KR = "2026-Q4/sales/enterprise#sign-8-new-enterprise-customers"


def content(site: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in tree(site).items() if not rel.startswith(CACHE_DIR)}


def test_the_form_has_the_fields_the_link_fills_and_the_reader_reads():
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    assert FORM.name == CHECKIN_FORM  # the name the Check in link opens
    assert form_labels() == {"target": "Key result or KPI", "value": "Value", "date": "Date",
                             "confidence": "Confidence", "note": "Note"}
    required = {item["id"] for item in form["body"] if item.get("validations", {}).get("required")}
    assert required == {"target", "value"}
    assert form["title"] == "Check-in" and form["labels"] == ["check-in"]  # what checkin.yml's workflow takes


def test_a_saved_key_result_form_adds_the_check_in_the_command_would(tmp_path):
    site = copy_example(tmp_path)
    code, out, err = run_in_process("checkin", "--from-issue", ISSUES / "key-result.md", "--site-dir", site)
    assert code == 0, err
    assert out == (f"content/okrs/2026-Q4/sales/enterprise.md:18: added to {KR}:\n"
                   '  + - {date: 2026-11-19, value: 6, confidence: 0.75, note: "Globex signed; two more in legal '
                   'review"}\n')

    same = copy_example(tmp_path / "command")
    code, _, err = run_in_process("checkin", KR, "6", "--date", "2026-11-19", "--confidence", "0.75", "--note",
                                  "Globex signed; two more in legal review", "--site-dir", same)
    assert code == 0, err
    assert content(site) == content(same)


def test_a_kpi_form_with_windows_line_ends_and_empty_fields_adds_a_month(tmp_path):
    site = copy_example(tmp_path)
    before = (site / "content/kpis/churn.csv").read_text(encoding="utf-8")
    added = checkin_from_issue(site, (ISSUES / "kpi-crlf.md").read_text(encoding="utf-8"), today=dt.date(2026, 12, 7))
    assert (added.rel, added.target) == ("content/kpis/churn.csv", "churn-rate")
    after = (site / "content/kpis/churn.csv").read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):] == "2026-12,,,1.6\n"  # in churn_pct; `1.6`: the backticks dropped


def test_every_bad_field_is_named_by_its_label_and_nothing_is_written(tmp_path):
    site = copy_example(tmp_path)
    before = content(site)
    code, out, err = run_in_process("checkin", "--from-issue", ISSUES / "bad-values.md", "--site-dir", site)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "okr-pages: error: Value: expected a number, got 'six' (write a plain number such as 6.4)",
        ("okr-pages: error: Confidence: expected a number from 0 to 1, got '75%' (write it as a fraction: 0.7 "
         "means 70%)")]
    assert content(site) == before


@pytest.mark.parametrize(("change", "message"), [
    (("value: 6", "value: 6"), None),
    (("2026-11-19", "2026-11-18"),
     (f"key result '{KR}' already has a check-in dated 2026-11-18 (content/okrs/2026-Q4/sales/enterprise.md:17) "
      "(edit that line, or fill in another Date)")),
    (("2026-11-19", "2027-01-04"),
     ("check-in date 2027-01-04 is outside cycle 2026-Q4 (2026-10-01 to 2026-12-31) (fill in Date with a day "
      "inside the cycle)")),
    (("2026-11-19", "2026-11"), "Date: a check-in needs a day, got the month '2026-11' (write YYYY-MM-DD)"),
    (("#sign-8-new-enterprise-customers", ""),
     ("'2026-Q4/sales/enterprise' is an objective; check in to one of its key results ("
      "2026-Q4/sales/enterprise#sign-8-new-enterprise-customers, "
      "2026-Q4/sales/enterprise#cut-the-enterprise-sales-cycle-from-120-to-80-days, "
      "2026-Q4/sales/enterprise#launch-the-reseller-programme)")),
])
def test_refusals_say_what_to_change_in_the_form(tmp_path, change, message):
    site = copy_example(tmp_path)
    text = (ISSUES / "key-result.md").read_text(encoding="utf-8").replace(*change)
    if message is None:
        assert checkin_from_issue(site, text).target == KR
        return
    before = content(site)
    with pytest.raises(CheckinError) as refused:
        checkin_from_issue(site, text)
    assert str(refused.value) == message
    assert content(site) == before


def test_a_note_keeps_a_heading_typed_into_it_and_becomes_one_line():
    body = (ISSUES / "key-result.md").read_text(encoding="utf-8") + "\n### Value\n\nnot a field\n"
    values = read_issue_body(body)
    assert values["value"] == "6"
    assert values["note"] == "Globex signed; two more in legal review ### Value not a field"


NOT_A_FORM = ("this issue is not a Check in form (it has no '### Key result or KPI' and '### Value' sections): open it "
              "from a key result's or a KPI's Check in link, or choose the 'Check in' template")


@pytest.mark.parametrize(("body", "message"), [
    ((ISSUES / "not-a-form.md").read_text(encoding="utf-8"), NOT_A_FORM),
    ("### Key result or KPI\n\n_No response_\n\n### Value\n\n\n",
     "Key result or KPI: empty (fill it in); Value: empty (fill it in)"),
    ("### Value\n\n" + "1" * 70_000, NOT_A_FORM),
])
def test_a_body_that_is_not_a_filled_in_form_is_refused(body, message):
    with pytest.raises(CheckinError) as refused:
        read_issue_body(body[:65536])
    assert str(refused.value) == message


def test_a_body_longer_than_github_allows_is_refused():
    with pytest.raises(CheckinError, match="^the issue's body has 65,537 characters, more than a Check in form"):
        read_issue_body("x" * 65537)


@pytest.mark.parametrize(("args", "message"), [
    (("--from-issue", "body.md", "2026-Q4/x#y"), "--from-issue reads every field from the issue; leave out ID"),
    (("--from-issue", "body.md", "--note", "x", "--date", "2026-11-01"),
     "--from-issue reads every field from the issue; leave out --date, --note"),
    (("churn-rate",), "checkin needs ID and VALUE (okr-pages checkin objective-id#kr-id 11), or --from-issue FILE"),
    (("--from-issue", "missing.md"), "--from-issue: cannot read missing.md: No such file or directory"),
])
def test_from_issue_command_line_mistakes(tmp_path, monkeypatch, args, message):
    site = copy_example(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_in_process("checkin", *args, "--site-dir", site)
    assert code in (1, 2) and out == ""
    assert err == f"okr-pages: error: {message}\n"
