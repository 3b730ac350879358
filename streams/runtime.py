"""Per-worker state: the screening context of the live list versions, swapped without a pause."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis.asyncio as aioredis

from entrywatch.audit import AuditStore
from entrywatch.store import AsyncListStore, Keys
from screening.entities import Entity
from screening.matching import Thresholds
from screening.screen import ScreeningContext
from screening.suppression import fingerprints
from streams.pipeline import Outbound
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ListChange:
    """A swap of the live lists, for listeners (the retro-screen): before and after."""

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
        self._ready = asyncio.Event()
        self.loaded_at: float | None = None
        self.last_error: str | None = None

    @property
    def ready(self) -> bool:
        return self._ctx is not None

    @property
    def versions(self) -> dict[str, str]:
        return dict(self._ctx.list_versions) if self._ctx else {}

    @property
    def fingerprints(self) -> dict[str, str]:
        return self._fps

    def swap(self, ctx: ScreeningContext, fps: dict[str, str] | None = None) -> None:
        self._ctx, self._fps = ctx, fps or {}
        self.loaded_at = time.time()
        self._ready.set()

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


class Runtime:
    """What the agents share within one worker process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lists = ListState()
        self._redis: aioredis.Redis | None = None
        self._reload_lock = asyncio.Lock()
        self.list_listeners: list[Callable[[ListChange], None]] = []  # called after each swap
        self.counts: dict[str, int] = {"in": 0, "HOLD": 0, "REVIEW": 0, "CLEAR": 0, "DLQ": 0}

    def count(self, records: list[Outbound]) -> None:
        self.counts["in"] += len(records)
        for r in records:
            self.counts[r.decision] += 1

    @property
    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.Redis.from_url(
                self.settings.redis_url.get_secret_value(), socket_timeout=10, health_check_interval=30
            )
        return self._redis

    @property
    def store(self) -> AsyncListStore:
        return AsyncListStore(self.redis, Keys(self.settings.redis_key_prefix))

    @property
    def audit(self) -> AuditStore:
        return AuditStore(self.redis, self.settings.redis_key_prefix, self.settings.audit_retention_days)

    def thresholds(self) -> Thresholds:
        return Thresholds(hold=self.settings.hold_threshold, review=self.settings.review_threshold)

    async def reload_lists(self, *, force: bool = False) -> bool:
        """Load the live versions from Redis and swap them in if they differ. Returns True on a swap."""
        async with self._reload_lock:
            versions = await self.store.live_versions()
            if not force and self.lists.ready and versions == self.lists.versions:
                return False
            versions, entities = await self.store.load_live()
            ctx = await asyncio.to_thread(
                ScreeningContext.from_entities, entities, versions, thresholds=self.thresholds()
            )
            fps = await asyncio.to_thread(fingerprints, entities)
            change = ListChange(self.lists.versions, self.lists.fingerprints, versions, entities, fps, ctx)
            was_ready = self.lists.ready
            self.lists.swap(ctx, fps)
            if was_ready:
                for listener in self.list_listeners:
                    listener(change)
            log.warning("lists in force: %s (%d entities)", versions, len(entities))
            return True

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
