"""The batch path of the audit store (one Lua script call to read, one to write), against its specification
(``stores.audit``, the key table of docs/architecture.md, ``supersedes`` and repeats in docs/contract.md):
after a known sequence of batches every key holds exactly the values, scores and TTL stated here, and every
reader returns exactly what is stated here; entries stored zlib-compressed at any level still read; a
flushed script cache is reloaded. On a real redis-server and on fakeredis (whose Lua the unit tests of
finalize rely on)."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
import redis.asyncio as aioredis

from entrywatch.embedded import Service, start_redis
from screening.entry import parse_entry
from screening.history import HistoryItem
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import Suppression, fingerprints
from stores.audit import HISTORY_READ, AuditStore, AuditWrite, BatchState
from stores.entries import EntryStore, compress
from streams.contract import Pending, finalize

pytestmark = pytest.mark.integration

DAYS = 400  # the retention period of every store here
TTL_S = DAYS * 86_400
TTL_H = DAYS * 24  # the audit keys' TTL, in whole hours
NO_TTL = -1
HOSHINE = "Hoshine Silicon Industry (Shanshan) Co., Ltd"  # a HOLD: a UFLPA entity, also named by a CBP WRO
HOSHINE_ENTITIES = ("uflpa:hoshine-silicon-industry-shanshan-co-ltd", "cbp_wro:hoshine-silicon-industry-co-ltd")
ACME = "Acme Widgets Inc"  # a CLEAR: no listed entity
SUPP_KEY = "acme|uflpa:x|fp"
SUPPRESSION = Suppression("d-1", "a-1", "r", "2026-11-20T00:00:00Z")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


NOW = at(22, 12).timestamp()  # the clock of every write here: a stored entry without filed_at is scored by it
B1, B2 = "2026-11-22T10:00:00.000Z", "2026-11-22T11:00:00.000Z"  # screened_at of the two batches
B1_MS, B2_MS = int(at(22, 10).timestamp() * 1000), int(at(22, 11).timestamp() * 1000)
E1_FILED, E1_AMENDED = "2026-11-20T08:00:00Z", "2026-11-21T08:00:00Z"

Item = tuple[str, int, str, str | None]  # entry number, revision, manufacturer, filed_at

# (screened_at, the batch's entries in order)
BATCHES: tuple[tuple[str, tuple[Item, ...]], ...] = (
    (
        B1,
        (
            ("E-1", 0, HOSHINE, E1_FILED),  # first filing: HOLD
            ("E-2", 0, ACME, None),  # first filing: CLEAR, no filed_at
        ),
    ),
    (
        B2,
        (
            ("E-1", 2, HOSHINE, E1_AMENDED),  # an amendment: supersedes revision 0, stored
            ("E-1", 1, HOSHINE, None),  # a late older revision: supersedes nothing, not stored
            ("E-2", 0, ACME, None),  # a redelivery: no second history item; stored again (same revision)
            ("E-3", 0, HOSHINE, None),  # one entry twice in a batch: a HOLD ...
            ("E-3", 1, ACME, None),  # ... then a CLEAR superseding it, stored (the last write wins)
            ("E-1", 0, HOSHINE, E1_FILED),  # a redelivery of a revision older than the one stored: not stored
        ),
    ),
)

# Each history after both batches, oldest first: (entry number, revision) of each decision, and what it supersedes.
HISTORIES: dict[str, list[tuple[tuple[str, int], tuple[str, int] | None]]] = {
    "E-1": [(("E-1", 0), None), (("E-1", 2), ("E-1", 0)), (("E-1", 1), None)],
    "E-2": [(("E-2", 0), None)],
    "E-3": [(("E-3", 0), None), (("E-3", 1), ("E-3", 0))],
}


def entry_json(number: str, revision: int, maker: str, filed: str | None) -> bytes:
    raw: dict[str, Any] = {
        "entry_number": number,
        "entry_revision": revision,
        "parties": {"manufacturer": {"name": maker}},
    }
    if filed:
        raw["filed_at"] = filed
    return json.dumps(raw).encode()


def pending(ctx: ScreeningContext, item: Item) -> Pending:
    raw = entry_json(*item)
    entry = parse_entry(json.loads(raw))
    return Pending(entry, screen_entry(entry, ctx), raw)


class FixedClock(AuditStore):
    """The audit store writing at ``self.now`` (``finalize`` passes no clock)."""

    now = NOW

    async def write_batch(self, writes: Sequence[AuditWrite], now: float | None = None) -> None:
        await super().write_batch(writes, now=self.now)


async def snapshot(r: aioredis.Redis, prefix: str) -> dict[str, tuple[str, Any, int]]:
    """Every key under the prefix (prefix cut off) -> (type, value, TTL in whole hours or -1). Values read
    back: a list as its texts; a string, and a hash's values, as JSON (the stored entries decompressed); a
    zset as member -> score."""
    out: dict[str, tuple[str, Any, int]] = {}
    async for raw_key in r.scan_iter(match=f"{prefix}:*", count=1000):
        key = raw_key.decode()
        kind = (await r.type(key)).decode()
        value: Any
        if kind == "list":
            value = [v.decode() for v in await r.lrange(key, 0, -1)]
        elif kind == "string":
            value = json.loads(await r.get(key))
        elif kind == "hash":
            found = await r.hgetall(key)
            if key.endswith(":entries:data"):
                value = {k.decode(): zlib.decompress(v) for k, v in found.items()}
            else:
                value = {k.decode(): json.loads(v) for k, v in found.items()}
        else:
            value = {m.decode(): s for m, s in await r.zrange(key, 0, -1, withscores=True)}
        ttl = int(await r.ttl(key))
        # in whole hours: a TTL read seconds after it was set (longer on a loaded machine) is a few seconds short
        out[key.removeprefix(prefix)] = (kind, value, NO_TTL if ttl < 0 else round(ttl / 3600))
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


async def test_batches_leave_the_specified_state(client: aioredis.Redis, skeleton_context: ScreeningContext) -> None:
    fps = fingerprints(skeleton_context.index._entities)
    audit = FixedClock(client, "au", retention_days=DAYS)
    await audit.record_disposition("E-2", "d-1", {"disposition_id": "d-1"}, {SUPP_KEY: SUPPRESSION}, [])
    sent: dict[tuple[str, int], list[str]] = {}  # (entry number, revision) -> each delivery's record as sent
    reads: list[BatchState] = []
    for screened_at, batch in BATCHES:
        done = await finalize([pending(skeleton_context, it) for it in batch], fps, audit, screened_at=screened_at)
        for p, _record, encoded in done:
            sent.setdefault((p.entry.entry_number, p.entry.entry_revision), []).append(encoded)
        reads.append(await audit.read_batch(["E-1", "E-2", "E-3", "E-1", "E-unknown"], [SUPP_KEY, "missing|k|fp"]))

    def record(key: tuple[str, int], delivery: int = 0) -> dict[str, Any]:
        return dict(json.loads(sent[key][delivery]))

    def aid(key: tuple[str, int]) -> str:
        return str(record(key)["alert_id"])

    # the scenario as screened: a redelivery has the same record but for screened_at (docs/contract.md)
    decisions = {key: record(key)["decision"] for key in sent}
    assert decisions == {
        ("E-1", 0): "HOLD",
        ("E-2", 0): "CLEAR",
        ("E-1", 2): "HOLD",
        ("E-1", 1): "HOLD",
        ("E-3", 0): "HOLD",
        ("E-3", 1): "CLEAR",
    }
    assert {key: len(deliveries) for key, deliveries in sent.items() if len(deliveries) > 1} == {
        ("E-1", 0): 2,
        ("E-2", 0): 2,
    }
    for key in (("E-1", 0), ("E-2", 0)):
        assert record(key, 1) == {**record(key), "screened_at": B2}
    assert len({aid(key) for key in sent}) == 6

    # the histories in Redis: each decision once (the first delivery's record as sent), in order, with supersedes
    for number, expected in HISTORIES.items():
        stored = [json.loads(x) for x in await client.lrange(audit.keys.hist(number), 0, -1)]
        assert [(h["entry_revision"], h.get("supersedes")) for h in stored] == [
            (key[1], aid(sup) if sup else None) for key, sup in expected
        ]

    # every key, its value and TTL
    hoshine = {e: fps[e] for e in HOSHINE_ENTITIES}
    assert all(hoshine.values())

    def alert(key: tuple[str, int], fingerprints: dict[str, str]) -> tuple[str, tuple[str, Any, int]]:
        # the latest delivery of the alert: a redelivery's record (its later screened_at) replaces the first's
        return f":audit:alert:{aid(key)}", ("string", {"record": record(key, -1), "fingerprints": fingerprints}, TTL_H)

    expected_state = {
        **{f":audit:hist:{n}": ("list", [sent[key][0] for key, _sup in hist], TTL_H) for n, hist in HISTORIES.items()},
        **dict(alert(key, hoshine) for key in (("E-1", 0), ("E-1", 2), ("E-1", 1), ("E-3", 0))),
        **dict(alert(key, {}) for key in (("E-2", 0), ("E-3", 1))),
        ":audit:disp:E-2": ("hash", {"d-1": {"disposition_id": "d-1"}}, TTL_H),
        # HOLDs only, each scored by its first screened_at (the redelivered E-1 rev 0 keeps batch 1's)
        ":audit:holds": (
            "zset",
            {aid(("E-1", 0)): B1_MS, aid(("E-1", 2)): B2_MS, aid(("E-1", 1)): B2_MS, aid(("E-3", 0)): B2_MS},
            NO_TTL,
        ),
        ":supp": ("hash", {SUPP_KEY: SUPPRESSION.to_json()}, NO_TTL),
        ":entries:data": (
            "hash",
            {
                "E-1": entry_json("E-1", 2, HOSHINE, E1_AMENDED),
                "E-2": entry_json("E-2", 0, ACME, None),
                "E-3": entry_json("E-3", 1, ACME, None),
            },
            NO_TTL,
        ),
        ":entries:time": ("zset", {"E-1": at(21, 8).timestamp(), "E-2": NOW, "E-3": NOW}, NO_TTL),
    }
    assert await snapshot(client, "au") == expected_state

    # the reads of each batch's round trip (an entry asked twice is read once; an unknown one has no history)
    def history_items(number: str, upto: int | None = None) -> list[HistoryItem]:
        return [
            HistoryItem(aid(key), key[1], decisions[key], aid(sup) if sup else None)
            for key, sup in HISTORIES[number][:upto]
        ]

    found = {SUPP_KEY: SUPPRESSION}
    assert reads == [
        BatchState({"E-1": history_items("E-1", 1), "E-2": history_items("E-2"), "E-3": [], "E-unknown": []}, found),
        BatchState(
            {"E-1": history_items("E-1"), "E-2": history_items("E-2"), "E-3": history_items("E-3"), "E-unknown": []},
            found,
        ),
    ]

    # the readers of the API and the CLI
    history_records = {n: [record(key) for key, _sup in hist] for n, hist in HISTORIES.items()}
    assert await audit.entry("E-1") == (history_records["E-1"], [], entry_json("E-1", 2, HOSHINE, E1_AMENDED))
    assert await audit.entry("E-2") == (
        history_records["E-2"],
        [{"disposition_id": "d-1"}],
        entry_json("E-2", 0, ACME, None),
    )
    assert await audit.entry("E-unknown") == ([], [], None)
    assert await audit.latest_records(["E-1", "E-2", "E-3", "E-unknown"]) == {
        "E-1": record(("E-1", 1)),  # the last record pushed: the late revision 1
        "E-2": record(("E-2", 0)),
        "E-3": record(("E-3", 1)),
    }
    same_time = sorted([("E-1", 2), ("E-1", 1), ("E-3", 0)], key=aid)  # equal scores: by member
    assert await audit.holds_page(0, 0, 100) == [
        (record(("E-1", 0), -1), B1_MS),
        *((record(key), B2_MS) for key in same_time),
    ]
    assert await audit.holds_page(B2_MS, 1, 100) == [(record(key), B2_MS) for key in same_time[1:]]
    assert await audit.alert_fingerprints([aid(("E-1", 0)), aid(("E-2", 0)), "ew-missing"]) == {
        aid(("E-1", 0)): hoshine,
        aid(("E-2", 0)): {},
    }
    entries = EntryStore(client, "au", DAYS)
    assert await entries.stored_entries(0, 0, 100) == [
        ("E-1", entry_json("E-1", 2, HOSHINE, E1_AMENDED)),
        ("E-2", entry_json("E-2", 0, ACME, None)),
        ("E-3", entry_json("E-3", 1, ACME, None)),
    ]

    # past the retention period: E-1 (filed the 21st) first, then the two first seen at NOW
    assert await entries.prune_entries(now=at(21, 9).timestamp() + TTL_S) == 1
    assert [n for n, _b in await entries.stored_entries(0, 0, 100)] == ["E-2", "E-3"]
    assert await entries.prune_entries(now=NOW + TTL_S + 1) == 2
    assert await client.exists(audit.keys.entries_data, audit.keys.entries_time) == 0

    # a write past the retention period of batch 1's hold (not batch 2's) drops it from the holds index
    later = AuditWrite({"entry_number": "E-9", "alert_id": "e9", "decision": "CLEAR", "screened_at": B2}, {}, False)
    audit.now = at(22, 10, 30).timestamp() + TTL_S
    await audit.write_batch([later])
    assert await client.zrange(audit.keys.holds, 0, -1) == [aid(key).encode() for key in same_time]


# The large batch: write i is entry N-(i % 1500) (entries 0..1099 written twice, the rest once), a HOLD unless
# i % 3 == 0, a repeat (not appended) when i % 7 == 0, with its entry to store unless i % 5 == 0, filed on
# 2026-11-01 when i % 4 == 0 (else first seen at NOW), screened at 10:00:(i % 60).
WRITES, ENTRIES = 2600, 1500


def large_write(i: int) -> AuditWrite:
    return AuditWrite(
        record={
            "entry_number": f"N-{i % ENTRIES}",
            "alert_id": f"a-{i}",
            "decision": "HOLD" if i % 3 else "CLEAR",
            "screened_at": f"2026-11-22T10:00:{i % 60:02d}.000Z",
        },
        fingerprints={f"uflpa:{i}": "fp", 'sdn:é\u2028\x1f"/': "ü"} if i % 2 else {},
        repeat=i % 7 == 0,
        entry_raw=f'{{"entry_number":"N-{i % ENTRIES}","i":{i}}}'.encode() if i % 5 else None,
        filed_at=None if i % 4 else "2026-11-01T00:00:00Z",
    )


def writes_of(k: int) -> list[int]:
    """The writes of entry N-k, in batch order."""
    return [i for i in (k, k + ENTRIES) if i < WRITES]


async def test_large_batch_and_many_suppression_keys(client: aioredis.Redis) -> None:
    """More holds, stored entries and suppression keys than one Lua ``unpack`` takes."""
    writes = [large_write(i) for i in range(WRITES)]
    audit = AuditStore(client, "lg", retention_days=DAYS)
    await audit.write_batch(writes, now=NOW)

    pipe = client.pipeline(transaction=False)
    for k in range(ENTRIES):
        pipe.lrange(audit.keys.hist(f"N-{k}"), 0, -1)
    histories = [[json.loads(x) for x in found] for found in await pipe.execute()]
    appended = {k: [i for i in writes_of(k) if i % 7] for k in range(ENTRIES)}
    assert {k: [h["alert_id"] for h in hist] for k, hist in enumerate(histories)} == {
        k: [f"a-{i}" for i in appended[k]] for k in range(ENTRIES)
    }
    assert sum(map(len, histories)) == WRITES - len(range(0, WRITES, 7)) == 2228
    assert histories[1] == [large_write(1).record, large_write(1501).record]
    assert histories[0] == [large_write(1500).record]  # write 0 a repeat
    assert histories[1400] == [] and histories[1401] == [large_write(1401).record]  # written once

    alerts = await client.mget([audit.keys.alert(f"a-{i}") for i in range(WRITES)])
    assert [json.loads(a) for a in alerts] == [{"record": w.record, "fingerprints": w.fingerprints} for w in writes]
    assert json.loads(alerts[1])["fingerprints"] == {"uflpa:1": "fp", 'sdn:é\u2028\x1f"/': "ü"}

    holds = dict(await client.zrange(audit.keys.holds, 0, -1, withscores=True))
    assert len(holds) == WRITES - len(range(0, WRITES, 3)) == 1733
    assert holds == {f"a-{i}".encode(): B1_MS + i % 60 * 1000 for i in range(WRITES) if i % 3}

    last_stored = {
        k: [i for i in writes_of(k) if i % 5][-1] for k in range(ENTRIES) if any(i % 5 for i in writes_of(k))
    }
    # an entry is written at k and k + 1500 only (1500 % 5 == 0): the 300 entries with k % 5 == 0 store nothing
    assert len(last_stored) == ENTRIES - 300
    data = await client.hgetall(audit.keys.entries_data)
    assert {n.decode(): zlib.decompress(b) for n, b in data.items()} == {
        f"N-{k}": f'{{"entry_number":"N-{k}","i":{i}}}'.encode() for k, i in last_stored.items()
    }
    times = dict(await client.zrange(audit.keys.entries_time, 0, -1, withscores=True))
    nov_1 = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
    assert times == {f"N-{k}".encode(): nov_1 if i % 4 == 0 else NOW for k, i in last_stored.items()}
    assert zlib.decompress(data[b"N-1"]) == b'{"entry_number":"N-1","i":1501}'  # the last write of N-1 wins
    assert times[b"N-1"] == NOW and times[b"N-4"] == nov_1

    for key in (audit.keys.hist("N-1"), audit.keys.hist("N-1499"), audit.keys.alert("a-0"), audit.keys.alert("a-2599")):
        assert round(await client.ttl(key) / 3600) == TTL_H
    assert await client.exists(audit.keys.hist("N-1400")) == 0

    keys = [f"p{i}|e|fp" for i in range(2500)]
    await client.hset(audit.keys.supp, mapping={k: json.dumps(SUPPRESSION.to_json()) for k in keys[::3]})
    state = await audit.read_batch([f"N-{k}" for k in range(ENTRIES)], keys)
    assert state.suppressions == {k: SUPPRESSION for k in keys[::3]} and len(state.suppressions) == 834
    assert state.histories == {
        f"N-{k}": [HistoryItem(f"a-{i}", 0, "HOLD" if i % 3 else "CLEAR") for i in appended[k]] for k in range(ENTRIES)
    }


@pytest.mark.parametrize("length", [0, 1, HISTORY_READ, HISTORY_READ + 5])
async def test_the_read_returns_the_last_decisions_of_a_history(client: aioredis.Redis, length: int) -> None:
    audit = AuditStore(client, "hr", retention_days=1)
    writes = [
        AuditWrite({"entry_number": "H-1", "alert_id": f"h{i}", "decision": "CLEAR", "screened_at": B1}, {}, False)
        for i in range(length)
    ]
    await audit.write_batch(writes, now=NOW)
    state = await audit.read_batch(["H-1"], [])
    assert state == BatchState(
        {"H-1": [HistoryItem(f"h{i}", 0, "CLEAR") for i in range(max(0, length - HISTORY_READ), length)]}, {}
    )
    assert len((await audit.entry("H-1"))[0]) == length  # the whole history is kept


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
