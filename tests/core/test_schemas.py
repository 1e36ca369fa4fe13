"""The documented JSON Schemas are the models' own: regenerate with the command in each message."""
import json
from pathlib import Path

import pytest

from yusuan.budget import Budget
from yusuan.report import Report

DOCS = Path(__file__).parent.parent.parent / "docs"


def _ours(schema):
    """The schema without what pydantic adds by version rather than by our models: the regex it
    gave a Decimal's string form before 2.14 (a fresh install gets whichever pydantic is current)."""
    if isinstance(schema, dict):
        return {k: _ours(v) for k, v in schema.items()
                if not (k == "pattern" and isinstance(v, str) and v.startswith("^(?!^[-+.]*$)"))}
    if isinstance(schema, list):
        return [_ours(v) for v in schema]
    return schema


@pytest.mark.parametrize("model,name", [(Report, "report-schema.json"), (Budget, "budget-schema.json")])
def test_documented_schema_is_current(model, name):
    documented = json.loads((DOCS / name).read_text(encoding="utf-8"))
    assert _ours(documented) == _ours(model.model_json_schema(by_alias=True)), (
        f"docs/{name} is stale: python -c 'import json; from yusuan.{model.__module__.split('.')[-1]} import {model.__name__}; "
        f"print(json.dumps({model.__name__}.model_json_schema(by_alias=True), ensure_ascii=False, indent=1))' > docs/{name}")


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"schema": "something-else/1", "year": 2024, "unit_name": "x"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a yusuan report"):
        Report.load(path)
