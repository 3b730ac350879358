"""Every entry message answered: a decision or a dead letter, delivered before its offset may be acked.

The screening agent hands each batch to :meth:`Screener.answer` and acks the batch's events only when it
returns. A batch is decoded, screened, audited (``streams.contract``) and sent in one go; transient
failures of Redis or the broker are retried (``streams.errors.retry``) with the batch held. Any other
failure (a record that breaks screening, encoding or sending; a bug) makes the batch be answered record
by record, and a record that still fails gets a dead letter naming the fault, so one poison record never
stops screening and never leaves a record committed unanswered. Only when a dead letter itself cannot
be delivered does ``answer`` raise (``Undeliverable``): the agent must then stop without acking.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from screening.screen import ScreeningContext
from streams.codecs import ErrorKind, Rejected
from streams.contract import audited_outputs
from streams.errors import retry
from streams.pipeline import Inbound, Outbound, Screened, dead_letter_outbound, screen_batch
from streams.runtime import Runtime

log = logging.getLogger(__name__)

SLICE = 50  # entries screened between yields to the event loop

# Sends one record; returns the delivery's future (Faust's ``topic.send``).
Send = Callable[[Outbound], Awaitable[Awaitable[Any]]]


class Undeliverable(RuntimeError):
    """A dead letter could not be delivered: the record has no answer, so its offset must not be acked."""


class Screener:
    def __init__(self, rt: Runtime, send: Send) -> None:
        self.rt = rt
        self.settings = rt.settings
        self.health = rt.screen_health
        self._send = send
        self._ctx: ScreeningContext | None = None  # the screening context of the latest batch

    async def answer(self, batch: Sequence[Inbound], stages: dict[str, float] | None = None) -> list[Outbound]:
        """Exactly one delivered record per message of ``batch``, in order (a record whose delivery was
        retried may have been delivered more than once, with the same ``alert_id``)."""
        if not self.rt.lists.ready:
            self.health.waiting_for_lists()
        ctx, fps = await self.rt.lists.current_view()
        self._ctx = ctx
        self.health.batch_started()
        await self._pull_shared_names(ctx)
        try:
            return await self._answer(batch, ctx, fps, stages)
        except Exception as exc:  # not transient (those are retried inside): a poison record or a fault
            log.exception("a batch of %d entries failed (%s); answering its records one by one", len(batch), exc)
            self.health.fell_back(exc)
            out: list[Outbound] = []
            for msg in batch:
                out.append(await self._answer_one(msg, ctx, fps))
            return out

    async def _answer(
        self, batch: Sequence[Inbound], ctx: ScreeningContext, fps: dict[str, str], stages: dict[str, float] | None
    ) -> list[Outbound]:
        screened: list[Screened] = []
        for i in range(0, len(batch), SLICE):
            screened.extend(screen_batch(list(batch[i : i + SLICE]), ctx, self.settings, stages))
            await asyncio.sleep(0)
        # Suppressions, supersedes and the audit trail: one Redis read and one write per batch; retried
        # while Redis is unreachable, so nothing is sent (or acked) unaudited.
        records = await audited_outputs(screened, fps, self.rt.audit, self.settings, self.health.retrying)
        sending = time.perf_counter()
        await self.deliver(records)
        if stages is not None:
            stages["send"] = stages.get("send", 0.0) + time.perf_counter() - sending
        return records

    async def _answer_one(self, msg: Inbound, ctx: ScreeningContext, fps: dict[str, str]) -> Outbound:
        try:
            [record] = await self._answer([msg], ctx, fps, None)
            return record
        except Exception as exc:
            log.exception("entry at %s[%d]@%d could not be answered; dead-lettered", msg.topic, msg.partition,
                          msg.offset)  # fmt: skip
            kind: ErrorKind = "delivery" if _is_delivery_error(exc) else "screening"
            what = "its decision could not be sent" if kind == "delivery" else "it could not be decided"
            rejected = Rejected(kind, "$", f"{what}: {type(exc).__name__}: {exc}")
            letter = dead_letter_outbound(msg, rejected, self.settings)
            try:
                await self.deliver([letter])
            except Exception as fatal:
                raise Undeliverable(
                    f"the dead letter of {msg.topic}[{msg.partition}]@{msg.offset} could not be sent: {fatal}"
                ) from fatal
            return letter

    async def deliver(self, records: Sequence[Outbound]) -> None:
        """Send every record and wait for every delivery; transient broker failures are retried (the
        whole set again: at-least-once, repeats carry the same ``alert_id``)."""

        async def once() -> None:
            pending = [await self._send(r) for r in records]
            await asyncio.gather(*pending)

        if records:
            await retry(once, what="sending decisions", cap_s=self.settings.redis_retry_max_s,
                        on_attempt_failed=self.health.retrying)  # fmt: skip

    def finished(self, records: list[Outbound], started: float, stages: dict[str, float],
                 produced_at: list[float | None]) -> None:  # fmt: skip
        """After the batch's events are acked: counts and metrics. Never raises: the records are answered."""
        self.health.batch_done()
        try:
            self.rt.count(records, stages=stages, started=started, produced_at=produced_at)
        except Exception:
            log.exception("counting a delivered batch failed")

    async def _pull_shared_names(self, ctx: ScreeningContext) -> None:
        # other workers' name searches for these lists, before this batch searches them again (optional)
        try:
            self.rt.metrics.shared_names.labels("adopted").inc(await self.rt.names.pull(ctx))
        except Exception:
            log.exception("adopting shared name results failed; searching alone")

    async def push_shared_names(self) -> None:
        """Share this batch's new name searches with other workers (optional: never raises)."""
        if self._ctx is None:
            return
        try:
            self.rt.metrics.shared_names.labels("published").inc(await self.rt.names.push(self._ctx))
        except Exception:
            log.exception("sharing name results failed")


def _is_delivery_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith(("aiokafka", "kafka", "faust"))
