"""okr-pages schema: JSON Schema built from generator/schema.py, checked against the bundled example."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.cli import main
from generator.reading.documents import split_front_matter
from generator.reading.schema import json_schema

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = sorted((REPO / "content").rglob("*.md"))


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay text, as JSON has no date type."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(path: Path) -> dict:
    front, *_ = split_front_matter(path.read_text(encoding="utf-8"), path.name)
    return yaml.load(front, Loader=EditorLoader) if front else {}


def validator(kind: str | None = None) -> jsonschema.Draft202012Validator:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(kind: str | None, data: object) -> list[str]:
    return sorted(error.message for error in validator(kind).iter_errors(data))


@pytest.mark.parametrize("path", EXAMPLE, ids=[p.relative_to(REPO / "content").as_posix() for p in EXAMPLE])
def test_every_front_matter_of_the_example_is_valid(path):
    data = front_matter(path)
    assert errors(None, data) == []
    top = path.relative_to(REPO / "content").parts[0]
    kind = {"okrs": "objective", "kpis": "kpi"}.get(top, "page")
    assert errors(kind, data) == []


def test_the_example_config_is_valid():
    data = yaml.load((REPO / "okr-pages.yaml").read_text(encoding="utf-8"), Loader=EditorLoader)
    assert errors("config", data) == []


def test_broken_front_matter_is_rejected():
    objective = front_matter(REPO / "content/okrs/2026-Q4/sales/enterprise.md")
    objective["key_results"][0]["target"] = "twenty"
    assert errors("objective", objective) == ["'twenty' is not of type 'number'"]
    assert errors(None, objective)  # no branch of the front matter schema accepts it either
    objective = front_matter(REPO / "content/okrs/2026-Q4/sales/enterprise.md")
    objective["onwer"] = objective.pop("owner")
    assert errors("objective", objective) == ["Additional properties are not allowed ('onwer' was unexpected)"]
    kpi = front_matter(REPO / "content/kpis/mrr.md")
    del kpi["series"]
    kpi["direction"] = "sideways"
    assert errors("kpi", kpi) == ["'series' is a required property", "'sideways' is not one of ['up', 'down']"]
    assert errors("config", {"scoring": {"bands": {"green": 1.5}}}) == ["1.5 is greater than the maximum of 1"]


def test_kind_selects_the_branch():
    kpi = front_matter(REPO / "content/kpis/mrr.md")
    assert errors(None, kpi) == []
    assert errors(None, {**kpi, "kind": "objective"})  # a KPI's fields are not an objective's


def test_schema_command_prints_and_writes(tmp_path):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["schema", "--kind", "config"]) == 0
    printed = json.loads(out.getvalue())
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"title", "base_url", "teams", "scoring"} <= printed["properties"].keys()
    target = tmp_path / "schemas" / "front-matter.schema.json"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["schema", "--out", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json_schema()
    assert err.getvalue() == f"wrote {target}\n"
