"""The one-line rendering of decisions (`holds tail`, `explain`, the demo)."""

from __future__ import annotations

from entrywatch.render import decision_line


def test_a_reason_about_a_party_names_the_party_and_the_listed_name() -> None:
    record = {
        "decision": "HOLD",
        "entry_number": "E-1",
        "reasons": [
            {"code": "UFLPA_ENTITY", "party_role": "manufacturer", "party_name": "Acme", "matched_name": "ACME",
             "list": "UFLPA Entity List", "score": 0.97},
            {"code": "WRO_ENTITY"},
        ],
    }  # fmt: skip
    assert decision_line(record) == (
        "HOLD   E-1 rev 0: UFLPA_ENTITY manufacturer 'Acme' ~ ACME on UFLPA Entity List score 0.97"
        " (+1 more: WRO_ENTITY)"
    )


def test_a_reason_about_the_entry_itself_names_no_party() -> None:
    record = {
        "decision": "REVIEW",
        "entry_number": "E-2",
        "reasons": [{"code": "NOTHING_TO_SCREEN", "party_role": None, "party_name": "", "list": "decision-rules"}],
    }
    assert decision_line(record) == "REVIEW E-2 rev 0: NOTHING_TO_SCREEN (decision-rules)"


def test_no_reason_is_no_listed_party() -> None:
    assert (
        decision_line({"decision": "CLEAR", "entry_number": "E-3", "reasons": []})
        == "CLEAR  E-3 rev 0: no listed party"
    )
