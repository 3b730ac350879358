"""An entry's decision history and which earlier decision a new one supersedes.

Decisions for one entry number are keyed by that number on the topics, so they stay in order. Each new
decision names the latest earlier decision of the entry (an amendment, a re-screen after a list update,
a suppression). A redelivered decision (same alert id) names what it named the first time, so a
repeat is byte-for-byte the same apart from ``screened_at``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class HistoryItem:
    alert_id: str
    entry_revision: int
    decision: str
    supersedes: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> HistoryItem:
        return cls(
            alert_id=str(record["alert_id"]),
            entry_revision=int(record.get("entry_revision", 0)),
            decision=str(record.get("decision", "")),
            supersedes=record.get("supersedes"),
        )


@dataclass(frozen=True, slots=True)
class Lineage:
    supersedes: str | None
    repeat: bool  # the same alert id is already in the history (a redelivery)
    stale: bool  # a lower revision than one already decided (arrived late): it supersedes nothing


def lineage(history: Sequence[HistoryItem], alert_id: str, revision: int) -> Lineage:
    """Where a new decision sits in an entry's history (oldest first)."""
    for item in history:
        if item.alert_id == alert_id:
            return Lineage(item.supersedes, repeat=True, stale=False)
    if not history:
        return Lineage(None, repeat=False, stale=False)
    if revision < max(item.entry_revision for item in history):
        return Lineage(None, repeat=False, stale=True)
    return Lineage(history[-1].alert_id, repeat=False, stale=False)


def latest(history: Sequence[HistoryItem]) -> HistoryItem | None:
    """The decision in force: the last decision of the highest revision."""
    best: HistoryItem | None = None
    for item in history:
        if best is None or item.entry_revision >= best.entry_revision:
            best = item
    return best


def _reason_ident(r: Mapping[str, Any]) -> tuple[str, ...]:
    keys = ("code", "decision", "party_role", "party_name", "line_number", "tier", "entity_id")
    return tuple(str(r.get(k)) for k in keys)


@dataclass(frozen=True, slots=True)
class Changes:
    decision_before: str
    decision_after: str
    added: list[dict[str, Any]]  # reasons the re-screen gives that the recorded decision did not
    removed: list[dict[str, Any]]  # reasons of the recorded decision the re-screen no longer gives

    @property
    def unchanged(self) -> bool:
        return self.decision_before == self.decision_after and not self.added and not self.removed


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """What would change between a recorded decision and a re-screen (both as decision JSON).
    Reasons are compared by what they say (code, decision, party, entity), not by score or list version."""
    old = {_reason_ident(r): dict(r) for r in before.get("reasons", [])}
    new = {_reason_ident(r): dict(r) for r in after.get("reasons", [])}
    return Changes(
        decision_before=str(before.get("decision")),
        decision_after=str(after.get("decision")),
        added=[new[k] for k in new if k not in old],
        removed=[old[k] for k in old if k not in new],
    )
