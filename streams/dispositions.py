"""Apply a broker system's disposition: keep it in the audit trail, and turn a false positive into a
suppression scoped to (party name, listed entity, the entity's listed content); confirmed or seized
lifts such a suppression again."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.disposition import CONFIRMING, Disposition, DispositionError, parse_disposition
from screening.suppression import Suppression, keys_for_disposition
from stores.audit import AuditStore
from streams.codecs import JSONRefused, Rejected, loads, now_iso

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Applied:
    disposition: Disposition
    suppressed: list[str]  # suppression keys created
    lifted: list[str]  # suppression keys removed
    alert_found: bool


def decode_disposition(raw: bytes | None) -> Disposition | Rejected:
    """Bytes -> Disposition, or why it is not one (read by the one strict JSON reader, ``codecs.loads``)."""
    if raw is None:
        return Rejected("decode", "$", "null value (a tombstone), not a disposition")
    try:
        return parse_disposition(loads(raw))
    except JSONRefused as exc:
        return Rejected(exc.kind, "$", exc.message)
    except DispositionError as exc:
        return Rejected("schema", exc.path, str(exc))


async def apply_disposition(d: Disposition, audit: AuditStore, live_fps: Mapping[str, str]) -> Applied:
    """Record ``d`` and update suppressions. Idempotent: a redelivered disposition changes nothing more."""
    alert = await audit.alert(d.alert_id)
    reasons: list[Mapping[str, Any]]
    if alert is not None:
        reasons, fps = alert["record"].get("reasons", []), alert.get("fingerprints", {})
    elif d.party_name is not None and d.entity_id is not None:
        # The alert has left the audit trail: scope the suppression to the entity as listed today.
        reasons, fps = [{"party_name": d.party_name, "entity_id": d.entity_id}], live_fps
    else:
        reasons, fps = [], {}
    keys: list[str] = []
    if d.outcome == "false_positive" or d.outcome in CONFIRMING:
        keys = keys_for_disposition(reasons, fps, d.party_name, d.entity_id)
        if not keys:
            # A false positive that suppresses nothing is worth a look (the hit will come back); confirming
            # an alert without listed-entity reasons (a rule hit: region, sector) routinely lifts nothing.
            log.log(
                logging.WARNING if d.outcome == "false_positive" else logging.INFO,
                "disposition %s (%s): no listed-entity reason of alert %s to apply it to",
                d.disposition_id,
                d.outcome,
                d.alert_id,
            )
    suppress: dict[str, Suppression] = {}
    lift: list[str] = []
    if d.outcome == "false_positive":
        by = Suppression(d.disposition_id, d.alert_id, d.reviewer, d.decided_at, d.note)
        suppress = dict.fromkeys(keys, by)
    elif d.outcome in CONFIRMING:
        lift = keys
    record = {
        **d.to_json(),
        "received_at": now_iso(),
        "suppression_keys": sorted(suppress),
        "lifted_keys": lift,
    }
    await audit.record_disposition(d.entry_number, d.disposition_id, record, suppress, lift)
    return Applied(d, sorted(suppress), lift, alert is not None)
