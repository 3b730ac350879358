"""Retro-screening of stored entries against the entities a new list version added or changed.

``retro_scan`` pages through the stored entries of the look-back window (read from Redis in pages,
screened in a thread against an index of only the new/changed entities) and hands the entries that hit
to ``on_hits``. The worker's retro agent and the benchmark command (``entrywatch retro bench``) both use it.

``retro_jobs`` says which retro-screens the lists in force still owe, from the retro baseline kept in
Redis (see ``stores.retro``): a version loaded while no worker ran, or whose scan no worker finished,
is re-screened when a worker next starts or checks, not only when a running worker swaps it in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from screening.entry import Entry
from screening.retro import retro_plan, source_fingerprints
from screening.screen import ScreeningContext, screen_entry
from screening.suppression import fingerprints
from stores.entries import EntryStore
from stores.lists import AsyncListStore
from stores.retro import RetroStore
from streams.codecs import Rejected, decode_entry
from streams.runtime import ListChange, ListState

log = logging.getLogger(__name__)


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
        entry = decode_entry(raw, max_bytes=len(raw))  # the worker's one decode path
        if isinstance(entry, Rejected):
            continue  # stored entries were valid when stored; a bad one is not worth stopping for
        if screen_entry(entry, delta).decision != "CLEAR":
            hits.append((raw, entry))
    return hits


async def retro_scan(
    entries: EntryStore,
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
            return await entries.stored_entries(since, skip, page_size)

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


async def retro_jobs(retro: RetroStore, store: AsyncListStore, lists: ListState) -> dict[str, ListChange]:
    """Source -> the change its retro-screen covers (the source's baseline version to the version in
    force), for each source whose version in force is not its baseline. Records the first baseline (the
    versions in force, nothing to re-screen) when there is none."""
    if not lists.ready:
        return {}
    current = lists.change_to_current({}, {})  # taken at once: a swap during the reads below changes nothing
    for _ in range(3):
        plan = retro_plan(await retro.retro_baselines(), current.new_versions)
        if not plan.record_baseline:
            break
        by_source = {
            s: source_fingerprints(current.new_entities, current.new_fingerprints, s) for s in current.new_versions
        }
        if await retro.record_retro_baselines(current.new_versions, by_source):
            log.info("retro baseline recorded (first load, nothing to re-screen): %s", current.new_versions)
            return {}
    jobs: dict[str, ListChange] = {}
    for source, base in plan.jobs.items():
        old_fps = {} if base is None else await baseline_fingerprints(retro, store, source, base)
        old_versions = {} if base is None else {source: base}
        jobs[source] = dataclasses.replace(current, old_versions=old_versions, old_fingerprints=old_fps)
    return jobs


async def baseline_fingerprints(retro: RetroStore, store: AsyncListStore, source: str, version: str) -> dict[str, str]:
    """The fingerprints of a baseline version: those kept with the baseline, else computed from the
    version's entities if the store still keeps them, else none (every entity counts as new: the scan
    is wider, never narrower)."""
    kept = await retro.retro_baseline_fps(source, version)
    if kept is not None:
        return kept
    try:
        entities = await store.entities(source, version)
    except RuntimeError as exc:
        log.warning("no fingerprints of %s %s (the retro baseline) are kept (%s): re-screening against "
                    "all of the source's entities", source, version, exc)  # fmt: skip
        return {}
    return await asyncio.to_thread(fingerprints, entities)
