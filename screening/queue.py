"""The review queue: which decisions are still open, and the reviewer's filters over them. Pure.

An entry is in the queue when its decision in force (``history.latest``: the last decision of the highest
revision) is HOLD or REVIEW and a reason of it that calls for a hold or review is not yet closed by a
disposition. A disposition closes the reasons it names (``party_name`` + ``entity_id``), or every reason of
its alert when it names none; every outcome closes except ``escalated`` (the item stays, marked). A
re-submitted entry is one item: its latest revision's decision. A LIST_UPDATE decision is a decision like
any other.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.history import HistoryItem, latest
from screening.list_names import reason_source

OPEN_DECISIONS: tuple[str, ...] = ("HOLD", "REVIEW")
NOT_CLOSING: frozenset[str] = frozenset({"escalated"})  # recorded; the item stays in the queue


@dataclass(frozen=True, slots=True)
class OpenItem:
    record: dict[str, Any]  # the decision in force (hold-alert.v1)
    dispositions: list[dict[str, Any]]  # the dispositions recorded on its alert_id, oldest first
    open_reasons: list[int]  # indexes into record["reasons"] still to be decided
    escalated: bool


def _covers(d: Mapping[str, Any], reason: Mapping[str, Any]) -> bool:
    if d.get("party_name") is None and d.get("entity_id") is None:
        return True
    return d.get("party_name") == reason.get("party_name") and d.get("entity_id") == reason.get("entity_id")


def open_item(history: Sequence[Mapping[str, Any]], dispositions: Sequence[Mapping[str, Any]]) -> OpenItem | None:
    """The entry's queue item, or None when its decision in force is CLEAR or fully disposed of.
    ``history`` is the entry's decision records oldest first; ``dispositions`` all of the entry's."""
    current = latest([HistoryItem.from_record(r) for r in history])
    if current is None or current.decision not in OPEN_DECISIONS:
        return None
    record = next(dict(r) for r in reversed(history) if r.get("alert_id") == current.alert_id)
    mine = [dict(d) for d in dispositions if d.get("alert_id") == current.alert_id]
    closing = [d for d in mine if d.get("outcome") not in NOT_CLOSING]
    reasons = record.get("reasons") or []
    relevant = [i for i, r in enumerate(reasons) if r.get("decision") in OPEN_DECISIONS] or list(range(len(reasons)))
    still = [i for i in relevant if not any(_covers(d, reasons[i]) for d in closing)]
    if relevant and not still:
        return None
    if not relevant and closing:  # a HOLD without reasons: any disposition on the alert closes it
        return None
    escalated = any(d.get("outcome") in NOT_CLOSING for d in mine)
    return OpenItem(record, mine, still, escalated)


def fold(text: str) -> str:
    """Case- and width-folded text for searching (NFKC, casefold, accents dropped; CJK stays as is)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class QueueFilter:
    decisions: frozenset[str] = frozenset()  # empty: both
    code: str | None = None
    source: str | None = None
    party: str | None = None  # part of the party name (folded)
    q: str | None = None  # part of the entry number, the party name or the listed name (folded)
    since_ms: int | None = None  # screened at or after
    until_ms: int | None = None  # screened before
    newest_first: bool = True

    def reason_matches(self, reason: Mapping[str, Any]) -> bool:
        if self.code is not None and reason.get("code") != self.code:
            return False
        if self.source is not None and reason_source(reason) != self.source:
            return False
        return self.party is None or fold(self.party) in fold(str(reason.get("party_name") or ""))

    def matches(self, item: OpenItem, screened_ms: int) -> bool:
        rec = item.record
        if self.decisions and rec.get("decision") not in self.decisions:
            return False
        if self.since_ms is not None and screened_ms < self.since_ms:
            return False
        if self.until_ms is not None and screened_ms >= self.until_ms:
            return False
        reasons = rec.get("reasons") or []
        if (self.code, self.source, self.party) != (None, None, None) and not any(
            self.reason_matches(r) for r in reasons
        ):
            return False
        if self.q:
            needle = fold(self.q)
            hay = [str(rec.get("entry_number", ""))]
            for r in reasons:
                hay += [str(r.get("party_name") or ""), str(r.get("matched_name") or "")]
            if not any(needle in fold(h) for h in hay):
                return False
        return True


def facets(items: Sequence[OpenItem]) -> dict[str, dict[str, int]]:
    """How many open items have each decision, reason code and list source (for the page's filters)."""
    out: dict[str, dict[str, int]] = {"decision": {}, "code": {}, "source": {}}
    for item in items:
        dec = str(item.record.get("decision"))
        out["decision"][dec] = out["decision"].get(dec, 0) + 1
        codes = {str(r.get("code")) for r in item.record.get("reasons") or []}
        sources = {s for r in item.record.get("reasons") or [] if (s := reason_source(r))}
        for c in codes:
            out["code"][c] = out["code"].get(c, 0) + 1
        for s in sources:
            out["source"][s] = out["source"].get(s, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in out.items()}
