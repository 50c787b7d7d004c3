"""The Check in issue form (SPEC §9): a submitted issue's body read back into a check-in.

Key result and KPI pages link to ``.github/ISSUE_TEMPLATE/checkin.yml`` with the fields filled in
(``site.editing.checkin_link``); ``okr-pages init`` writes that form from ``starter/``, and this
module reads its field labels from the same file, so the form and its reader cannot drift apart.
GitHub writes a submitted form into the issue's body as one ``### Label`` section per field, each
followed by what was typed, or ``_No response_``. The workflow ``checkin.yml`` runs
``okr-pages checkin --from-issue BODY`` on it: a pull request when the check-in is valid, else a
comment listing what to fix, in the form's own words.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import yaml

from .checkin import Added, CheckinError, Names, checkin

FORM = Path(__file__).resolve().parent / "starter" / "github" / "ISSUE_TEMPLATE" / "checkin.yml"
NO_RESPONSE = "_No response_"  # what GitHub writes for an optional field left empty
MAX_BODY = 65536  # GitHub's own limit on an issue's body, in characters
_HEADING = re.compile(r"^###[ \t]+(.*?)[ \t]*$")


@functools.cache
def form_labels() -> dict[str, str]:
    """The form's field ids and their labels, in the form's order (``target``, ``value``, ``date``,
    ``confidence``, ``note``)."""
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    return {item["id"]: item["attributes"]["label"] for item in form["body"] if "id" in item}


@functools.cache
def form_names() -> Names:
    """The check-in's fields as the form calls them, for messages that say what to fix there."""
    labels = form_labels()
    return Names(value=labels["value"], date=labels["date"], confidence=labels["confidence"],
                 note=labels["note"], give="fill in")


def read_issue_body(text: str) -> dict[str, str | None]:
    """Each field's value from a submitted form's body (None where it was left empty); refuses a body
    that is not a Check in form or leaves a required field empty, naming each field to fill in."""
    labels = form_labels()
    by_label = {label: field for field, label in labels.items()}
    if len(text) > MAX_BODY:
        raise CheckinError(f"the issue's body has {len(text):,} characters, more than a Check in form "
                           "can hold (open a new one from the Check in link)")
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = _HEADING.match(line)
        # A field's own heading starts its section; a '###' typed inside the note stays in the note.
        if heading and heading[1] in by_label and by_label[heading[1]] not in sections:
            current = by_label[heading[1]]
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    if "target" not in sections or "value" not in sections:
        raise CheckinError(f"this issue is not a Check in form (it has no '### {labels['target']}' and "
                           f"'### {labels['value']}' sections): open it from a key result's or a KPI's "
                           "Check in link, or choose the 'Check in' template")
    values: dict[str, str | None] = {}
    for field in labels:
        typed = "\n".join(sections.get(field, [])).strip()
        if field != "note":
            typed = typed.strip("`").strip()  # an input written as `code`
        values[field] = None if typed in ("", NO_RESPONSE) else typed
    if values["note"] is not None:
        values["note"] = " ".join(values["note"].split())  # a note is one line in the file
    missing = [f"{labels[field]}: empty (fill it in)" for field in ("target", "value") if values[field] is None]
    if missing:
        raise CheckinError(*missing)
    return values


def checkin_from_issue(site_dir: Path, text: str, today: dt.date | None = None) -> Added:
    """Add the check-in a submitted Check in form asks for, exactly as ``okr-pages checkin`` would;
    raises CheckinError with every problem, in the form's words, and writes nothing then."""
    values = read_issue_body(text)
    target, value = values["target"], values["value"]
    assert target is not None and value is not None  # read_issue_body refuses a form without them
    return checkin(site_dir, target, value, date=values["date"], confidence=values["confidence"],
                   note=values["note"], today=today, names=form_names())
