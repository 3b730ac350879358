"""Screened decisions -> the records a broker system receives, with the audit trail in Redis.

For a batch: one Redis read (the entries' decision histories and the suppressions the batch's
(party, entity, fingerprint) keys could hit), the pure steps (apply suppressions, place each decision
in its entry's history: ``supersedes``), one Redis write (audit records, stored entries). The records
are returned to be sent only after the write succeeded. If Redis fails, nothing is returned: the caller
retries the whole step with back-off and does not ack the batch (fail closed: no CLEAR for an entry
whose suppressions and history could not be read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.decision import Decision
from screening.entry import Entry
from screening.history import HistoryItem, lineage
from screening.suppression import apply_suppressions, decision_keys
from stores.audit import AuditStore, AuditWrite
from streams.codecs import decision_record, encode_record, now_iso
from streams.errors import retry
from streams.pipeline import Outbound, Screened, decision_outbound
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pending:
    entry: Entry
    decision: Decision
    raw: bytes | None  # the original entry bytes to store, or None to leave the stored entry alone


async def finalize(
    items: Sequence[Pending],
    fps: Mapping[str, str],
    audit: AuditStore,
    screened_at: str | None = None,
    transform: Callable[[Decision], Decision | None] | None = None,
) -> list[tuple[Pending, dict[str, Any], str]]:
    """Apply suppressions and lineage, write the audit trail; return (item, decision record, the record as
    the JSON text sent and stored, encoded once) per item kept (``transform`` may drop an item by
    returning None). Raises on a Redis failure."""
    if not items:
        return []
    screened_at = screened_at or now_iso()
    keys = sorted({k for it in items for k in decision_keys(it.decision, fps)})
    state = await audit.read_batch((it.entry.entry_number for it in items), keys)
    histories: dict[str, list[HistoryItem]] = {n: list(h) for n, h in state.histories.items()}
    out: list[tuple[Pending, dict[str, Any], str]] = []
    writes: list[AuditWrite] = []
    for it in items:
        decision: Decision | None = apply_suppressions(it.decision, fps, state.suppressions)
        if transform is not None and decision is not None:
            decision = transform(decision)
        if decision is None:
            continue
        history = histories.setdefault(decision.entry_number, [])
        newest = max((h.entry_revision for h in history), default=-1)
        alert = decision.alert_id
        lin = lineage(history, alert, decision.entry_revision)
        record = decision_record(decision, screened_at, lin.supersedes)
        encoded = encode_record(record)
        if not lin.repeat:
            history.append(HistoryItem(alert, decision.entry_revision, decision.decision, lin.supersedes))
        store = it.raw is not None and decision.entry_revision >= newest
        writes.append(
            AuditWrite(
                record=record,
                fingerprints={r.entity_id: fps[r.entity_id] for r in decision.reasons if r.entity_id in fps},
                repeat=lin.repeat,
                entry_raw=it.raw if store else None,
                filed_at=it.entry.filed_at,
                encoded=encoded,
            )
        )
        out.append((it, record, encoded))
    await audit.write_batch(writes)
    return out


async def audited_outputs(
    screened: Sequence[Screened],
    fps: Mapping[str, str],
    audit: AuditStore,
    settings: Settings,
    on_attempt_failed: Callable[[BaseException], None] | None = None,
) -> list[Outbound]:
    """The records to send for a screened batch, in input order, once the audit trail is written.
    Retries with back-off while Redis is unreachable; never returns a decision it could not audit."""
    pending = [
        Pending(s.entry, s.decision, s.msg.value) for s in screened if s.decision is not None and s.entry is not None
    ]
    done = await retry(
        lambda: finalize(pending, fps, audit),
        what="writing a batch's audit trail to Redis",
        cap_s=settings.redis_retry_max_s,
        on_attempt_failed=on_attempt_failed,
    )
    records = iter(done)
    out: list[Outbound] = []
    for s in screened:
        if s.dead_letter is not None:
            out.append(s.dead_letter)
        else:
            _item, record, encoded = next(records)
            out.append(decision_outbound(record, settings, encoded))
    return out
