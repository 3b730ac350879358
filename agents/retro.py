"""The retro-screen task: a thin loop over ``streams.retro_worker.RetroWorker`` (which owns the jobs,
leases and reports), waking on each swap of the lists and every ``retro_lease_s / 2`` seconds; and the
hourly prune of stored entries past retention. LIST_UPDATE decisions go to holds.v1 / cleared.v1."""

from __future__ import annotations

from typing import Any

import faust

from agents.screen import raw_topic
from streams import topics
from streams.pipeline import Outbound
from streams.retro_worker import RetroWorker
from streams.runtime import Runtime

PRUNE_EVERY_S = 3600.0


def retro_worker(app: faust.App, rt: Runtime) -> RetroWorker:
    """The worker's retro-screens, sending their decisions through the app's topics."""
    s = rt.settings
    outputs = {s.topic(n): raw_topic(app, s.topic(n)) for n in (topics.HOLDS, topics.CLEARED)}

    async def send(record: Outbound) -> Any:
        return await outputs[record.topic].send(key=record.key, value=record.value)

    return RetroWorker(rt, send)


async def run(worker: RetroWorker) -> None:
    while True:
        await worker.next_turn()
        await worker.check()


def attach(app: faust.App, rt: Runtime) -> Any:
    worker = retro_worker(app, rt)

    @app.task
    async def retro_screen() -> None:
        await run(worker)

    @app.timer(PRUNE_EVERY_S)
    async def prune_entries() -> None:
        await worker.prune()

    return retro_screen
