"""The screening agent: entries.v1 -> holds.v1 / cleared.v1, invalid input -> entries.dlq.v1."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import faust

from streams import topics
from streams.contract import audited_outputs
from streams.pipeline import Inbound, Outbound, Screened, screen_batch
from streams.runtime import Runtime

SLICE = 50  # entries screened between yields to the event loop


def raw_topic(app: faust.App, name: str) -> Any:
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")


def attach(app: faust.App, rt: Runtime) -> Any:
    s = rt.settings
    entries = raw_topic(app, s.topic(topics.ENTRIES))
    outputs = {name: raw_topic(app, s.topic(name)) for name in (topics.HOLDS, topics.CLEARED, topics.DLQ)}
    by_name = {s.topic(name): t for name, t in outputs.items()}

    async def send_all(records: list[Outbound]) -> None:
        # Wait for every delivery before the batch's offsets are acked: at-least-once, nothing lost.
        pending = [await by_name[r.topic].send(key=r.key, value=r.value) for r in records]
        await asyncio.gather(*pending)

    @app.agent(entries, name="screen")
    async def screen(stream: Any) -> None:
        # noack_take: we ack each event ourselves, only once its output is delivered. (take_events acks
        # the whole batch in a ``finally``, so a worker stopped mid-batch would commit unprocessed offsets.)
        async for events in stream.noack_take(s.batch_size, within=s.batch_within_s):
            started, stages = time.monotonic(), {"decode": 0.0, "screen": 0.0}  # metrics
            ctx, fps = await rt.lists.current_view()
            # other workers' name searches for these lists, before this batch searches them again
            rt.metrics.shared_names.labels("adopted").inc(await rt.names.pull(ctx))
            batch = [
                Inbound(e.message.key, e.message.value, e.message.topic, e.message.partition, e.message.offset)
                for e in events
            ]
            screened: list[Screened] = []
            for i in range(0, len(batch), SLICE):
                screened.extend(screen_batch(batch[i : i + SLICE], ctx, s, stages))
                await asyncio.sleep(0)
            # Suppressions, supersedes and the audit trail: one Redis read and one write per batch;
            # retried until Redis answers, so nothing is sent (or acked) unaudited.
            records = await audited_outputs(screened, fps, rt.audit, s)
            sending = time.perf_counter()
            await send_all(records)
            stages["send"] = time.perf_counter() - sending
            for event in events:
                await stream.ack(event)
            produced_at = [e.message.timestamp for e in events]
            rt.count(records, stages=stages, started=started, produced_at=produced_at)
            rt.metrics.shared_names.labels("published").inc(await rt.names.push(ctx))

    return screen
