"""The audit trail in Redis (async, for the worker and the CLI): each entry's decision history, the alerts
with the fingerprints of the entities they named, the dispositions, and the holds index (the review queue).

Keys (``stores.keys``): ``{p}:audit:hist:{entry}``, ``{p}:audit:alert:{alert_id}`` and ``{p}:audit:disp:{entry}``
expire after ``audit_retention_days``; ``{p}:audit:holds`` is trimmed by score to that period at each write.

A batch of the screening agent costs two round trips, each one Lua script call (EVALSHA, reloaded by
redis-py if the server's script cache was flushed): one read (histories and suppressions of the whole
batch), one write (audit records, stored entries). Nothing here is called per entry. The two scripts
touch the suppressions (``stores.suppressions``) and the stored entries (``stores.entries``) too, in the
formats those modules own, so that a batch stays one round trip each way. A script runs atomically: Redis
serves no other client meanwhile (~20 us of its CPU per entry, so ~10 ms for a batch of 500). The scripts
name every key they touch in KEYS but build no key themselves; they target one Redis, not a Redis Cluster
(the keys of a batch hash to many slots).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

import orjson
import redis.asyncio as aioredis

from screening.history import HistoryItem
from screening.queue import OpenItem, open_item
from screening.suppression import Suppression
from stores import suppressions
from stores.entries import compress, decompress
from stores.keys import Keys
from stores.retention import ttl_s

HISTORY_READ = 100  # most recent decisions of an entry read to place a new one


def compact_json(value: Any) -> bytes:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` as UTF-8, written by orjson (C)
    unless it refuses the value."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


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
    found: dict[str, Suppression] = {}
    if supp_keys:
        for key, raw in zip(supp_keys, results[len(numbers)], strict=True):
            if raw is not None:
                found[key] = suppressions.decode(raw)
    return BatchState(histories, found)


class AuditStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "ew", retention_days: float = 400.0) -> None:
        self.r = client
        self.keys = Keys(prefix)
        self.ttl = ttl_s(retention_days)
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
        suppressions.stage_changes(pipe, self.keys, suppress, lift)
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
        members = cast(
            list[tuple[bytes, float]],
            await self.r.zrangebyscore(self.keys.holds, since_ms, "+inf", start=skip, num=limit, withscores=True),
        )
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
        members = cast(list[bytes], await self.r.zrange(self.keys.holds, 0, -1))
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
            members = cast(
                list[bytes],
                await self.r.zrangebyscore(self.keys.holds, since_ms, f"({until_ms}", start=skip, num=chunk),
            )
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

    async def alert_fingerprints(self, alert_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Alert id -> the fingerprints of the entities its reasons named (one read)."""
        if not alert_ids:
            return {}
        raws = await self.r.mget([self.keys.alert(a) for a in alert_ids])
        return {a: json.loads(raw).get("fingerprints", {}) for a, raw in zip(alert_ids, raws, strict=True) if raw}


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
