"""The disposition agent: dispositions.v1 -> audit trail and suppressions in Redis. A record that is
not a valid disposition goes to the DLQ with its original bytes; a Redis failure is retried (not acked)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust

from agents.screen import raw_topic
from entrywatch.dispositions import apply_disposition, decode_disposition
from screening.disposition import DispositionError
from streams import topics
from streams.codecs import Rejected, dead_letter
from streams.contract import TRANSIENT
from streams.runtime import Runtime

log = logging.getLogger(__name__)


def attach(app: faust.App, rt: Runtime) -> Any:
    s = rt.settings
    source = raw_topic(app, s.topic(topics.DISPOSITIONS))
    dlq = raw_topic(app, s.topic(topics.DLQ))

    @app.agent(source, name="dispositions")
    async def dispositions(stream: Any) -> None:
        async for event in stream.events():
            msg = event.message
            try:
                d = decode_disposition(msg.value)
            except DispositionError as exc:
                letter = dead_letter(
                    msg.value,
                    msg.key,
                    Rejected("schema", exc.path, str(exc)),
                    msg.topic,
                    msg.partition,
                    msg.offset,
                )
                await (await dlq.send(key=msg.key or b"", value=letter))
                continue
            delay = 0.1
            while True:
                try:
                    applied = await apply_disposition(d, rt.audit, rt.lists.fingerprints)
                    break
                except TRANSIENT as exc:
                    log.warning("Redis unavailable for disposition %s (%s); retrying", d.disposition_id, exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, s.redis_retry_max_s)
            log.info("disposition %s %s: %d suppressed, %d lifted", d.disposition_id, d.outcome,
                     len(applied.suppressed), len(applied.lifted))  # fmt: skip

    return dispositions
