"""The worker's own route for a batch of entry messages, without a broker: ``Screener.answer`` (decode,
screen, suppressions and the audit trail on Redis, encode, deliver) over a Runtime on fakeredis, with the
deliveries captured. Tests of the batch pipeline go through this, so they test what the worker runs."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import fakeredis

from screening.screen import ScreeningContext
from streams.pipeline import Inbound, Outbound
from streams.runtime import Runtime
from streams.screener import Screener
from streams.settings import Settings


class WorkerRoute:
    """One worker's runtime with ``ctx`` in force; ``sent`` holds every record delivered, in order."""

    def __init__(self, ctx: ScreeningContext, settings: Settings) -> None:
        self.rt = Runtime(settings, fakeredis.aioredis.FakeRedis(server=fakeredis.FakeServer()))
        self.rt.lists.swap(ctx)
        self.sent: list[Outbound] = []
        self.screener = Screener(self.rt, self._send)

    async def _send(self, record: Outbound) -> Any:
        self.sent.append(record)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def answer(self, batch: Sequence[Inbound], stages: dict[str, float] | None = None) -> list[Outbound]:
        return await self.screener.answer(batch, stages)


def answer(batch: Sequence[Inbound], ctx: ScreeningContext, settings: Settings) -> list[Outbound]:
    """``batch`` answered on a fresh worker route (its own event loop and Redis): for synchronous tests."""

    async def run() -> list[Outbound]:
        route = WorkerRoute(ctx, settings)
        try:
            out = await route.answer(batch)
            assert out == route.sent, "every answer is delivered, in order"
            return out
        finally:
            await route.rt.close()

    return asyncio.run(run())
