"""The retro-screen: when a source's version in force differs from its retro baseline in Redis (the
version the stored entries were last re-screened against), re-screen the stored entries of the look-back
window against only the entities added or changed since the baseline, and send a LIST_UPDATE decision for
each entry that now hits. Every worker checks this when it loads lists (its first load included, so a
version loaded while no worker ran is not missed) and every ``retro_lease_s / 2`` seconds.

One worker per (source, version) does the scan, holding a lease in Redis that it renews while it scans;
it runs as a task in slices (Redis pages, CPU in a thread), so the screening agent keeps going meanwhile.
When it finishes, the baseline moves to that version. Until then the job stays owed: if the scanning
worker stops (or its scan fails, or every worker stopped), its lease lapses and a worker takes the scan
over from the start (entries that already got their LIST_UPDATE are skipped, so nothing is sent twice).
If a newer version goes live meanwhile, its retro-screen starts from the same baseline, so it covers the
superseded one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import faust

from agents.screen import raw_topic
from screening.entities import Entity
from screening.entry import Entry
from screening.retro import changed_entities, list_update_decision, source_fingerprints, unreported
from screening.screen import ScreeningContext, screen_entry
from stores.retention import DAY
from streams import errors, topics
from streams.contract import Pending, finalize
from streams.pipeline import decision_outbound
from streams.retro import RetroStats, retro_jobs, retro_scan
from streams.runtime import ListChange, Runtime

log = logging.getLogger(__name__)
PRUNE_EVERY_S = 3600.0


def new_entities(change: ListChange, source: str) -> list[Entity]:
    return [e for e in change.new_entities if e.source == source]


def attach(app: faust.App, rt: Runtime) -> Any:
    s = rt.settings
    queue: asyncio.Queue[ListChange] = asyncio.Queue()
    rt.list_listeners.append(queue.put_nowait)
    outputs = {s.topic(n): raw_topic(app, s.topic(n)) for n in (topics.HOLDS, topics.CLEARED)}
    token = uuid.uuid4().hex  # this worker's lease value
    pending: set[tuple[str, str]] = set()  # (source, version) of jobs tried here and still owed

    async def retry(step: Callable[[], Awaitable[object]]) -> object:
        return await errors.retry(step, what="a retro-screen step on Redis", cap_s=s.redis_retry_max_s)

    async def rescreen(change: ListChange, source: str, version: str, again: bool = False) -> RetroStats | None:
        """The scan's figures if this worker claimed and ran it (or there was nothing to scan), else None."""
        stats = RetroStats(source, version)
        new = new_entities(change, source)
        delta = changed_entities(change.old_fingerprints, new, change.new_fingerprints)
        stats.changed_entities = len(delta)
        retro = rt.retro
        if not delta:  # no entity added or changed: nothing to re-screen, the baseline moves on
            fps = source_fingerprints(new, change.new_fingerprints, source)
            await retry(lambda: retro.advance_retro_baseline(source, version, fps))
            return stats
        if not await retry(lambda: retro.claim_retro(source, version, token, s.retro_lease_s)):
            log.info("retro-screen of %s %s is done or in progress on another worker", source, version)
            return None
        if again:
            log.warning("took over the retro-screen of %s %s (its lease had lapsed)", source, version)
        heartbeat = asyncio.create_task(keep_lease(source, version))
        try:
            return await scan(change, source, version, delta, stats)
        except Exception:
            # let any worker (this one included) take the scan up again at once, not after the lease
            await retry(lambda: retro.release_retro(source, version, token))
            raise
        finally:
            heartbeat.cancel()

    async def keep_lease(source: str, version: str) -> None:
        while True:
            await asyncio.sleep(s.retro_lease_s / 3)
            try:
                if not await rt.retro.renew_retro(source, version, token, s.retro_lease_s):
                    log.warning("lost the retro-screen lease of %s %s", source, version)
            except Exception as exc:
                if not errors.is_transient(exc):
                    raise
                log.warning("could not renew the retro-screen lease of %s %s: %s", source, version, exc)

    async def scan(change: ListChange, source: str, version: str, delta: list[Entity], stats: RetroStats) -> RetroStats:
        audit = rt.audit
        delta_ctx = await asyncio.to_thread(
            ScreeningContext.from_entities, delta, change.new_versions, thresholds=rt.thresholds()
        )
        changed_ids = {e.id for e in delta}
        trigger = {"source": source, "version": version, "previous_version": change.old_versions.get(source)}

        async def on_hits(hits: list[tuple[bytes, Entry]]) -> int:
            numbers = [entry.entry_number for _raw, entry in hits]
            latest = await retry(lambda: audit.latest_records(numbers))
            assert isinstance(latest, dict)
            # An entry already screened against this version (after the swap) needs no LIST_UPDATE.
            todo = [
                (raw, e)
                for raw, e in hits
                if (latest.get(e.entry_number) or {}).get("list_versions", {}).get(source) != version
            ]
            # Nor does a hit its latest decision named with the same listed content (e.g. its LIST_UPDATE
            # from a scan of a version since superseded, which this scan, from the same baseline, covers).
            todo_numbers = {e.entry_number for _r, e in todo}
            last = {n: str(latest[n]["alert_id"]) for n in todo_numbers if n in latest}
            reported = await retry(lambda: audit.alert_fingerprints(list(last.values())))
            assert isinstance(reported, dict)
            fps = change.new_fingerprints
            news = {n: unreported(changed_ids, fps, reported.get(last.get(n, ""), {})) for n in todo_numbers}
            todo = [(raw, e) for raw, e in todo if news[e.entry_number]]
            decisions = await asyncio.to_thread(lambda: [screen_entry(e, change.ctx) for _r, e in todo])
            items = [Pending(e, d, None) for (_r, e), d in zip(todo, decisions, strict=True)]
            done = await retry(
                lambda: finalize(
                    items,
                    change.new_fingerprints,
                    audit,
                    transform=lambda d: list_update_decision(d, news[d.entry_number], trigger),
                )
            )
            assert isinstance(done, list)
            futures = []
            for _item, record, encoded in done:
                out = decision_outbound(record, s, encoded)
                futures.append(await outputs[out.topic].send(key=out.key, value=out.value))
            await asyncio.gather(*futures)
            return len(done)

        since = time.time() - s.retro_lookback_days * DAY
        await retro_scan(rt.entries, delta_ctx, since, s.retro_page_size, on_hits, stats, retry)
        log.info("retro-screen %s", json.dumps(stats.to_json()))
        await retry(lambda: rt.retro.record_last(source, stats.to_json()))
        fps = source_fingerprints(new_entities(change, source), change.new_fingerprints, source)
        if not await retry(lambda: rt.retro.finish_retro(source, version, token, fps)):
            log.info("%s %s is no longer live: the retro-screen of the live version covers it", source, version)
        return stats

    async def attempt(change: ListChange, source: str, version: str) -> None:
        """Run the job if this worker can claim it; it stays owed (in Redis: the baseline) until done."""
        again = (source, version) in pending  # tried here before: someone else's lease, or a failure
        pending.add((source, version))
        try:
            ran = await rescreen(change, source, version, again)
        except Exception:  # keep the task alive; the job stays pending and is tried again
            log.exception("retro-screen of %s %s failed; it will be tried again", source, version)
            return
        if ran is not None:
            pending.discard((source, version))

    async def check() -> None:
        """Run (or take over) each retro-screen the lists in force still owe, by the baseline."""
        jobs = await retry(lambda: retro_jobs(rt.retro, rt.store, rt.lists))
        assert isinstance(jobs, dict)
        owed = {(source, change.new_versions[source]) for source, change in jobs.items()}
        pending.intersection_update(owed)  # done by another worker, or superseded
        for source, change in jobs.items():
            await attempt(change, source, change.new_versions[source])

    @app.task
    async def retro_screen() -> None:
        loop = asyncio.get_running_loop()
        next_check = loop.time() + s.retro_lease_s / 2
        while True:
            with contextlib.suppress(TimeoutError):  # else the periodic check: take over lapsed leases
                await asyncio.wait_for(queue.get(), timeout=max(0.0, next_check - loop.time()))
            while not queue.empty():  # several swaps at once: one check of the latest lists covers them
                queue.get_nowait()
            next_check = loop.time() + s.retro_lease_s / 2
            try:
                await check()
            except Exception:
                log.exception("retro-screen check failed; it will be tried again")

    @app.timer(PRUNE_EVERY_S)
    async def prune_entries() -> None:
        try:
            removed = await rt.entries.prune_entries()
            if removed:
                log.info("pruned %d stored entries past retention", removed)
        except Exception as exc:
            if not errors.is_transient(exc):
                raise
            log.warning("could not prune stored entries: %s", exc)

    return retro_screen
