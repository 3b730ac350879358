"""Retro-screening state in Redis (``stores.keys``): per source the retro baseline (the version the stored
entries were last re-screened against) with its entities' fingerprints, the lease of the one worker
retro-screening a version, and the figures of the last finished scan.

  {p}:retro:baseline              HASH: source -> the baseline (set at the first load, moved when a
                                  retro-screen of the version then live finishes); a source whose live
                                  version differs owes a retro-screen from it, whether or not a worker was
                                  running at the load
  {p}:retro:fps:{source}:{ver}    HASH: entity id -> fingerprint of the baseline version's entities (kept
                                  while it is the baseline: the list store prunes old versions' entities)
  {p}:retro:lock:{source}:{ver}   STRING: lease (SET NX PX, renewed while scanning) of the one worker that
                                  retro-screens that list version; its value is that worker's token
  {p}:retro:last:{source}         STRING: the figures of the source's last finished retro-screen (JSON)
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import redis.asyncio as aioredis
from redis.exceptions import WatchError
from redis.typing import EncodableT, FieldT

from stores.keys import Keys


def _text(v: bytes | str) -> str:
    return v.decode() if isinstance(v, bytes) else v


def _fields(mapping: Mapping[str, str]) -> dict[FieldT, EncodableT]:
    return {k: v for k, v in mapping.items()}


class RetroStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "ew") -> None:
        self.r = client
        self.keys = Keys(prefix)
        self._renew = client.register_script(_RENEW_IF_OWNER)
        self._release = client.register_script(_DELETE_IF_OWNER)

    async def retro_baselines(self) -> dict[str, str]:
        """Source -> its retro baseline version ({} before the first worker recorded one)."""
        raw = await self.r.hgetall(self.keys.retro_baseline)
        return {_text(k): _text(v) for k, v in raw.items()}

    async def retro_baseline_fps(self, source: str, version: str) -> dict[str, str] | None:
        """The fingerprints kept for a baseline version; None if none are kept (e.g. it stopped being
        the baseline since it was read)."""
        raw = await self.r.hgetall(self.keys.retro_fps(source, version))
        return {_text(k): _text(v) for k, v in raw.items()} or None

    async def record_retro_baselines(self, versions: Mapping[str, str], fps: Mapping[str, Mapping[str, str]]) -> bool:
        """Record the first baseline (``versions``, with each source's fingerprints) unless any baseline
        exists already (another worker recorded it first: False)."""
        key = self.keys.retro_baseline
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    if await pipe.exists(key):
                        return False
                    pipe.multi()  # type: ignore[no-untyped-call]
                    for source, version in versions.items():
                        pipe.delete(self.keys.retro_fps(source, version))
                        if fps.get(source):
                            pipe.hset(self.keys.retro_fps(source, version), mapping=_fields(fps[source]))
                    pipe.hset(key, mapping=_fields(versions))
                    await pipe.execute()
                    return True
                except WatchError:
                    continue

    async def advance_retro_baseline(self, source: str, version: str, fps: Mapping[str, str]) -> bool:
        """Make ``version`` (with its entities' fingerprints) the source's baseline, if it is still the
        live version: the retro-screen up to it is done. False if another version went live meanwhile
        (the retro-screen of that one starts from the baseline in place, so it covers this one too)."""
        live_key, key = self.keys.live(source), self.keys.retro_baseline
        async with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(live_key, key)
                    live = await pipe.get(live_key)
                    if live is None or _text(live) != version:
                        return False
                    old = await pipe.hget(key, source)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    if old is not None and _text(old) != version:
                        pipe.delete(self.keys.retro_fps(source, _text(old)))
                    pipe.delete(self.keys.retro_fps(source, version))
                    if fps:
                        pipe.hset(self.keys.retro_fps(source, version), mapping=_fields(fps))
                    pipe.hset(key, source, version)
                    await pipe.execute()
                    return True
                except WatchError:
                    continue

    async def claim_retro(self, source: str, version: str, token: str, lease_s: float) -> bool:
        """True for the one worker that gets to retro-screen this list version now: nobody holds the
        lease (the holder finished, or stopped and let it lapse) and the scan is not done."""
        if await self.retro_is_done(source, version):
            return False
        lease_ms = max(1, int(lease_s * 1000))
        return bool(await self.r.set(self.keys.retro_lock(source, version), token, nx=True, px=lease_ms))

    async def renew_retro(self, source: str, version: str, token: str, lease_s: float) -> bool:
        """Extend the lease if this worker (``token``) still holds it; False if it lapsed meanwhile."""
        lease_ms = max(1, int(lease_s * 1000))
        return bool(await self._renew(keys=[self.keys.retro_lock(source, version)], args=[token, lease_ms]))

    async def finish_retro(self, source: str, version: str, token: str, fps: Mapping[str, str]) -> bool:
        """The scan up to ``version`` is done: advance the baseline to it (see ``advance_retro_baseline``,
        whose answer this returns) and release the lease."""
        advanced = await self.advance_retro_baseline(source, version, fps)
        await self.release_retro(source, version, token)
        return advanced

    async def release_retro(self, source: str, version: str, token: str) -> None:
        """Give the lease up (if this worker still holds it) without marking the scan done."""
        await self._release(keys=[self.keys.retro_lock(source, version)], args=[token])

    async def retro_is_done(self, source: str, version: str) -> bool:
        """The stored entries are re-screened up to this version: it is the source's baseline."""
        baseline = await self.r.hget(self.keys.retro_baseline, source)
        return baseline is not None and _text(baseline) == version

    async def record_last(self, source: str, figures: Mapping[str, object]) -> None:
        """Keep the figures of the source's last finished retro-screen (``GET {p}:retro:last:{source}``)."""
        await self.r.set(self.keys.retro_last(source), json.dumps(figures))


# A lease is renewed or released only by the worker holding it (its token is the value).
_RENEW_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_DELETE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
