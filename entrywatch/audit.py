"""The audit trail, suppressions and stored entries in Redis (async, for the worker and the CLI).

Key layout (prefix ``ew`` by default; every audit key expires after ``audit_retention_days``):
  {p}:audit:hist:{entry_number}   LIST: the entry's decision records (JSON, with ``supersedes``), oldest first
  {p}:audit:alert:{alert_id}      STRING: {"record": decision JSON, "fingerprints": {entity id: fingerprint}}
  {p}:audit:disp:{entry_number}   HASH: disposition id -> disposition JSON
  {p}:audit:holds                 ZSET: alert id of every HOLD/REVIEW, scored by first screened time (ms);
                                  with the histories and dispositions, the review queue (``open_items``)
  {p}:supp                        HASH: suppression key -> Suppression JSON (see screening.suppression)
  {p}:entries:data                HASH: entry number -> zlib-compressed original entry JSON (latest revision)
  {p}:entries:time                ZSET: entry number, scored by filed_at (or first seen) in epoch seconds
  {p}:retro:lock:{source}:{ver}   STRING: lease (SET NX PX, renewed while scanning) of the one worker that
                                  retro-screens that list version; its value is that worker's token
  {p}:retro:baseline              HASH: source -> the retro baseline, the version the stored entries were
                                  last re-screened against (set at the first load, moved when a retro-screen
                                  of the version then live finishes); a source whose live version differs
                                  owes a retro-screen from it, whether or not a worker was running at the load
  {p}:retro:fps:{source}:{ver}    HASH: entity id -> fingerprint of the baseline version's entities (kept
                                  while it is the baseline: the store prunes old versions' entities)

A batch of the screening agent costs two round trips, each one Lua script call (EVALSHA, reloaded by
redis-py if the server's script cache was flushed): one read (histories and suppressions of the whole
batch), one write (audit records, stored entries). Nothing here is called per entry. A script runs
atomically: Redis serves no other client meanwhile (~20 us of its CPU per entry, so ~10 ms for a batch
of 500). The scripts name every key they touch in KEYS but build no key themselves; they target one
Redis, not a Redis Cluster (the keys of a batch hash to many slots).
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import orjson
import redis.asyncio as aioredis
from redis.exceptions import WatchError

from entrywatch.store import Keys as ListKeys
from screening.history import HistoryItem
from screening.queue import OpenItem, open_item
from screening.suppression import Suppression

HISTORY_READ = 100  # most recent decisions of an entry read to place a new one
DAY = 86_400


@dataclass(frozen=True, slots=True)
class AuditKeys:
    prefix: str = "ew"

    def hist(self, entry_number: str) -> str:
        return f"{self.prefix}:audit:hist:{entry_number}"

    def alert(self, alert_id: str) -> str:
        return f"{self.prefix}:audit:alert:{alert_id}"

    def disp(self, entry_number: str) -> str:
        return f"{self.prefix}:audit:disp:{entry_number}"

    @property
    def holds(self) -> str:
        return f"{self.prefix}:audit:holds"

    @property
    def supp(self) -> str:
        return f"{self.prefix}:supp"

    @property
    def entries_data(self) -> str:
        return f"{self.prefix}:entries:data"

    @property
    def entries_time(self) -> str:
        return f"{self.prefix}:entries:time"

    def retro_lock(self, source: str, version: str) -> str:
        return f"{self.prefix}:retro:lock:{source}:{version}"

    @property
    def retro_baseline(self) -> str:
        return f"{self.prefix}:retro:baseline"

    def retro_fps(self, source: str, version: str) -> str:
        return f"{self.prefix}:retro:fps:{source}:{version}"


def compact_json(value: Any) -> bytes:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` as UTF-8, written by orjson (C)
    unless it refuses the value."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def compress(raw: bytes) -> bytes:
    return zlib.compress(raw, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


_D = TypeVar("_D", float, None)


def epoch(iso: str | None, default: _D) -> float | _D:
    """Epoch seconds of an ISO-8601 time (``Z`` or an offset), or ``default`` when absent or unreadable."""
    if not iso:
        return default
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class BatchState:
    """What the read round trip of a batch returns."""

    histories: dict[str, list[HistoryItem]]
    suppressions: dict[str, Suppression]


@dataclass(frozen=True, slots=True)
class AuditWrite:
    record: dict[str, Any]  # the decision record as sent (with supersedes)
    fingerprints: dict[str, str]  # entity id -> fingerprint, for the entities the reasons name
    repeat: bool  # already in the history (a redelivery): not appended again
    entry_raw: bytes | None = None  # original entry bytes to store (latest revision only), or None
    filed_at: str | None = None
    encoded: str | None = None  # ``record`` as JSON already (the bytes sent), to store as is


def parse_cursor(cursor: str | None, since_ms: int) -> tuple[int, int]:
    """A holds page cursor is ``<score ms>:<members of that score already returned>``."""
    if not cursor:
        return since_ms, 0
    ms, _, skip = cursor.partition(":")
    return int(ms), int(skip or 0)


def next_cursor(start_ms: int, start_skip: int, scores: Sequence[int], limit: int) -> str | None:
    """The cursor after a page of ``scores`` (ascending) read from (start_ms, start_skip); None at the end."""
    if len(scores) < limit or not scores:
        return None
    last = scores[-1]
    same = sum(1 for s in scores if s == last)
    return f"{last}:{start_skip + same if last == start_ms else same}"


def _text(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


def batch_state(numbers: Sequence[str], supp_keys: Sequence[str], results: Sequence[Any]) -> BatchState:
    """The histories (one list of records per entry number, in ``numbers`` order) and the suppressions
    (one value or None per key of ``supp_keys``, after them) Redis returned for a batch."""
    histories = {n: [HistoryItem.from_record(json.loads(x)) for x in results[i]] for i, n in enumerate(numbers)}
    suppressions: dict[str, Suppression] = {}
    if supp_keys:
        for key, raw in zip(supp_keys, results[len(numbers)], strict=True):
            if raw is not None:
                suppressions[key] = Suppression.from_json(json.loads(raw))
    return BatchState(histories, suppressions)


class AuditStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "ew", retention_days: float = 400.0) -> None:
        self.r = client
        self.keys = AuditKeys(prefix)
        self.list_keys = ListKeys(prefix)
        self.ttl = max(1, int(retention_days * DAY))
        self._read = client.register_script(_READ_BATCH)
        self._write = client.register_script(_WRITE_BATCH)

    # --- the screening batch path: one read, one write ------------------------------------------

    async def read_batch(self, entry_numbers: Iterable[str], supp_keys: Sequence[str]) -> BatchState:
        numbers = sorted(set(entry_numbers))
        keys = [self.keys.hist(n) for n in numbers]
        if supp_keys:
            keys.append(self.keys.supp)
        results = await self._read(keys=keys, args=[len(numbers), -HISTORY_READ, *supp_keys]) if keys else []
        return batch_state(numbers, supp_keys, results)

    async def write_batch(self, writes: Sequence[AuditWrite], now: float | None = None) -> None:
        if not writes:
            return
        now = time.time() if now is None else now
        hist: dict[str, int] = {}  # history key -> its 1-based place among the script's keys
        alerts: list[str] = []
        per_write: list[str | bytes | int] = []  # (history key place or 0 for a repeat, record JSON, fingerprints JSON)
        holds: dict[str, int] = {}
        stored: dict[str, bytes] = {}
        filed: dict[str, float] = {}
        held_at: dict[str, int] = {}  # screened_at -> score (one screened_at per batch, as a rule)
        for w in writes:
            rec = w.record
            number, alert = str(rec["entry_number"]), str(rec["alert_id"])
            blob = w.encoded if w.encoded is not None else json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
            place = hist.setdefault(self.keys.hist(number), len(hist) + 4)
            alerts.append(self.keys.alert(alert))
            per_write += (0 if w.repeat else place, blob, compact_json(w.fingerprints))
            if rec["decision"] != "CLEAR":
                at = str(rec["screened_at"])
                score = held_at.get(at)
                if score is None:
                    score = held_at[at] = int(epoch(at, now) * 1000)
                holds.setdefault(alert, score)  # ZADD NX: the first time an alert was screened
            if w.entry_raw is not None:
                stored[number] = compress(w.entry_raw)  # the last write of an entry wins, as HSET/ZADD in turn
                filed[number] = epoch(w.filed_at, now)
        args: list[Any] = [self.ttl, int((now - self.ttl) * 1000), len(hist), len(writes), *per_write, len(holds)]
        for alert, score in holds.items():
            args += (score, alert)
        args.append(len(stored))
        for number, data in stored.items():
            args += (number, data, filed[number])
        keys = [self.keys.holds, self.keys.entries_data, self.keys.entries_time, *hist, *alerts]
        await self._write(keys=keys, args=args)

    # --- dispositions and suppressions ----------------------------------------------------------

    async def alert(self, alert_id: str) -> dict[str, Any] | None:
        raw = await self.r.get(self.keys.alert(alert_id))
        return json.loads(raw) if raw is not None else None

    async def record_disposition(
        self,
        entry_number: str,
        disposition_id: str,
        record: Mapping[str, Any],
        suppress: Mapping[str, Suppression],
        lift: Sequence[str],
    ) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.keys.disp(entry_number), disposition_id, json.dumps(record, ensure_ascii=False))
        pipe.expire(self.keys.disp(entry_number), self.ttl)
        if suppress:
            pipe.hset(self.keys.supp, mapping={k: json.dumps(s.to_json()) for k, s in suppress.items()})
        if lift:
            pipe.hdel(self.keys.supp, *lift)
        await pipe.execute()

    # --- reads for the API and the CLI ----------------------------------------------------------

    async def entry(self, entry_number: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bytes | None]:
        """(decision history oldest first, dispositions by decided_at, stored original entry bytes)."""
        pipe = self.r.pipeline(transaction=False)
        pipe.lrange(self.keys.hist(entry_number), 0, -1)
        pipe.hvals(self.keys.disp(entry_number))
        pipe.hget(self.keys.entries_data, entry_number)
        hist, disps, blob = await pipe.execute()
        dispositions = sorted(
            (json.loads(d) for d in disps),
            key=lambda d: (d.get("decided_at", ""), d.get("received_at", ""), d["disposition_id"]),
        )
        return [json.loads(h) for h in hist], dispositions, decompress(blob) if blob is not None else None

    async def holds_page(self, since_ms: int, skip: int, limit: int) -> list[tuple[dict[str, Any], int]]:
        """HOLD/REVIEW records screened at or after ``since_ms``, oldest first: (record, score)."""
        members = await self.r.zrangebyscore(self.keys.holds, since_ms, "+inf", start=skip, num=limit, withscores=True)
        if not members:
            return []
        raws = await self.r.mget([self.keys.alert(_text(m)) for m, _s in members])
        out = []
        for (_m, score), raw in zip(members, raws, strict=True):
            if raw is not None:
                out.append((json.loads(raw)["record"], int(score)))
            else:  # expired between the two reads: keep the page position right with a stub
                out.append(({}, int(score)))
        return out

    async def latest_records(self, entry_numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The last decision record of each entry (one pipelined read)."""
        pipe = self.r.pipeline(transaction=False)
        for n in entry_numbers:
            pipe.lindex(self.keys.hist(n), -1)
        raws = await pipe.execute()
        return {n: json.loads(raw) for n, raw in zip(entry_numbers, raws, strict=True) if raw is not None}

    async def open_items(self, chunk: int = 500) -> list[OpenItem]:
        """The review queue (``screening.queue.open_item``): the entries with a HOLD/REVIEW in the holds
        index whose decision in force is still open. Reads every alert id of the index (pipelined, in
        chunks), then each entry's recent history and its dispositions; the index holds the retention
        period's holds, so this costs about one round trip per ``chunk`` entries."""
        members = await self.r.zrange(self.keys.holds, 0, -1)
        numbers: dict[str, None] = {}
        for i in range(0, len(members), chunk):
            raws = await self.r.mget([self.keys.alert(_text(m)) for m in members[i : i + chunk]])
            for raw in raws:
                if raw is not None:
                    numbers.setdefault(str(json.loads(raw)["record"]["entry_number"]))
        out: list[OpenItem] = []
        ordered = list(numbers)
        for i in range(0, len(ordered), chunk):
            part = ordered[i : i + chunk]
            pipe = self.r.pipeline(transaction=False)
            for n in part:
                pipe.lrange(self.keys.hist(n), -HISTORY_READ, -1)
                pipe.hvals(self.keys.disp(n))
            results = await pipe.execute()
            for j in range(len(part)):
                history = [json.loads(h) for h in results[2 * j]]
                disps = sorted(
                    (json.loads(d) for d in results[2 * j + 1]),
                    key=lambda d: (d.get("decided_at", ""), d.get("received_at", ""), d["disposition_id"]),
                )
                item = open_item(history, disps)
                if item is not None:
                    out.append(item)
        return out

    async def holds_between(self, since_ms: int, until_ms: int, chunk: int = 1000) -> list[dict[str, Any]]:
        """HOLD/REVIEW records first screened in [since_ms, until_ms), oldest first (expired ones left out)."""
        out: list[dict[str, Any]] = []
        skip = 0
        while True:
            members = await self.r.zrangebyscore(self.keys.holds, since_ms, f"({until_ms}", start=skip, num=chunk)
            if not members:
                return out
            raws = await self.r.mget([self.keys.alert(_text(m)) for m in members])
            out += [json.loads(raw)["record"] for raw in raws if raw is not None]
            skip += len(members)

    async def dispositions_of(self, entry_numbers: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Each entry's dispositions, by decided_at (one pipelined read)."""
        pipe = self.r.pipeline(transaction=False)
        for n in entry_numbers:
            pipe.hvals(self.keys.disp(n))
        results = await pipe.execute()
        return {
            n: sorted((json.loads(d) for d in found), key=lambda d: (d.get("decided_at", ""), d["disposition_id"]))
            for n, found in zip(entry_numbers, results, strict=True)
        }

    async def has_disposition(self, entry_number: str, disposition_id: str) -> bool:
        """The disposition is recorded (the dispositions agent applied it)."""
        return bool(await self.r.hexists(self.keys.disp(entry_number), disposition_id))

    # --- stored entries (retro-screening) -------------------------------------------------------

    async def stored_entries(self, since: float, skip: int, limit: int) -> list[tuple[str, bytes]]:
        numbers = await self.r.zrangebyscore(self.keys.entries_time, since, "+inf", start=skip, num=limit)
        if not numbers:
            return []
        blobs = await self.r.hmget(self.keys.entries_data, numbers)
        return [(_text(n), decompress(b)) for n, b in zip(numbers, blobs, strict=True) if b is not None]

    async def store_entries(self, entries: Sequence[tuple[str, bytes, float]], chunk: int = 1000) -> None:
        """Store (entry number, original bytes, filed epoch seconds) directly (benchmarks, backfills)."""
        for i in range(0, len(entries), chunk):
            part = entries[i : i + chunk]
            pipe = self.r.pipeline(transaction=False)
            pipe.hset(self.keys.entries_data, mapping={n: compress(raw) for n, raw, _t in part})
            pipe.zadd(self.keys.entries_time, {n: t for n, _raw, t in part})
            await pipe.execute()

    async def count_stored(self, since: float) -> int:
        return int(await self.r.zcount(self.keys.entries_time, since, "+inf"))

    async def prune_entries(self, now: float | None = None, batch: int = 5000) -> int:
        """Drop stored entries older than the retention period."""
        cutoff = (time.time() if now is None else now) - self.ttl
        removed = 0
        while True:
            old = await self.r.zrangebyscore(self.keys.entries_time, "-inf", cutoff, start=0, num=batch)
            if not old:
                return removed
            pipe = self.r.pipeline(transaction=False)
            pipe.hdel(self.keys.entries_data, *old)
            pipe.zrem(self.keys.entries_time, *old)
            await pipe.execute()
            removed += len(old)

    async def alert_fingerprints(self, alert_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Alert id -> the fingerprints of the entities its reasons named (one read)."""
        if not alert_ids:
            return {}
        raws = await self.r.mget([self.keys.alert(a) for a in alert_ids])
        return {a: json.loads(raw).get("fingerprints", {}) for a, raw in zip(alert_ids, raws, strict=True) if raw}

    # --- retro-screening: the baseline per source, and the lease of the one worker scanning -------

    async def retro_baselines(self) -> dict[str, str]:
        """Source -> its retro baseline version ({} before the first worker recorded one)."""
        raw = await self.r.hgetall(self.keys.retro_baseline)
        return {_text(k): _text(v) for k, v in raw.items()}

    async def retro_baseline_fps(self, source: str, version: str) -> dict[str, str] | None:
        """The fingerprints kept for a baseline version; None if none are kept (e.g. it stopped being
        the baseline since it was read)."""
        raw = await self.r.hgetall(self.keys.retro_fps(source, version))
        return {_text(k): _text(v) for k, v in raw.items()} or None

    async def record_retro_baselines(self, versions: Mapping[str, str], fps: Mapping[str, Mapping[str, str]]) -> bool:
        """Record the first baseline (``versions``, with each source's fingerprints) unless any baseline
        exists already (another worker recorded it first: False)."""
        key = self.keys.retro_baseline
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    if await pipe.exists(key):
                        return False
                    pipe.multi()
                    for source, version in versions.items():
                        pipe.delete(self.keys.retro_fps(source, version))
                        if fps.get(source):
                            pipe.hset(self.keys.retro_fps(source, version), mapping=dict(fps[source]))
                    pipe.hset(key, mapping=dict(versions))
                    await pipe.execute()
                    return True
                except WatchError:
                    continue

    async def advance_retro_baseline(self, source: str, version: str, fps: Mapping[str, str]) -> bool:
        """Make ``version`` (with its entities' fingerprints) the source's baseline, if it is still the
        live version: the retro-screen up to it is done. False if another version went live meanwhile
        (the retro-screen of that one starts from the baseline in place, so it covers this one too)."""
        live_key, key = self.list_keys.live(source), self.keys.retro_baseline
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(live_key, key)
                    live = await pipe.get(live_key)
                    if live is None or _text(live) != version:
                        return False
                    old = await pipe.hget(key, source)
                    pipe.multi()
                    if old is not None and _text(old) != version:
                        pipe.delete(self.keys.retro_fps(source, _text(old)))
                    pipe.delete(self.keys.retro_fps(source, version))
                    if fps:
                        pipe.hset(self.keys.retro_fps(source, version), mapping=dict(fps))
                    pipe.hset(key, source, version)
                    await pipe.execute()
                    return True
                except WatchError:
                    continue

    async def claim_retro(self, source: str, version: str, token: str, lease_s: float) -> bool:
        """True for the one worker that gets to retro-screen this list version now: nobody holds the
        lease (the holder finished, or stopped and let it lapse) and the scan is not done."""
        if await self.retro_is_done(source, version):
            return False
        lease_ms = max(1, int(lease_s * 1000))
        return bool(await self.r.set(self.keys.retro_lock(source, version), token, nx=True, px=lease_ms))

    async def renew_retro(self, source: str, version: str, token: str, lease_s: float) -> bool:
        """Extend the lease if this worker (``token``) still holds it; False if it lapsed meanwhile."""
        renewed = await self.r.eval(_RENEW_IF_OWNER, 1, self.keys.retro_lock(source, version), token,
                                    max(1, int(lease_s * 1000)))  # fmt: skip
        return bool(renewed)

    async def finish_retro(self, source: str, version: str, token: str, fps: Mapping[str, str]) -> bool:
        """The scan up to ``version`` is done: advance the baseline to it (see ``advance_retro_baseline``,
        whose answer this returns) and release the lease."""
        advanced = await self.advance_retro_baseline(source, version, fps)
        await self.release_retro(source, version, token)
        return advanced

    async def release_retro(self, source: str, version: str, token: str) -> None:
        """Give the lease up (if this worker still holds it) without marking the scan done."""
        await self.r.eval(_DELETE_IF_OWNER, 1, self.keys.retro_lock(source, version), token)

    async def retro_is_done(self, source: str, version: str) -> bool:
        """The stored entries are re-screened up to this version: it is the source's baseline."""
        baseline = await self.r.hget(self.keys.retro_baseline, source)
        return baseline is not None and _text(baseline) == version


# The batch path as one script call each way: a pipeline of one command per entry costs the worker more
# in redis-py (packing each command, parsing each reply) than the commands cost Redis. The keys are all
# passed in KEYS; a script with more arguments than Lua's ``unpack`` takes calls a command in chunks.
_CHUNKED = """
local function chunked(head, items)
  for i = 1, #items, 1000 do
    local args = {unpack(head)}
    for j = i, math.min(i + 999, #items) do args[#args + 1] = items[j] end
    redis.call(unpack(args))
  end
end
"""

# KEYS: the histories of the entries, then the suppressions hash if any suppression key is asked for.
# ARGV: number of histories, LRANGE start (-HISTORY_READ), the suppression keys.
# Returns the LRANGE of each history, then the HMGET of the suppression keys (false for a missing one).
_READ_BATCH = """
local n, start = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 1, n do out[i] = redis.call('LRANGE', KEYS[i], start, -1) end
if #KEYS > n then
  local found = {}
  for i = 3, #ARGV, 1000 do
    local part = redis.call('HMGET', KEYS[n + 1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
    for j = 1, #part do found[#found + 1] = part[j] end
  end
  out[n + 1] = found
end
return out
"""

# KEYS: holds, entries data, entries time, the H history keys of the batch, the W alert keys (one a write).
# ARGV: ttl, holds cutoff (ms), H, W; per write (its history key's place in KEYS, or 0 for a repeat not
# appended; record JSON; fingerprints JSON); the number of holds and (score, alert id) each; the number of
# stored entries and (entry number, compressed entry, filed epoch s) each.
_WRITE_BATCH = (
    _CHUNKED
    + """
local ttl, cutoff, nhist, nwrites = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local a = 4
for i = 1, nwrites do
  local place, rec = tonumber(ARGV[a + 1]), ARGV[a + 2]
  if place > 0 then redis.call('RPUSH', KEYS[place], rec) end
  redis.call('SET', KEYS[3 + nhist + i], '{"record":' .. rec .. ',"fingerprints":' .. ARGV[a + 3] .. '}', 'EX', ttl)
  a = a + 3
end
local nholds = tonumber(ARGV[a + 1])
a = a + 1
if nholds > 0 then
  local holds = {}
  for i = a + 1, a + 2 * nholds do holds[#holds + 1] = ARGV[i] end
  chunked({'ZADD', KEYS[1], 'NX'}, holds)
  a = a + 2 * nholds
end
local nstored = tonumber(ARGV[a + 1])
a = a + 1
if nstored > 0 then
  local data, times = {}, {}
  for i = 1, nstored do
    data[#data + 1] = ARGV[a + 1]
    data[#data + 1] = ARGV[a + 2]
    times[#times + 1] = ARGV[a + 3]
    times[#times + 1] = ARGV[a + 1]
    a = a + 3
  end
  chunked({'HSET', KEYS[2]}, data)
  chunked({'ZADD', KEYS[3]}, times)
end
for i = 4, 3 + nhist do redis.call('EXPIRE', KEYS[i], ttl) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
"""
)

_RENEW_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_DELETE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
