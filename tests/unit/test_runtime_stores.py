"""The runtime builds its Redis stores once per client (the audit and retro stores register Lua scripts),
not on every access, and builds them again only when the client is replaced."""

from __future__ import annotations

import fakeredis.aioredis

from streams.runtime import Runtime
from streams.settings import Settings


async def test_stores_are_built_once_per_client() -> None:
    client = fakeredis.aioredis.FakeRedis()
    rt = Runtime(Settings(kafka_bootstrap="127.0.0.1:1"), client)
    first = rt.stores
    assert rt.audit is rt.audit is first.audit and rt.store is rt.store is first.lists
    assert rt.entries is first.entries and rt.retro is first.retro
    assert {id(s.r) for s in (rt.audit, rt.store, rt.entries, rt.retro)} == {id(client)}

    await rt.close()  # a closed runtime opens a new client on next use, with stores of its own
    assert rt.redis is not client
    assert rt.stores is not first and rt.audit.r is rt.redis and rt.audit is rt.audit
    await rt.close()
