"""The retro-screen (a task, not an agent, so Faust's test_context does not apply): its loop runs over
the lists and stored entries in Redis (fakeredis), its decisions recorded by the app's producer. A job
owed by a new version is claimed, run and finished; a fault in a scan gives the lease up at once, is
reported, and a later check runs the job."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from agents.retro import retro_worker, run
from agents.web import RETRO_SCREEN_FAILING, readiness
from stores.keys import Keys
from stores.lists import save_snapshot
from streams.retro_worker import RetroWorker
from tests.agents.conftest import Worker, eventually, snapshot

NEW_NAME = "Zanthor Polysilicon Works"
ENTRY = {"entry_number": "EW-R1", "parties": {"seller": {"name": NEW_NAME}}}
LOCK_B, LAST, BASELINE, HIST = (
    "ew:retro:lock:uflpa:B",
    "ew:retro:last:uflpa",
    "ew:retro:baseline",
    "ew:audit:hist:EW-R1",
)


@pytest.fixture()
def worker_settings() -> dict[str, Any]:
    return {"retro_lease_s": 2.0}  # a periodic check every second


A = snapshot("A", "Alpha Polysilicon Materials Co., Ltd.", "Gamma Quartz Mining Ltd.")
B = snapshot("B", "Alpha Polysilicon Materials Co., Ltd.", "Gamma Quartz Mining Ltd.", NEW_NAME)


@pytest.fixture()
async def retro(worker: Worker) -> AsyncIterator[RetroWorker]:
    """The retro-screen running; version A in force and its baseline recorded; ENTRY screened (CLEAR)."""
    service = retro_worker(worker.app, worker.rt)
    task = asyncio.create_task(run(service))
    save_snapshot(worker.redis, A, Keys())
    assert await worker.rt.reload_lists()  # as the list watcher does; the retro-screen hears of it
    await eventually(lambda: worker.redis.hget(BASELINE, "uflpa") == b"A")
    async with worker.app.agents["screen"].test_context() as agent:
        await agent.put(json.dumps(ENTRY).encode(), key=b"EW-R1")
        await eventually(lambda: len(worker.producer.to("cleared.v1")) == 1)
    yield service
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_new_version_is_owed_a_retro_screen_claimed_run_and_finished(
    worker: Worker, retro: RetroWorker
) -> None:
    rt, redis = worker.rt, worker.redis
    cleared = json.loads(worker.producer.to("cleared.v1")[0].value or b"")
    save_snapshot(redis, B, Keys())
    assert await rt.reload_lists()
    await eventually(lambda: redis.hget(BASELINE, "uflpa") == b"B")

    [sent] = worker.producer.to("holds.v1")
    update = json.loads(sent.value or b"")
    assert sent.key == b"EW-R1" and update["decision"] == "HOLD" and update["supersedes"] == cleared["alert_id"]
    [reason] = update["reasons"]
    assert (reason["code"], reason["entity_id"], reason["list_version"]) == ("LIST_UPDATE", "uflpa:e2", "B")
    assert reason["evidence"]["list_update"] == {"source": "uflpa", "version": "B", "previous_version": "A"}
    history, _dispositions, _raw = await rt.audit.entry("EW-R1")
    assert [h["decision"] for h in history] == ["CLEAR", "HOLD"]
    assert redis.exists(LOCK_B) == 0  # the lease is given up
    last = json.loads(redis.get(LAST) or b"")
    assert (last["version"], last["changed_entities"], last["scanned"], last["hits"], last["emitted"]) == (
        "B",
        1,
        1,
        1,
        1,
    )
    await asyncio.sleep(1.5)  # later checks owe nothing more
    assert len(worker.producer.to("holds.v1")) == 1
    assert rt.retro_health.faults == 0 and not rt.retro_health.failing and retro.pending == set()


async def test_a_fault_in_a_scan_gives_the_lease_up_is_reported_and_a_later_check_runs_the_job(
    worker: Worker, retro: RetroWorker
) -> None:
    rt, redis = worker.rt, worker.redis
    history = redis.lrange(HIST, 0, -1)
    redis.delete(HIST)
    redis.set(HIST, "not a list")  # the scan's read of the entry's history fails (WRONGTYPE): a fault
    save_snapshot(redis, B, Keys())
    assert await rt.reload_lists()
    await eventually(lambda: rt.retro_health.faults >= 1)
    assert "WRONGTYPE" in (rt.retro_health.last_error or "")
    assert redis.exists(LOCK_B) == 0  # given up at once, not held until it lapses
    assert redis.hget(BASELINE, "uflpa") == b"A" and worker.producer.to("holds.v1") == []
    ready = await readiness(worker.app, rt)
    assert RETRO_SCREEN_FAILING in ready["degraded"] and ready["loops"]["retro"]["faults"] >= 1
    assert b'entrywatch_loop_faults_total{loop="retro"}' in rt.metrics.exposition()

    redis.delete(HIST)
    redis.rpush(HIST, *history)  # put right: the next periodic check runs the job
    await eventually(lambda: redis.hget(BASELINE, "uflpa") == b"B")
    assert len(worker.producer.to("holds.v1")) == 1 and redis.exists(LOCK_B) == 0
    await eventually(lambda: not rt.retro_health.failing)  # once that check is through
    assert RETRO_SCREEN_FAILING not in (await readiness(worker.app, rt))["degraded"]
