"""The stored entries in Redis, for retro-screening: ``{p}:entries:data`` (entry number -> the original
entry JSON of its latest revision, zlib-compressed) and ``{p}:entries:time`` (entry numbers scored by
filed_at, else the time it was last stored, in epoch seconds); see ``stores.keys``.

The screening batch stores its entries in the audit store's write script (``stores.audit``, in the form
``compress`` gives); this store pages through them, stores them directly (benchmarks, backfills) and drops
those past the retention period.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from typing import cast

import redis.asyncio as aioredis

from stores.keys import Keys
from stores.retention import ttl_s


def compress(raw: bytes) -> bytes:
    return zlib.compress(raw, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def _text(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


class EntryStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "ew", retention_days: float = 400.0) -> None:
        self.r = client
        self.keys = Keys(prefix)
        self.ttl = ttl_s(retention_days)

    async def stored_entries(self, since: float, skip: int, limit: int) -> list[tuple[str, bytes]]:
        """A page of (entry number, original bytes) of the entries filed since ``since``, oldest first."""
        numbers = cast(
            list[bytes], await self.r.zrangebyscore(self.keys.entries_time, since, "+inf", start=skip, num=limit)
        )
        if not numbers:
            return []
        blobs = cast(list[bytes | None], await self.r.hmget(self.keys.entries_data, numbers))
        return [(_text(n), decompress(b)) for n, b in zip(numbers, blobs, strict=True) if b is not None]

    async def store_entries(self, entries: Sequence[tuple[str, bytes, float]], chunk: int = 1000) -> None:
        """Store (entry number, original bytes, filed epoch seconds) directly (benchmarks, backfills)."""
        for i in range(0, len(entries), chunk):
            part = entries[i : i + chunk]
            pipe = self.r.pipeline(transaction=False)
            pipe.hset(self.keys.entries_data, mapping={n: compress(raw) for n, raw, _t in part})
            pipe.zadd(self.keys.entries_time, {n: t for n, _raw, t in part})
            await pipe.execute()

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
