"""A list version loaded while no worker runs is still retro-screened (real broker and Redis): the next
worker to start compares the live versions with the retro baseline in Redis and re-screens the stored
entries from there, taking over a lease left by a worker that died mid-scan; exactly one LIST_UPDATE per
entry, and a worker started afterwards sends nothing more."""

from __future__ import annotations

import dataclasses
import time
import uuid

import pytest

from entrywatch.listops import announce, list_event, redis_client
from screening.entities import Entity, EntityName, ListSnapshot
from screening.lists.loader import load_paths
from stores.keys import Keys
from stores.lists import live_versions, save_snapshot
from tests.conftest import LISTS
from tests.integration.conftest import Stack, collect
from tests.integration.test_contract import Reader, decisions_for, entry, produce, wait_decisions

pytestmark = pytest.mark.integration

LEASE_S = "4"  # the workers check every 2 s: a dead worker's lease is taken over quickly


def listed(run: str, key: str, name: str) -> Entity:
    return Entity(
        id=f"uflpa:{key}-{run}",
        source="uflpa",
        list_name="UFLPA Entity List",
        list_version="",
        entity_type="organization",
        names=(EntityName(name),),
        countries=("CN",),
    )


def load_uflpa(stack: Stack, version: str, *extra: Entity) -> None:
    """Save a UFLPA version (the bundled list plus ``extra``) and make it live, as `entrywatch lists load` does."""
    [uflpa] = [s for s in load_paths([str(LISTS / "uflpa")])[0] if s.source == "uflpa"]
    entities = tuple(dataclasses.replace(e, list_version=version) for e in (*uflpa.entities, *extra))
    r = redis_client(stack.settings)
    try:
        snap = ListSnapshot("uflpa", version, entities, uflpa.published, version)
        result = save_snapshot(r, snap, Keys(stack.settings.redis_key_prefix))
    finally:
        r.close()
    announce(stack.settings, [list_event(result)])


def baseline(stack: Stack) -> dict[str, str]:
    r = redis_client(stack.settings)
    try:
        raw = r.hgetall(Keys(stack.settings.redis_key_prefix).retro_baseline)
        return {k.decode(): v.decode() for k, v in raw.items()}
    finally:
        r.close()


def wait_baseline(stack: Stack, expected: dict[str, str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while baseline(stack) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert baseline(stack) == expected


def test_a_version_loaded_with_no_worker_running_is_retro_screened_once(fresh_stack: Stack) -> None:
    stack, run = fresh_stack, uuid.uuid4().hex[:8]
    first_name, second_name = f"Zanthor Polysilicon Works {run.upper()} Co., Ltd.", f"Quellmarsh Crystal {run} Ltd."
    numbers = {"first": f"OFF1-{run}", "second": f"OFF2-{run}", "other": f"OFF3-{run}"}
    r = redis_client(stack.settings)
    try:
        version_a = live_versions(r, Keys(stack.settings.redis_key_prefix))["uflpa"]
        all_live = live_versions(r, Keys(stack.settings.redis_key_prefix))
    finally:
        r.close()
    version_a = all_live["uflpa"]

    # Entries screened under version A by a worker, which records the first baseline (nothing to re-screen).
    reader = Reader(stack, "holds.v1", "cleared.v1")
    worker = stack.start_worker(ENTRYWATCH_RETRO_LEASE_S=LEASE_S)
    worker.wait_ready()
    produce(
        stack,
        entry(numbers["first"], 0, manufacturer=first_name),
        entry(numbers["second"], 0, manufacturer=second_name),
        entry(numbers["other"], 0, manufacturer=f"Lakeside Garden Furniture {run} Inc"),
    )
    cleared = {k: wait_decisions(reader, n, 1)[0] for k, n in numbers.items()}
    assert {d["decision"] for d in cleared.values()} == {"CLEAR"}
    wait_baseline(stack, all_live)
    worker.stop()

    # With no worker running: B lists the first entry's manufacturer, then C (superseding B) both.
    first, second = listed(run, "first", first_name), listed(run, "second", second_name)
    load_uflpa(stack, f"B-{run}", first)
    version_c = f"C-{run}"
    load_uflpa(stack, version_c, first, second)
    # ... and the worker that began scanning C died: its lease stands until it lapses.
    lock = Keys(stack.settings.redis_key_prefix).retro_lock("uflpa", version_c)
    r = redis_client(stack.settings)
    try:
        r.set(lock, "dead-worker")
        restarted = stack.start_worker(ENTRYWATCH_RETRO_LEASE_S=LEASE_S)
        restarted.wait_ready()
        reader.msgs.extend(collect(reader.consumer, lambda _m: False, timeout=4))
        assert [len(decisions_for(reader.msgs, n)) for n in numbers.values()] == [1, 1, 1]  # held elsewhere
        assert r.get(lock) == b"dead-worker"
        r.pexpire(lock, 500)  # the lease lapses
    finally:
        r.close()
    for key, entity in (("first", first), ("second", second)):
        [_cleared, update] = wait_decisions(reader, numbers[key], 2, timeout=120)
        assert update["decision"] == "HOLD" and update["supersedes"] == cleared[key]["alert_id"]
        assert update["list_versions"]["uflpa"] == version_c
        [reason] = update["reasons"]
        assert reason["code"] == "LIST_UPDATE" and reason["entity_id"] == entity.id
        trigger = {"source": "uflpa", "version": version_c, "previous_version": version_a}
        assert reason["evidence"]["list_update"] == trigger
    wait_baseline(stack, {**all_live, "uflpa": version_c})  # the retro job is done
    assert f"took over the retro-screen of uflpa {version_c}" in restarted.log.read_text()
    restarted.stop()

    # A worker started afterwards finds the baseline up to date: nothing more is sent.
    again = stack.start_worker(ENTRYWATCH_RETRO_LEASE_S=LEASE_S)
    again.wait_ready()
    reader.msgs.extend(collect(reader.consumer, lambda _m: False, timeout=8))
    reader.close()
    assert [len(decisions_for(reader.msgs, n)) for n in numbers.values()] == [2, 2, 1]
    assert "retro-screen {" not in again.log.read_text()
    assert baseline(stack) == {**all_live, "uflpa": version_c}
