from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "data" / "lists"
# List files kept out of the product's data folder: refused (e.g. truncated) or test-only versions.
FIXTURE_LISTS = ROOT / "tests" / "data" / "lists"
SCHEMAS = ROOT / "schemas"
SAMPLES = ROOT / "data" / "samples"


@cache
def schema_registry() -> Registry[Any]:
    """Every schema under schemas/ by its $id, so one may $ref another (dlq-show -> dead-letter)."""
    found = [json.loads(path.read_text()) for path in sorted(SCHEMAS.glob("*.json"))]
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in found)


@cache
def validator(schema_file: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_file).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=schema_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(schema_file: str, record: Any) -> None:
    errors = sorted(validator(schema_file).iter_errors(record), key=lambda e: list(e.path))
    assert not errors, f"{schema_file}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    return LISTS


@pytest.fixture(scope="session")
def demo_entries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SAMPLES / "demo-entries.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def skeleton_context(lists_dir: Path):  # type: ignore[no-untyped-def]
    from entrywatch.cli.screen import context_from_paths

    return context_from_paths([str(lists_dir / "uflpa"), str(lists_dir / "cbp")])
