"""Name-search results shared between workers: the codec (pure) and the Redis stream (fakeredis).

A shared result must be exactly what the receiving worker would have computed, so the decisions of a
worker that adopted other workers' results are the decisions it would have made alone."""

from __future__ import annotations

import asyncio
from typing import Any

import fakeredis
import pytest
import redis.asyncio as aioredis

from entrywatch.cli.screen import context_from_paths
from screening.decision import Decision
from screening.entry import parse_entry
from screening.matching import Match, NameIndex, Thresholds
from screening.matching.result_codec import decode_results, encode_results, index_fingerprint
from screening.screen import ScreeningContext, screen_entry
from stores.keys import Keys
from streams.name_share import SharedNames
from streams.settings import Settings

PATHS = ["data/lists/uflpa", "data/lists/cbp", "data/lists/un"]
QUERIES = [
    ("Hoshine Silicon Industry (Shanshan) Co., Ltd", None, "CN", "Shanshan"),
    ("XPCC", None, None, None),
    ("Xinjiang Production & Construction Corps", "company", "CN", None),
    ("Acme Widgets Inc", None, "US", "Dayton"),  # nothing found: an empty result is shared too
]


@pytest.fixture(scope="module")
def contexts() -> tuple[ScreeningContext, ScreeningContext]:
    return context_from_paths(PATHS, quiet=True), context_from_paths(PATHS, quiet=True)


def _rows(found: Any) -> list[tuple[str, str, float, dict[str, Any]]]:
    return [(m.entity.id, m.name.value, m.score, m.explain) for m in found]


def _search(index: NameIndex) -> list[list[tuple[str, str, float, dict[str, Any]]]]:
    return [_rows(index.search(n, kind=k, country=c, city=y, limit=3)) for n, k, c, y in QUERIES]


def test_a_shared_result_is_what_the_receiving_index_computes() -> None:
    entities = context_from_paths(PATHS, quiet=True).index._entities
    a, b, alone = NameIndex(entities), NameIndex(entities), NameIndex(entities)
    want = _search(a)
    fresh = a.fresh_results()
    assert len(fresh) == len(QUERIES) and any(matches for _, matches in fresh)
    assert a.fresh_results() == []  # taken once
    adopted = decode_results(encode_results(fresh), b)
    assert sum(b.adopt(key, matches) for key, matches in adopted) == len(QUERIES)
    assert _search(b) == want == _search(alone)
    assert (b.cache_misses, b.cache_hits) == (0, len(QUERIES))  # answered from what it adopted
    assert b.fresh_results() == []  # adopted results are not shared again
    assert not any(b.adopt(key, matches) for key, matches in adopted)  # cached already


def test_results_naming_entities_the_index_lacks_are_skipped() -> None:
    full = context_from_paths(PATHS, quiet=True).index
    small = NameIndex([e for e in full._entities if e.source != "uflpa"])
    full.search("Hoshine Silicon Industry (Shanshan) Co., Ltd", limit=3)
    full.search("Acme Widgets Inc", limit=3)
    fresh = full.fresh_results()
    hoshine = [m for _, matches in fresh for m in matches if m.entity.source == "uflpa"]
    assert hoshine
    kept = decode_results(encode_results(fresh), small)
    assert [key[0] for key, _ in kept] == ["Acme Widgets Inc"]


@pytest.mark.parametrize(
    "data", [b"", b"{}", b"[[1]]", b'[[["a"], []]]', b'[[["a",null,null,null,3,0.75], [["x"]]]]', b"\xff"]
)
def test_bytes_that_are_not_a_batch_are_refused(data: bytes) -> None:
    index = NameIndex([])
    with pytest.raises(ValueError, match="not a batch of name results"):
        decode_results(data, index)


def test_fingerprint_names_lists_algorithm_and_thresholds() -> None:
    index = NameIndex([])
    base = index_fingerprint(index, {"uflpa": "1", "cbp": "2"})
    assert base == index_fingerprint(NameIndex([]), {"cbp": "2", "uflpa": "1"})
    assert base != index_fingerprint(index, {"uflpa": "1", "cbp": "3"})
    assert base != index_fingerprint(NameIndex([], Thresholds(hold=0.95, review=0.8)), {"uflpa": "1", "cbp": "2"})


def _settings(**kw: Any) -> Settings:
    return Settings(redis_key_prefix="t", **kw)


def _entries(demo_entries: list[dict[str, Any]]) -> list[Any]:
    return [parse_entry(e) for e in demo_entries]


def _decisions(entries: list[Any], ctx: ScreeningContext) -> list[dict[str, Any]]:
    out: list[Decision] = [screen_entry(e, ctx) for e in entries]
    return [d.to_json("2026-01-01T00:00:00Z") for d in out]


def test_two_workers_share_through_a_stream_and_decide_alike(
    contexts: tuple[ScreeningContext, ScreeningContext], demo_entries: list[dict[str, Any]]
) -> None:
    async def run() -> None:
        redis = fakeredis.aioredis.FakeRedis()
        ctx_a, ctx_b = contexts
        a, b = SharedNames(redis, _settings(), "a"), SharedNames(redis, _settings(), "b")
        entries = _entries(demo_entries)
        assert await a.pull(ctx_a) == 0  # nothing shared yet
        decided_a = _decisions(entries, ctx_a)
        published = await a.push(ctx_a)
        assert published == ctx_a.index.cache_misses > 0
        assert await a.pull(ctx_a) == 0  # its own results are skipped
        assert await b.pull(ctx_b) == published
        misses = ctx_b.index.cache_misses
        assert _decisions(entries, ctx_b) == decided_a
        assert ctx_b.index.cache_misses == misses  # every search answered from the shared results
        assert await b.push(ctx_b) == 0  # nothing new to share
        assert await b.pull(ctx_b) == 0  # the cursor is past what it read
        keys = [k async for k in redis.scan_iter(Keys("t").names("*"))]
        assert len(keys) == 1 and await redis.ttl(keys[0]) > 0

    asyncio.run(run())


def test_a_new_list_version_reads_its_own_stream_from_the_start(
    contexts: tuple[ScreeningContext, ScreeningContext],
) -> None:
    async def run() -> None:
        redis = fakeredis.aioredis.FakeRedis()
        ctx, _ = contexts
        newer = ScreeningContext(NameIndex(ctx.index._entities), {**ctx.list_versions, "un_sc": "next"}, ctx.rules)
        writer, reader = SharedNames(redis, _settings(), "w"), SharedNames(redis, _settings(), "r")
        ctx.index.fresh_results()
        ctx.index.search("Some Trading Partner Ltd", limit=3)
        newer.index.search("Another Trading Partner Ltd", limit=3)
        assert await writer.push(ctx) == 1
        assert await writer.push(newer) == 1
        assert writer.key_for(ctx) != writer.key_for(newer)
        other = ScreeningContext(NameIndex(ctx.index._entities), newer.list_versions, ctx.rules)  # another worker
        assert await reader.pull(other) == 1  # only this version's result: the other is in another stream
        key = ("Another Trading Partner Ltd", None, None, None, 3, other.index.thresholds.review)
        assert key in other.index.cache.results

    asyncio.run(run())


def test_redis_down_screens_alone(contexts: tuple[ScreeningContext, ScreeningContext], caplog: Any) -> None:
    async def run() -> None:
        dead = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
        ctx, _ = contexts
        names = SharedNames(dead, _settings())
        ctx.index.search("Yet Another Partner Ltd", limit=3)
        assert await names.pull(ctx) == 0
        assert await names.push(ctx) == 0
        await dead.aclose()

    asyncio.run(run())
    assert "searching alone" in caplog.text


def test_off_when_disabled_or_without_a_cache(contexts: tuple[ScreeningContext, ScreeningContext]) -> None:
    redis = fakeredis.aioredis.FakeRedis()
    assert not SharedNames(redis, _settings(shared_name_cache=False)).enabled
    assert not SharedNames(redis, _settings(name_cache_size=0)).enabled
    assert isinstance(contexts[0].index.search("XPCC", limit=3)[0], Match)
