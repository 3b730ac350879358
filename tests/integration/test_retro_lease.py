"""The retro-screen lease on a real redis-server: one holder at a time, renewed only by its holder,
taken over once it lapses, and never again once the scan is done and the retro baseline moved to its
version (Lua scripts need a real Redis)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from stores.retro import RetroStore
from streams.security import async_redis
from tests.integration.conftest import Stack

pytestmark = pytest.mark.integration


async def test_retro_lease_has_one_holder_and_lapses(stack: Stack) -> None:
    r = async_redis(stack.settings)
    retro = RetroStore(r, f"lease-{uuid.uuid4().hex[:8]}")
    try:
        assert await retro.claim_retro("uflpa", "v2", "worker-a", 0.5)
        assert not await retro.claim_retro("uflpa", "v2", "worker-b", 0.5)  # held by a
        assert await retro.claim_retro("uflpa", "v3", "worker-b", 0.5)  # another version is another job
        assert not await retro.renew_retro("uflpa", "v2", "worker-b", 5.0)  # only the holder renews
        assert await retro.renew_retro("uflpa", "v2", "worker-a", 0.5)

        await asyncio.sleep(0.8)  # a stops renewing: its lease lapses and b takes the scan over
        assert await retro.claim_retro("uflpa", "v2", "worker-b", 5.0)
        assert not await retro.renew_retro("uflpa", "v2", "worker-a", 5.0)
        assert not await retro.retro_is_done("uflpa", "v2")
        await retro.release_retro("uflpa", "v2", "worker-a")  # not a's any more: b keeps it
        assert not await retro.claim_retro("uflpa", "v2", "worker-a", 5.0)
        await retro.release_retro("uflpa", "v3", "worker-b")  # b's scan of v3 failed: free at once
        assert await retro.claim_retro("uflpa", "v3", "worker-a", 5.0)

        await r.set(retro.keys.live("uflpa"), "v2")
        assert await retro.finish_retro("uflpa", "v2", "worker-b", {"uflpa:1": "fp1"})
        assert await retro.retro_is_done("uflpa", "v2")
        assert await retro.retro_baselines() == {"uflpa": "v2"}
        assert await retro.retro_baseline_fps("uflpa", "v2") == {"uflpa:1": "fp1"}
        assert not await r.exists(retro.keys.retro_lock("uflpa", "v2"))  # released
        assert not await retro.claim_retro("uflpa", "v2", "worker-a", 5.0)  # done: nobody runs it again

        # v3 is not live: its scan finishing leaves the baseline (the live version's scan covers v3)
        assert not await retro.finish_retro("uflpa", "v3", "worker-a", {"uflpa:1": "fp1"})
        assert not await retro.retro_is_done("uflpa", "v3")
        assert not await r.exists(retro.keys.retro_lock("uflpa", "v3"))  # released all the same
        assert await retro.retro_baselines() == {"uflpa": "v2"}

        await retro.record_last("uflpa", {"source": "uflpa", "scanned": 3})
        assert json.loads(await r.get(retro.keys.retro_last("uflpa"))) == {"source": "uflpa", "scanned": 3}
    finally:
        await r.aclose()
