"""Faults on the real broker and Redis: nothing lost, nothing decided twice with different ids.

Each test runs its own stack (`fresh_stack`) because it kills or pauses processes."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from collections import defaultdict
from typing import Any

import pytest

from tests.integration.conftest import Stack, Worker, collect

pytestmark = pytest.mark.integration

NAMES = [
    ("Hoshine Silicon Industry (Shanshan) Co., Ltd", "CN"),
    ("Vardhman Textiles Limited", "IN"),
    ("Shenzhen Bright Circuit Technology Co., Ltd.", "CN"),
    ("Changji Esquel Textile Co. Ltd.", "CN"),
    ("Acme Home Furnishings Inc", "US"),
]


def entries(run: str, n: int, start: int = 0) -> list[tuple[bytes, bytes]]:
    out = []
    for i in range(start, start + n):
        name, country = NAMES[i % len(NAMES)]
        number = f"F{run}-{i:06d}"
        entry = {
            "entry_number": number,
            "parties": {
                "manufacturer": {"name": name, "address": {"country": country}},
                "consignee": {"name": "Lakeside Importers LLC", "address": {"country": "US"}},
            },
            "lines": [{"line_number": 1, "hts_code": "8541.43.0010", "description": "solar modules"}],
        }
        out.append((number.encode(), json.dumps(entry).encode()))
    return out


class Decisions:
    """Decisions read so far: entry number -> alert ids (one per delivery, repeats included)."""

    def __init__(self) -> None:
        self.ids: dict[str, list[str]] = defaultdict(list)

    def add(self, msgs: list[Any]) -> None:
        for m in msgs:
            record = json.loads(m.value())
            self.ids[record["entry_number"]].append(record["alert_id"])


def read_until(stack: Stack, consumer: Any, decided: Decisions, wanted: set[str], count: int, timeout: float) -> None:
    """Poll until at least ``count`` of ``wanted`` have a decision."""

    def enough(msgs: list[Any]) -> bool:
        decided.add(msgs)
        msgs.clear()
        return len(wanted & decided.ids.keys()) >= count

    collect(consumer, enough, timeout=timeout)


def assert_exactly_once_in_effect(decided: Decisions, wanted: set[str]) -> None:
    missing = wanted - decided.ids.keys()
    assert not missing, f"{len(missing)} entries never decided, e.g. {sorted(missing)[:5]}"
    for number in wanted:
        ids = decided.ids[number]
        assert len(set(ids)) == 1, f"{number}: repeats carry different alert ids {ids}"
    assert len({(n, decided.ids[n][0]) for n in wanted}) == len(wanted)


def test_worker_killed_mid_stream_loses_nothing(fresh_stack: Stack) -> None:
    run = uuid.uuid4().hex[:6]
    batch = entries(run, 1200)
    wanted = {k.decode() for k, _ in batch}
    consumer = fresh_stack.consumer("holds.v1", "cleared.v1")
    first = fresh_stack.start_worker()
    first.wait_ready()
    fresh_stack.produce(batch)
    decided = Decisions()
    read_until(fresh_stack, consumer, decided, wanted, 100, timeout=120)
    assert len(wanted & decided.ids.keys()) < len(wanted), "the worker finished before it could be killed"
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)
    second = fresh_stack.start_worker()
    second.wait_ready()
    read_until(fresh_stack, consumer, decided, wanted, len(wanted), timeout=240)
    consumer.close()
    assert_exactly_once_in_effect(decided, wanted)


def test_broker_paused_then_resumed(fresh_stack: Stack) -> None:
    run = uuid.uuid4().hex[:6]
    before, during = entries(run, 200), entries(run, 200, start=200)
    wanted = {k.decode() for k, _ in before + during}
    worker = fresh_stack.start_worker()
    worker.wait_ready()
    consumer = fresh_stack.consumer("holds.v1", "cleared.v1")
    fresh_stack.produce(before)
    decided = Decisions()
    read_until(fresh_stack, consumer, decided, {k.decode() for k, _ in before}, len(before), timeout=120)

    fresh_stack.broker.pause()
    producer_done = threading.Event()

    def produce_while_paused() -> None:
        p = fresh_stack.producer()
        for key, value in during:
            p.produce("entries.v1", key=key, value=value)
        p.flush(120)
        producer_done.set()

    t = threading.Thread(target=produce_while_paused, daemon=True)
    t.start()
    try:
        time.sleep(20)
    finally:
        fresh_stack.broker.resume()
    t.join(150)
    assert producer_done.is_set(), "the producer did not recover after the broker resumed"
    read_until(fresh_stack, consumer, decided, wanted, len(wanted), timeout=240)
    consumer.close()
    assert worker.proc.poll() is None, "the worker died while the broker was paused"
    assert_exactly_once_in_effect(decided, wanted)


def test_one_of_two_workers_stops_and_the_other_takes_over(fresh_stack: Stack) -> None:
    run = uuid.uuid4().hex[:6]
    batch = entries(run, 1000)
    wanted = {k.decode() for k, _ in batch}
    workers: list[Worker] = [fresh_stack.start_worker(), fresh_stack.start_worker()]
    for w in workers:
        w.wait_ready()
    consumer = fresh_stack.consumer("holds.v1", "cleared.v1")
    fresh_stack.produce(batch)
    decided = Decisions()
    read_until(fresh_stack, consumer, decided, wanted, 100, timeout=120)
    workers[1].stop()  # SIGTERM: a clean leave, its partitions move to the survivor
    read_until(fresh_stack, consumer, decided, wanted, len(wanted), timeout=240)
    consumer.close()
    assert_exactly_once_in_effect(decided, wanted)
    deadline = time.monotonic() + 60  # the survivor's assignment grows once the group has rebalanced
    while time.monotonic() < deadline:
        survivor = workers[0].ready()
        if survivor is not None and survivor["assigned_entry_partitions"] == fresh_stack.settings.partitions:
            break
        time.sleep(0.5)
    assert survivor is not None and survivor["assigned_entry_partitions"] == fresh_stack.settings.partitions


def test_redis_down_fails_closed_then_catches_up(fresh_stack: Stack) -> None:
    """With Redis gone the worker clears nothing unscreened: it sends no decision, reports itself not
    ready (redis_unreachable), retries with backoff, and catches up when Redis is back. Nothing lost."""
    run = uuid.uuid4().hex[:6]
    before, during = entries(run, 100), entries(run, 200, start=100)
    worker = fresh_stack.start_worker(ENTRYWATCH_SCREEN_STALL_AFTER_S="3")
    worker.wait_ready()
    consumer = fresh_stack.consumer("holds.v1", "cleared.v1")
    fresh_stack.produce(before)
    decided = Decisions()
    read_until(fresh_stack, consumer, decided, {k.decode() for k, _ in before}, len(before), timeout=120)

    fresh_stack.stop_redis()
    try:
        fresh_stack.produce(during)
        outage = Decisions()
        read_until(fresh_stack, consumer, outage, {k.decode() for k, _ in during}, 1, timeout=12)
        assert not outage.ids, f"decisions sent while Redis was down: {sorted(outage.ids)[:5]}"
        body = worker.ready(timeout=10)
        assert body is not None and body["status"] != "ready"
        assert "redis_unreachable" in body["problems"], body
        # the batch held while Redis is away is not being answered: the agent is named as stalled
        assert "screen_agent_stalled" in body["problems"], body
        assert body["screen_agent"]["retries"] > 0, body
        assert worker.proc.poll() is None, "the worker died while Redis was down"
    finally:
        fresh_stack.start_redis_again()

    wanted = {k.decode() for k, _ in before + during}
    read_until(fresh_stack, consumer, decided, wanted, len(wanted), timeout=240)
    consumer.close()
    assert_exactly_once_in_effect(decided, wanted)
    assert worker.wait_ready(timeout=60)["status"] == "ready"


def test_list_load_failing_half_way_under_load_keeps_the_live_version(
    stack: Stack, worker: Worker, list_snapshots: list[Any]
) -> None:
    """A load of a new OFAC SDN version dies part-way (the Redis connection drops after some chunks)
    while entries stream through: the live version stays, the worker keeps screening with it."""
    import dataclasses

    import redis as redis_lib

    from stores.keys import Keys
    from stores.lists import live_versions, save_snapshot

    class DroppingRedis(redis_lib.Redis):
        calls = 0

        def hset(self, *args: Any, **kwargs: Any) -> Any:
            DroppingRedis.calls += 1
            if DroppingRedis.calls == 5:
                raise redis_lib.ConnectionError("connection dropped mid-load")
            return super().hset(*args, **kwargs)

    sdn = next(s for s in list_snapshots if s.source == "ofac_sdn")
    r = DroppingRedis.from_url(stack.redis.address)
    before = live_versions(r, Keys())
    run = uuid.uuid4().hex[:6]
    batch = entries(run, 300)
    wanted = {k.decode() for k, _ in batch}
    consumer = stack.consumer("holds.v1", "cleared.v1")
    producing = threading.Thread(target=stack.produce, args=(batch,), daemon=True)
    producing.start()
    new = dataclasses.replace(sdn, version=f"{sdn.version}-reissued-{run}")
    with pytest.raises(redis_lib.ConnectionError):
        save_snapshot(r, new, Keys())
    assert DroppingRedis.calls == 5
    assert live_versions(r, Keys()) == before
    producing.join(60)
    decided: dict[str, dict[str, Any]] = {}

    def done(msgs: list[Any]) -> bool:
        for m in msgs:
            rec = json.loads(m.value())
            if rec["entry_number"] in wanted:
                decided[rec["entry_number"]] = rec
        msgs.clear()
        return len(decided) == len(wanted)

    collect(consumer, done, timeout=240)
    consumer.close()
    assert len(decided) == len(wanted)
    assert {d["list_versions"]["ofac_sdn"] for d in decided.values()} == {before["ofac_sdn"]}
    body = worker.ready()
    assert body is not None and body["list_versions"]["ofac_sdn"] == before["ofac_sdn"]
