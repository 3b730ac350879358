"""Decisions and their reasons, and the deterministic alert id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

DecisionKind = Literal["HOLD", "REVIEW", "CLEAR"]
SEVERITY: dict[str, int] = {"CLEAR": 0, "REVIEW": 1, "HOLD": 2}


def set_fields(obj: object, keys: tuple[str, ...]) -> dict[str, Any]:
    """The attributes ``keys`` of ``obj`` that are not None, in that order (optional fields of a record)."""
    return {key: value for key in keys if (value := getattr(obj, key)) is not None}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # stable reason code, e.g. "UFLPA_ENTITY", "NAME_MATCH_REVIEW"
    decision: DecisionKind  # the decision this reason alone calls for
    party_role: str | None = None
    party_name: str | None = None
    line_number: int | None = None
    tier: int | None = None
    list: str | None = None
    list_version: str | None = None
    entity_id: str | None = None
    matched_name: str | None = None
    score: float | None = None
    rule_id: str | None = None
    rule_version: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def identity(self) -> str:
        """What makes two reasons the same reason, for the alert id (no scores, no timestamps)."""
        return "|".join(
            str(x)
            for x in (
                self.code,
                self.party_role,
                self.line_number,
                self.tier,
                self.entity_id,
                self.list_version,
            )
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "decision": self.decision}
        out.update(set_fields(self, (
            "party_role", "party_name", "line_number", "tier", "list", "list_version", "entity_id",
            "matched_name", "rule_id", "rule_version",
        )))  # fmt: skip
        if self.score is not None:
            out["score"] = round(self.score, 4)
        out["evidence"] = self.evidence
        return out


@dataclass(frozen=True, slots=True)
class Decision:
    entry_number: str
    entry_revision: int
    decision: DecisionKind
    reasons: tuple[Reason, ...]
    list_versions: dict[str, str]
    algorithm: str
    engine_version: str
    direction: str = "import"
    _alert_id: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def alert_id(self) -> str:
        """Computed once per decision (``dataclasses.replace`` makes a new decision, computed anew)."""
        found = self._alert_id
        if found is None:
            found = alert_id(self.entry_number, self.entry_revision, self.decision, self.reasons)
            object.__setattr__(self, "_alert_id", found)
        return found

    def to_json(self, screened_at: str) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "alert_id": self.alert_id,
            "entry_number": self.entry_number,
            "entry_revision": self.entry_revision,
            "direction": self.direction,
            "decision": self.decision,
            "reasons": [r.to_json() for r in self.reasons],
            "list_versions": dict(self.list_versions),
            "algorithm": self.algorithm,
            "screened_at": screened_at,
            "engine_version": self.engine_version,
        }


def alert_id(entry_number: str, revision: int, decision: str, reasons: tuple[Reason, ...]) -> str:
    """Deterministic id: the same entry revision screened to the same reasons gets the same id,
    so a consumer can drop redelivered decisions."""
    h = hashlib.sha256()
    h.update(f"{entry_number}\x1f{revision}\x1f{decision}".encode())
    for ident in sorted(r.identity() for r in reasons):
        h.update(b"\x1e" + ident.encode())
    return "ew-" + h.hexdigest()[:32]


def combine(reasons: list[Reason]) -> DecisionKind:
    worst: DecisionKind = "CLEAR"
    for r in reasons:
        if SEVERITY[r.decision] > SEVERITY[worst]:
            worst = r.decision
    return worst
