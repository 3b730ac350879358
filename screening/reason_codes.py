"""Every reason code a decision can carry, read from the code: the source of truth of the lists elsewhere.

The screening engine takes every code it emits from the decision rules file
(``screening/rules/data/decision-rules.v*.json``: ``Findings.add`` looks each one up there), and the broker
contract adds two: ``SUPPRESSED`` (:mod:`screening.suppression`) and ``LIST_UPDATE`` (:mod:`screening.retro`).
``scripts/gen_contract.py`` writes the list in docs/contract.md and the ``code`` enum of
schemas/hold-alert.v1.json from :func:`reason_codes`; tests/unit/test_contract_doc.py fails if the doc, the
schema, docs/reason-codes.md and this module disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from screening.retro import LIST_UPDATE
from screening.rules.ruleset import DecisionRules, rule_file_versions
from screening.suppression import SUPPRESSED


@dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str
    decision: str  # the decision the reason calls for
    summary: str
    rule_id: str | None = None  # the decision rule behind it; None for the contract's own codes


CONTRACT_CODES = (
    ReasonCode(
        SUPPRESSED,
        "CLEAR",
        "The same party hit the same listed entity (same listed content) and a reviewer reported that hit a "
        "false positive; evidence cites the disposition and the code that was suppressed.",
    ),
    ReasonCode(
        LIST_UPDATE,
        "HOLD or REVIEW",
        "Re-screening a stored entry found a hit on an entity a new list version added or changed; "
        "evidence.match_code is the code the hit would have had, evidence.list_update the version change.",
    ),
)


def decision_rule_codes() -> tuple[ReasonCode, ...]:
    """The codes of every version of the packaged decision rules file: the newest version's in file order,
    then any an older version has that it lacks (codes are never reused, and alerts made under an older
    rule version stay on the topics)."""
    versions = rule_file_versions("decision-rules")
    out: dict[str, ReasonCode] = {}
    for version in sorted(versions, key=int, reverse=True):
        rules = DecisionRules.from_json(json.loads(versions[version]))
        for r in rules.reasons.values():
            out.setdefault(r.code, ReasonCode(r.code, r.decision, r.summary, r.rule_id))
    return tuple(out.values())


def reason_codes() -> tuple[ReasonCode, ...]:
    """Every reason code: those of the decision rules, then the contract's (SUPPRESSED, LIST_UPDATE)."""
    return decision_rule_codes() + CONTRACT_CODES
