"""Every field of front matter and of okr-pages.yaml, declared once.

The reader in ``fields.py`` validates against these declarations, and
``json_schema()`` turns them into the JSON Schema that editors use; both take what a type
means from the one table in ``fieldtypes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fieldtypes import ID_PATTERN, TYPES, FieldType


@dataclass(frozen=True)
class Field:
    """One field: its type, whether it is required, and a line of documentation."""

    type: FieldType
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: dict[str, Field] = field(default_factory=dict)  # for record and records


def _f(type_: str, doc: str, required: bool = False, choices: tuple[str, ...] = (),
       fields: dict[str, Field] | None = None) -> Field:
    return Field(TYPES[type_], doc, required, choices, fields or {})


# The languages the default theme ships a catalog for (themes/default/locale/); a site adds one with
# its own catalog in themes/locale/<lang>/LC_MESSAGES/messages.po.
LANGUAGES = ("de", "en", "es", "fr", "id")

KIND = _f("choice", "What this file is; by default taken from its top folder.",
          choices=("objective", "kpi", "page"))
ID = _f("path_id", "Overrides the id taken from the file's path.")

CHECKIN: dict[str, Field] = {
    "date": _f("date", "Day of the check-in (YYYY-MM-DD).", required=True),
    "value": _f("number", "The measured value on that day."),
    "confidence": _f("fraction", "How likely the KR is to be reached, 0–1."),
    "note": _f("text", "What changed, in a sentence."),
}

MILESTONE: dict[str, Field] = {
    "title": _f("text", "The milestone.", required=True),
    "done": _f("bool", "Whether it is done."),
    "weight": _f("positive", "Relative weight; default 1."),
}

KEY_RESULT: dict[str, Field] = {
    "id": _f("id", "Overrides the id made from the title."),
    "title": _f("text", "The measurable outcome.", required=True),
    "baseline": _f("number", "Value at the start of the cycle."),
    "target": _f("number", "Value that means the KR is fully reached."),
    "unit": _f("text", "Unit shown beside the numbers."),
    "weight": _f("positive", "Weight in the objective's score; default 1."),
    "current": _f("number", "Current value, when there are no check-ins."),
    "kpi": _f("path_id", "Id of a KPI whose series gives the current value."),
    "checkins": _f("records", "Dated check-ins.", fields=CHECKIN),
    "milestones": _f("records", "Milestones; the score is the share done.", fields=MILESTONE),
    "done": _f("bool", "A yes/no KR: scores 1 when done, else 0."),
    "owner": _f("text", "The person who updates this key result; default the objective's owner."),
}

OBJECTIVE: dict[str, Field] = {
    "kind": KIND,
    "id": ID,
    "title": _f("text", "Where to go, qualitatively.", required=True),
    "cycle": _f("id", "Cycle id, such as 2026-Q4.", required=True),
    "team": _f("id", "Owning team id."),
    "owner": _f("text", "The person accountable."),
    "aligns_to": _f("path_id", "Id of the parent objective."),
    "commitment": _f("choice", "Aspirational (0.7 is good) or committed (1.0 expected).",
                     choices=("aspirational", "committed")),
    "key_results": _f("records", "Two to five key results.", required=True, fields=KEY_RESULT),
    # SPEC §10: closing a cycle.
    "final_score": _f("fraction", "Reviewed final score 0–1, once the cycle has ended; the grade and the "
                      "cycle's roll-ups use it, the computed score is still shown."),
    "retrospective": _f("text", "Markdown: what happened and what we learned, written when the cycle ends."),
    "next": _f("path_id", "Id of the follow-up objective in a later cycle."),
    "previous": _f("path_id", "Id of the objective this one follows up."),
    "checkin_every": _f("days", "Days between check-ins for this objective; default the site's checkin_every."),
}

KPI: dict[str, Field] = {
    "kind": KIND,
    "id": ID,
    "title": _f("text", "The indicator's name.", required=True),
    "team": _f("id", "Owning team id."),
    "owner": _f("text", "The person who reports it."),
    "unit": _f("text", "Unit shown beside values."),
    "direction": _f("choice", "Whether higher (up) or lower (down) is better; default up.",
                    choices=("up", "down")),
    "target": _f("number", "The value to meet."),
    "thresholds": _f("record", "Direction-aware health bands.", fields={
        "green": _f("number", "Healthy up to (down) or from (up) this value.", required=True),
        "yellow": _f("number", "Watch up to (down) or from (up) this value.", required=True),
    }),
    "cadence": _f("choice", "How often a point is added; default monthly.",
                  choices=("daily", "weekly", "monthly", "quarterly")),
    "series": _f("series", "A CSV file beside this one, a mapping 'date: value', "
                 "or a list of {date, value}.", required=True),
    "period": _f("choice", "What a month-dated point stands for: the month it is dated (start, the "
                 "default) or the month that closed on that date (end: 2026-11 is October).",
                 choices=("start", "end")),
    "columns": _f("record", "Names of the CSV's date and value columns.", fields={
        "date": _f("text", "Date column header."),
        "value": _f("text", "Value column header."),
    }),
    # SPEC §8: okr-pages refresh writes these KPIs' values into their series CSV.
    "source": _f("id", "Name of the data source under sources: in okr-pages.yaml; default local."),
    "query": _f("text", "SQL returning a date and a value column; okr-pages refresh writes the result "
                "into the series CSV."),
    "fetch": _f("record", "For a csv_url source: which columns of the fetched CSV to read; for a work "
                "tracker: what to count.", fields={
        "columns": _f("record", "Names of the fetched CSV's date and value columns; default the first two.",
                      fields={
                          "date": _f("text", "Date column header."),
                          "value": _f("text", "Value column header."),
                      }),
        "milestone": _f("text", "github: OWNER/REPO#NUMBER (or #TITLE): the percentage of its issues closed."),
        "issues": _f("text", "github: an issue search, e.g. 'repo:acme/app is:issue is:open label:bug': the count."),
        "jql": _f("text", "jira: a JQL query: the count of its issues (Jira Cloud's count is an estimate)."),
        "project": _f("text", "linear: a project's id: its progress, in percent."),
    }),
}

PAGE: dict[str, Field] = {
    "kind": KIND,
    "id": ID,
    "title": _f("text", "Page title; default the first heading."),
    "order": _f("number", "Position in the navigation; lower comes first."),
}

SOURCE = _f("record", "One data source: duckdb (the default), url, csv_url, github, jira or linear.", fields={
    "duckdb": _f("text", "Embedded DuckDB: a .duckdb file relative to the site folder; empty for in memory."),
    "attach": _f("named", "DuckDB: SQLite or DuckDB files to query as NAME.table.", fields={
        "": _f("text", "Path of the file, relative to the site folder."),
    }),
    "url": _f("text", "A SQLAlchemy database URL, normally from the environment: ${WAREHOUSE_URL}."),
    "csv_url": _f("text", "The https URL of a published CSV (e.g. a spreadsheet), or ${VARIABLE}."),
    "github": _f("text", "A GitHub API's base URL (the api_url): https://api.github.com (the default when "
                 "empty), or https://HOST/api/v3 for GitHub Enterprise Server."),
    "jira": _f("text", "A Jira site's base URL (the api_url): https://acme.atlassian.net, or a Jira Server / "
               "Data Center address."),
    "linear": _f("text", "Linear's GraphQL endpoint (the api_url); default https://api.linear.app/graphql."),
    "token": _f("text", "github, jira, linear: the API token, from the environment only: ${GITHUB_TOKEN}."),
    "user": _f("text", "jira: the account's e-mail, for Jira Cloud (basic auth with an API token); leave it out "
               "for a Jira Server / Data Center personal access token."),
    "retries": _f("number", "github, jira, linear: how many times a request answered 429 or 5xx is tried "
                  "again (0 to 10); default 3."),
    "timeout": _f("number", "Seconds a query or fetch may take (above 0); default 60."),
    "max_rows": _f("number", "Most rows a query may return (a whole number above 0); default 100000."),
})

CONFIG: dict[str, Field] = {
    "title": _f("text", "Site title."),
    "base_url": _f("text", "Path prefix where the site is published, such as /acme-okrs/."),
    "content_dir": _f("text", "Folder holding the content; default content."),
    "cycles": _f("records", "Explicit cycles; ids like 2026-Q4 need none.", fields={
        "id": _f("id", "Cycle id.", required=True),
        "name": _f("text", "Display name."),
        "start": _f("date", "First day.", required=True),
        "end": _f("date", "Last day.", required=True),
    }),
    "teams": _f("records", "Teams as a tree.", fields={
        "id": _f("id", "Team id.", required=True),
        "name": _f("text", "Display name."),
        "parent": _f("id", "Parent team id."),
        "lead": _f("text", "Team lead."),
    }),
    "scoring": _f("record", "Grade bands and pace thresholds.", fields={
        "bands": _f("record", "Grade bands.", fields={
            "yellow": _f("fraction", "Scores below this are red; default 0.4."),
            "green": _f("fraction", "Scores from this are green; default 0.7."),
        }),
        "pace": _f("record", "Pace thresholds (score minus expected progress).", fields={
            "at_risk": _f("number", "Below this is at risk; default -0.15."),
            "off_track": _f("number", "Below this is off track; default -0.3."),
        }),
    }),
    "markdown": _f("record", "Markdown options.", fields={
        "html": _f("bool", "Allow raw HTML in Markdown; default false."),
    }),
    "charts": _f("choice", "Charts drawn in the browser (js) or as static SVG (svg).",
                 choices=("js", "svg")),
    "language": _f("text", "The language of the site's words and of its numbers and dates: "
                   f"{', '.join(LANGUAGES)} (default en), optionally with a region (de-CH), or a language "
                   "the site's themes/locale/ has a catalog for."),
    "sources": _f("named", "Data sources of KPI queries, by name (okr-pages refresh).", fields={"": SOURCE}),
    "limits": _f("record", "Bounds on what one file may ask of a build.", fields={
        "markdown": _f("size", "Largest Markdown file read, e.g. 5 MB (the default)."),
        "csv": _f("size", "Largest CSV file read, e.g. 50 MB (the default)."),
        "title": _f("count", "Most characters in a title or a name; default 500."),
        "text": _f("count", "Most characters in any other text field; default 10000."),
        "messages": _f("count", "Most problems shown per file, then one 'and K more' line; default 20."),
        "site_files": _f("count", "The host's limit on the files of a site: check and build warn past it; "
                         "default 20000."),
        "site_bytes": _f("size", "The host's limit on a site's size: build warns past it; default 1 GB."),
        "file_bytes": _f("size", "The host's limit on one file (Cloudflare Pages: 25 MiB): check and build warn "
                         "past it; default 25 MiB."),
    }),
    "checkin_every": _f("days", "Days a key result of a running cycle may go without a check-in before it "
                        "is overdue; default 14."),
    "changes_window": _f("days", "Days the changes page looks back; default 7."),
    "repo_url": _f("url", "The repository's web address, e.g. https://github.com/acme/okrs: pages link to "
                   "their source file's edit view and history."),
    "edit_uri": _f("text", "Path from repo_url to the site folder's edit view, e.g. edit/main/ (GitHub, "
                   "the default) or -/edit/main/ (GitLab); or a whole https URL."),
    "history_uri": _f("text", "Path from repo_url to the site folder's history, e.g. commits/main/; "
                      "default derived from edit_uri."),
    "people": _f("records", "Names known to be right: never reported as near-duplicates of each other, and "
                 "the spelling shown.", fields={
                     "name": _f("text", "A person's name as it should be written.", required=True),
                 }),
}


def _json_schema_of(spec: Field) -> dict[str, Any]:
    doc = {"description": spec.doc}
    kind = spec.type.name
    if kind == "choice":
        return {**doc, "enum": list(spec.choices)}
    if kind == "record":
        return {**doc, **record_schema(spec.fields)}
    if kind == "records":
        return {**doc, "type": "array", "items": record_schema(spec.fields)}
    if kind == "named":
        return {**doc, "type": "object", "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": _json_schema_of(spec.fields[""])}
    if kind == "series":
        point = {"type": "object", "required": ["date", "value"], "additionalProperties": False,
                 "properties": {"date": _json_schema_of(CHECKIN["date"]),
                                "value": {"type": "number"}}}
        return {**doc, "oneOf": [
            {"type": "string", "pattern": r"\.csv$"},
            {"type": "object", "additionalProperties": {"type": "number"}},
            {"type": "array", "items": point},
        ]}
    return {**doc, **spec.type.json}


def record_schema(fields: dict[str, Field]) -> dict[str, Any]:
    """The JSON Schema of a mapping with the given fields."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: _json_schema_of(spec) for name, spec in fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, spec in fields.items() if spec.required]
    if required:
        schema["required"] = required
    return schema


SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_KINDS: dict[str, tuple[dict[str, Field], str]] = {
    "objective": (OBJECTIVE, "An objective: one file under content/okrs/."),
    "kpi": (KPI, "A KPI: one file under content/kpis/."),
    "page": (PAGE, "A documentation page: any other Markdown file under content/."),
    "config": (CONFIG, "okr-pages.yaml, the site's configuration."),
}


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """A JSON Schema document (draft 2020-12) for one kind, or with no kind for any front matter.

    The front matter schema picks the branch named by ``kind:`` when a file sets
    it, and otherwise accepts an objective, a KPI or a page.
    """
    if kind is not None:
        fields, description = _KINDS[kind]
        title = "okr-pages.yaml" if kind == "config" else f"OKR Pages {kind} front matter"
        return {"$schema": SCHEMA_DIALECT, "title": title, "description": description, **record_schema(fields)}
    front = ("objective", "kpi", "page")
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "OKR Pages front matter",
        "description": "The YAML front matter of an objective, a KPI or a documentation page.",
        "type": "object",
        "anyOf": [{"$ref": f"#/$defs/{name}"} for name in front],
        "allOf": [{"if": {"required": ["kind"], "properties": {"kind": {"const": name}}},
                   "then": {"$ref": f"#/$defs/{name}"}} for name in front],
        "$defs": {name: {"description": _KINDS[name][1], **record_schema(_KINDS[name][0])} for name in front},
    }
