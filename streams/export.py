"""``entrywatch holds export``: the HOLD/REVIEW decisions of a period as rows for a broker's file, one row
per reason, with the entry, party, list (its published name), version, score, decision and the latest
disposition of the decision. Rows come from the audit trail; writing them is pure."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from screening.list_names import list_name, reason_source

COLUMNS: tuple[str, ...] = (
    "entry_number", "entry_revision", "alert_id", "decision", "screened_at", "reason_code", "reason_decision",
    "party_role", "party_name", "matched_name", "entity_id", "list", "list_source", "list_version", "score",
    "rule_id", "disposition", "disposition_reviewer", "disposition_decided_at", "disposition_id",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_rows(record: Mapping[str, Any], dispositions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per reason of a decision (one row with empty reason fields when it has none). The
    disposition columns carry the latest disposition recorded on the decision's alert_id that covers the
    reason (one naming its party and entity, or one naming none)."""
    alert = record.get("alert_id")
    versions = record.get("list_versions") or {}
    mine = [d for d in dispositions if d.get("alert_id") == alert]
    base = {
        "entry_number": record.get("entry_number"),
        "entry_revision": record.get("entry_revision", 0),
        "alert_id": alert,
        "decision": record.get("decision"),
        "screened_at": record.get("screened_at"),
    }
    out = []
    for r in record.get("reasons") or [{}]:
        source = reason_source(r)
        hit = (r.get("party_name"), r.get("entity_id"))
        covering = [d for d in mine if d.get("party_name") is None or (d.get("party_name"), d.get("entity_id")) == hit]
        last = covering[-1] if covering else {}
        out.append(
            {
                **base,
                "reason_code": r.get("code"),
                "reason_decision": r.get("decision"),
                "party_role": r.get("party_role"),
                "party_name": r.get("party_name"),
                "matched_name": r.get("matched_name"),
                "entity_id": r.get("entity_id"),
                "list": r.get("list") or (list_name(source) if source else None),
                "list_source": source,
                "list_version": r.get("list_version") or (versions.get(source) if source else None),
                "score": r.get("score"),
                "rule_id": r.get("rule_id"),
                "disposition": last.get("outcome"),
                "disposition_reviewer": last.get("reviewer"),
                "disposition_decided_at": last.get("decided_at"),
                "disposition_id": last.get("disposition_id"),
            }
        )
    return out


def csv_cell(value: Any) -> str:
    """A CSV cell: empty for None; text a spreadsheet would run as a formula starts with a quote."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in COLUMNS])
        n += 1
    return n


def write_jsonl(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps({c: row.get(c) for c in COLUMNS}, ensure_ascii=False) + "\n")
        n += 1
    return n
