"""An entry with nothing to screen (no declared party, no importer, no line) is never CLEAR: it gets
NOTHING_TO_SCREEN (REVIEW), in screen_entry and so in `entrywatch screen` and the worker alike."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from entrywatch.cli.screen import screen_stream
from screening.entry import parse_entry
from screening.screen import ScreeningContext, screen_entry
from tests.conftest import assert_valid

CONSIGNEE = {"name": "Harbor Street Imports LLC", "address": {"city": "Newark", "country": "US"}}

CASES: list[tuple[str, dict[str, Any], str, bool]] = [
    # (case, entry, decision, NOTHING_TO_SCREEN among the reasons)
    ("no parties, empty lines", {"entry_number": "X", "lines": []}, "REVIEW", True),
    ("only the entry number", {"entry_number": "X"}, "REVIEW", True),
    ("every party null", {"entry_number": "X", "parties": {"seller": None}, "importer": None}, "REVIEW", True),
    ("an export with nothing", {"entry_number": "X", "direction": "export", "lines": []}, "REVIEW", True),
    ("a consignee only", {"entry_number": "X", "parties": {"consignee": CONSIGNEE}}, "CLEAR", False),
    ("an importer only", {"entry_number": "X", "importer": {"name": "Harbor Street Imports LLC"}}, "CLEAR", False),
    ("one line, no party", {"entry_number": "X", "lines": [{"line_number": 1, "hts_code": "8481.80"}]}, "CLEAR", False),
]


@pytest.mark.parametrize(("case", "raw", "decision", "nothing"), CASES, ids=[c[0] for c in CASES])
def test_nothing_to_screen(
    skeleton_context: ScreeningContext, case: str, raw: dict[str, Any], decision: str, nothing: bool
) -> None:
    result = screen_entry(parse_entry(raw), skeleton_context)
    codes = [r.code for r in result.reasons]
    assert result.decision == decision, case
    assert ("NOTHING_TO_SCREEN" in codes) is nothing, codes
    if nothing:
        reason = next(r for r in result.reasons if r.code == "NOTHING_TO_SCREEN")
        assert (reason.rule_id, reason.list, reason.list_version) == ("R-NOTHING-TO-SCREEN", "decision-rules", "1")
        assert reason.party_role is None and reason.entity_id is None
        assert_valid("hold-alert.v1.json", result.to_json("2026-12-04T00:00:00Z"))


def test_entrywatch_screen_reviews_an_empty_entry(skeleton_context: ScreeningContext) -> None:
    out = io.BytesIO()
    ok, bad = screen_stream(skeleton_context, io.BytesIO(b'{"entry_number": "X", "lines": []}\n'), out, 1_000_000)
    record = json.loads(out.getvalue())
    assert (ok, bad) == (1, 0)
    assert record["decision"] == "REVIEW"
    assert [r["code"] for r in record["reasons"]] == ["NOTHING_TO_SCREEN"]
