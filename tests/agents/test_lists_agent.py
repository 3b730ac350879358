"""The list watcher (a task, not an agent: it reads lists.v1 outside the consumer group, so Faust's
test_context does not apply): its loop driven with announcements put on a queue, the lists in Redis
(fakeredis). An announcement swaps the new version in; Redis holding no list yet is waited out; a fault
while building is reported and tried again on the next turn, not in a loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from agents.lists import watch
from agents.web import LISTS_RELOAD_FAILING, readiness
from screening.entry import parse_entry
from screening.screen import screen_entry
from stores.keys import Keys
from stores.lists import save_snapshot
from tests.agents.conftest import Worker, eventually, snapshot


@dataclass(frozen=True)
class Announcement:
    timestamp: int  # ms, as on a Kafka record


class Announcements:
    """lists.v1 as the watcher reads it: ``getmany`` returns what was announced, or nothing at the timeout."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Announcement] = asyncio.Queue()
        self.started = self.stopped = False

    def announce(self) -> None:
        self.queue.put_nowait(Announcement(int(time.time() * 1000)))

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    async def getmany(self, *, timeout_ms: int) -> Mapping[Any, Sequence[Any]]:
        try:
            first = await asyncio.wait_for(self.queue.get(), timeout_ms / 1000)
        except TimeoutError:
            return {}
        return {"lists.v1": [first]}


A = snapshot("A", "Alpha Polysilicon Materials Co., Ltd.", "Gamma Quartz Mining Ltd.")
B = snapshot("B", "Alpha Polysilicon Materials Co., Ltd.", "Gamma Quartz Mining Ltd.", "Zanthor Polysilicon Works")


@pytest.fixture()
async def watching(worker: Worker) -> AsyncIterator[tuple[Worker, Announcements]]:
    lists_v1 = Announcements()
    task = asyncio.create_task(watch(worker.rt, lists_v1, recheck_s=60))
    yield worker, lists_v1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lists_v1.stopped


async def test_an_announcement_swaps_the_new_version_in(watching: tuple[Worker, Announcements]) -> None:
    worker, lists_v1 = watching
    rt = worker.rt
    # Redis holds no list yet: the watcher waits (retried with back-off), screening waits with it
    await eventually(lambda: rt.list_health.retries >= 1)
    assert not rt.lists.ready and not lists_v1.started
    assert "NoListsLoaded" in (rt.list_health.last_error or "")
    save_snapshot(worker.redis, A, Keys())
    await eventually(lambda: rt.lists.versions == {"uflpa": "A"} and not rt.list_health.failing)
    assert rt.list_health.faults == 0
    await eventually(lambda: lists_v1.started)

    save_snapshot(worker.redis, B, Keys())
    lists_v1.announce()
    await eventually(lambda: rt.lists.versions == {"uflpa": "B"})
    entry = parse_entry({"entry_number": "EW-L1", "parties": {"seller": {"name": "Zanthor Polysilicon Works"}}})
    decision = screen_entry(entry, await rt.lists.current())  # screened against the new version
    assert [(r.entity_id, r.list_version) for r in decision.reasons] == [("uflpa:e2", "B")]
    assert rt.metrics.list_reloads._value.get() == 2
    assert rt.list_health.faults == 0 and not rt.list_health.failing


async def test_a_fault_while_building_is_reported_and_not_retried_in_a_loop(
    watching: tuple[Worker, Announcements],
) -> None:
    worker, lists_v1 = watching
    rt = worker.rt
    save_snapshot(worker.redis, A, Keys())
    await eventually(lambda: rt.lists.versions == {"uflpa": "A"} and lists_v1.started)

    save_snapshot(worker.redis, B, Keys())
    worker.redis.hset(Keys().ents("uflpa", "B"), "uflpa:e2", b"not an entity record")  # bad data, not Redis away
    lists_v1.announce()
    await eventually(lambda: rt.list_health.faults == 1)
    await asyncio.sleep(1.0)  # the old loop retried within 0.2 s, and forever
    assert rt.list_health.faults == 1 and rt.list_health.retries == 0
    assert rt.metrics.list_reload_errors._value.get() == 1
    assert rt.lists.versions == {"uflpa": "A"}  # the lists in force stay
    ready = await readiness(worker.app, rt)
    assert LISTS_RELOAD_FAILING in ready["degraded"] and ready["lists_error"] == rt.list_health.last_error
    assert ready["loops"]["lists"] == {"failing": True, "retries": 0, "faults": 1, "last_error": ready["lists_error"]}
    assert b'entrywatch_loop_faults_total{loop="lists"} 1.0' in rt.metrics.exposition()

    # the next turn (here the announcement of a sound version) tries again
    save_snapshot(worker.redis, snapshot("B2", *(n.value for e in B.entities for n in e.names)), Keys())
    lists_v1.announce()
    await eventually(lambda: rt.lists.versions == {"uflpa": "B2"} and not rt.list_health.failing)
    assert rt.list_health.faults == 1
    assert LISTS_RELOAD_FAILING not in (await readiness(worker.app, rt))["degraded"]
