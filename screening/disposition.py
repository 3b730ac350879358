"""Dispositions (``dispositions.v1``): a broker system's outcome for a hold or review.

The parser mirrors ``schemas/disposition.v1.json`` (a test keeps the two in step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from screening.decision import set_fields
from screening.errors import FieldError

Outcome = Literal["false_positive", "confirmed", "released", "excluded", "exported", "destroyed", "seized", "escalated"]
OUTCOMES: tuple[str, ...] = (
    "false_positive",
    "confirmed",
    "released",
    "excluded",
    "exported",
    "destroyed",
    "seized",
    "escalated",
)
# Outcomes that say the listed party really is the entity: they lift a suppression of the same hit.
CONFIRMING: frozenset[str] = frozenset({"confirmed", "seized"})
_ALERT_ID = re.compile(r"^ew-[0-9a-f]{32}$")
_KEYS = {
    "schema_version", "disposition_id", "alert_id", "entry_number", "outcome", "reviewer", "decided_at",
    "note", "party_name", "entity_id", "source_system",
}  # fmt: skip


class DispositionError(FieldError):
    """A disposition that cannot be recorded; ``path`` names the field."""


@dataclass(frozen=True, slots=True)
class Disposition:
    disposition_id: str
    alert_id: str
    entry_number: str
    outcome: Outcome
    reviewer: str
    decided_at: str
    note: str | None = None
    party_name: str | None = None  # with entity_id: the one reason of the alert it applies to
    entity_id: str | None = None
    source_system: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": 1, **set_fields(self, (
            "disposition_id", "alert_id", "entry_number", "outcome", "reviewer", "decided_at", "note",
            "party_name", "entity_id", "source_system",
        ))}  # fmt: skip


def _str(obj: Mapping[str, Any], key: str, *, required: bool, max_len: int = 2000) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise DispositionError(f"$.{key}", "is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise DispositionError(f"$.{key}", "expected a non-empty string")
    if len(value) > max_len:
        raise DispositionError(f"$.{key}", f"longer than {max_len} characters")
    return value


def parse_disposition(value: Any) -> Disposition:
    if not isinstance(value, dict):
        raise DispositionError("$", "expected an object")
    if value.get("schema_version") != 1:
        raise DispositionError("$.schema_version", "must be 1")
    unknown = sorted(set(value) - _KEYS)
    if unknown:
        raise DispositionError(f"$.{unknown[0]}", "unknown field")
    alert = _str(value, "alert_id", required=True) or ""
    if not _ALERT_ID.match(alert):
        raise DispositionError("$.alert_id", "expected an EntryWatch alert id (ew- and 32 hex digits)")
    outcome = value.get("outcome")
    if outcome not in OUTCOMES:
        raise DispositionError("$.outcome", f"expected one of {', '.join(OUTCOMES)}")
    decided_at = _str(value, "decided_at", required=True) or ""
    try:
        datetime.fromisoformat(decided_at.replace("Z", "+00:00"))
    except ValueError:
        raise DispositionError("$.decided_at", "expected an ISO 8601 date-time") from None
    party, entity = _str(value, "party_name", required=False), _str(value, "entity_id", required=False)
    if (party is None) != (entity is None):
        raise DispositionError(
            "$.party_name" if party is None else "$.entity_id", "party_name and entity_id go together"
        )
    return Disposition(
        disposition_id=_str(value, "disposition_id", required=True, max_len=128) or "",
        alert_id=alert,
        entry_number=_str(value, "entry_number", required=True, max_len=64) or "",
        outcome=outcome,
        reviewer=_str(value, "reviewer", required=True, max_len=256) or "",
        decided_at=decided_at,
        note=_str(value, "note", required=False),
        party_name=party,
        entity_id=entity,
        source_system=_str(value, "source_system", required=False, max_len=256),
    )
