"""Retro-screening of stored entries against the entities a new list version added or changed.

``retro_scan`` pages through the stored entries of the look-back window (read from Redis in pages,
screened in a thread against an index of only the new/changed entities) and hands the entries that hit
to ``on_hits``. The worker's retro agent and the benchmark command (``entrywatch retro bench``) both use it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from entrywatch.audit import AuditStore
from screening.entry import Entry, EntryError, parse_entry
from screening.screen import ScreeningContext, screen_entry


@dataclass
class RetroStats:
    source: str
    version: str
    changed_entities: int = 0
    scanned: int = 0
    hits: int = 0
    emitted: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def hits_in_page(page: Sequence[tuple[str, bytes]], delta: ScreeningContext) -> list[tuple[bytes, Entry]]:
    """The stored entries of a page that match an entity of ``delta`` (CPU work: run it in a thread)."""
    hits: list[tuple[bytes, Entry]] = []
    for _number, raw in page:
        try:
            entry = parse_entry(json.loads(raw))
        except (ValueError, EntryError):
            continue  # stored entries were valid when stored; a bad one is not worth stopping for
        if screen_entry(entry, delta).decision != "CLEAR":
            hits.append((raw, entry))
    return hits


async def retro_scan(
    audit: AuditStore,
    delta: ScreeningContext,
    since: float,
    page_size: int,
    on_hits: Callable[[list[tuple[bytes, Entry]]], Awaitable[int]],
    stats: RetroStats,
    retry: Callable[[Callable[[], Awaitable[object]]], Awaitable[object]] | None = None,
) -> RetroStats:
    """Scan every entry stored since ``since`` (epoch seconds); ``on_hits`` returns how many decisions
    it emitted. ``retry`` wraps each Redis step (the worker retries while Redis is away)."""
    started = time.perf_counter()
    skip = 0
    while True:

        async def read(skip: int = skip) -> list[tuple[str, bytes]]:
            return await audit.stored_entries(since, skip, page_size)

        page: list[tuple[str, bytes]] = await retry(read) if retry else await read()  # type: ignore[assignment]
        if not page:
            break
        skip += page_size
        hits = await asyncio.to_thread(hits_in_page, page, delta)
        stats.scanned += len(page)
        stats.hits += len(hits)
        if hits:
            stats.emitted += await on_hits(hits)
    stats.seconds = time.perf_counter() - started
    return stats
