"""Name-search results shared between workers, in Redis: one stream per index, ``{p}:names:{fingerprint}``
(``stores.keys``; the fingerprint names the list versions, algorithm and thresholds:
``screening.matching.result_codec.index_fingerprint``). Each stream entry is one batch's results from one
worker: fields ``w`` (the worker) and ``r`` (the encoded results). A stream keeps at most ``maxlen``
entries and expires ``TTL_S`` after the last write. The worker's side (when to read, what to adopt, what
to do when Redis is slow) is ``streams.name_share``.
"""

from __future__ import annotations

from typing import cast

import redis.asyncio as aioredis

from stores.keys import Keys

TTL_S = 7 * 24 * 3600  # a stream nobody writes to for a week (lists replaced long ago) goes

# XREAD's reply: per stream, its name and its entries (id, fields)
StreamReply = list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]]


class SharedNameStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "ew") -> None:
        self.r = client
        self.keys = Keys(prefix)

    def key(self, fingerprint: str) -> str:
        return self.keys.names(fingerprint)

    async def read(self, key: str, after: bytes | str, count: int) -> StreamReply | None:
        """Up to ``count`` entries of the stream ``key`` after the entry id ``after`` ("0-0": from the start)."""
        return cast(StreamReply | None, await self.r.xread({key: after}, count=count))

    async def append(self, key: str, worker: bytes, results: bytes, maxlen: int) -> None:
        """Add one batch's results to the stream (trimmed to about ``maxlen`` entries) and renew its expiry."""
        async with self.r.pipeline(transaction=False) as pipe:
            pipe.xadd(key, {"w": worker, "r": results}, maxlen=maxlen, approximate=True)
            pipe.expire(key, TTL_S)
            await pipe.execute()
