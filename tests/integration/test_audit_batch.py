"""The batch path of the audit store (one Lua script call to read, one to write) leaves Redis exactly as
the per-command pipeline it replaced did, key for key, value for value and TTL for TTL, and every reader
returns the same; entries stored zlib-compressed at any level still read; a flushed script cache is
reloaded. On a real redis-server and on fakeredis (whose Lua the unit tests of finalize rely on)."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import fakeredis
import pytest
import redis.asyncio as aioredis

from entrywatch.embedded import Service, start_redis
from screening.entry import parse_entry
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import Suppression, fingerprints
from stores.audit import HISTORY_READ, AuditStore, AuditWrite, BatchState, batch_state, epoch
from stores.entries import EntryStore, compress
from streams.contract import Pending, finalize

pytestmark = pytest.mark.integration

NOW = 1_795_000_000.0  # a fixed "now" (2026-11) for both stores
HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"


async def reference_write_batch(audit: AuditStore, writes: Sequence[AuditWrite], now: float) -> None:
    """The write as a pipeline of one command per entry (the store's code before the Lua script)."""
    pipe = audit.r.pipeline(transaction=False)
    touched: set[str] = set()
    holds: dict[str, int] = {}
    stored: dict[str, bytes] = {}
    filed: dict[str, float] = {}
    for w in writes:
        rec = w.record
        number, alert = str(rec["entry_number"]), str(rec["alert_id"])
        blob = w.encoded if w.encoded is not None else json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
        if not w.repeat:
            pipe.rpush(audit.keys.hist(number), blob)
        touched.add(number)
        fps = json.dumps(w.fingerprints, ensure_ascii=False, separators=(",", ":"))
        pipe.set(audit.keys.alert(alert), '{"record":' + blob + ',"fingerprints":' + fps + "}", ex=audit.ttl)
        if rec["decision"] != "CLEAR":
            holds.setdefault(alert, int(epoch(str(rec["screened_at"]), now) * 1000))
        if w.entry_raw is not None:
            stored[number] = zlib.compress(w.entry_raw, 6)
            filed[number] = epoch(w.filed_at, now)
    if holds:
        pipe.zadd(audit.keys.holds, holds, nx=True)
    if stored:
        pipe.hset(audit.keys.entries_data, mapping=stored)
        pipe.zadd(audit.keys.entries_time, filed)
    for number in touched:
        pipe.expire(audit.keys.hist(number), audit.ttl)
    pipe.zremrangebyscore(audit.keys.holds, "-inf", int((now - audit.ttl) * 1000))
    await pipe.execute()


async def reference_read_batch(audit: AuditStore, numbers: Sequence[str], supp_keys: Sequence[str]) -> BatchState:
    """The read as a pipeline of one LRANGE per entry and an HMGET (the store's code before the script)."""
    numbers = sorted(set(numbers))
    pipe = audit.r.pipeline(transaction=False)
    for n in numbers:
        pipe.lrange(audit.keys.hist(n), -HISTORY_READ, -1)
    if supp_keys:
        pipe.hmget(audit.keys.supp, list(supp_keys))
    return batch_state(numbers, supp_keys, await pipe.execute())


async def snapshot(r: aioredis.Redis, prefix: str) -> dict[str, Any]:
    """Every key under the prefix (prefix cut off) -> (type, value, TTL in whole seconds)."""
    out: dict[str, Any] = {}
    async for raw_key in r.scan_iter(match=f"{prefix}:*", count=1000):
        key = raw_key.decode()
        kind = (await r.type(key)).decode()
        if kind == "list":
            value: Any = await r.lrange(key, 0, -1)
        elif kind == "string":
            value = await r.get(key)
        elif kind == "hash":
            blobs = await r.hgetall(key)
            value = {k: zlib.decompress(v) if key.endswith(":entries:data") else v for k, v in blobs.items()}
        else:
            value = await r.zrange(key, 0, -1, withscores=True)
        ttl = int(await r.ttl(key))
        # in whole hours: the two stores are written seconds apart (longer on a loaded machine), so a TTL
        # read in seconds, or rounded to tens of them, can differ by one at a boundary
        out[key.removeprefix(prefix)] = (kind, value, -1 if ttl < 0 else round(ttl / 3600))
    return out


@pytest.fixture(scope="module")
def redis_server() -> Iterator[Service]:
    service = start_redis()
    yield service
    service.stop()


@pytest.fixture(params=["redis-server", "fakeredis"])
async def client(request: pytest.FixtureRequest, redis_server: Service) -> AsyncIterator[aioredis.Redis]:
    if request.param == "fakeredis":
        r: aioredis.Redis = fakeredis.aioredis.FakeRedis()
    else:
        r = aioredis.Redis.from_url(redis_server.address)
    await r.flushdb()
    yield r
    await r.aclose()


class Recording(AuditStore):
    """Keeps every batch ``finalize`` writes, and writes it as the pipeline did (a fixed ``now``)."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.batches: list[list[AuditWrite]] = []

    async def write_batch(self, writes: Sequence[AuditWrite], now: float | None = None) -> None:
        self.batches.append(list(writes))
        await reference_write_batch(self, writes, NOW)


def pending(ctx: ScreeningContext, number: str, revision: int, maker: str, filed: str | None = None) -> Pending:
    raw: dict[str, Any] = {
        "entry_number": number,
        "entry_revision": revision,
        "parties": {"manufacturer": {"name": maker}},
    }
    if filed:
        raw["filed_at"] = filed
    entry = parse_entry(raw)
    return Pending(entry, screen_entry(entry, ctx), json.dumps(raw).encode())


def batches(ctx: ScreeningContext, demo: list[dict[str, Any]]) -> list[list[Pending]]:
    demo_items = []
    for e in demo:
        entry = parse_entry(e)
        demo_items.append(Pending(entry, screen_entry(entry, ctx), json.dumps(e).encode()))
    first = [
        pending(ctx, "E-1", 0, HOSHINE, "2026-11-20T08:00:00Z"),
        pending(ctx, "E-2", 0, "Acme Widgets Inc"),
        *demo_items,
    ]
    # an amendment, a late older revision (not stored), a redelivery, and one entry twice in a batch
    second = [
        pending(ctx, "E-1", 2, HOSHINE),
        pending(ctx, "E-1", 1, HOSHINE),
        first[1],
        pending(ctx, "E-3", 0, HOSHINE),
        pending(ctx, "E-3", 1, "Acme Widgets Inc"),
        Pending(first[0].entry, first[0].decision, None),
    ]
    return [first, second]


async def test_script_writes_what_the_pipeline_wrote(
    client: aioredis.Redis, skeleton_context: ScreeningContext, demo_entries: list[dict[str, Any]]
) -> None:
    fps = fingerprints(skeleton_context.index._entities)
    old = Recording(client, "old", retention_days=400)
    new = AuditStore(client, "new", retention_days=400)
    supp = {"acme|uflpa:x|fp": Suppression("d-1", "a-1", "r", "2026-11-20T00:00:00Z")}
    for store in (old, new):
        await store.record_disposition("E-2", "d-1", {"disposition_id": "d-1"}, supp, [])
    for items in batches(skeleton_context, demo_entries):
        await finalize(items, fps, old, screened_at="2026-11-22T10:00:00.000Z")
        await new.write_batch(old.batches[-1], now=NOW)
        # the reads of the next batch see the same
        numbers = [it.entry.entry_number for it in items] + ["E-unknown"]
        keys = ["acme|uflpa:x|fp", "missing|key|fp"]
        state = await new.read_batch(numbers, keys)
        assert state == await reference_read_batch(new, numbers, keys) == await reference_read_batch(old, numbers, keys)
        assert state.suppressions and any(state.histories.values())
    old_state, new_state = await snapshot(client, "old"), await snapshot(client, "new")
    assert old_state == new_state and len(new_state) > 10
    assert old_state[":audit:hist:E-1"][2] == 400 * 24  # the TTLs as set, not just equal

    alerts = [json.loads(v[1])["record"]["alert_id"] for k, v in new_state.items() if ":audit:alert:" in k]
    numbers = ["E-1", "E-2", "E-3", *(e["entry_number"] for e in demo_entries)]
    for n in numbers:
        assert await new.entry(n) == await old.entry(n)
    assert await new.holds_page(0, 0, 100) == await old.holds_page(0, 0, 100)
    assert await new.latest_records(numbers) == await old.latest_records(numbers)
    new_entries, old_entries = EntryStore(client, "new", 400), EntryStore(client, "old", 400)
    assert await new_entries.stored_entries(0, 0, 100) == await old_entries.stored_entries(0, 0, 100)
    assert await new.alert_fingerprints(alerts) == await old.alert_fingerprints(alerts)
    later = NOW + 401 * 86_400
    assert await new_entries.prune_entries(now=later) == await old_entries.prune_entries(now=later) > 0


async def test_large_batch_and_many_suppression_keys(client: aioredis.Redis) -> None:
    """More holds, stored entries and suppression keys than one Lua ``unpack`` takes."""
    writes = [
        AuditWrite(
            record={
                "entry_number": f"N-{i % 1500}",
                "alert_id": f"a-{i}",
                "decision": "HOLD" if i % 3 else "CLEAR",
                "screened_at": f"2026-11-22T10:00:{i % 60:02d}.000Z",
            },
            fingerprints={f"uflpa:{i}": "fp", 'sdn:é\u2028\x1f"/': "ü"} if i % 2 else {},
            repeat=i % 7 == 0,
            entry_raw=f'{{"entry_number":"N-{i % 1500}","i":{i}}}'.encode() if i % 5 else None,
            filed_at=None if i % 4 else "2026-11-01T00:00:00Z",
        )
        for i in range(2600)
    ]
    old, new = AuditStore(client, "old", retention_days=400), AuditStore(client, "new", retention_days=400)
    await reference_write_batch(old, writes, NOW)
    await new.write_batch(writes, now=NOW)
    assert await snapshot(client, "old") == await snapshot(client, "new")
    keys = [f"p{i}|e|fp" for i in range(2500)]
    await client.hset(
        new.keys.supp, mapping={k: json.dumps(Suppression("d", "a", "r", "t").to_json()) for k in keys[::3]}
    )
    state = await new.read_batch([f"N-{i}" for i in range(1500)], keys)
    assert state == await reference_read_batch(new, [f"N-{i}" for i in range(1500)], keys)
    assert sorted(state.suppressions) == sorted(keys[::3])
    assert sum(len(h) for h in state.histories.values()) == sum(not w.repeat for w in writes)


async def test_entries_stored_at_any_zlib_level_read(client: aioredis.Redis) -> None:
    audit = AuditStore(client, "lv", retention_days=400)
    raw = json.dumps({"entry_number": "Z-1", "lines": [{"description": "cotton yarn " * 20}]}).encode()
    for level in (1, 6, 9):
        await client.hset(audit.keys.entries_data, f"Z-{level}", zlib.compress(raw, level))
        await client.zadd(audit.keys.entries_time, {f"Z-{level}": time.time()})
        assert (await audit.entry(f"Z-{level}"))[2] == raw
    assert [b for _n, b in await EntryStore(client, "lv", 400).stored_entries(0, 0, 10)] == [raw] * 3
    assert zlib.decompress(compress(raw)) == raw


async def test_a_flushed_script_cache_is_reloaded(client: aioredis.Redis) -> None:
    audit = AuditStore(client, "fl", retention_days=1)
    write = AuditWrite(
        {"entry_number": "F-1", "alert_id": "f1", "decision": "HOLD", "screened_at": "2026-11-22T10:00:00Z"},
        {},
        False,
        b"{}",
        None,
    )
    await audit.write_batch([write])
    await client.script_flush()
    await audit.write_batch([AuditWrite({**write.record, "alert_id": "f2"}, {}, False, None)])
    await client.script_flush()
    state = await audit.read_batch(["F-1"], [])
    assert [h.alert_id for h in state.histories["F-1"]] == ["f1", "f2"]
