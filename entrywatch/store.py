"""Entity lists in Redis: every version under its own keys, a live pointer switched atomically.

Key layout (prefix ``ew`` by default):
  {p}:lists:sources                   SET of source names
  {p}:list:{source}:live              STRING: the live version
  {p}:list:{source}:versions          LIST: versions, newest first
  {p}:list:{source}:{version}:meta    HASH: entities, names, published, checksum, loaded_at
  {p}:list:{source}:{version}:ents    HASH: entity id -> entity JSON

A load writes the version's keys completely, then switches the pointer in one MULTI; a reader never
sees a half-written version. The sync functions serve the CLI; ``AsyncListStore`` serves the worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis

from screening import entity_codec
from screening.entities import Entity, ListSnapshot

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "ew"

    @property
    def sources(self) -> str:
        return f"{self.prefix}:lists:sources"

    def live(self, source: str) -> str:
        return f"{self.prefix}:list:{source}:live"

    def versions(self, source: str) -> str:
        return f"{self.prefix}:list:{source}:versions"

    def meta(self, source: str, version: str) -> str:
        return f"{self.prefix}:list:{source}:{version}:meta"

    def ents(self, source: str, version: str) -> str:
        return f"{self.prefix}:list:{source}:{version}:ents"


@dataclass(frozen=True, slots=True)
class LoadResult:
    source: str
    version: str
    previous: str | None
    entities: int
    changed: bool


def save_snapshot(r: redis.Redis, snap: ListSnapshot, keys: Keys) -> LoadResult:
    """Write a snapshot as a new version and make it live. Idempotent for a version already stored."""
    previous = _text(r.get(keys.live(snap.source)))
    if previous == snap.version:
        return LoadResult(snap.source, snap.version, previous, len(snap.entities), False)
    ents_key = keys.ents(snap.source, snap.version)
    r.delete(ents_key)  # a half-written earlier attempt of this version
    pipe = r.pipeline(transaction=False)
    for i in range(0, len(snap.entities), CHUNK):
        chunk = snap.entities[i : i + CHUNK]
        pipe.hset(ents_key, mapping={e.id: entity_codec.dumps(e) for e in chunk})
    pipe.hset(
        keys.meta(snap.source, snap.version),
        mapping={
            "entities": len(snap.entities),
            "names": sum(len(e.names) for e in snap.entities),
            "published": snap.published or "",
            "checksum": snap.checksum,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
    )
    pipe.execute()
    stored = r.hlen(ents_key)
    if stored != len({e.id for e in snap.entities}):
        raise RuntimeError(f"{snap.source} {snap.version}: wrote {stored} entities, expected {len(snap.entities)}")
    tx = r.pipeline(transaction=True)
    tx.set(keys.live(snap.source), snap.version)
    tx.lrem(keys.versions(snap.source), 0, snap.version)
    tx.lpush(keys.versions(snap.source), snap.version)
    tx.sadd(keys.sources, snap.source)
    tx.execute()
    return LoadResult(snap.source, snap.version, previous, len(snap.entities), True)


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else value


def live_versions(r: redis.Redis, keys: Keys) -> dict[str, str]:
    sources = sorted(_text(s) or "" for s in r.smembers(keys.sources))
    out = {}
    for source in sources:
        version = _text(r.get(keys.live(source)))
        if version:
            out[source] = version
    return out


class AsyncListStore:
    """What the worker needs from Redis: the live versions and their entities."""

    def __init__(self, client: aioredis.Redis, keys: Keys) -> None:
        self.r = client
        self.keys = keys

    async def live_versions(self) -> dict[str, str]:
        sources = sorted(_text(s) or "" for s in await self.r.smembers(self.keys.sources))
        if not sources:
            return {}
        values = await self.r.mget([self.keys.live(s) for s in sources])
        return {s: v for s, v in zip(sources, map(_text, values), strict=True) if v}

    async def entities(self, source: str, version: str) -> list[Entity]:
        out: list[Entity] = []
        async for _id, raw in self.r.hscan_iter(self.keys.ents(source, version), count=CHUNK):
            out.append(entity_codec.loads(raw))
        out.sort(key=lambda e: e.id)
        return out

    async def load_live(self) -> tuple[dict[str, str], list[Entity]]:
        versions = await self.live_versions()
        entities: list[Entity] = []
        for source, version in versions.items():
            entities.extend(await self.entities(source, version))
        return versions, entities

    async def version_meta(self, versions: dict[str, str]) -> dict[str, dict[str, str]]:
        """Source -> the meta hash (entities, names, published, checksum, loaded_at) of the given version."""
        out: dict[str, dict[str, str]] = {}
        for source, version in versions.items():
            raw = await self.r.hgetall(self.keys.meta(source, version))
            out[source] = {_text(k) or "": _text(v) or "" for k, v in raw.items()}
        return out

    async def ping(self) -> bool:
        return bool(await self.r.ping())


def save_all(r: redis.Redis, snapshots: Iterable[ListSnapshot], keys: Keys) -> list[LoadResult]:
    return [save_snapshot(r, s, keys) for s in snapshots]
