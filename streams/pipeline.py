"""One batch of raw entry messages -> the records to send. No Faust here, so it is tested directly;
the agent only feeds it events and sends what it returns."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from time import perf_counter

from screening.screen import ScreeningContext, screen_entry
from streams import topics
from streams.codecs import Rejected, dead_letter, decode_entry, encode_decision, now_iso
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


def process_batch(
    batch: list[Inbound], ctx: ScreeningContext, settings: Settings, timings: dict[str, float] | None = None
) -> list[Outbound]:
    """Decode, screen and encode every message of a batch. Exactly one record out per message in:
    a decision on holds/cleared, or a dead letter with the original bytes. When ``timings`` is given,
    the seconds spent decoding and screening (with encoding) are added to its "decode"/"screen" keys."""
    out: list[Outbound] = []
    decode_s, start = 0.0, perf_counter()
    screened_at = now_iso()
    holds, cleared, dlq = settings.topic(topics.HOLDS), settings.topic(topics.CLEARED), settings.topic(topics.DLQ)
    for msg in batch:
        t0 = perf_counter()
        entry = decode_entry(msg.value, settings.max_message_bytes)
        decode_s += perf_counter() - t0
        if isinstance(entry, Rejected):
            value = dead_letter(msg.value, msg.key, entry, msg.topic, msg.partition, msg.offset)
            out.append(Outbound(dlq, msg.key or b"", value, "DLQ"))
            continue
        try:
            decision = screen_entry(entry, ctx)
        except Exception as exc:  # a bug in screening must not clear or drop the entry
            log.exception("screening failed for entry %s", entry.entry_number)
            rejected = Rejected("screening", "$", f"screening failed: {type(exc).__name__}: {exc}")
            value = dead_letter(msg.value, msg.key, rejected, msg.topic, msg.partition, msg.offset)
            out.append(Outbound(dlq, msg.key or b"", value, "DLQ"))
            continue
        target = cleared if decision.decision == "CLEAR" else holds
        out.append(Outbound(target, entry.entry_number.encode(), encode_decision(decision, screened_at), decision.decision))
    if timings is not None:
        timings["decode"] = timings.get("decode", 0.0) + decode_s
        timings["screen"] = timings.get("screen", 0.0) + (perf_counter() - start - decode_s)
    return out
