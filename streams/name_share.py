"""Name-search results shared between the workers that screen with the same lists, through Redis.

Each worker caches its name searches per list version (``NameIndex``, ``name_cache_size``). Without
sharing, every worker pays for the same searches itself: a worker started or restarted has an empty
cache, and after a list update each of N workers searches the same frequent names again. Here, after
each batch a worker appends the results it computed to a Redis stream named by the fingerprint of its
index (list versions, algorithm, thresholds: ``result_codec.index_fingerprint``), and before each batch
it reads what other workers appended since it last looked (from the start for a new index) and adopts
it. A result is what the worker would have computed itself, so decisions do not change; the sharing is
an optimisation only: when Redis is slow or down, the worker searches by itself and says so in the log.

Storage: ``stores.names`` (a stream ``<prefix>:names:<fingerprint>``; at most ``shared_name_cache_batches``
entries, each the results of one batch; expires a week after the last write).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from screening.matching import NameIndex
from screening.matching.result_codec import decode_results, encode_results, index_fingerprint
from screening.screen import ScreeningContext
from stores.names import SharedNameStore
from streams.settings import Settings

log = logging.getLogger(__name__)

PULL_ENTRIES = 20  # stream entries (batches of results) read per pull: a new worker catches up over batches
TIMEOUT_S = 1.0  # longest wait for Redis per pull or push before screening goes on without it
WARN_EVERY_S = 60.0


class SharedNames:
    """One worker's side of the shared name results: ``pull`` before a batch, ``push`` after it."""

    def __init__(self, redis: aioredis.Redis, settings: Settings, worker: str | None = None) -> None:
        self._store = SharedNameStore(redis, settings.redis_key_prefix)
        self.enabled = settings.shared_name_cache and settings.name_cache_size > 0
        self._maxlen = settings.shared_name_cache_batches
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._worker_b = self.worker.encode()
        self._index: NameIndex | None = None
        self._key = ""
        self._cursor: bytes | str = "0-0"
        self._warned_at = -WARN_EVERY_S

    def key_for(self, ctx: ScreeningContext) -> str:
        """The stream of ``ctx``'s index; a new index (a list update) starts reading it from the start."""
        if ctx.index is not self._index:
            self._index = ctx.index
            self._key = self._store.key(index_fingerprint(ctx.index, ctx.list_versions))
            self._cursor = "0-0"
        return self._key

    async def pull(self, ctx: ScreeningContext) -> int:
        """Adopt the results other workers shared since the last pull; the number adopted."""
        if not self.enabled:
            return 0
        key = self.key_for(ctx)
        try:
            reply = await asyncio.wait_for(self._store.read(key, self._cursor, PULL_ENTRIES), TIMEOUT_S)
        except (TimeoutError, RedisError, OSError) as exc:
            self._warn("reading", exc)
            return 0
        adopted = 0
        for _stream, entries in reply or ():
            for entry_id, fields in entries:
                self._cursor = entry_id
                if fields.get(b"w") == self._worker_b:
                    continue
                adopted += self._adopt(ctx.index, fields)
        return adopted

    def _adopt(self, index: NameIndex, fields: dict[bytes, bytes]) -> int:
        try:
            results = decode_results(fields[b"r"], index)
        except (KeyError, ValueError) as exc:
            self._warn("decoding", exc)
            return 0
        return sum(index.adopt(key, matches) for key, matches in results)

    async def push(self, ctx: ScreeningContext) -> int:
        """Share the results this worker computed since the last push; the number shared."""
        if not self.enabled:
            return 0
        results = ctx.index.fresh_results()
        if not results:
            return 0
        key = self.key_for(ctx)
        data = encode_results(results)
        try:
            await asyncio.wait_for(self._store.append(key, self._worker_b, data, self._maxlen), TIMEOUT_S)
        except (TimeoutError, RedisError, OSError) as exc:
            self._warn("writing", exc)
            return 0
        return len(results)

    def _warn(self, doing: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning("shared name results: %s failed (%s: %s); searching alone", doing, type(exc).__name__, exc)
