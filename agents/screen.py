"""The screening agent: entries.v1 -> holds.v1 / cleared.v1, invalid input -> entries.dlq.v1.

A thin loop: take a batch, have ``streams.screener.Screener`` answer every message (a decision or a dead
letter, delivered), then ack the batch's events, so an offset is committed only once its record's answer
was acknowledged by the broker. If the loop ever ends with an exception (only when even a dead letter
cannot be delivered), the worker is stopped and the agent does not return: Faust would restart it, and
later acks would commit offsets past the records of the failed batch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust

from streams import topics
from streams.pipeline import Inbound, Outbound
from streams.runtime import Runtime
from streams.screener import Screener

log = logging.getLogger(__name__)


def raw_topic(app: faust.App, name: str) -> Any:
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")


def attach(app: faust.App, rt: Runtime) -> Any:
    s = rt.settings
    entries = raw_topic(app, s.topic(topics.ENTRIES))
    outputs = {name: raw_topic(app, s.topic(name)) for name in (topics.HOLDS, topics.CLEARED, topics.DLQ)}
    by_name = {s.topic(name): t for name, t in outputs.items()}

    async def send(record: Outbound) -> Any:
        return await by_name[record.topic].send(key=record.key, value=record.value)

    screener = Screener(rt, send)

    async def stop(exc: BaseException) -> None:
        rt.screen_health.crashed(exc)
        log.critical("the screening agent stopped on %s: %s; stopping the worker (nothing unanswered is acked)",
                     type(exc).__name__, exc, exc_info=exc)  # fmt: skip
        if rt.on_fatal is not None:
            rt.on_fatal(exc)
        # Never return: Faust would restart the agent, and its acks would commit past this batch's records.
        await asyncio.Event().wait()

    @app.agent(entries, name="screen")
    async def screen(stream: Any) -> None:
        try:
            await consume(stream)
        except Exception as exc:
            await stop(exc)

    async def consume(stream: Any) -> None:
        # noack_take: we ack each event ourselves, only once its answer is delivered. (take_events acks
        # the whole batch in a ``finally``, so a worker stopped mid-batch would commit unprocessed offsets.)
        async for events in stream.noack_take(s.batch_size, within=s.batch_within_s):
            started, stages = time.monotonic(), {"decode": 0.0, "screen": 0.0}
            batch = [
                Inbound(e.message.key, e.message.value, e.message.topic, e.message.partition, e.message.offset)
                for e in events
            ]
            records = await screener.answer(batch, stages)
            for event in events:
                await stream.ack(event)
            screener.finished(records, started, stages, [e.message.timestamp for e in events])
            await screener.push_shared_names()

    return screen
