"""The worker's CPU route for a batch, without Redis or a broker: decode, screen and encode each message
(``streams.pipeline.screen_batch`` and the worker's encoders), no audit trail. For benchmarks and
profiles that measure screening alone; the worker's full route is ``streams.screener.Screener.answer``."""

from __future__ import annotations

from screening.screen import ScreeningContext
from streams.codecs import decision_record, now_iso
from streams.pipeline import Inbound, Outbound, decision_outbound, screen_batch
from streams.settings import Settings


def process_batch(
    batch: list[Inbound], ctx: ScreeningContext, settings: Settings, timings: dict[str, float] | None = None
) -> list[Outbound]:
    """Exactly one record out per message in: a decision on holds/cleared, or a dead letter with the
    original bytes."""
    screened_at = now_iso()
    out: list[Outbound] = []
    for s in screen_batch(batch, ctx, settings, timings):
        if s.dead_letter is not None:
            out.append(s.dead_letter)
        elif s.decision is not None:
            out.append(decision_outbound(decision_record(s.decision, screened_at), settings))
    return out
