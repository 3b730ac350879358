"""The Redis list store, on fakeredis: versions under their own keys, a live pointer, round-trips."""

from __future__ import annotations

import fakeredis
import fakeredis.aioredis

from entrywatch.store import AsyncListStore, Keys, live_versions, save_snapshot
from screening.lists.loader import load_paths
from tests.conftest import LISTS


async def test_save_then_load_live_round_trips_entities() -> None:
    server = fakeredis.FakeServer()
    r = fakeredis.FakeRedis(server=server)
    snapshots, _ = load_paths([LISTS / "uflpa", LISTS / "cbp"])
    keys = Keys("t")
    results = [save_snapshot(r, s, keys) for s in snapshots]
    assert all(res.changed and res.previous is None for res in results)
    assert live_versions(r, keys) == {s.source: s.version for s in snapshots}

    store = AsyncListStore(fakeredis.aioredis.FakeRedis(server=server), keys)
    versions, entities = await store.load_live()
    assert versions == {s.source: s.version for s in snapshots}
    expected = sorted((e for s in snapshots for e in s.entities), key=lambda e: (e.source, e.id))
    assert sorted(entities, key=lambda e: (e.source, e.id)) == expected


def test_saving_the_live_version_again_changes_nothing() -> None:
    r = fakeredis.FakeRedis()
    [snap], _ = load_paths([LISTS / "uflpa"])
    first = save_snapshot(r, snap, Keys())
    again = save_snapshot(r, snap, Keys())
    assert first.changed and not again.changed
    assert r.lrange(Keys().versions("uflpa"), 0, -1) == [snap.version.encode()]
