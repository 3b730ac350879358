"""False-positive suppressions: scoped to one party name and one listed entity at one content version.

A broker's ``false_positive`` disposition becomes a suppression keyed by
``normalised party name | entity id | entity content fingerprint``. The next time the same party hits
the same entity, and the entity's listed record is unchanged, the reason is reported as ``SUPPRESSED``
(decision CLEAR, the disposition cited in its evidence). A changed record (new fingerprint in a new
list version) has a different key, so the hit re-opens. A different party or a different entity never
has the same key, so a suppression cannot hide it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screening.carry import CarryOver
from screening.decision import Decision, Reason, combine
from screening.entities import Entity
from screening.normalize import fold

SUPPRESSED = "SUPPRESSED"
# Fields that say where a record was published, not what it says: they do not change the fingerprint.
_VOLATILE = frozenset({"list_version"})
# Fields added to the entity after fingerprints were first stored: left out while empty, so that an entity
# without them keeps the fingerprint its suppressions and reported hits were recorded under.
_LATER_FIELDS = frozenset({"dates_of_birth"})


def entity_fingerprint(entity: Entity) -> str:
    """Hash of the entity's listed content, independent of the list version it was published in."""
    data = {
        k: v for k, v in dataclasses.asdict(entity).items() if k not in _VOLATILE and not (k in _LATER_FIELDS and not v)
    }
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


# The fingerprints of the last set of entities, by entity (``screening.carry``): a list swap recomputes
# only those of the entities it changes.
_FINGERPRINTS: CarryOver[Entity, str] = CarryOver()


def fingerprints(entities: Iterable[Entity]) -> dict[str, str]:
    """Entity id -> :func:`entity_fingerprint`."""
    known = _FINGERPRINTS.known()
    found: dict[Entity, str] = {}
    out: dict[str, str] = {}
    for e in entities:
        fp = found.get(e) or known.get(e)
        if fp is None:
            fp = entity_fingerprint(e)
        found[e] = out[e.id] = fp
    _FINGERPRINTS.keep(found)
    return out


def party_key(name: str) -> str:
    """The normalised party name a suppression is scoped to (case, accents, punctuation folded)."""
    return fold(name)


def suppression_key(party_name: str, entity_id: str, fingerprint: str) -> str:
    return f"{party_key(party_name)}|{entity_id}|{fingerprint}"


@dataclass(frozen=True, slots=True)
class Suppression:
    """What a suppression cites: the disposition that created it."""

    disposition_id: str
    alert_id: str
    reviewer: str
    decided_at: str
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        return {k: v for k, v in out.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Suppression:
        return cls(
            disposition_id=str(data["disposition_id"]),
            alert_id=str(data["alert_id"]),
            reviewer=str(data.get("reviewer", "")),
            decided_at=str(data.get("decided_at", "")),
            note=data.get("note"),
        )


def reason_key(reason: Reason, fps: Mapping[str, str]) -> str | None:
    """The suppression key a reason would be suppressed under, or None if it cannot be suppressed
    (no party or entity, or the entity's fingerprint is unknown)."""
    if reason.code == SUPPRESSED or reason.decision == "CLEAR":
        return None
    if not reason.party_name or not reason.entity_id:
        return None
    fp = fps.get(reason.entity_id)
    if fp is None:
        return None
    return suppression_key(reason.party_name, reason.entity_id, fp)


def decision_keys(decision: Decision, fps: Mapping[str, str]) -> list[str]:
    keys = (reason_key(r, fps) for r in decision.reasons)
    return sorted({k for k in keys if k is not None})


def suppressed_reason(reason: Reason, by: Suppression) -> Reason:
    evidence = {
        **reason.evidence,
        "suppressed_code": reason.code,
        "suppressed_decision": reason.decision,
        "disposition_id": by.disposition_id,
        "disposition_alert_id": by.alert_id,
        "reviewer": by.reviewer,
        "decided_at": by.decided_at,
    }
    return dataclasses.replace(reason, code=SUPPRESSED, decision="CLEAR", evidence=evidence)


def apply_suppressions(decision: Decision, fps: Mapping[str, str], active: Mapping[str, Suppression]) -> Decision:
    """Rewrite every reason whose key is suppressed as a CLEAR ``SUPPRESSED`` reason; recombine."""
    if not active:
        return decision
    changed = False
    reasons: list[Reason] = []
    for r in decision.reasons:
        key = reason_key(r, fps)
        by = active.get(key) if key is not None else None
        if by is None:
            reasons.append(r)
        else:
            reasons.append(suppressed_reason(r, by))
            changed = True
    if not changed:
        return decision
    return dataclasses.replace(decision, reasons=tuple(reasons), decision=combine(reasons))


def keys_for_disposition(
    reasons: Iterable[Mapping[str, Any]],
    fps: Mapping[str, str],
    party_name: str | None = None,
    entity_id: str | None = None,
) -> list[str]:
    """The suppression keys a false-positive disposition creates from the alert's reasons (as JSON):
    the reasons naming (party_name, entity_id) if given, else every party/entity reason of the alert.
    ``fps`` are the fingerprints of the entities as they were when the alert was raised."""
    out: set[str] = set()
    want_party = party_key(party_name) if party_name else None
    for r in reasons:
        name, ent = r.get("party_name"), r.get("entity_id")
        if not name or not ent:
            continue
        if want_party is not None and party_key(str(name)) != want_party:
            continue
        if entity_id is not None and ent != entity_id:
            continue
        fp = fps.get(str(ent))
        if fp is not None:
            out.add(suppression_key(str(name), str(ent), fp))
    return sorted(out)
