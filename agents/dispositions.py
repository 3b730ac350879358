"""The disposition agent: dispositions.v1 -> audit trail and suppressions in Redis. A record that is
not a valid disposition goes to the DLQ with its original bytes; a Redis failure is retried (not acked)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable
from typing import Any

import faust

from agents.screen import raw_topic
from streams import errors, topics
from streams.codecs import Rejected
from streams.dispositions import apply_disposition, decode_disposition
from streams.pipeline import Inbound, dead_letter_outbound
from streams.runtime import Runtime

log = logging.getLogger(__name__)


def attach(app: faust.App, rt: Runtime) -> Any:
    s = rt.settings
    source = raw_topic(app, s.topic(topics.DISPOSITIONS))
    dlq = raw_topic(app, s.topic(topics.DLQ))

    async def dead_letter(msg: Any, rejected: Rejected) -> None:
        letter = dead_letter_outbound(Inbound(msg.key, msg.value, msg.topic, msg.partition, msg.offset), rejected, s)
        await errors.retry(
            lambda: _delivered(dlq.send(key=letter.key, value=letter.value)),
            what="sending a disposition's dead letter",
            cap_s=s.redis_retry_max_s,
        )

    @app.agent(source, name="dispositions")
    async def dispositions(stream: Any) -> None:
        async for event in stream.events():
            msg = event.message
            d = decode_disposition(msg.value)
            if isinstance(d, Rejected):
                await dead_letter(msg, d)
                continue
            try:
                applied = await errors.retry(
                    functools.partial(apply_disposition, d, rt.audit, rt.lists.fingerprints),
                    what=f"recording disposition {d.disposition_id} in Redis",
                    cap_s=s.redis_retry_max_s,
                )
            except Exception as exc:  # a fault, not Redis being away: answer the record, do not lose it
                log.exception("disposition %s could not be applied; dead-lettered", d.disposition_id)
                await dead_letter(msg, Rejected("screening", "$", f"could not be applied: {type(exc).__name__}: {exc}"))
                continue
            log.info("disposition %s %s: %d suppressed, %d lifted", d.disposition_id, d.outcome,
                     len(applied.suppressed), len(applied.lifted))  # fmt: skip

    return dispositions


async def _delivered(sending: Awaitable[Awaitable[Any]]) -> Any:
    return await (await sending)
