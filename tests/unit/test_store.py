"""The Redis list store, on fakeredis: versions under their own keys, a live pointer, round-trips."""

from __future__ import annotations

import dataclasses
from typing import Any

import fakeredis
import fakeredis.aioredis
import pytest
import redis

from screening.entities import Entity, EntityName, ListSnapshot
from screening.lists.loader import load_paths
from stores.keys import Keys
from stores.lists import (
    AsyncListStore,
    ListOlderThanLive,
    ListRefused,
    check_snapshot,
    live_versions,
    rollback,
    save_snapshot,
    status,
)
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

    meta = await store.version_meta(versions)  # one pipelined read, as /lists and the reload take it
    assert sorted(meta) == sorted(versions)
    for s in snapshots:
        assert meta[s.source]["entities"] == str(len(s.entities))
        assert meta[s.source]["checksum"] == s.checksum and meta[s.source]["loaded_at"]
    assert await store.version_meta({}) == {}


def test_saving_the_live_version_again_changes_nothing() -> None:
    r = fakeredis.FakeRedis()
    [snap], _ = load_paths([LISTS / "uflpa"])
    first = save_snapshot(r, snap, Keys())
    again = save_snapshot(r, snap, Keys())
    assert first.changed and not again.changed
    assert r.lrange(Keys().versions("uflpa"), 0, -1) == [snap.version.encode()]


def snapshot(version: str, n: int, source: str = "uflpa") -> ListSnapshot:
    entities = tuple(
        Entity(
            id=f"{source}:e{i}",
            source=source,
            list_name="Test List",
            list_version=version,
            entity_type="organization",
            names=(EntityName(f"Listed Company Number {i} Ltd"),),
        )
        for i in range(n)
    )
    return ListSnapshot(source, version, entities, None, f"sum-{version}")


def test_shrink_guard_refuses_and_keeps_the_live_version() -> None:
    r = fakeredis.FakeRedis()
    keys = Keys()
    save_snapshot(r, snapshot("v1", 100), keys, max_shrink=0.25)
    with pytest.raises(ListRefused, match="falls from 100 to 70"):
        save_snapshot(r, snapshot("v2", 70), keys, max_shrink=0.25)
    assert live_versions(r, keys) == {"uflpa": "v1"}
    assert save_snapshot(r, snapshot("v3", 80), keys, max_shrink=0.25).changed  # within the bound
    forced = save_snapshot(r, snapshot("v4", 10), keys, max_shrink=0.25, force=True)
    assert forced.changed and live_versions(r, keys) == {"uflpa": "v4"}


def test_an_empty_list_is_refused_even_with_force() -> None:
    r = fakeredis.FakeRedis()
    with pytest.raises(ListRefused, match="no entities"):
        save_snapshot(r, snapshot("v1", 0), Keys(), force=True)
    assert live_versions(r, Keys()) == {}


def test_rollback_and_retention() -> None:
    r = fakeredis.FakeRedis()
    keys = Keys()
    for v in ("v1", "v2", "v3", "v4"):
        save_snapshot(r, snapshot(v, 100), keys, keep=3)
    assert [x.decode() for x in r.lrange(keys.versions("uflpa"), 0, -1)] == ["v4", "v3", "v2"]
    assert not r.exists(keys.ents("uflpa", "v1"))
    back = rollback(r, keys, "uflpa")
    assert (back.version, back.previous) == ("v3", "v4")
    assert live_versions(r, keys) == {"uflpa": "v3"}
    assert rollback(r, keys, "uflpa", to="v2").version == "v2"
    with pytest.raises(ListRefused, match="not kept"):
        rollback(r, keys, "uflpa", to="v1")
    [row] = status(r, keys)
    assert (row.source, row.version, row.entities, row.versions_kept) == ("uflpa", "v2", 100, 3)


def test_successive_rollbacks_walk_back_in_load_order() -> None:
    r = fakeredis.FakeRedis()
    keys = Keys()
    for v in ("v1", "v2", "v3"):
        save_snapshot(r, snapshot(v, 100), keys)
    first = rollback(r, keys, "uflpa")
    assert (first.version, first.previous) == ("v2", "v3")
    second = rollback(r, keys, "uflpa")
    assert (second.version, second.previous) == ("v1", "v2")  # further back, not forth to v3
    with pytest.raises(ListRefused, match="no older version"):
        rollback(r, keys, "uflpa")
    assert live_versions(r, keys) == {"uflpa": "v1"}
    assert [x.decode() for x in r.lrange(keys.versions("uflpa"), 0, -1)] == ["v3", "v2", "v1"]
    # --to still picks any kept version, newer ones included; a rollback from there steps back one
    assert rollback(r, keys, "uflpa", to="v3").version == "v3"
    assert rollback(r, keys, "uflpa").version == "v2"


class FailingRedis(fakeredis.FakeRedis):
    """Fails on the n-th HSET, as a Redis that goes away part-way through a load would."""

    def __init__(self, fail_at: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.fail_at = fail_at
        self.calls = 0

    def hset(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.fail_at:
            raise redis.ConnectionError("connection lost")
        return super().hset(*args, **kwargs)


async def test_a_load_failing_half_way_leaves_the_previous_version_live() -> None:
    server = fakeredis.FakeServer()
    r = FailingRedis(fail_at=10**9, server=server)
    keys = Keys()
    save_snapshot(r, snapshot("v1", 3000), keys)
    r.fail_at, r.calls = 2, 0  # the second chunk of the next version fails
    with pytest.raises(redis.ConnectionError):
        save_snapshot(r, snapshot("v2", 3000), keys)
    assert live_versions(r, keys) == {"uflpa": "v1"}
    versions, entities = await AsyncListStore(fakeredis.aioredis.FakeRedis(server=server), keys).load_live()
    assert versions == {"uflpa": "v1"} and len(entities) == 3000
    assert {e.list_version for e in entities} == {"v1"}


async def test_reader_refuses_an_incomplete_version() -> None:
    server = fakeredis.FakeServer()
    r = fakeredis.FakeRedis(server=server)
    keys = Keys()
    save_snapshot(r, snapshot("v1", 10), keys)
    r.hdel(keys.ents("uflpa", "v1"), "uflpa:e3")
    with pytest.raises(RuntimeError, match="read 9 entities, meta says 10"):
        await AsyncListStore(fakeredis.aioredis.FakeRedis(server=server), keys).load_live()


def dated(version: str, published: str | None, n: int = 100) -> ListSnapshot:
    return dataclasses.replace(snapshot(version, n), published=published)


def test_a_version_published_before_the_live_one_is_refused_unless_forced() -> None:
    r = fakeredis.FakeRedis()
    keys = Keys()
    save_snapshot(r, dated("2026-03-01-a", "2026-03-01"), keys)
    with pytest.raises(ListOlderThanLive, match="published 2023-11-30, before the live version"):
        save_snapshot(r, dated("2023-11-30-b", "2023-11-30"), keys)
    assert live_versions(r, keys) == {"uflpa": "2026-03-01-a"}
    assert not r.exists(keys.meta("uflpa", "2023-11-30-b"))  # nothing of it written
    # the same day, a later day, or no date at all: loaded
    assert save_snapshot(r, dated("2026-03-01-c", "2026-03-01"), keys).changed
    assert save_snapshot(r, dated("2026-03-02-d", "2026-03-02"), keys).changed
    assert save_snapshot(r, dated("undated-e", None), keys).changed
    assert save_snapshot(r, dated("2026-03-03-f", "2026-03-03"), keys).changed
    forced = save_snapshot(r, dated("2023-11-30-b", "2023-11-30"), keys, force=True)
    assert forced.changed and live_versions(r, keys) == {"uflpa": "2023-11-30-b"}
    # a rollback is not a load: it may go back in time
    assert rollback(r, keys, "uflpa").version == "2026-03-03-f"


def test_check_snapshot_answers_without_writing() -> None:
    r = fakeredis.FakeRedis()
    keys = Keys()
    assert check_snapshot(r, dated("v1", "2026-03-01"), keys) is None
    assert r.keys("*") == []
    save_snapshot(r, dated("v1", "2026-03-01"), keys)
    assert check_snapshot(r, dated("v1", "2026-03-01"), keys) == "v1"
    assert check_snapshot(r, dated("v2", "2026-03-05", n=90), keys) == "v1"
    with pytest.raises(ListRefused, match="falls from 100 to 10"):
        check_snapshot(r, dated("v3", "2026-03-05", n=10), keys)
    with pytest.raises(ListOlderThanLive):
        check_snapshot(r, dated("v4", "2026-02-01"), keys)
    assert check_snapshot(r, dated("v4", "2026-02-01", n=10), keys, force=True) == "v1"
    assert live_versions(r, keys) == {"uflpa": "v1"} and len(r.keys(keys.meta("uflpa", "*"))) == 1


def test_bundled_loaders_keep_a_newer_live_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """`lists load --keep-newer` (the compose and k8s loaders at every start): a source whose live version
    was published later, e.g. by `lists fetch`, stays live and the load still succeeds."""
    from entrywatch import listops
    from streams.settings import Settings

    r = fakeredis.FakeRedis()
    monkeypatch.setattr(listops, "redis_client", lambda _settings: r)
    settings = Settings()
    listops.store_snapshots(settings, [dated("2026-03-01-a", "2026-03-01")], announce_changes=False)
    older = [dated("2025-01-15-b", "2025-01-15"), dated("x1", "2024-01-01", n=5)]
    older[1] = dataclasses.replace(older[1], source="csl", entities=tuple(
        dataclasses.replace(e, id=e.id.replace("uflpa", "csl"), source="csl") for e in older[1].entities
    ))  # fmt: skip
    kept = listops.store_snapshots(settings, older, keep_newer=True, announce_changes=False)
    assert kept.ok and [w for w, _ in kept.kept_newer] == ["uflpa"] and [x.source for x in kept.loaded] == ["csl"]
    assert kept.to_json()["kept_newer"][0]["source"] == "uflpa"
    refused = listops.store_snapshots(settings, older[:1], announce_changes=False)
    assert not refused.ok and "before the live version" in refused.refused[0][1]
    assert live_versions(r, Keys())["uflpa"] == "2026-03-01-a"
