"""The retro-screen of one worker: when a source's version in force differs from its retro baseline in
Redis (the version the stored entries were last re-screened against), re-screen the stored entries of the
look-back window against only the entities added or changed since the baseline, and send a LIST_UPDATE
decision for each entry that now hits. The worker checks this when it loads lists (its first load
included, so a version loaded while no worker ran is not missed) and every ``retro_lease_s / 2`` seconds.

One worker per (source, version) does the scan, holding a lease in Redis that it renews while it scans;
it runs as a task in slices (Redis pages, CPU in a thread), so the screening agent keeps going meanwhile.
When it finishes, the baseline moves to that version. Until then the job stays owed: if the scanning
worker stops (or its scan fails, or every worker stopped), its lease lapses and a worker takes the scan
over from the start (entries that already got their LIST_UPDATE are skipped, so nothing is sent twice).
If a newer version goes live meanwhile, its retro-screen starts from the same baseline, so it covers the
superseded one.

Every Redis step goes through the worker's one retry policy (``streams.errors.retry``): Redis away is
retried with back-off; anything else is a fault, logged with its traceback and reported in
``Runtime.retro_health`` (``/ready`` degraded with ``retro_screen_failing``); the job stays owed and the next
check tries it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from screening.entities import Entity
from screening.entry import Entry
from screening.retro import changed_entities, list_update_decision, source_fingerprints, unreported
from screening.screen import ScreeningContext, screen_entry
from stores.retention import DAY
from stores.retro import RetroStore
from streams import errors
from streams.contract import Pending, finalize
from streams.pipeline import Outbound, decision_outbound
from streams.retro import RetroStats, retro_jobs, retro_scan
from streams.runtime import ListChange, Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")

# Sends one decision record to its topic; the result is awaited for the broker's acknowledgement.
Send = Callable[[Outbound], Awaitable[Awaitable[Any]]]


def new_entities(change: ListChange, source: str) -> list[Entity]:
    return [e for e in change.new_entities if e.source == source]


class RetroWorker:
    """This worker's side of the retro-screens. ``changes`` hears of every swap of the lists."""

    def __init__(self, rt: Runtime, send: Send, token: str | None = None) -> None:
        self.rt = rt
        self.settings = rt.settings
        self.send = send
        self.token = token or uuid.uuid4().hex  # this worker's lease value
        self.health = rt.retro_health
        self.pending: set[tuple[str, str]] = set()  # (source, version) of jobs tried here and still owed
        self.changes: asyncio.Queue[ListChange] = asyncio.Queue()
        rt.list_listeners.append(self.changes.put_nowait)
        self._next_check: float | None = None

    async def retry(self, op: Callable[[], Awaitable[T]]) -> T:
        """``op`` under the one retry policy: Redis away is retried with back-off, a fault is raised."""
        return await errors.retry(
            op, what="a retro-screen step on Redis", cap_s=self.settings.redis_retry_max_s,
            on_attempt_failed=self.health.retrying,
        )  # fmt: skip

    def fault(self, exc: BaseException, message: str, *args: object) -> None:
        self.health.faulted(exc)
        log.error(message, *args, exc_info=exc)

    async def next_turn(self) -> None:
        """Wait for a swap of the lists or, at the latest, the periodic check (which takes over lapsed
        leases). Several swaps at once make one turn: one check of the latest lists covers them."""
        loop = asyncio.get_running_loop()
        if self._next_check is None:
            self._next_check = loop.time() + self.settings.retro_lease_s / 2
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.changes.get(), timeout=max(0.0, self._next_check - loop.time()))
        while not self.changes.empty():
            self.changes.get_nowait()
        self._next_check = loop.time() + self.settings.retro_lease_s / 2

    async def check(self) -> None:
        """Run (or take over) each retro-screen the lists in force still owe, by the baseline."""
        rt = self.rt
        try:
            jobs = await self.retry(lambda: retro_jobs(rt.retro, rt.store, rt.lists))
        except Exception as exc:  # a fault (Redis away is retried above): the next check tries again
            self.fault(exc, "retro-screen check failed; it will be tried again")
            return
        owed = {(source, change.new_versions[source]) for source, change in jobs.items()}
        self.pending.intersection_update(owed)  # done by another worker, or superseded
        ok = True
        for source, change in jobs.items():
            ok = await self.attempt(change, source, change.new_versions[source]) and ok
        if ok:
            self.health.succeeded()

    async def attempt(self, change: ListChange, source: str, version: str) -> bool:
        """Run the job if this worker can claim it; it stays owed (in Redis: the baseline) until done.
        False on a fault (reported; the next check tries again)."""
        again = (source, version) in self.pending  # tried here before: someone else's lease, or a failure
        self.pending.add((source, version))
        try:
            ran = await self.run_job(change, source, version, again)
        except Exception as exc:  # a fault: keep the task alive; the job stays owed and is tried again
            self.fault(exc, "retro-screen of %s %s failed; it will be tried again", source, version)
            return False
        if ran is not None:
            self.pending.discard((source, version))
        return True

    async def claim(self, retro: RetroStore, source: str, version: str) -> bool:
        return await self.retry(lambda: retro.claim_retro(source, version, self.token, self.settings.retro_lease_s))

    async def run_job(self, change: ListChange, source: str, version: str, again: bool = False) -> RetroStats | None:
        """The scan's figures if this worker claimed and ran it (or there was nothing to scan), else None."""
        stats = RetroStats(source, version)
        new = new_entities(change, source)
        delta = changed_entities(change.old_fingerprints, new, change.new_fingerprints)
        stats.changed_entities = len(delta)
        retro = self.rt.retro
        if not delta:  # no entity added or changed: nothing to re-screen, the baseline moves on
            fps = source_fingerprints(new, change.new_fingerprints, source)
            await self.retry(lambda: retro.advance_retro_baseline(source, version, fps))
            return stats
        if not await self.claim(retro, source, version):
            log.info("retro-screen of %s %s is done or in progress on another worker", source, version)
            return None
        if again:
            log.warning("took over the retro-screen of %s %s (its lease had lapsed)", source, version)
        heartbeat = asyncio.create_task(self.keep_lease(retro, source, version))
        try:
            return await self.scan(retro, change, source, version, delta, stats)
        except Exception:
            # let any worker (this one included) take the scan up again at once, not after the lease
            await self.retry(lambda: retro.release_retro(source, version, self.token))
            raise
        finally:
            heartbeat.cancel()

    async def keep_lease(self, retro: RetroStore, source: str, version: str) -> None:
        """Renew the lease every third of its length while the scan runs (cancelled when it ends)."""
        lease_s = self.settings.retro_lease_s
        while True:
            await asyncio.sleep(lease_s / 3)
            try:
                renewed = await self.retry(lambda: retro.renew_retro(source, version, self.token, lease_s))
            except Exception as exc:  # a fault: stop renewing; the lease lapses and the job is taken over
                self.fault(exc, "could not renew the retro-screen lease of %s %s", source, version)
                return
            if not renewed:
                log.warning("lost the retro-screen lease of %s %s", source, version)

    async def scan(
        self, retro: RetroStore, change: ListChange, source: str, version: str, delta: list[Entity], stats: RetroStats
    ) -> RetroStats:
        s = self.settings
        delta_ctx = await asyncio.to_thread(
            ScreeningContext.from_entities, delta, change.new_versions, thresholds=self.rt.thresholds()
        )
        changed_ids = {e.id for e in delta}
        trigger = {"source": source, "version": version, "previous_version": change.old_versions.get(source)}

        async def on_hits(hits: list[tuple[bytes, Entry]]) -> int:
            return await self.report_hits(change, source, version, changed_ids, trigger, hits)

        since = time.time() - s.retro_lookback_days * DAY
        await retro_scan(self.rt.entries, delta_ctx, since, s.retro_page_size, on_hits, stats, self.retry)
        await self.record(retro, stats)
        fps = source_fingerprints(new_entities(change, source), change.new_fingerprints, source)
        if not await self.retry(lambda: retro.finish_retro(source, version, self.token, fps)):
            log.info("%s %s is no longer live: the retro-screen of the live version covers it", source, version)
        return stats

    async def report_hits(
        self,
        change: ListChange,
        source: str,
        version: str,
        changed_ids: set[str],
        trigger: dict[str, str | None],
        hits: list[tuple[bytes, Entry]],
    ) -> int:
        """Decide and send a LIST_UPDATE for each hit not yet told of the change; how many were sent."""
        audit = self.rt.audit
        numbers = [entry.entry_number for _raw, entry in hits]
        latest = await self.retry(lambda: audit.latest_records(numbers))
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
        reported = await self.retry(lambda: audit.alert_fingerprints(list(last.values())))
        fps = change.new_fingerprints
        news = {n: unreported(changed_ids, fps, reported.get(last.get(n, ""), {})) for n in todo_numbers}
        todo = [(raw, e) for raw, e in todo if news[e.entry_number]]
        decisions = await asyncio.to_thread(lambda: [screen_entry(e, change.ctx) for _r, e in todo])
        items = [Pending(e, d, None) for (_r, e), d in zip(todo, decisions, strict=True)]
        done = await self.retry(
            lambda: finalize(
                items,
                change.new_fingerprints,
                audit,
                transform=lambda d: list_update_decision(d, news[d.entry_number], trigger),
            )
        )
        futures = [
            await self.send(decision_outbound(record, self.settings, encoded)) for _item, record, encoded in done
        ]
        await asyncio.gather(*futures)
        return len(done)

    async def record(self, retro: RetroStore, stats: RetroStats) -> None:
        """Log the scan's figures and keep them in Redis (the last scan of each source)."""
        log.info("retro-screen %s", json.dumps(stats.to_json()))
        await self.retry(lambda: retro.record_last(stats.source, stats.to_json()))

    async def prune(self) -> None:
        """Drop the stored entries past retention. Redis away is retried; a fault is reported and the next
        prune tries again."""
        entries = self.rt.entries
        try:
            removed = await self.retry(entries.prune_entries)
        except Exception as exc:  # a fault (Redis away is retried above): the next prune tries again
            self.fault(exc, "could not prune stored entries; the next prune tries again")
            return
        if removed:
            log.info("pruned %d stored entries past retention", removed)
