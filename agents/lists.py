"""The list watcher: every worker follows lists.v1 (outside the consumer group, so each worker sees
every event) and swaps in the new live versions from Redis. A periodic check catches missed events."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer

from streams import topics
from streams.runtime import Runtime
from streams.security import aiokafka_security

log = logging.getLogger(__name__)
RECHECK_S = 30.0
# How long the broker may hold a fetch of lists.v1 open with nothing new: events reach the worker within
# about this long (aiokafka's 500 ms default gave 30-175 ms on Tansu, 100 ms gave 7-51 ms). A few small
# fetches a second per worker on an idle topic.
FETCH_WAIT_MS = 100


def attach(app: faust.App, rt: Runtime) -> Any:
    s = rt.settings

    async def load_with_retry() -> bool:
        """Reload from Redis until it works; True if new lists were swapped in."""
        delay = 0.2
        while True:
            try:
                swapped = await rt.reload_lists()
                rt.lists.last_error = None
                return swapped
            except Exception as exc:  # Redis down: keep the lists in force, retry with backoff
                rt.lists.last_error = f"{type(exc).__name__}: {exc}"
                rt.metrics.list_reload_errors.inc()
                log.warning("cannot load lists from Redis (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    @app.task
    async def list_watcher() -> None:
        await load_with_retry()
        consumer = AIOKafkaConsumer(
            s.topic(topics.LISTS),
            bootstrap_servers=s.kafka_bootstrap.split(","),
            group_id=None,
            auto_offset_reset="latest",
            enable_auto_commit=False,
            fetch_max_wait_ms=FETCH_WAIT_MS,
            **aiokafka_security(s),
        )
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=int(RECHECK_S * 1000))
                events = [m for msgs in batch.values() for m in msgs]
                if events:
                    waited = max(0.0, time.time() - min(m.timestamp for m in events) / 1000)
                    log.info("list event(s) received: %d, the first %.3f s after it was produced", len(events), waited)
                started = time.monotonic()
                if await load_with_retry():
                    log.info("lists swapped in %.3f s after the check began", time.monotonic() - started)
        finally:
            await consumer.stop()

    return list_watcher
