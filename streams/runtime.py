"""Per-worker state: the screening context of the live list versions, swapped without a pause."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis.asyncio as aioredis

from screening.entities import Entity
from screening.matching import Thresholds
from screening.screen import ScreeningContext
from screening.suppression import fingerprints
from stores.audit import AuditStore, epoch
from stores.entries import EntryStore
from stores.keys import Keys
from stores.lists import AsyncListStore
from stores.retro import RetroStore
from streams.activity import Activity
from streams.gc_control import GcWatch, freeze_heap
from streams.health import AgentHealth
from streams.metrics import ListInfo, Metrics
from streams.name_share import SharedNames
from streams.pipeline import Outbound
from streams.security import async_redis
from streams.settings import Settings

log = logging.getLogger(__name__)


class NoListsLoaded(RuntimeError):
    """Redis holds no live list version: screening must wait rather than clear entries unscreened."""


@dataclass(frozen=True, slots=True)
class ListChange:
    """A swap of the live lists, for listeners (the retro-screen): before and after. The first load of a
    worker is one too, with nothing before; the retro-screen builds its own from the retro baseline."""

    old_versions: dict[str, str]
    old_fingerprints: dict[str, str]
    new_versions: dict[str, str]
    new_entities: list[Entity]
    new_fingerprints: dict[str, str]
    ctx: ScreeningContext


class ListState:
    """Holds the current :class:`ScreeningContext`. Readers take a reference per batch; a reload builds
    the next context aside (in a thread) and swaps the reference, so screening never pauses."""

    def __init__(self) -> None:
        self._ctx: ScreeningContext | None = None
        self._fps: dict[str, str] = {}  # entity id -> content fingerprint, for the context in force
        self._entities: list[Entity] = []  # the entities of the context in force
        self._ready = asyncio.Event()
        self.loaded_at: float | None = None
        self.last_error: str | None = None
        self.meta: dict[str, dict[str, str]] = {}  # source -> meta hash of its live version

    @property
    def ready(self) -> bool:
        return self._ctx is not None

    @property
    def versions(self) -> dict[str, str]:
        return dict(self._ctx.list_versions) if self._ctx else {}

    @property
    def fingerprints(self) -> dict[str, str]:
        return self._fps

    def swap(
        self, ctx: ScreeningContext, fps: dict[str, str] | None = None, entities: list[Entity] | None = None
    ) -> None:
        self._ctx, self._fps, self._entities = ctx, fps or {}, entities or []
        self.loaded_at = time.time()
        self._ready.set()

    def change_to_current(self, old_versions: dict[str, str], old_fps: dict[str, str]) -> ListChange:
        """A change from the given versions (and their fingerprints) to the lists in force."""
        assert self._ctx is not None
        return ListChange(old_versions, old_fps, self.versions, self._entities, self._fps, self._ctx)

    async def current(self) -> ScreeningContext:
        if self._ctx is None:
            await self._ready.wait()
        assert self._ctx is not None
        return self._ctx

    async def current_view(self) -> tuple[ScreeningContext, dict[str, str]]:
        """The context in force and the fingerprints of its entities, taken together."""
        if self._ctx is None:
            await self._ready.wait()
        assert self._ctx is not None
        return self._ctx, self._fps


@dataclass(frozen=True, slots=True)
class Stores:
    """The Redis stores of one client, built once (the audit and retro stores register Lua scripts)."""

    client: aioredis.Redis
    lists: AsyncListStore
    audit: AuditStore
    entries: EntryStore
    retro: RetroStore

    @classmethod
    def build(cls, client: aioredis.Redis, settings: Settings) -> Stores:
        prefix, days = settings.redis_key_prefix, settings.audit_retention_days
        return cls(
            client,
            AsyncListStore(client, Keys(prefix)),
            AuditStore(client, prefix, days),
            EntryStore(client, prefix, days),
            RetroStore(client, prefix),
        )


class Runtime:
    """What the agents share within one worker process."""

    def __init__(self, settings: Settings, redis_client: aioredis.Redis | None = None) -> None:
        self.settings = settings
        self.lists = ListState()
        self._redis: aioredis.Redis | None = redis_client
        self._reload_lock = asyncio.Lock()
        self._names: SharedNames | None = None
        self._stores: Stores | None = None
        self.list_listeners: list[Callable[[ListChange], None]] = []  # called after each swap, the first too
        self.counts: dict[str, int] = {"in": 0, "HOLD": 0, "REVIEW": 0, "CLEAR": 0, "DLQ": 0}
        self.started_at = time.time()
        self.metrics = Metrics()
        self.metrics.lists_source = self.list_infos
        self.metrics.swapped_at = lambda: self.lists.loaded_at
        self.screen_health = AgentHealth()
        self.metrics.health_source = lambda: self.screen_health
        # Called when the screening agent stops on a fault it cannot answer (``entrywatch worker`` stops
        # the process, so no later offset is committed past an unanswered record).
        self.on_fatal: Callable[[BaseException], None] | None = None
        self.activity = Activity(keep=settings.recent_holds)
        self.gc_watch = GcWatch(self.metrics.gc_pauses, self.metrics.gc_collected)

    def count(
        self,
        records: list[Outbound],
        *,
        stages: dict[str, float] | None = None,
        started: float | None = None,
        produced_at: Iterable[float | None] = (),
    ) -> None:
        """Account for one delivered batch: counts, metrics, the latest holds. ``started`` is the
        ``time.monotonic()`` when the batch was taken; ``produced_at`` the entries' record timestamps."""
        self.counts["in"] += len(records)
        kinds = dict.fromkeys(("HOLD", "REVIEW", "CLEAR", "DLQ"), 0)
        for r in records:
            self.counts[r.decision] += 1
            kinds[r.decision] = kinds.get(r.decision, 0) + 1
        # Only HOLD/REVIEW and dead letters are looked into (reasons, error kind); a decision's record is
        # at hand, a dead letter is parsed back (the rare records).
        parsed = [
            (r.decision, r.record if r.record is not None else json.loads(r.value))
            for r in records
            if r.decision != "CLEAR"
        ]
        holds = [rec for kind, rec in parsed if kind in ("HOLD", "REVIEW")]
        for rec in holds if log.isEnabledFor(logging.INFO) else ():
            log.info(
                "%s %s: %s", rec.get("decision"), rec.get("entry_number"),
                ",".join(sorted({str(x.get("code")) for x in rec.get("reasons", [])})),
                extra={"entry_number": rec.get("entry_number"), "alert_id": rec.get("alert_id"),
                       "decision": rec.get("decision")},
            )  # fmt: skip
        now, wall = time.monotonic(), time.time()
        latency = [] if started is None else [now - started] * len(records)
        e2e = [wall - t for t in produced_at if t]
        self.metrics.observe_batch(kinds, parsed, stages=stages, latencies=latency, end_to_end=e2e)
        self.activity.record(len(records), holds)

    def list_infos(self) -> list[ListInfo]:
        out = []
        for source, version in sorted(self.lists.versions.items()):
            meta = self.lists.meta.get(source, {})
            entities = meta.get("entities")
            out.append(
                ListInfo(
                    source, version, int(entities) if entities and entities.isdigit() else None,
                    epoch(meta.get("loaded_at"), None), meta.get("published") or None,
                )
            )  # fmt: skip
        return out

    @property
    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = async_redis(self.settings, socket_timeout=10, health_check_interval=30)
        return self._redis

    @property
    def stores(self) -> Stores:
        """The stores of the Redis client in use (built again only when the client is replaced)."""
        client = self.redis
        if self._stores is None or self._stores.client is not client:
            self._stores = Stores.build(client, self.settings)
        return self._stores

    @property
    def store(self) -> AsyncListStore:
        return self.stores.lists

    @property
    def names(self) -> SharedNames:
        """This worker's side of the name results shared between workers (one per runtime)."""
        if self._names is None:
            self._names = SharedNames(self.redis, self.settings)
        return self._names

    @property
    def audit(self) -> AuditStore:
        return self.stores.audit

    @property
    def entries(self) -> EntryStore:
        return self.stores.entries

    @property
    def retro(self) -> RetroStore:
        return self.stores.retro

    def thresholds(self) -> Thresholds:
        return self.settings.thresholds()

    async def reload_lists(self, *, force: bool = False) -> bool:
        """Load the live versions from Redis and swap them in if they differ. Returns True on a swap."""
        async with self._reload_lock:
            versions = await self.store.live_versions()
            if not force and self.lists.ready and versions == self.lists.versions:
                return False
            versions, entities = await self.store.load_live()
            if not entities:
                # Fail closed: with no list loaded every entry would come out CLEAR. Keep what is in force
                # (or, at start, nothing: the screening agent waits and acks nothing until lists arrive).
                raise NoListsLoaded("no entity list is loaded in Redis; load one with `entrywatch lists load`")
            ctx = await asyncio.to_thread(
                ScreeningContext.from_entities,
                entities,
                versions,
                thresholds=self.thresholds(),
                cache_size=self.settings.name_cache_size,
            )
            meta = await self.store.version_meta(versions)
            fps = await asyncio.to_thread(fingerprints, entities)
            old_versions, old_fps = self.lists.versions, self.lists.fingerprints
            self.lists.swap(ctx, fps, entities)
            change = self.lists.change_to_current(old_versions, old_fps)
            freeze_heap()
            self.lists.meta = meta
            self.metrics.list_reloads.inc()
            for listener in self.list_listeners:  # the first load too (the retro-screen checks its baseline)
                listener(change)
            log.info("lists in force: %s (%d entities)", versions, len(entities))
            return True

    async def close(self) -> None:
        self.gc_watch.uninstall()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
            self._stores = None
