"""docs/contract.md's field tables are generated from schemas/ and must be up to date."""

from __future__ import annotations

import runpy

from tests.conftest import ROOT


def test_contract_doc_is_up_to_date() -> None:
    gen = runpy.run_path(str(ROOT / "scripts" / "gen_contract.py"))
    doc = (ROOT / "docs" / "contract.md").read_text()
    assert gen["render"](doc) == doc, "run scripts/gen_contract.py"
    for field in ("supersedes", "alert_id", "disposition_id", "outcome"):
        assert f"| `{field}` |" in doc
