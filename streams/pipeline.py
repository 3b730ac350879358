"""Decode and screen a batch of raw entry messages, and build the records to send (decisions, dead letters).
No Faust and no Redis here; the worker's route over it, with the audit trail, is ``streams.screener``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from screening.decision import Decision
from screening.entry import Entry
from screening.screen import ScreeningContext, screen_entry
from streams import topics
from streams.codecs import (
    Rejected,
    dead_letter,
    dead_letter_key,
    decode_entry,
    encode_record,
)
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Inbound:
    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class Outbound:
    topic: str
    key: bytes
    value: bytes
    decision: str  # HOLD | REVIEW | CLEAR | DLQ
    record: dict[str, Any] | None = field(default=None, compare=False, repr=False)  # ``value`` decoded, if known


@dataclass(frozen=True, slots=True)
class Screened:
    """One input after screening: a decision (with its entry), or a dead letter."""

    msg: Inbound
    entry: Entry | None
    decision: Decision | None
    dead_letter: Outbound | None


def screen_batch(
    batch: list[Inbound], ctx: ScreeningContext, settings: Settings, timings: dict[str, float] | None = None
) -> list[Screened]:
    """Decode and screen every message of a batch; a message that cannot be screened becomes a dead
    letter with the original bytes. Exactly one result per message, in order. When ``timings`` is given,
    the seconds spent decoding and screening are added to its "decode"/"screen" keys."""
    out: list[Screened] = []
    decode_s, start = 0.0, perf_counter()
    for msg in batch:
        t0 = perf_counter()
        entry = decode_entry(msg.value, settings.max_message_bytes)
        decode_s += perf_counter() - t0
        if isinstance(entry, Rejected):
            out.append(Screened(msg, None, None, dead_letter_outbound(msg, entry, settings)))
            continue
        try:
            decision = screen_entry(entry, ctx)
        except Exception as exc:  # a bug in screening must not clear or drop the entry
            log.exception("screening failed for entry %s", entry.entry_number)
            rejected = Rejected("screening", "$", f"screening failed: {type(exc).__name__}: {exc}")
            out.append(Screened(msg, None, None, dead_letter_outbound(msg, rejected, settings)))
            continue
        out.append(Screened(msg, entry, decision, None))
    if timings is not None:
        timings["decode"] = timings.get("decode", 0.0) + decode_s
        timings["screen"] = timings.get("screen", 0.0) + (perf_counter() - start - decode_s)
    return out


def dead_letter_outbound(msg: Inbound, rejected: Rejected, settings: Settings) -> Outbound:
    """``msg`` as a dead letter on entries.dlq.v1 with the reason; always small enough to send."""
    value = dead_letter(msg.value, msg.key, rejected, msg.topic, msg.partition, msg.offset, settings.dlq_keep_bytes)
    return Outbound(settings.topic(topics.DLQ), dead_letter_key(msg.key), value, "DLQ")


def decision_outbound(record: dict[str, Any], settings: Settings, encoded: str | None = None) -> Outbound:
    """A decision record on holds.v1 (HOLD/REVIEW) or cleared.v1 (CLEAR), keyed by entry number.
    ``encoded``: the record already as ``encode_record`` text."""
    kind = str(record["decision"])
    target = settings.topic(topics.CLEARED if kind == "CLEAR" else topics.HOLDS)
    value = (encode_record(record) if encoded is None else encoded).encode()
    return Outbound(target, str(record["entry_number"]).encode(), value, kind, record)
