"""The list watcher: every worker follows lists.v1 (outside the consumer group, so each worker sees
every event) and swaps in the new live versions from Redis (``streams.list_watch.refresh``). A periodic
check catches missed events and tries again after a fault."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import faust
from aiokafka import AIOKafkaConsumer

from streams import topics
from streams.list_watch import refresh
from streams.runtime import Runtime
from streams.security import aiokafka_security
from streams.settings import Settings

log = logging.getLogger(__name__)
RECHECK_S = 30.0
# How long the broker may hold a fetch of lists.v1 open with nothing new: events reach the worker within
# about this long (aiokafka's 500 ms default gave 30-175 ms on Tansu, 100 ms gave 7-51 ms). A few small
# fetches a second per worker on an idle topic.
FETCH_WAIT_MS = 100


class Announcements(Protocol):
    """What the watcher reads lists.v1 with (an ``AIOKafkaConsumer``)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def getmany(self, *, timeout_ms: int) -> Mapping[Any, Sequence[Any]]: ...


def announcements(s: Settings) -> AIOKafkaConsumer:
    """A consumer of lists.v1 from its end, outside any consumer group."""
    return AIOKafkaConsumer(
        s.topic(topics.LISTS),
        bootstrap_servers=s.kafka_bootstrap.split(","),
        group_id=None,
        auto_offset_reset="latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=FETCH_WAIT_MS,
        **aiokafka_security(s),
    )


async def watch(rt: Runtime, consumer: Announcements, recheck_s: float = RECHECK_S) -> None:
    """Load the lists, then reload on each announcement on lists.v1 and every ``recheck_s``."""
    await refresh(rt)
    await consumer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=int(recheck_s * 1000))
            events = [m for msgs in batch.values() for m in msgs]
            if events:
                waited = max(0.0, time.time() - min(m.timestamp for m in events) / 1000)
                log.info("list event(s) received: %d, the first %.3f s after it was produced", len(events), waited)
            started = time.monotonic()
            if await refresh(rt):
                log.info("lists swapped in %.3f s after the check began", time.monotonic() - started)
    finally:
        await consumer.stop()


def attach(app: faust.App, rt: Runtime) -> Any:
    @app.task
    async def list_watcher() -> None:
        await watch(rt, announcements(rt.settings))

    return list_watcher
