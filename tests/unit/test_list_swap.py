"""Hot swap: screening keeps running while list versions change, and every decision is screened
against exactly one version of each list (never a mix, never a half-loaded one)."""

from __future__ import annotations

import asyncio

import fakeredis
import fakeredis.aioredis

from screening.entities import Entity, EntityName, ListSnapshot
from screening.entry import parse_entry
from screening.screen import screen_entry
from stores.keys import Keys
from stores.lists import rollback, save_snapshot
from streams.runtime import Runtime
from streams.settings import Settings

NAMES = {"v1": "Alpha Polysilicon Materials Co., Ltd.", "v2": "Beta Cotton Spinning Mills Co., Ltd."}


def version(v: str, filler: int = 2000) -> ListSnapshot:
    listed = Entity(f"uflpa:{v}", "uflpa", "UFLPA Entity List", v, "organization", (EntityName(NAMES[v]),))
    others = tuple(
        Entity(
            f"uflpa:f{i}",
            "uflpa",
            "UFLPA Entity List",
            v,
            "organization",
            (EntityName(f"Filler Trading {i} Ltd"),),
        )
        for i in range(filler)
    )
    return ListSnapshot("uflpa", v, (listed, *others), None, v)


async def test_swap_under_concurrent_screening() -> None:
    server = fakeredis.FakeServer()
    sync = fakeredis.FakeRedis(server=server)
    keys = Keys()
    save_snapshot(sync, version("v1"), keys)
    save_snapshot(sync, version("v2"), keys)
    rollback(sync, keys, "uflpa", to="v1")
    rt = Runtime(Settings(kafka_bootstrap="127.0.0.1:1"), fakeredis.aioredis.FakeRedis(server=server))
    await rt.reload_lists()
    entry = parse_entry(
        {
            "entry_number": "SWAP-1",
            "parties": {"manufacturer": {"name": NAMES["v1"]}, "seller": {"name": NAMES["v2"]}},
        }
    )

    seen: dict[str, int] = {"v1": 0, "v2": 0}
    stop = asyncio.Event()

    async def screening() -> None:
        while not stop.is_set():
            ctx = await rt.lists.current()
            decision = screen_entry(entry, ctx)
            live = decision.list_versions["uflpa"]
            assert decision.decision == "HOLD"
            assert {r.list_version for r in decision.reasons} == {live}, decision.reasons
            assert [r.party_role for r in decision.reasons] == ["manufacturer" if live == "v1" else "seller"]
            seen[live] += 1
            await asyncio.sleep(0)

    async def swapping() -> None:
        for i in range(6):
            rollback(sync, keys, "uflpa", to="v2" if i % 2 == 0 else "v1")
            assert await rt.reload_lists()
            await asyncio.sleep(0.01)
        stop.set()

    await asyncio.wait_for(asyncio.gather(screening(), swapping()), timeout=120)
    assert seen["v1"] > 0 and seen["v2"] > 0
