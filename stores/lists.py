"""Entity lists in Redis: every version under its own keys, a live pointer switched atomically.

Keys (``stores.keys``): ``{p}:lists:sources`` (SET of source names), ``{p}:list:{source}:live`` (the live
version), ``{p}:list:{source}:versions`` (versions kept, newest load first), and per version
``{p}:list:{source}:{version}:meta`` and ``:ents`` (entity id -> entity JSON).

A load first passes the guards (:func:`check_snapshot`: not empty; unless forced, no shrink beyond
``max_shrink`` and not published before the live version), then writes the version's keys completely,
checks them, and switches the pointer in one MULTI; a reader never sees a half-written version, and a
load that fails part-way leaves the live version in force. Older versions are kept (``keep``) for
``rollback``. The sync functions serve the CLI; ``AsyncListStore`` serves the worker.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis

from screening import entity_codec
from screening.carry import CarryOver
from screening.entities import Entity, ListSnapshot
from screening.freshness import published_age_s, published_before
from stores.keys import Keys

CHUNK = 1000


class ListRefused(ValueError):
    """A list version that must not go live; the live version stays in force."""


class ListOlderThanLive(ListRefused):
    """A version published before the live one (e.g. a stale mirror, or an old file loaded by mistake)."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    source: str
    version: str
    previous: str | None
    entities: int
    changed: bool
    pruned: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceStatus:
    source: str
    version: str
    published: str
    entities: int
    names: int
    loaded_at: str
    checksum: str
    versions_kept: int
    published_age_s: float | None = None  # seconds since the publication date (None: no date)

    def to_json(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else value


def _meta(r: redis.Redis, keys: Keys, source: str, version: str) -> dict[str, str]:
    raw = r.hgetall(keys.meta(source, version))
    return {_text(k) or "": _text(v) or "" for k, v in raw.items()}


def check_shrink(previous_count: int, new_count: int, max_shrink: float) -> None:
    """Refuse a version whose entity count falls by more than ``max_shrink`` (a share, 0-1) of the live one."""
    if new_count == 0:
        raise ListRefused("the new version has no entities")
    if previous_count and new_count < previous_count * (1 - max_shrink):
        drop = 1 - new_count / previous_count
        raise ListRefused(
            f"entity count falls from {previous_count} to {new_count} ({drop:.0%}), more than the allowed "
            f"{max_shrink:.0%}; a source may be missing from the feed. Use --force to load it anyway"
        )


def check_published(new: str | None, live: str | None) -> None:
    """Refuse a version published before the live one (dates as the publishers state them)."""
    if published_before(new, live):
        raise ListOlderThanLive(
            f"published {new}, before the live version (published {live}); an older list must not replace a "
            "newer one. Use --force to load it anyway, or `lists rollback` to return to a kept version"
        )


def check_snapshot(
    r: redis.Redis, snap: ListSnapshot, keys: Keys, *, max_shrink: float = 0.25, force: bool = False
) -> str | None:
    """The guards a new version passes before it is written; returns the live version (None: none).

    Raises :class:`ListRefused` for an empty list or, unless ``force``, a shrink beyond ``max_shrink``;
    :class:`ListOlderThanLive` (a ListRefused), unless ``force``, for a version published before the
    live one. Nothing is written: ``lists fetch --dry-run`` asks the same question.
    """
    previous = _text(r.get(keys.live(snap.source)))
    if previous == snap.version:
        return previous
    ids = {e.id for e in snap.entities}
    if not ids:
        raise ListRefused(f"{snap.source}: the new version has no entities")
    if previous is not None and not force:
        meta = _meta(r, keys, snap.source, previous)
        try:
            check_published(snap.published, meta.get("published") or None)
            check_shrink(int(meta.get("entities") or 0), len(ids), max_shrink)
        except ListRefused as exc:
            raise type(exc)(f"{snap.source} {snap.version}: {exc}") from None
    return previous


def save_snapshot(
    r: redis.Redis,
    snap: ListSnapshot,
    keys: Keys,
    *,
    max_shrink: float = 0.25,
    force: bool = False,
    keep: int = 5,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Write a snapshot as a new version and make it live; idempotent for the version already live.

    Raises :class:`ListRefused` (live version untouched) when :func:`check_snapshot` refuses it.
    """
    previous = check_snapshot(r, snap, keys, max_shrink=max_shrink, force=force)
    if previous == snap.version:
        return LoadResult(snap.source, snap.version, previous, len(snap.entities), False)
    ids = {e.id for e in snap.entities}
    ents_key = keys.ents(snap.source, snap.version)
    r.delete(ents_key, keys.meta(snap.source, snap.version))  # a half-written earlier attempt
    for i in range(0, len(snap.entities), CHUNK):
        chunk = snap.entities[i : i + CHUNK]
        r.hset(ents_key, mapping={e.id: entity_codec.dumps(e) for e in chunk})
        if progress:
            progress(len(chunk))
    stored = r.hlen(ents_key)
    if stored != len(ids):
        raise RuntimeError(f"{snap.source} {snap.version}: stored {stored} entities, expected {len(ids)}")
    r.hset(
        keys.meta(snap.source, snap.version),
        mapping={
            "entities": len(ids),
            "names": sum(len(e.names) for e in snap.entities),
            "published": snap.published or "",
            "checksum": snap.checksum,
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "warnings": len(snap.warnings),
        },
    )
    tx = r.pipeline(transaction=True)
    tx.set(keys.live(snap.source), snap.version)
    tx.lrem(keys.versions(snap.source), 0, snap.version)
    tx.lpush(keys.versions(snap.source), snap.version)
    tx.sadd(keys.sources, snap.source)
    tx.execute()
    pruned = prune(r, keys, snap.source, keep)
    return LoadResult(snap.source, snap.version, previous, len(ids), True, pruned)


def prune(r: redis.Redis, keys: Keys, source: str, keep: int) -> tuple[str, ...]:
    """Delete the versions beyond the newest ``keep`` (never the live one)."""
    live = _text(r.get(keys.live(source)))
    versions = [_text(v) or "" for v in r.lrange(keys.versions(source), 0, -1)]
    doomed = [v for v in versions[max(keep, 1) :] if v != live]
    for v in doomed:
        tx = r.pipeline(transaction=True)
        tx.lrem(keys.versions(source), 0, v)
        tx.delete(keys.ents(source, v), keys.meta(source, v))
        tx.execute()
    return tuple(doomed)


def rollback(r: redis.Redis, keys: Keys, source: str, to: str | None = None) -> LoadResult:
    """Make an older kept version live again: the one loaded before the live one, or ``to``.

    The versions list stays in load order (only a load reorders it), so rollbacks walk back through
    it one step at a time (v3 -> v2 -> v1), never back and forth; ``to`` picks any kept version.
    """
    live = _text(r.get(keys.live(source)))
    if live is None:
        raise ListRefused(f"{source}: no live version to roll back from")
    versions = [_text(v) or "" for v in r.lrange(keys.versions(source), 0, -1)]
    if to is None:
        older = versions[versions.index(live) + 1 :] if live in versions else []
        if not older:
            raise ListRefused(f"{source}: no older version is kept (kept: {', '.join(versions) or 'none'})")
        to = older[0]
    elif to not in versions:
        raise ListRefused(f"{source}: version {to} is not kept (kept: {', '.join(versions)})")
    count = r.hlen(keys.ents(source, to))
    if not count:
        raise ListRefused(f"{source}: version {to} has no stored entities")
    r.set(keys.live(source), to)
    return LoadResult(source, to, live, int(count), True)


def live_version(r: redis.Redis, keys: Keys, source: str) -> str | None:
    return _text(r.get(keys.live(source)))


def kept_by_checksum(r: redis.Redis, keys: Keys, source: str) -> dict[str, str]:
    """Content checksum -> version, for every kept version of ``source`` (the newest load of each)."""
    out: dict[str, str] = {}
    for raw in r.lrange(keys.versions(source), 0, -1):
        version = _text(raw) or ""
        checksum = _meta(r, keys, source, version).get("checksum")
        if checksum:
            out.setdefault(checksum, version)
    return out


def live_versions(r: redis.Redis, keys: Keys) -> dict[str, str]:
    sources = sorted(_text(s) or "" for s in r.smembers(keys.sources))
    out = {}
    for source in sources:
        version = _text(r.get(keys.live(source)))
        if version:
            out[source] = version
    return out


def status(r: redis.Redis, keys: Keys) -> list[SourceStatus]:
    rows = []
    for source, version in live_versions(r, keys).items():
        meta = _meta(r, keys, source, version)
        rows.append(
            SourceStatus(
                source=source,
                version=version,
                published=meta.get("published", ""),
                entities=int(meta.get("entities") or 0),
                names=int(meta.get("names") or 0),
                loaded_at=meta.get("loaded_at", ""),
                checksum=meta.get("checksum", ""),
                versions_kept=int(r.llen(keys.versions(source))),
                published_age_s=published_age_s(meta.get("published")),
            )
        )
    return rows


# The entities decoded at the last ``load_live``, by the digest of their stored record.
_DECODED: CarryOver[bytes, Entity] = CarryOver()


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


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
        """Every entity of one version; raises if the version is incomplete (e.g. pruned mid-read)."""
        return await self._read(source, version, {})

    async def _read(self, source: str, version: str, decoded: dict[bytes, Entity]) -> list[Entity]:
        """:meth:`entities`, decoding only the stored records not decoded at the last :meth:`load_live`;
        every entity read goes into ``decoded`` (by the digest of its record)."""
        found: dict[bytes | str, bytes] = {}
        async for entity_id, raw in self.r.hscan_iter(self.keys.ents(source, version), count=CHUNK):
            found[entity_id] = raw  # HSCAN may repeat a field; the dict keeps one
        expected = _text(await self.r.hget(self.keys.meta(source, version), "entities"))
        if expected is None or int(expected) != len(found):
            raise RuntimeError(f"{source} {version}: read {len(found)} entities, meta says {expected}")
        known = _DECODED.known()
        out = []
        for raw in found.values():
            digest = _digest(raw)
            entity = known.get(digest)
            if entity is None:
                entity = entity_codec.loads(raw)
            decoded[digest] = entity
            out.append(entity)
        return sorted(out, key=lambda e: e.id)

    async def load_live(self) -> tuple[dict[str, str], list[Entity]]:
        """The live versions and every entity of them. A reload after a list update decodes only the
        entities that update changed (the others are kept from the last load: ``screening.carry``)."""
        versions = await self.live_versions()
        entities: list[Entity] = []
        decoded: dict[bytes, Entity] = {}
        for source, version in versions.items():
            entities.extend(await self._read(source, version, decoded))
        _DECODED.keep(decoded)
        return versions, entities

    async def version_meta(self, versions: dict[str, str]) -> dict[str, dict[str, str]]:
        """Source -> the meta hash (entities, names, published, checksum, loaded_at) of the given version
        (one pipelined read)."""
        if not versions:
            return {}
        pipe = self.r.pipeline(transaction=False)
        for source, version in versions.items():
            pipe.hgetall(self.keys.meta(source, version))
        metas = await pipe.execute()
        return {
            source: {_text(k) or "": _text(v) or "" for k, v in raw.items()}
            for source, raw in zip(versions, metas, strict=True)
        }

    async def ping(self) -> bool:
        return bool(await self.r.ping())
