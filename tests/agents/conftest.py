"""What the agent tests share: the worker's app and runtime as ``entrywatch worker`` builds them, with
Redis in memory (fakeredis) and the app's producer replaced by one that records what the topics send
(no broker). Nothing in Faust is patched: the producer is set on this app through its own setter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import fakeredis
import fakeredis.aioredis
import faust
import pytest
from faust.transport.producer import Producer
from faust.types import TP, HeadersArg, RecordMetadata

from agents.app import create_app
from screening.entities import Entity, EntityName, ListSnapshot
from screening.lists.loader import load
from stores.keys import Keys
from stores.lists import save_snapshot
from streams.runtime import Runtime
from streams.settings import Settings


@dataclass(frozen=True)
class Sent:
    topic: str
    key: bytes | None
    value: bytes | None


class RecordingProducer(Producer):
    """A producer that acknowledges each record at once and keeps it in ``sent``; with ``refuse`` set, it
    refuses every record with that error instead (as the broker's client raises it)."""

    def __init__(self, app: faust.App) -> None:
        super().__init__(transport=app.producer_transport)
        self.sent: list[Sent] = []
        self.refuse: BaseException | None = None

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: HeadersArg | None,
        *,
        transactional_id: str | None = None,
    ) -> Awaitable[RecordMetadata]:
        if self.refuse is not None:
            raise self.refuse
        self.sent.append(Sent(topic, key, value))
        acked: asyncio.Future[RecordMetadata] = asyncio.get_running_loop().create_future()
        acked.set_result(RecordMetadata(topic, 0, TP(topic, 0), len(self.sent) - 1, timestamp, 0))
        return acked

    def to(self, topic: str) -> list[Sent]:
        return [s for s in self.sent if s.topic == topic]


@dataclass
class Worker:
    app: faust.App
    rt: Runtime
    producer: RecordingProducer
    redis: fakeredis.FakeRedis  # the same server as ``rt.redis``, for a test's own writes and reads


@pytest.fixture()
def worker_settings() -> dict[str, Any]:
    """Settings of the worker under test beyond the defaults (a test module may override this fixture)."""
    return {}


@pytest.fixture()
async def worker(tmp_path: Any, worker_settings: dict[str, Any]) -> AsyncIterator[Worker]:
    settings = Settings(
        kafka_bootstrap="127.0.0.1:1", web_port=0, data_dir=str(tmp_path / "faust"), batch_within_s=0.01,
        **worker_settings,
    )  # fmt: skip
    app, rt = create_app(settings)
    app.finalize()
    server = fakeredis.FakeServer()
    rt._redis = fakeredis.aioredis.FakeRedis(server=server)  # the one Redis client of the runtime
    producer = RecordingProducer(app)
    app.producer = producer
    yield Worker(app, rt, producer, fakeredis.FakeRedis(server=server))
    await producer.stop()
    await rt.close()


async def eventually(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Wait until ``condition()`` holds (the agents run as tasks beside the test)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the agent"
        await asyncio.sleep(0.01)


@pytest.fixture(scope="session")
def skeleton_snapshots(lists_dir: Any) -> list[ListSnapshot]:
    """The demo lists (UFLPA, CBP) as ``entrywatch lists load`` reads them."""
    return list(load([str(lists_dir / "uflpa"), str(lists_dir / "cbp")]).live)


async def load_lists(worker: Worker, snapshots: list[ListSnapshot]) -> None:
    """Load the lists into Redis and have the worker swap them in, as its list watcher does."""
    for snap in snapshots:
        save_snapshot(worker.redis, snap, Keys())
    assert await worker.rt.reload_lists()


def snapshot(version: str, *names: str) -> ListSnapshot:
    """A UFLPA list version of organisations with ``names`` (ids ``uflpa:e0``, ``uflpa:e1``, ... in order)."""
    ents = tuple(
        Entity(f"uflpa:e{i}", "uflpa", "UFLPA Entity List", version, "organization", (EntityName(n),))
        for i, n in enumerate(names)
    )
    return ListSnapshot("uflpa", version, ents, None, f"sum-{version}")
