"""docs/contract.md's field tables are generated from schemas/, its list of reason codes and the schema's
``code`` enum from the code (screening/reason_codes.py); the doc, the schema, docs/reason-codes.md and
the code must agree."""

from __future__ import annotations

import json
import re
import runpy
from typing import Any

import pytest
from jsonschema import ValidationError

from screening.reason_codes import CONTRACT_CODES, reason_codes
from screening.retro import LIST_UPDATE
from screening.rules.ruleset import default_rules
from screening.suppression import SUPPRESSED
from tests.conftest import ROOT, validator

GEN: dict[str, Any] = runpy.run_path(str(ROOT / "scripts" / "gen_contract.py"))
CODE = re.compile(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]*)`")  # a backticked UPPER_SNAKE word


def test_contract_doc_is_up_to_date() -> None:
    doc = (ROOT / "docs" / "contract.md").read_text()
    assert GEN["render"](doc) == doc, "run scripts/gen_contract.py"
    for field in ("supersedes", "alert_id", "disposition_id", "outcome"):
        assert f"| `{field}` |" in doc


def test_alert_schema_code_enum_is_up_to_date() -> None:
    text = (ROOT / "schemas" / "hold-alert.v1.json").read_text()
    assert GEN["render_schema"](text) == text, "run scripts/gen_contract.py"


def test_doc_schema_and_code_agree_on_the_reason_codes() -> None:
    codes = [c.code for c in reason_codes()]
    assert len(codes) == len(set(codes))
    # the code: the decision rules in force define every code the engine emits; the contract adds two
    assert set(default_rules().decisions.reasons) | {SUPPRESSED, LIST_UPDATE} == set(codes)
    assert [c.code for c in CONTRACT_CODES] == [SUPPRESSED, LIST_UPDATE]
    # the schema
    schema = json.loads((ROOT / "schemas" / "hold-alert.v1.json").read_text())
    assert schema["$defs"]["reason"]["properties"]["code"]["enum"] == codes
    # docs/contract.md: its generated list, and no other code named anywhere in it
    doc = (ROOT / "docs" / "contract.md").read_text()
    block = doc.split("<!-- BEGIN GENERATED: screening.reason_codes -->", 1)[1].split("<!-- END GENERATED -->")[0]
    assert re.findall(r"^\| `([A-Z_0-9]+)` \|", block, re.M) == codes
    named = {w for w in CODE.findall(doc) if not w.startswith("ENTRYWATCH_")}
    assert named <= set(codes), f"docs/contract.md names codes that do not exist: {sorted(named - set(codes))}"
    # docs/reason-codes.md: its table has every rule code (the contract's two are documented in contract.md)
    table = (ROOT / "docs" / "reason-codes.md").read_text()
    assert re.findall(r"^\| `([A-Z_0-9]+)` \|", table, re.M) == [c for c in codes if c not in (SUPPRESSED, LIST_UPDATE)]


def reason(code: str) -> dict[str, Any]:
    return {"code": code, "decision": "REVIEW", "evidence": {}}


def test_the_schema_refuses_a_code_that_does_not_exist() -> None:
    alert = {
        "schema_version": 1, "alert_id": "ew-" + "0" * 32, "entry_number": "E-1", "entry_revision": 0,
        "decision": "REVIEW", "list_versions": {}, "algorithm": "a", "screened_at": "2026-12-01T00:00:00Z",
        "engine_version": "0.1.0",
    }  # fmt: skip
    check = validator("hold-alert.v1.json")
    check.validate({**alert, "reasons": [reason(c.code) for c in reason_codes()]})
    with pytest.raises(ValidationError):
        check.validate({**alert, "reasons": [reason("STRONG_NAME_MATCH")]})
